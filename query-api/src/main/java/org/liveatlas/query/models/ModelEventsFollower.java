package org.liveatlas.query.models;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;

/**
 * Follows the compacted models topic from its start, without a consumer group (every API instance
 * sees every event), and asks the registry to look again on each valid {@link ModelPublished}.
 * Runs in its own daemon thread; Kafka being away only delays the next event (the registry's own
 * periodic look still finds new versions).
 */
final class ModelEventsFollower {
    private static final Logger LOG = Logger.getLogger(ModelEventsFollower.class);

    private final String bootstrap;
    private final String topic;
    private final Runnable onEvent;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;

    ModelEventsFollower(String bootstrap, String topic, Runnable onEvent) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.onEvent = onEvent;
        this.thread = new Thread(this::run, "model-events");
        this.thread.setDaemon(true);
    }

    void start() {
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
                c.seekToBeginning(tps);
                LOG.infof("following %s at %s", topic, bootstrap);
                lastError = null;
                while (running) {
                    ConsumerRecords<String, String> records = c.poll(Duration.ofSeconds(1));
                    boolean any = false;
                    for (ConsumerRecord<String, String> r : records) {
                        any |= accept(r);
                    }
                    if (any) {
                        onEvent.run();
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

    private boolean accept(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            return true; // a tombstone: a version was withdrawn
        }
        try {
            ModelPublished p = Json.mapper().readValue(r.value(), ModelPublished.class);
            LOG.infof("ModelPublished %s (%s)", p.modelVersion(), p.location());
            return true;
        } catch (Exception e) {
            LOG.warnf("ignoring a malformed ModelPublished under key %s: %s", r.key(), e.getMessage());
            return false;
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

    void close() {
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
