package org.liveatlas.schemas.topics;

/** Kafka {@code cleanup.policy}: keep the latest record per key, or delete by age. */
public enum CleanupPolicy {
    COMPACT("compact"),
    DELETE("delete");

    private final String kafkaValue;

    CleanupPolicy(String kafkaValue) {
        this.kafkaValue = kafkaValue;
    }

    /** The value of Kafka's {@code cleanup.policy} topic config. */
    public String kafkaValue() {
        return kafkaValue;
    }
}
