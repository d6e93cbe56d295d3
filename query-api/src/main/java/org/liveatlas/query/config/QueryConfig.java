package org.liveatlas.query.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query API's whole configuration (prefix {@code atlas.query}); every key has a documented default
 * pointing at the embedded local stack, so {@code ./atlas up} and the API agree without any setting.
 */
@ConfigMapping(prefix = "atlas.query")
public interface QueryConfig {

    /** Where the cells and studies indexes live. */
    OpenSearch opensearch();

    /** Where model versions are read from. */
    Models models();

    /** The object store holding the model registry ({@code models/<version>/}) and the deposits. */
    S3 s3();

    /** The Kafka cluster carrying {@code ModelPublished} events. */
    Kafka kafka();

    /** The Flink cluster of the indexing pipeline (reported, never called). */
    Flink flink();

    /**
     * The platform's data folder ({@code ATLAS_DATA_DIR}); the API keeps its model cache and its local
     * key file under {@code <data-dir>/query-api/}.
     */
    @WithDefault("${atlas.data-dir:.atlas}")
    Path dataDir();

    /** Search limits and defaults. */
    Search search();

    /** Annotation defaults and limits. */
    Annotate annotate();

    /** The in-memory reference that annotation votes with. */
    Reference reference();

    /** Expression (raw counts) of chosen cells, read from the deposited studies. */
    Expression expression();

    /** API keys, groups and limits. */
    Security security();

    /** OpenSearch connection and index names. */
    interface OpenSearch {
        /** Base URL of the OpenSearch cluster; the platform's {@code ATLAS_OPENSEARCH_URL} when set. */
        @WithDefault("${atlas.opensearch.url:http://127.0.0.1:9200}")
        String url();

        /** Alias (or index) of the cells of the current model version. */
        @WithDefault("cells")
        String cellsIndex();

        /** Index of study documents. */
        @WithDefault("studies")
        String studiesIndex();

        /** Seconds before a request to OpenSearch is abandoned. */
        @WithDefault("30")
        int timeoutSeconds();
    }

    /** The model registry: one folder per version in the registry format of the core's {@code ModelFolder}. */
    interface Models {
        /** Where the registry is: the object store (followed on Kafka) or a local folder. */
        @WithDefault("store")
        ModelSource source();

        /** With {@code source=folder}: folder holding {@code <version>/manifest.json, encoder.safetensors, ...}. */
        @WithDefault(".atlas/models")
        Path dir();

        /** Seconds between two looks at the registry and the cells alias (besides every ModelPublished event). */
        @WithDefault("5")
        int refreshSeconds();

        /**
         * Version used to embed queries; when absent, the newest {@code published} (else {@code
         * imported}) version by manifest creation time.
         */
        Optional<String> current();

        /**
         * Versions other than the serving one held loaded for queries that pin them ({@code model_version}); the
         * least recently used is released beyond this.
         */
        @WithDefault("2")
        int maxPinned();
    }

    /** Object store connection (the platform's {@code ATLAS_S3_*}). */
    interface S3 {
        /** S3 endpoint URL. */
        @WithDefault("${atlas.s3.endpoint:http://127.0.0.1:9000}")
        String endpoint();

        /** Access key. */
        @WithDefault("${atlas.s3.access-key:atlas}")
        String accessKey();

        /** Secret key. */
        @WithDefault("${atlas.s3.secret-key:atlas-local-secret}")
        String secretKey();

        /** Bucket holding {@code models/} and {@code deposits/}. */
        @WithDefault("${atlas.s3.bucket:atlas}")
        String bucket();
    }

    /** Kafka connection. */
    interface Kafka {
        /** Bootstrap servers. */
        @WithDefault("${atlas.kafka.bootstrap:127.0.0.1:9092}")
        String bootstrap();

        /** Topic of {@code ModelPublished} events. */
        @WithDefault("atlas.models")
        String modelsTopic();

        /** Topic of {@code StudyStatus} events, which the in-memory reference follows. */
        @WithDefault("atlas.study-status")
        String studyStatusTopic();
    }

