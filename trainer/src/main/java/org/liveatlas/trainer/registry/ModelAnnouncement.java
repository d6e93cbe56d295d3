package org.liveatlas.trainer.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;

/**
 * Repairs the one gap between the registry and the models topic that a crash can leave: a training writes the
 * new version to the registry (manifest last) and then announces it on the models topic; a trainer killed between
 * the two leaves a published version that the pipeline and the API never hear of. {@link #reconcile}, run when the
 * trainer service starts, announces the registry's current version if the topic does not hold it yet. A version
 * killed before its manifest was written is not a version at all ({@link ModelRegistry#list} skips it).
 */
public final class ModelAnnouncement {
    private ModelAnnouncement() {}

    /**
     * Announces the registry's current model when the models topic lacks it.
     *
     * @return the version announced now, empty when there was nothing to do
     */
    public static Optional<String> reconcile(
            ModelRegistry registry, ModelEvents events, String bootstrap, String topic, Consumer<String> log) {
        Optional<Manifest> current = registry.current();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        String version = current.get().version();
        if (announced(bootstrap, topic).contains(version)) {
            return Optional.empty();
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("announce-" + version);
            ModelFolder model = registry.load(version, dir);
            events.publish(ModelEvents.event(
                    current.get(),
                    model.architecture().latent(),
                    model.geneOrder().size(),
                    Instant.now()));
        } catch (IOException e) {
            throw new TransientException(
                    "model " + version + ": cannot make a temporary folder to read it (" + e.getMessage()
                            + "); check the trainer's disk",
                    e);
        } finally {
            deleteQuietly(dir);
        }
        log.accept("model " + version + " is the registry's current version but was never announced on " + topic
                + " (a training stopped between the registry write and the event); announced it now");
        return Optional.of(version);
    }

    /** Every model version the topic holds, read from its start to its end as of now. */
    static Set<String> announced(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "atlas-trainer-announcements-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> versions = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new TransientException(
                            "reading " + topic + " to its end took over 60 s; check Kafka at " + bootstrap);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                    if (r.key() != null) {
                        versions.add(r.key()); // the models topic is keyed by model version
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new TransientException(
                    "cannot read " + topic + " at " + bootstrap + ": " + e.getMessage() + "; check Kafka", e);
        }
        return versions;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary folder left behind costs disk space only
        }
    }
}
