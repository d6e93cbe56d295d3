package org.liveatlas.query.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.infra.testing.FreePorts;
import org.liveatlas.query.security.ApiKeys;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.index.KnnSettings;

/**
 * Starts the real embedded Kafka, S3 store and OpenSearch (k-NN plugin) with the infra module's stack
 * classes on free ports, deposits the {@link SyntheticAtlas}'s studies in the bucket ({@link Deposits}) and indexes
 * them with the schemas' index mappings and their deposit versions, publishes its
 * model as the trainer does (registry folder in the bucket, manifest last, then {@code ModelPublished}) beside
 * a rejected version, and hands the endpoints, test API keys and the test issuer's public key to the
 * application as configuration.
 */
public final class AtlasTestResource implements QuarkusTestResourceLifecycleManager {
    /** Key of a caller outside every group. */
    public static final String OUTSIDER_KEY = "outsider-secret-key";
    /** Key of a member of {@link SyntheticAtlas#PRIVATE_GROUP}. */
    public static final String MEMBER_KEY = "member-secret-key";
    /** A key of the second owner group, {@link #OTHER_GROUP}, whose private study {@code OwnerGroupsIT} indexes. */
    public static final String OTHER_MEMBER_KEY = "other-member-secret-key";
    /** The second owner group. */
    public static final String OTHER_GROUP = "lab-b";
    /** Largest upload accepted in the tests. */
    public static final long MAX_UPLOAD = 8_000_000;
    /** Uploads with more cells run as jobs in the tests. */
    public static final int SYNC_MAX_CELLS = 200;
    /** Most cells of one expression request in the tests. */
    public static final int EXPRESSION_MAX_CELLS = 400;

    /** Issuer of the test bearer tokens. */
    public static final String ISSUER = "https://issuer.liveatlas.test";
    /** Claim carrying the groups in the test tokens (not the default, to prove it is configurable). */
    public static final String GROUPS_CLAIM = "atlas_groups";
    /** A version the gate rejected: listed, never served. */
    public static final String REJECTED_VERSION = "synth-r0";
    /** Key pair of the test issuer, generated per test JVM. */
    public static final KeyPair ISSUER_KEYS = rsaKeyPair();