    /** Flink REST endpoint. */
    interface Flink {
        /** REST URL of the pipeline's Flink cluster. */
        @WithDefault("${atlas.flink.rest-url:http://127.0.0.1:8081}")
        String restUrl();
    }

    /** Search limits. */
    interface Search {
        /** k of a nearest search when the request gives none. */
        @WithDefault("50")
        int defaultK();

        /** Largest k a request may ask for (OpenSearch's result window). */
        @WithDefault("10000")
        int maxK();

        /** Most query vectors (cells or embeddings) in one request. */
        @WithDefault("100")
        int maxQueries();

        /** Most hits a radius search returns before it reports truncation. */
        @WithDefault("10000")
        int maxRadiusHits();

        /**
         * Candidates per requested neighbour of a nearest (k-NN) query: the HNSW {@code ef_search} sent
         * is {@code max(k, min(ef-search-max, max(ef-search-min, ceil(ef-search-factor * k))))} (see
         * {@code EfSearchRule}); 1 (with {@code ef-search-min} 1) is the engine's default ef = k.
         */
        @WithDefault("2")
        double efSearchFactor();

        /** Fewest HNSW candidates of a nearest query (small k need a wider search for the same recall). */
        @WithDefault("100")
        int efSearchMin();

        /** Most HNSW candidates of a nearest query, unless k itself is larger (bounds latency). */
        @WithDefault("2000")
        int efSearchMax();
    }

    /**
     * The labelled reference cells of the serving model, held in memory per model version (see the query-api
     * README, "Reference index").
     */
    interface Reference {
        /**
         * Up to this many reference cells, every search is exact (one matrix product and top-k per batch);
         * above it, segments get an HNSW graph. On two cores the exact product beats the graph up to a few
         * hundred thousand cells (query-api README, "Benchmark").
         */
        @WithDefault("200000")
        int exactMaxCells();

        /** Segments without graph are merged and given one once they hold this many cells (above exact-max). */
        @WithDefault("20000")
        int graphMinCells();

        /** HNSW: neighbours per node (Lucene's M). */
        @WithDefault("16")
        int hnswM();

        /** HNSW: candidates explored while building (Lucene's beam width, OpenSearch's ef_construction). */
        @WithDefault("128")
        int hnswEfConstruction();

        /** HNSW: candidates explored per query (at least k). */
        @WithDefault("200")
        int hnswEfSearch();

        /**
         * A graph segment is searched exactly over its accepted rows when the caller's visibility and label
         * filter accept at most this fraction of its rows (as Lucene falls back to exact search for
         * selective filters).
         */
        @WithDefault("0.1")
        double exactFilterFraction();

        /** Threads searching a batch of queries and building graphs (0: the available processors). */
        @WithDefault("0")
        int threads();

        /** Scores one exact matrix product may hold (queries x accepted rows); bounds its memory. */
        @WithDefault("16000000")
        long maxProductScores();

        /** Reference documents read per page from the cells index. */
        @WithDefault("2000")
        int pageSize();

        /** Seconds an annotation waits for the reference of its model to be loaded before a 503. */
        @WithDefault("120")
        int loadWaitSeconds();

        /**
         * OBO file of the Cell Ontology whose term names label the votes of studies with ontology ids; the
         * committed extract when absent.
         */
        Optional<Path> ontology();
    }

    /** Annotation defaults and limits. */
    interface Annotate {
        /** Voting neighbours when the request gives none (SCimilarity's 50). */
        @WithDefault("50")
        int defaultK();

        /** Largest k for annotation. */
        @WithDefault("500")
        int maxK();

        /** Uploads with more cells than this run as a job (202 + Location). */
        @WithDefault("2000")
        int syncMaxCells();

        /** Largest upload in bytes (files and JSON alike). */
        @WithDefault("536870912")
        long maxUploadBytes();

        /** Fewest genes an upload must share with the model's gene order (SCimilarity: 5,000). */
        @WithDefault("5000")
        int minSharedGenes();

