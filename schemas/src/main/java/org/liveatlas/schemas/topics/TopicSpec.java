package org.liveatlas.schemas.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.liveatlas.schemas.Contract;

/**
 * One Kafka topic of the platform.
 *
 * @param name topic name
 * @param keyMeaning what the record key is (e.g. "study id")
 * @param partitions partition count at creation
 * @param cleanup compaction or age-based deletion
 * @param retention how long records are kept; empty means forever
 * @param valueContract contract of the record values; empty for foreign formats (MinIO's notifications)
 */
public record TopicSpec(
        String name,
        String keyMeaning,
        int partitions,
        CleanupPolicy cleanup,
        Optional<Duration> retention,
        Optional<Contract> valueContract) {

    public TopicSpec {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("topic name '" + name + "' is not a legal Kafka topic name");
        }
        Objects.requireNonNull(keyMeaning, "keyMeaning");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
        }
        Objects.requireNonNull(cleanup, "cleanup");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(valueContract, "valueContract");
    }

    /** The same topic under another name (tests give each class its own topics). */
    public TopicSpec withName(String newName) {
        return new TopicSpec(newName, keyMeaning, partitions, cleanup, retention, valueContract);
    }

    /** Topic configs to pass to {@code Admin.createTopics}: cleanup policy and retention. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanup.kafkaValue());
        configs.put(
                "retention.ms", retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        return Map.copyOf(configs);
    }
}
