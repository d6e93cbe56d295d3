package org.liveatlas.ingest;

import java.util.Locale;

/**
 * Every configuration key of the ingest service with its default. A key {@code atlas.s3.endpoint} is read from
 * the Java system property or properties file entry of that name, else from the environment variable
 * {@code ATLAS_S3_ENDPOINT}, else the default.
 */
public enum ConfigKey {
    KAFKA_BOOTSTRAP("atlas.kafka.bootstrap", "127.0.0.1:9092", "Kafka bootstrap servers"),
    S3_ENDPOINT("atlas.s3.endpoint", "http://127.0.0.1:9000", "S3 (MinIO, S3Proxy) endpoint URL"),
    S3_ACCESS_KEY("atlas.s3.access-key", "atlas", "S3 access key; set it from the environment in production"),
    S3_SECRET_KEY(
            "atlas.s3.secret-key", "atlas-local-secret", "S3 secret key; set it from the environment in production"),
    S3_REGION("atlas.s3.region", "us-east-1", "S3 region"),
    S3_BUCKET("atlas.s3.bucket", "atlas", "bucket holding deposits/, quarantine/ and models/"),
    TOPIC_DEPOSITS(
            "atlas.topics.deposits", "atlas.deposits", "topic for StudyDeposited and StudyWithdrawn; also the ledger"),
    TOPIC_DLQ("atlas.topics.dlq", "atlas.deposits.dlq", "dead-letter topic (DeadLetter envelopes)"),
    TOPIC_STATUS("atlas.topics.study-status", "atlas.study-status", "compacted StudyStatus topic"),
    TOPIC_S3_EVENTS("atlas.topics.s3-events", "atlas.s3-events", "raw MinIO bucket notification topic"),
    TRIGGER("atlas.ingest.trigger", "scanner", "scanner, notifications or both"),
    SCAN_INTERVAL("atlas.ingest.scan-interval", "5s", "pause between two scans of deposits/"),
    INCOMPLETE_TIMEOUT(
            "atlas.ingest.incomplete-timeout",
            "1h",
            "data files without a study.json for this long are quarantined as incomplete"),
    MAX_FILE_SIZE("atlas.ingest.max-file-size", "50GiB", "largest accepted data file"),
    MAX_DEPOSIT_SIZE("atlas.ingest.max-deposit-size", "200GiB", "largest accepted deposit (all files)"),
    MAX_STUDY_JSON_SIZE("atlas.ingest.max-study-json-size", "1MiB", "largest accepted study.json"),
    BRIDGE_GROUP("atlas.ingest.bridge-group", "atlas-ingest-bridge", "consumer group of the notification bridge"),
    CLIENT_ID("atlas.ingest.client-id", "atlas-ingest", "Kafka client id prefix");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The environment variable read when the property is absent, e.g. {@code ATLAS_S3_ENDPOINT}. */
    public String envName() {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