    private static final ObjectMapper JSON = new ObjectMapper();
    private AtlasStack stack;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory(
                    "liveatlas-query-it-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            stack = new AtlasStack(
                    stackConfig(dir.resolve("stack")),
                    EnumSet.of(ServiceName.KAFKA, ServiceName.S3, ServiceName.OPENSEARCH));
            stack.up(line -> System.out.println("[query test stack] " + line));
            Endpoints e = stack.endpoints();
            String url = e.openSearchUrl();
            SyntheticAtlas atlas = SyntheticAtlas.shared();
            Path models = dir.resolve("models");
            Manifest published = atlas.saveModel(
                    models, SyntheticAtlas.MODEL_VERSION, ModelStatus.PUBLISHED, Instant.parse("2026-11-01T00:00:00Z"));
            atlas.saveModel(models, REJECTED_VERSION, ModelStatus.REJECTED, Instant.parse("2026-11-02T00:00:00Z"));
            String bucket = stack.config().get(StackKey.S3_BUCKET);
            Map<String, String> depositVersions;
            try (MinioClient s3 = MinioClient.builder()
                    .endpoint(e.s3Endpoint())
                    .credentials(e.s3AccessKey(), e.s3SecretKey())
                    .build()) {
                depositVersions = Deposits.depositAtlas(s3, bucket, atlas, dir.resolve("deposits"));
                ModelPublishing.upload(s3, bucket, models.resolve(REJECTED_VERSION), REJECTED_VERSION);
                ModelPublishing.upload(
                        s3, bucket, models.resolve(SyntheticAtlas.MODEL_VERSION), SyntheticAtlas.MODEL_VERSION);
            }
            index(url, atlas, IndexMappings.cellsIndex(KnnSettings.defaults(SyntheticAtlas.LATENT)), depositVersions);
            ModelPublishing.announce(
                    e.kafkaBootstrap(),
                    published,
                    SyntheticAtlas.LATENT,
                    atlas.genes().size());
            Path publicKey = dir.resolve("issuer-public.pem");
            Files.writeString(
                    publicKey,
                    "-----BEGIN PUBLIC KEY-----\n"
                            + Base64.getMimeEncoder()
                                    .encodeToString(ISSUER_KEYS.getPublic().getEncoded())
                            + "\n-----END PUBLIC KEY-----\n");
            Map<String, String> config = new HashMap<>();
            config.put("atlas.query.opensearch.url", url);
            config.put("atlas.query.s3.endpoint", e.s3Endpoint());
            config.put("atlas.query.s3.access-key", e.s3AccessKey());
            config.put("atlas.query.s3.secret-key", e.s3SecretKey());
            config.put("atlas.query.s3.bucket", bucket);
            config.put("atlas.query.kafka.bootstrap", e.kafkaBootstrap());
            config.put("atlas.query.data-dir", dir.resolve("data").toString());
            config.put("atlas.query.models.refresh-seconds", "1");
            config.put("atlas.query.security.oidc.issuer", ISSUER);
            config.put("atlas.query.security.oidc.public-key-file", publicKey.toString());
            config.put("atlas.query.security.oidc.groups-claim", GROUPS_CLAIM);
            config.put("atlas.query.annotate.work-dir", dir.resolve("uploads").toString());
            config.put("atlas.query.annotate.min-shared-genes", "100");
            config.put("atlas.query.annotate.sync-max-cells", Integer.toString(SYNC_MAX_CELLS));
            config.put("atlas.query.annotate.max-upload-bytes", Long.toString(MAX_UPLOAD));
            config.put("atlas.query.security.requests-per-minute", "100000");
            config.put("atlas.query.expression.max-cells", Integer.toString(EXPRESSION_MAX_CELLS));
            config.put(
                    "atlas.query.expression.work-dir", dir.resolve("expression").toString());
            config.put("atlas.query.security.keys.outsider.sha256", ApiKeys.sha256Hex(OUTSIDER_KEY));
            config.put("atlas.query.security.keys.member.sha256", ApiKeys.sha256Hex(MEMBER_KEY));
            config.put("atlas.query.security.keys.member.groups", SyntheticAtlas.PRIVATE_GROUP);
            config.put("atlas.query.security.keys.other.sha256", ApiKeys.sha256Hex(OTHER_MEMBER_KEY));
            config.put("atlas.query.security.keys.other.groups", OTHER_GROUP);
            config.put("liveatlas.test.data-dir", dir.toString());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the query API's test atlas: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.down(line -> {});
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("[query test stack] could not delete " + dir + ": " + e.getMessage());
            }
        }
    }

    /** The cells and studies indexes of the atlas, built as the indexing pipeline builds them. */
    public static void index(String url, SyntheticAtlas atlas) throws IOException, InterruptedException {
        index(url, atlas, IndexMappings.cellsIndex(KnnSettings.defaults(SyntheticAtlas.LATENT)));
    }

    /** As {@link #index(String, SyntheticAtlas)}, creating the cells index with {@code cellsIndexBody}. */
    public static void index(String url, SyntheticAtlas atlas, ObjectNode cellsIndexBody)
            throws IOException, InterruptedException {
        index(url, atlas, cellsIndexBody, Map.of());
    }

    /**
     * As {@link #index(String, SyntheticAtlas, ObjectNode)}, recording on every cell and study the deposit version
     * its study was read from (as the pipeline does), where {@code depositVersions} has one.
     */
    public static void index(
            String url, SyntheticAtlas atlas, ObjectNode cellsIndexBody, Map<String, String> depositVersions)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String cells = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
        send(http, "PUT", url + "/" + cells, cellsIndexBody.toString());
        send(
                http,
                "PUT",
                url + "/" + IndexMappings.STUDIES_INDEX,
                IndexMappings.studiesIndex(1, 0).toString());
        send(
                http,
                "POST",
                url + "/_aliases",
                "{\"actions\":[{\"add\":{\"index\":\"" + cells + "\",\"alias\":\"" + IndexMappings.CELLS_ALIAS
                        + "\"}}]}");
        StringBuilder bulk = new StringBuilder();
        for (String id : SyntheticAtlas.indexedStudies()) {
            SyntheticStudy s = atlas.study(id);
            String[] td = SyntheticAtlas.TISSUE_DISEASE.get(id);
            boolean priv = SyntheticAtlas.isPrivate(id);
            long n = 0;
            for (int r = 0; r < s.cells(); r++) {
                if (!atlas.indexed(id, r)) {
                    continue;
                }
                n++;
                ObjectNode doc = JSON.createObjectNode();
                doc.put("cell_id", s.cellIds().get(r));
                doc.put("study_id", id);
                if (depositVersions.containsKey(id)) {
                    doc.put("deposit_version", depositVersions.get(id));
                }
                doc.put("sample", s.obs().get(SyntheticStudy.SAMPLE).get(r));
                doc.put("donor", s.obs().get(SyntheticStudy.DONOR).get(r));
                doc.put("tissue", td[0]);
                doc.put("disease", td[1]);
                doc.put("organism", "Homo sapiens");
                doc.put("assay", "10x 3' v3");
                doc.put("author_label", atlas.label(id, r));
                doc.put(
                        "author_label_ontology_id",
                        s.obs().get(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID).get(r));
                doc.put("predicted_label", atlas.label(id, r));
                doc.put("reference", true);
                doc.put("model_version", SyntheticAtlas.MODEL_VERSION);
                doc.put("ingest_time", SyntheticAtlas.MONTH.get(id));
                doc.put("visibility", priv ? "private" : "public");
                if (priv) {
                    doc.put("owner_group", SyntheticAtlas.PRIVATE_GROUP);
                }
                var vec = doc.putArray("embedding");
                for (float x : atlas.embedding(id, r)) {
                    vec.add(x);
                }
                bulk.append("{\"index\":{\"_index\":\"")
                        .append(cells)
                        .append("\",\"_id\":\"")
                        .append(atlas.docId(id, r))
                        .append("\"}}\n")
                        .append(doc)
                        .append('\n');
            }
            Map<String, Object> study = new LinkedHashMap<>();
            study.put("study_id", id);
            if (depositVersions.containsKey(id)) {
                study.put("deposit_version", depositVersions.get(id));
            }
            study.put("title", "Synthetic study " + id);
            study.put("organism", "Homo sapiens");
            study.put("tissue", td[0]);
            study.put("disease", td[1]);
            study.put("reference", true);
            study.put("visibility", priv ? "private" : "public");
            if (priv) {
                study.put("owner_group", SyntheticAtlas.PRIVATE_GROUP);
            }
            study.put("state", "indexed");
            study.put("deposited_at", SyntheticAtlas.MONTH.get(id));
            study.put("model_version", SyntheticAtlas.MODEL_VERSION);
            study.put("cells_total", s.cells());
            study.put("cells_read", s.cells());
            study.put("cells_kept", n);
            study.put("cells_embedded", n);
            study.put("cells_indexed", n);
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(IndexMappings.STUDIES_INDEX)
                    .append("\",\"_id\":\"")
                    .append(id)
                    .append("\"}}\n")
                    .append(JSON.writeValueAsString(study))
                    .append('\n');
        }
        String answer = send(http, "POST", url + "/_bulk?refresh=true", bulk.toString());
        if (JSON.readTree(answer).path("errors").asBoolean(true)) {
            throw new IllegalStateException(
                    "bulk indexing of the test atlas failed: " + answer.substring(0, Math.min(2000, answer.length())));
        }
    }

    private static String send(HttpClient http, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", url.contains("_bulk") ? "application/x-ndjson" : "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no RSA", e);
        }
    }

    /** Configuration of a private OpenSearch for the benchmark (free ports, 1 GB heap). */
    public static StackConfig benchStackConfig(Path dataDir) {
        return stackConfig(dataDir).with(Map.of(StackKey.OPENSEARCH_HEAP, "1g"));
    }

    /** The stack's default configuration on free ports with the given data folder (the infra test kit's). */
    static StackConfig stackConfig(Path dataDir) {
        return FreePorts.config(dataDir);
    }
}
