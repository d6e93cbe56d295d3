package org.liveatlas.flink.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.liveatlas.schemas.index.KnnSettings;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.topics.Topics;

/**
 * Every configuration key of the LiveAtlas Flink jobs, typed, with its default and meaning; {@link
 * PipelineConfig#from} reads and validates them. Keys are given as {@code --key value} arguments to a job's
 * {@code main} or set in a Flink configuration; secrets come from the environment ({@code
 * ATLAS_S3_ACCESS_KEY}, {@code ATLAS_S3_SECRET_KEY}, {@code ATLAS_OPENSEARCH_PASSWORD}).
 */
public final class PipelineOptions {
    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("atlas.kafka.bootstrap")
            .stringType()
            .defaultValue("127.0.0.1:9092")
            .withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> DEPOSITS_TOPIC = ConfigOptions.key("atlas.topic.deposits")
            .stringType()
            .defaultValue(Topics.DEPOSITS.name())
            .withDescription("StudyDeposited / StudyWithdrawn events.");
    public static final ConfigOption<String> STATUS_TOPIC = ConfigOptions.key("atlas.topic.study-status")
            .stringType()
            .defaultValue(Topics.STUDY_STATUS.name())
            .withDescription("Where StudyStatus events go.");
    public static final ConfigOption<String> MODELS_TOPIC = ConfigOptions.key("atlas.topic.models")
            .stringType()
            .defaultValue(Topics.MODELS.name())
            .withDescription("ModelPublished events (broadcast to every task).");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("atlas.topic.dlq")
            .stringType()
            .defaultValue(Topics.DEPOSITS_DLQ.name())
            .withDescription("DeadLetter envelopes of rejected studies.");
    public static final ConfigOption<String> CONSUMER_GROUP = ConfigOptions.key("atlas.kafka.group")
            .stringType()
            .defaultValue("liveatlas-index-study")
            .withDescription("Kafka consumer group (offsets live in Flink checkpoints; the group is for monitoring).");

    public static final ConfigOption<String> S3_ENDPOINT = ConfigOptions.key("atlas.s3.endpoint")
            .stringType()
            .defaultValue("http://127.0.0.1:9000")
            .withDescription("S3 (MinIO / S3Proxy) endpoint.");
    public static final ConfigOption<String> S3_ACCESS_KEY = ConfigOptions.key("atlas.s3.access-key")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 access key; defaults to the environment variable ATLAS_S3_ACCESS_KEY.");
    public static final ConfigOption<String> S3_SECRET_KEY = ConfigOptions.key("atlas.s3.secret-key")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 secret key; defaults to the environment variable ATLAS_S3_SECRET_KEY.");
    public static final ConfigOption<String> BUCKET = ConfigOptions.key("atlas.s3.bucket")
            .stringType()
            .defaultValue(ObjectLayout.DEFAULT_BUCKET)
            .withDescription("Bucket holding deposits/ and models/.");