        /** Finished jobs are forgotten after this many minutes. */
        @WithDefault("60")
        int jobRetentionMinutes();

        /**
         * Where annotation jobs are archived so that they outlive a restart: {@code store} (the object store's
         * {@code jobs/}), {@code folder} ({@code <data-dir>/query-api/jobs}) or {@code auto} (the store when
         * models come from it, else the folder).
         */
        @WithDefault("auto")
        String jobsArchive();

        /**
         * With {@code jobs-archive=store}: the key prefix of the archived jobs. An instance re-runs the unfinished
         * jobs it finds there on start, so several API instances each need their own.
         */
        @WithDefault("jobs/")
        String jobsArchivePrefix();

        /** Folder for uploads being processed (deleted after each). */
        @WithDefault("${java.io.tmpdir}/liveatlas-query-uploads")
        Path workDir();
    }

    /** Expression of found cells ({@code POST /v1/cells/expression}). */
    interface Expression {
        /**
         * Most cells one request may ask for (413 beyond): the answer's counts are held in memory while the file
         * is written, about 8 bytes per stored count. The platform's {@code atlas.api.expression.max-cells}
         * ({@code ATLAS_API_EXPRESSION_MAX_CELLS}) when set.
         */
        @WithDefault("${atlas.api.expression.max-cells:20000}")
        int maxCells();

        /** Folder for the studies' files being read and the answer being written (each deleted after use). */
        @WithDefault("${java.io.tmpdir}/liveatlas-query-expression")
        Path workDir();
    }

    /** Callers, their groups and limits. */
    interface Security {
        /**
         * API keys by name: each with the SHA-256 hex of the secret key (never the key itself) and the
         * groups whose private studies it may see.
         */
        Map<String, ApiKey> keys();

        /** Whether a request without a key is served, seeing only public studies. */
        @WithDefault("false")
        boolean anonymousAccess();

        /**
         * File of extra keys ({@code <name>.sha256=...}, {@code <name>.groups=a,b}); when no key is
         * configured at all and {@code generate-local-key} is on, a key named {@code local} is generated
         * into it on first start. Default {@code <data-dir>/query-api/api-keys.properties}.
         */
        Optional<Path> keyFile();

        /** Whether a first start without any key generates the {@code local} key (see {@link #keyFile()}). */
        @WithDefault("true")
        boolean generateLocalKey();

        /** Groups of the generated {@code local} key. */
        Optional<Set<String>> localKeyGroups();

        /** OIDC bearer tokens (JWT, RS256), accepted beside API keys when an issuer is configured. */
        Oidc oidc();

        /** Requests per minute per caller (anonymous callers share one budget per address). */
        @WithDefault("600")
        int requestsPerMinute();
    }

    /** Validation of bearer tokens. */
    interface Oidc {
        /** Expected {@code iss}; bearer tokens are refused (401) while none is configured. */
        Optional<String> issuer();

        /** JWKS URL of the issuer (keys fetched and cached); one of this and {@code public-key-file}. */
        Optional<String> jwksUrl();

        /** PEM file with the issuer's RSA public key (no network needed). */
        Optional<Path> publicKeyFile();

        /** Expected {@code aud}, if any. */
        Optional<String> audience();

        /** Claim holding the caller's groups (a list of strings, or a space/comma separated string). */
        @WithDefault("groups")
        String groupsClaim();

        /** Claim naming the caller (logs, job ownership). */
        @WithDefault("sub")
        String nameClaim();

        /** Seconds of clock skew allowed on {@code exp} and {@code nbf}. */
        @WithDefault("30")
        int clockSkewSeconds();
    }

    /** One configured API key. */
    interface ApiKey {
        /** Lower-case hex SHA-256 of the key. */
        String sha256();

        /** Groups the key belongs to. */
        Optional<Set<String>> groups();

        /** Free text shown nowhere but in logs. */
        Optional<String> description();
    }

    /** The groups a caller's key belongs to, as a list for query building. */
    static List<String> groupsOf(ApiKey key) {
        return key.groups().map(List::copyOf).orElse(List.of());
    }
}
