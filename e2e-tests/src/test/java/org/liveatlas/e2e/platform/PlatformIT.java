package org.liveatlas.e2e.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.model.RandomModels;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.core.synth.TenxWriter;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.trainer.registry.ModelEvents;
import org.liveatlas.trainer.registry.ModelRegistry;

/**
 * The platform as a user meets it: {@code atlas up} starts the servers, submits the indexing jobs to the
 * embedded Flink cluster and starts the ingest service, the trainer's service and the query API; {@code
 * atlas deposit} uploads a study before any model exists, which becomes exactly one deposit event and waits
 * in the running IndexStudyJob; a model is then published the way the trainer publishes one, and the study
 * is indexed into OpenSearch and found through the running API over HTTP; {@code atlas down} leaves no
 * process.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {
    private static final String MODEL = "e2e-m1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Launcher launcher;
    private static SyntheticStudy study;
    private static StackConfig config;

    @BeforeAll
    static void up() throws Exception {
        launcher = Launcher.onFreshFolder(
                "atlas.apps=ingest,trainer,query-api",
                "atlas.flink.jobs=true",
                "atlas.flink.slots=2",
                // the synthetic study has 400 genes
                "atlas.min-shared-genes=100");
        Launcher.Result up = atlas("up");
        assertThat(up.code()).as(up.text()).isZero();
        assertThat(up.text())
                .contains(
                        "submitted liveatlas-index-study",
                        "submitted liveatlas-reindex",
                        "Ingest service",
                        "Trainer service",
                        "Query API and dashboard",
                        "All 7 services healthy")
                .doesNotContain("demo:");
        config = launcher.config();
        study = new SyntheticStudyGenerator(SynthConfig.defaults(7, 1, 120, 400)).study(0);
        // no model yet: the study deposited first must wait for it (test 1 publishes it after the deposit)
    }

    /** Writes a small random-weight model to the registry and announces it, as the trainer does on acceptance. */
    private static void publishModel(List<String> genes) throws Exception {
        ModelFolder folder = RandomModels.folder(genes, List.of(32), 16, 3);
        Manifest manifest = new Manifest(
                Manifest.FORMAT_VERSION,
                MODEL,
                null,
                Instant.now(),
                Map.of(),
                Map.of(),
                2.0,
                ModelStatus.PUBLISHED,
                "random weights for the end-to-end test");
        Endpoints e = config.endpoints();
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(e.s3Endpoint())
                .credentials(e.s3AccessKey(), e.s3SecretKey())
                .build()) {
            new ModelRegistry(s3, config.get(StackKey.S3_BUCKET)).write(folder, manifest);
        }
        try (ModelEvents events = new ModelEvents(e.kafkaBootstrap(), "atlas.models", "e2e")) {
            events.publish(ModelEvents.event(manifest, 16, genes.size(), Instant.now()));
        }
    }

    @AfterAll
    static void down() {
        launcher.downAndDelete();
    }

    @Test
    @Order(1)
    void aDepositedStudyBecomesExactlyOneDepositEvent() throws Exception {
        Path folder = Files.createDirectories(launcher.dataDir().resolve("upload/e2e-study"));
        TenxWriter.write(folder, study);
        Files.writeString(
                folder.resolve("study.json"),
                """
                {"schemaVersion": 1, "studyId": "e2e-study", "title": "synthetic", "organism": "Homo sapiens",
                 "tissue": "blood", "disease": "normal", "assay": "synthetic",
                 "reference": false, "visibility": "public"}
                """,
                StandardCharsets.UTF_8);

        Launcher.Result deposit = atlas("deposit", folder.toString(), "--study", "e2e-study", "--follow", "0s");
        assertThat(deposit.code()).isZero();

        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "e2e-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            c.subscribe(List.of("atlas.deposits"));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            ObjectMapper json = new ObjectMapper();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    if ("e2e-study".equals(r.key())) {
                        events.add(json.readTree(r.value()));
                    }
                }
                if (!events.isEmpty()) {
                    // keep reading a little: a duplicate would arrive within the next scans
                    long settle = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                    while (System.nanoTime() < settle) {
                        for (var r : c.poll(Duration.ofMillis(500))) {
                            if ("e2e-study".equals(r.key())) {
                                events.add(json.readTree(r.value()));
                            }
                        }
                    }
                    break;
                }
            }
        }
        assertThat(events).as("deposit events for e2e-study").hasSize(1);
        assertThat(events.get(0).toString()).contains("e2e-study", "matrix.mtx.gz");

        Launcher.Result studies = atlas("studies");
        assertThat(studies.code()).isZero();

        // the deposit arrived before any model existed: IndexStudyJob holds it until this one is published
        publishModel(study.genes().symbols());
    }

    @Test
    @Order(2)
    void theRunningJobsIndexTheStudyAndTheRunningApiFindsItsCells() throws Exception {
        String api = config.endpoints().apiUrl();
        JsonNode answer = null;
        String state = "";
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(api + "/v1/studies/e2e-study");
            if (r.statusCode() == 200) {
                answer = JSON.readTree(r.body());
                state = answer.path("study").path("state").asText();
                if (!state.isEmpty() && !state.equals("indexing")) {
                    break;
                }
            }
            Thread.sleep(1000);
        }
        assertThat(answer).as("GET /v1/studies/e2e-study within 4 minutes").isNotNull();
        JsonNode doc = answer.path("study");
        assertThat(state).as(answer.toString()).isEqualTo("indexed");
        assertThat(doc.path("model_version").asText()).as(answer.toString()).isEqualTo(MODEL);
        assertThat(doc.path("cells_indexed").asLong()).as(answer.toString()).isEqualTo(study.cells());
        assertThat(answer.path("cells_in_index").asLong()).as(answer.toString()).isEqualTo(study.cells());

        // every cell is searchable: the nearest cell to an indexed cell is itself, at distance ~0
        String cell = "e2e-study:" + study.cellIds().get(17);
        HttpResponse<String> nearest = post(api + "/v1/search/nearest", "{\"cell_ids\": [\"" + cell + "\"], \"k\": 5}");
        assertThat(nearest.statusCode()).as(nearest.body()).isEqualTo(200);
        JsonNode hits = JSON.readTree(nearest.body()).path("results").get(0).path("hits");
        assertThat(hits).hasSize(5);
        assertThat(hits.get(0).path("id").asText()).isEqualTo(cell);
        assertThat(hits.get(0).path("distance").asDouble()).isLessThan(1e-4);
        for (JsonNode hit : hits) {
            assertThat(hit.path("id").asText()).startsWith("e2e-study:");
        }
    }

    @Test
    @Order(3)
    void statusShowsEveryServiceUpAndTheApiUrl() {
        Launcher.Result status = atlas("status");
        assertThat(status.code()).as(status.text()).isZero();
        String api = config.endpoints().apiUrl();
        assertThat(status.text())
                .contains("Query API         " + api + "/v1", "Dashboard         " + api + "/")
                .contains("2 job(s) running")
                .contains("ready (");
    }

    @Test
    @Order(4)
    void aSecondUpSubmitsNoJobTwice() {
        Launcher.Result up = atlas("up");
        assertThat(up.code()).as(up.text()).isZero();
        assertThat(up.text())
                .contains("liveatlas-index-study is already running", "liveatlas-reindex is already running")
                .doesNotContain("submitted liveatlas");
    }

    @Test
    @Order(5)
    void downLeavesNoProcess() {
        List<ProcessHandle> running = new ArrayList<>();
        for (var service : new AtlasStack(config).services()) {
            service.health().pid().stream()
                    .mapToObj(ProcessHandle::of)
                    .flatMap(java.util.Optional::stream)
                    .forEach(running::add);
        }
        assertThat(running).hasSize(ServiceName.values().length);
        List<ProcessHandle> all = new ArrayList<>(running);
        running.forEach(p -> p.descendants().forEach(all::add));
        Launcher.Result down = atlas("down");
        assertThat(down.code()).as(down.text()).isZero();
        for (ProcessHandle p : all) {
            assertThat(p.isAlive()).as("process %d after down", p.pid()).isFalse();
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String kafkaBootstrap() {
        return config.endpoints().kafkaBootstrap();
    }

    private static Launcher.Result atlas(String... command) {
        return launcher.run(command);
    }
}
