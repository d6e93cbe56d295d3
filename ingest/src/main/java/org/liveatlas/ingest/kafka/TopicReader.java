package org.liveatlas.ingest.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.TransientException;

/**
 * Reads a whole topic by assignment (no consumer group), from the beginning, and then incrementally up to the
 * end offsets seen at each call. Not thread-safe.
 */
public final class TopicReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final Duration timeout;
    private List<TopicPartition> partitions;

    public TopicReader(Properties readerProperties, String topic, Duration timeout) {
        this.consumer = new KafkaConsumer<>(readerProperties);
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Delivers every record up to the current end of the topic; blocks until there or throws on timeout. */
    public void catchUp(Consumer<ConsumerRecord<String, String>> sink) {
        if (partitions == null) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AtlasException(
                        "Kafka topic " + topic + " does not exist; create it (atlas up creates the platform topics)");
            }
            partitions = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Instant deadline = Instant.now().plus(timeout);
        while (!reached(end)) {
            if (Instant.now().isAfter(deadline)) {
                throw new TransientException("reading topic " + topic + " back did not reach its end offsets " + end
                        + " within " + timeout + "; is Kafka overloaded?");
            }
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                sink.accept(record);
            }
        }
    }

    /** Skips everything already in the topic: later reads deliver only records written from now on. */
    public void skipToEnd() {
        assign(false);
        consumer.seekToEnd(partitions);
        for (TopicPartition partition : partitions) {
            consumer.position(partition, timeout); // resolve the lazy seek now, before anything new is written
        }
    }

    private void assign(boolean fromBeginning) {
        if (partitions != null) {
            return;
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new AtlasException(
                    "Kafka topic " + topic + " does not exist; create it (atlas up creates the platform topics)");
        }
        partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        }
    }

    /** Polls once and delivers what arrived, without waiting for the end (for following a topic). */
    public void pollOnce(Duration wait, Consumer<ConsumerRecord<String, String>> sink) {
        for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
            sink.accept(record);
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
