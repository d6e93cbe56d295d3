package org.liveatlas.schemas.topics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.liveatlas.schemas.Contract;

/** Every Kafka topic of the platform, in one place; the launcher creates them from {@link #all()}. */
public final class Topics {
    /**
     * StudyDeposited and StudyWithdrawn, keyed by study id. Kept forever: it is the ledger the ingest service
     * reads back on start to know which deposit versions it already announced.
     */
    public static final TopicSpec DEPOSITS = new TopicSpec(
            "atlas.deposits",
            "study id",
            3,
            CleanupPolicy.DELETE,
            Optional.empty(),
            Optional.of(Contract.STUDY_DEPOSITED));

    /** DeadLetter envelopes of inputs that failed for good, keyed by study id; kept 30 days. */
    public static final TopicSpec DEPOSITS_DLQ = new TopicSpec(
            "atlas.deposits.dlq",
            "study id",
            1,
            CleanupPolicy.DELETE,
            Optional.of(Duration.ofDays(30)),
            Optional.of(Contract.DEAD_LETTER));

    /** StudyStatus, keyed by study id; compacted so the latest status of every study is always there. */
    public static final TopicSpec STUDY_STATUS = new TopicSpec(
            "atlas.study-status",
            "study id",
            3,
            CleanupPolicy.COMPACT,
            Optional.empty(),
            Optional.of(Contract.STUDY_STATUS));

    /** ModelPublished, keyed by model version; compacted. */
    public static final TopicSpec MODELS = new TopicSpec(
            "atlas.models",
            "model version",
            1,
            CleanupPolicy.COMPACT,
            Optional.empty(),
            Optional.of(Contract.MODEL_PUBLISHED));

    /**
     * MinIO bucket notifications (S3 event JSON, MinIO's format), keyed by {@code <bucket>/<object key>} as MinIO
     * sends them; kept 7 days, which bounds how long the bridge may be down without a rescan.
     */
    public static final TopicSpec S3_EVENTS = new TopicSpec(
            "atlas.s3-events",
            "bucket/object key",
            1,
            CleanupPolicy.DELETE,
            Optional.of(Duration.ofDays(7)),
            Optional.empty());

    private Topics() {}

    /** All topics, in creation order. */
    public static List<TopicSpec> all() {
        return List.of(DEPOSITS, DEPOSITS_DLQ, STUDY_STATUS, MODELS, S3_EVENTS);
    }
}
