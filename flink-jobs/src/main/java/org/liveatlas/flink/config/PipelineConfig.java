package org.liveatlas.flink.config;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.configuration.Configuration;
import org.liveatlas.core.encoder.DeviceOption;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.flink.opensearch.OpenSearchEndpoint;
import org.liveatlas.flink.opensearch.RetryPolicy;
import org.liveatlas.flink.opensearch.VectorEncoder;
import org.liveatlas.flink.store.S3Location;
import org.liveatlas.schemas.index.KnnEngine;
import org.liveatlas.schemas.index.KnnSettings;

/**
 * The validated configuration of the indexing jobs (see {@link PipelineOptions} for every key and default).
 * Serialisable: operators receive it whole. Validation happens here, at start-up, so that a wrong value fails
 * the submission with the key named rather than a task at run time.
 */
public record PipelineConfig(
        String kafkaBootstrap,
        String depositsTopic,
        String statusTopic,
        String modelsTopic,
        String dlqTopic,
        String consumerGroup,
        S3Location s3,
        OpenSearchEndpoint openSearch,
        String indexPrefix,
        KnnEngine knnEngine,
        int hnswM,
        int hnswEfConstruction,
        int bulkActions,
        int sinkMaxRetries,
        String modelDir,
        DeviceOption device,
        int embedBatchSize,
        int embedThreads,
        int chunkRows,
        int minSharedGenes,
        int qcMinGenes,
        long qcMinCounts,
        double qcMaxMito,
        int voteK,
        int annotateBatch,
        long annotateExactMax,
        String workDir,
        Duration checkpointInterval,
        int parallelism,
        FlinkMode flinkMode,
        String flinkRestUrl,
        String jobJar,
        Duration reindexRetain,
        VectorEncoder knnEncoder)
        implements Serializable {

    public PipelineConfig {
        requireText(kafkaBootstrap, PipelineOptions.KAFKA_BOOTSTRAP.key());
        requireText(depositsTopic, PipelineOptions.DEPOSITS_TOPIC.key());
        requireText(statusTopic, PipelineOptions.STATUS_TOPIC.key());
        requireText(modelsTopic, PipelineOptions.MODELS_TOPIC.key());
        requireText(dlqTopic, PipelineOptions.DLQ_TOPIC.key());
        requireText(consumerGroup, PipelineOptions.CONSUMER_GROUP.key());
        Objects.requireNonNull(s3, "S3 location");
        Objects.requireNonNull(openSearch, "OpenSearch endpoint");
        Objects.requireNonNull(indexPrefix, PipelineOptions.INDEX_PREFIX.key());
        Objects.requireNonNull(knnEngine, PipelineOptions.KNN_ENGINE.key());
        new KnnSettings(128, knnEngine, hnswM, hnswEfConstruction, 1, 0); // checks m and ef_construction
        positive(bulkActions, PipelineOptions.BULK_ACTIONS.key());
        if (sinkMaxRetries < 0) {
            throw new IllegalArgumentException(
                    PipelineOptions.SINK_MAX_RETRIES.key() + " must be >= 0, got " + sinkMaxRetries);
        }
        if (modelDir != null && !Files.isDirectory(Path.of(modelDir))) {
            throw new IllegalArgumentException(PipelineOptions.MODEL_DIR.key() + " '" + modelDir
                    + "' is not a folder; give a model folder in the registry or SCimilarity format");
        }
        Objects.requireNonNull(device, PipelineOptions.DEVICE.key());
        positive(embedBatchSize, PipelineOptions.EMBED_BATCH.key());
        positive(embedThreads, PipelineOptions.EMBED_THREADS.key());
        positive(chunkRows, PipelineOptions.CHUNK_ROWS.key());
        positive(minSharedGenes, PipelineOptions.MIN_SHARED_GENES.key());
        new QcThresholds(qcMinGenes, qcMinCounts, qcMaxMito); // checks the ranges
        positive(voteK, PipelineOptions.VOTE_K.key());
        positive(annotateBatch, PipelineOptions.ANNOTATE_BATCH.key());
        if (annotateExactMax < 0) {
            throw new IllegalArgumentException(
                    PipelineOptions.ANNOTATE_EXACT_MAX.key() + " must be >= 0, got " + annotateExactMax);
        }
        requireText(workDir, PipelineOptions.WORK_DIR.key());
        Objects.requireNonNull(checkpointInterval, PipelineOptions.CHECKPOINT_INTERVAL.key());
        if (checkpointInterval.toMillis() < 10) {
            throw new IllegalArgumentException(
                    PipelineOptions.CHECKPOINT_INTERVAL.key() + " must be at least 10 ms, got " + checkpointInterval);
        }
        positive(parallelism, PipelineOptions.PARALLELISM.key());
        Objects.requireNonNull(flinkMode, PipelineOptions.FLINK_MODE.key());
        requireText(flinkRestUrl, PipelineOptions.FLINK_REST_URL.key());
        Objects.requireNonNull(reindexRetain, PipelineOptions.REINDEX_RETAIN.key());
        Objects.requireNonNull(knnEncoder, PipelineOptions.KNN_ENCODER.key());
        if (reindexRetain.isNegative()) {
            throw new IllegalArgumentException(
                    PipelineOptions.REINDEX_RETAIN.key() + " must not be negative, got " + reindexRetain);
        }
    }

    /** Reads and validates every option from {@code conf}, secrets from {@code env} when not configured. */
    public static PipelineConfig from(Configuration conf, Map<String, String> env) {
        String access = conf.getOptional(PipelineOptions.S3_ACCESS_KEY).orElse(env.get("ATLAS_S3_ACCESS_KEY"));
        String secret = conf.getOptional(PipelineOptions.S3_SECRET_KEY).orElse(env.get("ATLAS_S3_SECRET_KEY"));
        String osUser = conf.getOptional(PipelineOptions.OPENSEARCH_USER).orElse(null);
        String osPassword = osUser == null ? null : env.get("ATLAS_OPENSEARCH_PASSWORD");
        if (osUser != null && osPassword == null) {
            throw new IllegalArgumentException(PipelineOptions.OPENSEARCH_USER.key()
                    + " is set but ATLAS_OPENSEARCH_PASSWORD is not; export the password");
        }
        return new PipelineConfig(
                conf.get(PipelineOptions.KAFKA_BOOTSTRAP),
                conf.get(PipelineOptions.DEPOSITS_TOPIC),
                conf.get(PipelineOptions.STATUS_TOPIC),
                conf.get(PipelineOptions.MODELS_TOPIC),
                conf.get(PipelineOptions.DLQ_TOPIC),
                conf.get(PipelineOptions.CONSUMER_GROUP),
                new S3Location(conf.get(PipelineOptions.S3_ENDPOINT), access, secret, conf.get(PipelineOptions.BUCKET)),
                new OpenSearchEndpoint(conf.get(PipelineOptions.OPENSEARCH_URL), osUser, osPassword),
                conf.get(PipelineOptions.INDEX_PREFIX),
                parseEnum(KnnEngine.class, conf.get(PipelineOptions.KNN_ENGINE), PipelineOptions.KNN_ENGINE.key()),
                conf.get(PipelineOptions.HNSW_M),
                conf.get(PipelineOptions.HNSW_EF_CONSTRUCTION),
                conf.get(PipelineOptions.BULK_ACTIONS),
                conf.get(PipelineOptions.SINK_MAX_RETRIES),
                conf.getOptional(PipelineOptions.MODEL_DIR).orElse(null),
                parseEnum(DeviceOption.class, conf.get(PipelineOptions.DEVICE), PipelineOptions.DEVICE.key()),
                conf.get(PipelineOptions.EMBED_BATCH),
                conf.get(PipelineOptions.EMBED_THREADS),
                conf.get(PipelineOptions.CHUNK_ROWS),
                conf.get(PipelineOptions.MIN_SHARED_GENES),
                conf.get(PipelineOptions.QC_MIN_GENES),
                conf.get(PipelineOptions.QC_MIN_COUNTS),
                conf.get(PipelineOptions.QC_MAX_MITO),
                conf.get(PipelineOptions.VOTE_K),
                conf.get(PipelineOptions.ANNOTATE_BATCH),
                conf.get(PipelineOptions.ANNOTATE_EXACT_MAX),
                conf.get(PipelineOptions.WORK_DIR),
                conf.get(PipelineOptions.CHECKPOINT_INTERVAL),
                conf.get(PipelineOptions.PARALLELISM),
                parseEnum(FlinkMode.class, conf.get(PipelineOptions.FLINK_MODE), PipelineOptions.FLINK_MODE.key()),
                conf.get(PipelineOptions.FLINK_REST_URL),
                conf.getOptional(PipelineOptions.JOB_JAR).orElse(null),
                parseDuration(conf.get(PipelineOptions.REINDEX_RETAIN), PipelineOptions.REINDEX_RETAIN.key()),
                parseEnum(
                        VectorEncoder.class, conf.get(PipelineOptions.KNN_ENCODER), PipelineOptions.KNN_ENCODER.key()));
    }

    /** Parses {@code --key value} arguments (keys from {@link PipelineOptions}) into a Flink configuration. */
    public static Configuration parseArgs(String[] args) {
        java.util.Set<String> known = new java.util.HashSet<>();
        PipelineOptions.all().forEach(o -> known.add(o.key()));
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'; use --key value");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option --" + key + "; known: " + new java.util.TreeSet<>(known));
            }
            values.put(key, value);
        }
        return Configuration.fromMap(values);
    }

    /** The QC limits. */
    public QcThresholds qc() {
        return new QcThresholds(qcMinGenes, qcMinCounts, qcMaxMito);
    }

    /** The vector settings of a new cells index for a model of {@code latent} dimensions. */
    public KnnSettings knn(int latent) {
        return new KnnSettings(latent, knnEngine, hnswM, hnswEfConstruction, 1, 0);
    }

    /** Encoder options: device, batch size, threads. */
    public EncoderOptions encoderOptions() {
        return EncoderOptions.defaults()
                .withDevice(device)
                .withBatchSize(embedBatchSize)
                .withThreads(embedThreads);
    }

    /** The sink's retry policy. */
    public RetryPolicy retryPolicy() {
        return new RetryPolicy(sinkMaxRetries, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String key) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + " '" + value + "' is not one of "
                            + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT),
                    e);
        }
    }

    private static Duration parseDuration(String value, String key) {
        try {
            return Duration.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    key + " '" + value + "' is not an ISO-8601 duration; write e.g. PT24H, P7D or PT30S", e);
        }
    }

    private static void requireText(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
    }

    private static void positive(int value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }

    @Override
    public String toString() {
        return "PipelineConfig[kafka " + kafkaBootstrap + ", " + s3 + ", " + openSearch + ", index prefix '"
                + indexPrefix + "', model dir " + modelDir + ", device " + device + ", flink " + flinkMode + "]";
    }
}
