package org.liveatlas.infra.stack;

/** The servers of the LiveAtlas stack and the platform apps running on them, in start order. */
public enum ServiceName {
    KAFKA("kafka", "Kafka broker (KRaft)"),
    S3("s3", "S3 object store"),
    OPENSEARCH("opensearch", "OpenSearch with k-NN"),
    FLINK("flink", "Flink session cluster"),
    INGEST("ingest", "Ingest service"),
    TRAINER("trainer", "Trainer service"),
    QUERY_API("query-api", "Query API and dashboard");

    private final String id;
    private final String title;

    ServiceName(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** Short lower-case id, used for folders, log files and configuration keys. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** True for a platform app (started from its module's build), false for a server. */
    public boolean isApp() {
        return this == INGEST || this == TRAINER || this == QUERY_API;
    }
}
