package org.liveatlas.infra.stack;

/**
 * Every configuration key of the stack, with its default and meaning: the one documented list.
 *
 * <p>A key is read, in order of precedence, from a command-line override, the environment variable
 * {@link #envName()} (e.g. {@code ATLAS_KAFKA_BOOTSTRAP}), the properties file, then the default.
 * Setting an {@code *.bootstrap}, {@code *.endpoint} or {@code *.url} key makes that service external:
 * the launcher then only checks it and never starts or stops it.
 */
public enum StackKey {
    DATA_DIR("atlas.data-dir", ".atlas", "folder holding every embedded service's data and logs"),
    HOST("atlas.host", "127.0.0.1", "address the embedded services bind to"),
    START_TIMEOUT("atlas.start-timeout-seconds", "180", "how long to wait for a service to become healthy"),
    STOP_TIMEOUT("atlas.stop-timeout-seconds", "30", "how long a graceful stop may take before a forced kill"),
    APPS(
            "atlas.apps",
            "ingest,trainer,query-api",
            "platform apps that up runs beside the servers, comma-separated (ingest, trainer, query-api); empty for"
                    + " none"),
    API_PORT("atlas.api.port", "8090", "HTTP port of the query API and dashboard"),
    API_HEAP(
            "atlas.api.heap",
            "768m",
            "query API JVM heap; it holds the labelled reference in memory, about 0.55 KB per reference cell (0.9 KB"
                    + " above 200,000 cells, with the HNSW graph)"),
    API_ANONYMOUS_ACCESS(
            "atlas.api.anonymous-access",
            "true",
            "serve the API without a key (public studies only); set false and configure keys outside a laptop"),
    API_EXPRESSION_MAX_CELLS(
            "atlas.api.expression.max-cells",
            "20000",
            "most cells one expression request (POST /v1/cells/expression) may ask for; the API holds their counts in"
                    + " memory while it writes the answer, about 8 bytes per stored count"),
    MIN_SHARED_GENES(
            "atlas.min-shared-genes",
            "1000",
            "genes a study or an upload must share with the model (pipeline, trainer and API alike)"),
    DEMO(
            "atlas.demo",
            "auto",
            "auto: the first up on an empty data folder seeds the demo atlas; off: never (up --demo forces it)"),

    KAFKA_BOOTSTRAP("atlas.kafka.bootstrap", "", "external Kafka bootstrap servers; empty = embedded broker"),
    KAFKA_PORT("atlas.kafka.port", "9092", "embedded Kafka client port"),
    KAFKA_CONTROLLER_PORT("atlas.kafka.controller-port", "9093", "embedded Kafka KRaft controller port"),
    KAFKA_HEAP("atlas.kafka.heap", "512m", "embedded Kafka JVM heap"),

    S3_ENDPOINT("atlas.s3.endpoint", "", "external S3 endpoint (e.g. MinIO); empty = embedded S3Proxy"),
    S3_PORT("atlas.s3.port", "9000", "embedded S3 port"),
    S3_ACCESS_KEY("atlas.s3.access-key", "atlas", "S3 access key (embedded default is for local use only)"),
    S3_SECRET_KEY("atlas.s3.secret-key", "atlas-local-secret", "S3 secret key; set ATLAS_S3_SECRET_KEY in production"),
    S3_BUCKET("atlas.s3.bucket", "atlas", "bucket holding deposits, quarantine and models"),
    S3_HEAP("atlas.s3.heap", "256m", "embedded S3Proxy JVM heap"),

    OPENSEARCH_URL("atlas.opensearch.url", "", "external OpenSearch URL; empty = embedded node"),
    OPENSEARCH_PORT("atlas.opensearch.port", "9200", "embedded OpenSearch HTTP port"),
    OPENSEARCH_TRANSPORT_PORT("atlas.opensearch.transport-port", "9300", "embedded OpenSearch transport port"),
    OPENSEARCH_HEAP("atlas.opensearch.heap", "512m", "embedded OpenSearch JVM heap"),
    OPENSEARCH_RUN_AS_UID(
            "atlas.opensearch.run-as-uid",
            "65534",
            "uid (and gid) for the OpenSearch JVM when the launcher runs as root"),

    FLINK_MODE("atlas.flink.mode", "embedded", "embedded (a MiniCluster in its own JVM) or cluster (existing cluster)"),
    FLINK_REST_URL("atlas.flink.rest-url", "", "REST URL of an existing Flink cluster (mode cluster)"),
    FLINK_PORT("atlas.flink.port", "8081", "embedded Flink REST port"),
    FLINK_SLOTS("atlas.flink.slots", "4", "task slots of the embedded Flink cluster"),
    FLINK_HEAP("atlas.flink.heap", "1536m", "embedded Flink JVM heap"),
    FLINK_JOBS(
            "atlas.flink.jobs",
            "true",
            "true: up submits IndexStudyJob and ReindexJob to the Flink cluster unless they already run; false: not");

    private final String key;
    private final String defaultValue;
    private final String description;

    StackKey(String key, String defaultValue, String description) {
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

    /** The key with this name, if any. */
    public static java.util.Optional<StackKey> valueOfKey(String key) {
        for (StackKey k : values()) {
            if (k.key.equals(key)) {
                return java.util.Optional.of(k);
            }
        }
        return java.util.Optional.empty();
    }

    /** All key names, comma-separated, for error messages. */
    public static String knownKeys() {
        return java.util.Arrays.stream(values()).map(StackKey::key).collect(java.util.stream.Collectors.joining(", "));
    }

    /** The environment variable for this key: {@code atlas.kafka.port} is {@code ATLAS_KAFKA_PORT}. */
    public String envName() {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