    public static final ConfigOption<String> OPENSEARCH_URL = ConfigOptions.key("atlas.opensearch.url")
            .stringType()
            .defaultValue("http://127.0.0.1:9200")
            .withDescription("OpenSearch base URL.");
    public static final ConfigOption<String> OPENSEARCH_USER = ConfigOptions.key("atlas.opensearch.username")
            .stringType()
            .noDefaultValue()
            .withDescription("OpenSearch user (password from ATLAS_OPENSEARCH_PASSWORD); none by default.");
    public static final ConfigOption<String> INDEX_PREFIX = ConfigOptions.key("atlas.index.prefix")
            .stringType()
            .defaultValue("")
            .withDescription("Prefix of the cells-<model> indexes, the cells alias and the studies index.");
    public static final ConfigOption<String> KNN_ENGINE = ConfigOptions.key("atlas.index.knn-engine")
            .stringType()
            .defaultValue("lucene")
            .withDescription("k-NN engine of new cells indexes: lucene (embedded), faiss or nmslib.");
    public static final ConfigOption<Integer> HNSW_M = ConfigOptions.key("atlas.index.hnsw-m")
            .intType()
            .defaultValue(KnnSettings.DEFAULT_M)
            .withDescription("HNSW graph degree of new cells indexes.");
    public static final ConfigOption<Integer> HNSW_EF_CONSTRUCTION = ConfigOptions.key(
                    "atlas.index.hnsw-ef-construction")
            .intType()
            .defaultValue(KnnSettings.DEFAULT_EF_CONSTRUCTION)
            .withDescription("HNSW build-time candidate list of new cells indexes.");
    public static final ConfigOption<String> KNN_ENCODER = ConfigOptions.key("atlas.index.knn-encoder")
            .stringType()
            .defaultValue("none")
            .withDescription("Vector storage of new cells indexes: none (float32) or sq (int8 scalar quantisation,"
                    + " Lucene engine).");
    public static final ConfigOption<Integer> BULK_ACTIONS = ConfigOptions.key("atlas.sink.bulk-actions")
            .intType()
            .defaultValue(1000)
            .withDescription("Documents per bulk request (also the most a sink buffers).");
    public static final ConfigOption<Integer> SINK_MAX_RETRIES = ConfigOptions.key("atlas.sink.max-retries")
            .intType()
            .defaultValue(8)
            .withDescription("Retries of a transient bulk failure (backoff 200 ms doubling to 10 s).");

