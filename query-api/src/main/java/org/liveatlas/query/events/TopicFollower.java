package org.liveatlas.query.events;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Follows one Kafka topic without a consumer group (every API instance sees every event), from its start
 * or from its end at the time the follower starts, handing each poll's records to a handler in its own
 * daemon thread. Kafka being away only delays events: the follower reconnects every 5 s and resumes where
 * it was (a reconnect after the first assignment never skips records).
 */
public final class TopicFollower {
    private static final Logger LOG = Logger.getLogger(TopicFollower.class);

    /** Where a new follower begins. */
    public enum Start {
        BEGINNING,
        END
    }

    private final String bootstrap;
    private final String topic;
    private final Start start;
    private final Consumer<List<ConsumerRecord<String, String>>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private java.util.Map<TopicPartition, Long> positions;

    public TopicFollower(
            String bootstrap, String topic, Start start, Consumer<List<ConsumerRecord<String, String>>> handler) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.start = start;
        this.handler = handler;
        this.thread = new Thread(this::run, "follow-" + topic);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        String lastError = null;
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(properties())) {
                consumer = c;
                List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (parts == null || parts.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist yet");
                }
                List<TopicPartition> tps = parts.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                c.assign(tps);
                if (positions != null) {
                    positions.forEach(c::seek);
                } else if (start == Start.END) {
                    c.seekToEnd(tps);
                    positions = new java.util.HashMap<>();
                    for (TopicPartition tp : tps) {
                        positions.put(tp, c.position(tp));
                    }
                } else {
                    c.seekToBeginning(tps);
                }
                LOG.infof("following %s at %s", topic, bootstrap);
                lastError = null;
                while (running) {
                    ConsumerRecords<String, String> records = c.poll(Duration.ofSeconds(1));
                    if (!records.isEmpty()) {
                        List<ConsumerRecord<String, String>> list = new java.util.ArrayList<>();
                        records.forEach(list::add);
                        handler.accept(list);
                    }
                    if (positions == null) {
                        positions = new java.util.HashMap<>();
                    }
                    for (TopicPartition tp : tps) {
                        positions.put(tp, c.position(tp));
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!String.valueOf(e.getMessage()).equals(lastError)) {
                    LOG.warnf("cannot follow %s at %s (retrying every 5 s): %s", topic, bootstrap, e.getMessage());
                    lastError = String.valueOf(e.getMessage());
                }
                sleep();
            } finally {
                consumer = null;
            }
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "liveatlas-query-api");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private void sleep() {
        try {
            for (int i = 0; i < 50 && running; i++) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public void close() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