    public static final ConfigOption<String> MODEL_DIR = ConfigOptions.key("atlas.model.dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Local model folder used until a ModelPublished event names one in the store.");
    public static final ConfigOption<String> DEVICE = ConfigOptions.key("atlas.model.device")
            .stringType()
            .defaultValue("cpu")
            .withDescription("Where to embed: cpu, gpu (CUDA task managers) or auto.");
    public static final ConfigOption<Integer> EMBED_BATCH = ConfigOptions.key("atlas.model.batch-size")
            .intType()
            .defaultValue(1024)
            .withDescription("Cells per forward pass.");
    public static final ConfigOption<Integer> EMBED_THREADS = ConfigOptions.key("atlas.model.threads")
            .intType()
            .defaultValue(Runtime.getRuntime().availableProcessors())
            .withDescription("CPU threads of the encoder (PyTorch's pool is global to the JVM).");
    public static final ConfigOption<Integer> CHUNK_ROWS = ConfigOptions.key("atlas.study.chunk-rows")
            .intType()
            .defaultValue(1024)
            .withDescription("Cells read, QC'd and embedded per chunk (bounds memory per study).");
    public static final ConfigOption<Integer> MIN_SHARED_GENES = ConfigOptions.key("atlas.study.min-shared-genes")
            .intType()
            .defaultValue(5000)
            .withDescription("Fewer genes shared with the model quarantines a study.");
    public static final ConfigOption<Integer> QC_MIN_GENES = ConfigOptions.key("atlas.qc.min-genes")
            .intType()
            .defaultValue(0)
            .withDescription("Cells with fewer detected genes are dropped.");
    public static final ConfigOption<Long> QC_MIN_COUNTS = ConfigOptions.key("atlas.qc.min-counts")
            .longType()
            .defaultValue(0L)
            .withDescription("Cells with fewer total counts are dropped.");
    public static final ConfigOption<Double> QC_MAX_MITO = ConfigOptions.key("atlas.qc.max-mito-fraction")
            .doubleType()
            .defaultValue(1.0)
            .withDescription("Cells with a larger mitochondrial fraction are dropped.");
    public static final ConfigOption<Integer> VOTE_K = ConfigOptions.key("atlas.annotate.k")
            .intType()
            .defaultValue(50)
            .withDescription("Reference neighbours per cell in the annotation vote.");
    public static final ConfigOption<Integer> ANNOTATE_BATCH = ConfigOptions.key("atlas.annotate.batch")
            .intType()
            .defaultValue(128)
            .withDescription("k-NN queries per multi-search request.");
    public static final ConfigOption<Long> ANNOTATE_EXACT_MAX = ConfigOptions.key("atlas.annotate.exact-max")
            .longType()
            .defaultValue(100_000L)
            .withDescription("Up to this many reference cells are voted against exactly in memory (read once per"
                    + " study); beyond it, batched k-NN queries.");
    public static final ConfigOption<String> WORK_DIR = ConfigOptions.key("atlas.work-dir")
            .stringType()
            .defaultValue(System.getProperty("java.io.tmpdir"))
            .withDescription("Local folder where study files and models are downloaded while in use.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("atlas.checkpoint.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; Kafka offsets and sink flushes follow it.");
    public static final ConfigOption<String> CHECKPOINTS_DIR = ConfigOptions.key("atlas.flink.checkpoints-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Folder (local path or file: URI) under which each job keeps its checkpoints"
                    + " (<dir>/<job name>/<job id>/chk-N), retained when the job or the cluster stops; a job submitted"
                    + " again resumes from the newest complete one. Unset: the cluster's checkpoint folder, no resume"
                    + " (Kafka offsets committed at checkpoints still hold).");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("atlas.parallelism")
            .intType()
            .defaultValue(1)
            .withDescription("Parallelism of the indexing operators (each task loads its own model).");
    public static final ConfigOption<String> FLINK_MODE = ConfigOptions.key("atlas.flink.mode")
            .stringType()
            .defaultValue("embedded")
            .withDescription("local (an in-process MiniCluster), embedded (the ./atlas up session cluster) or"
                    + " cluster (any Flink REST endpoint).");
    public static final ConfigOption<String> FLINK_REST_URL = ConfigOptions.key("atlas.flink.rest-url")
            .stringType()
            .defaultValue("http://127.0.0.1:8081")
            .withDescription("REST endpoint of the Flink session cluster the job is submitted to.");
    public static final ConfigOption<String> JOB_JAR = ConfigOptions.key("atlas.flink.job-jar")
            .stringType()
            .noDefaultValue()
            .withDescription("The shaded job jar to ship (default: the jar this class was loaded from).");

    public static final ConfigOption<String> REINDEX_RETAIN = ConfigOptions.key("atlas.reindex.retain")
            .stringType()
            .defaultValue("PT24H")
            .withDescription("How long the cells index the alias left at a re-index is kept for rollback before it is"
                    + " deleted (ISO-8601 duration, e.g. PT24H, P7D, PT30S).");

    private PipelineOptions() {}

    /** Every option, for help output and documentation. */
    public static List<ConfigOption<?>> all() {
        return List.of(
                KAFKA_BOOTSTRAP,
                DEPOSITS_TOPIC,
                STATUS_TOPIC,
                MODELS_TOPIC,
                DLQ_TOPIC,
                CONSUMER_GROUP,
                S3_ENDPOINT,
                S3_ACCESS_KEY,
                S3_SECRET_KEY,
                BUCKET,
                OPENSEARCH_URL,
                OPENSEARCH_USER,
                INDEX_PREFIX,
                KNN_ENGINE,
                HNSW_M,
                HNSW_EF_CONSTRUCTION,
                KNN_ENCODER,
                BULK_ACTIONS,
                SINK_MAX_RETRIES,
                MODEL_DIR,
                DEVICE,
                EMBED_BATCH,
                EMBED_THREADS,
                CHUNK_ROWS,
                MIN_SHARED_GENES,
                QC_MIN_GENES,
                QC_MIN_COUNTS,
                QC_MAX_MITO,
                VOTE_K,
                ANNOTATE_BATCH,
                ANNOTATE_EXACT_MAX,
                WORK_DIR,
                CHECKPOINT_INTERVAL,
                CHECKPOINTS_DIR,
                PARALLELISM,
                FLINK_MODE,
                FLINK_REST_URL,
                JOB_JAR,
                REINDEX_RETAIN);
    }
}
