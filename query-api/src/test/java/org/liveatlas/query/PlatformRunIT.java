package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.ModelPublishing;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * The packaged API ({@code java -jar target/quarkus-app/quarkus-run.jar}) started as the launcher starts a
 * platform app: configured only by the platform's {@code ATLAS_*} environment variables, against the test
 * stack, with a fresh data folder where it generates its local key.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class PlatformRunIT {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Inject
    StackEndpoints stack;

    @Test
    void thePackagedApiRunsFromThePlatformVariablesAndGeneratesAnOwnerOnlyLocalKey() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "the packaged API is built in the package phase (mvn verify)");
        Path data = Files.createTempDirectory("platform-run-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = start(data, port, Map.of(), "platform-run.log");
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try {
            awaitReady(http, base, p);
            Path secret = data.resolve("query-api").resolve("local-api-key");
            Path digests = data.resolve("query-api").resolve("api-keys.properties");
            assertThat(Files.getPosixFilePermissions(secret))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String key = Files.readString(secret, StandardCharsets.UTF_8).trim();
            assertThat(Files.readString(digests)).doesNotContain(key).contains("local.sha256=");

            assertThat(get(http, base + "/v1/studies", null).statusCode()).isEqualTo(401);
            assertThat(get(http, base + "/v1/studies", "wrong-" + key).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> current = get(http, base + "/v1/models/current", key);
            assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
            assertThat(current.body()).contains("\"version\":\"" + SyntheticAtlas.MODEL_VERSION + "\"");
            // the model came from the bucket into the data folder's cache
            assertThat(data.resolve("query-api/models/" + SyntheticAtlas.MODEL_VERSION + "/manifest.json"))
                    .isRegularFile();
            // the packaged app serves its OpenAPI document and Swagger UI too (quarkus.swagger-ui.always-include)
            HttpResponse<String> openapi = get(http, base + "/q/openapi?format=json", null);
            assertThat(openapi.statusCode()).isEqualTo(200);
            assertThat(openapi.body()).contains("\"securitySchemes\"", "\"cell_ids\"");
            assertThat(get(http, base + "/q/swagger-ui/", null).statusCode()).isEqualTo(200);
            HttpResponse<String> studies = get(http, base + "/v1/studies", key);
            assertThat(studies.body()).contains("synth01").doesNotContain("synth03");

            Path query = SyntheticAtlas.shared().writeQuery(data.resolve("q.h5ad"), 0, 20);
            HttpResponse<String> annotated =
                    http.send(multipart(base + "/v1/annotate", key, query), HttpResponse.BodyHandlers.ofString());
            assertThat(annotated.statusCode()).as(annotated.body()).isEqualTo(200);
            assertThat(annotated.body()).contains("\"cells_annotated\":20");
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS))
                    .as("the API stops on SIGTERM")
                    .isTrue();
            assertThat(Files.readString(Path.of("target", "platform-run.log")))
                    .contains("generated the key 'local'")
                    .doesNotContain(key);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            ModelPublishing.deleteTree(data);
        }
    }

    /**
     * Annotation jobs outlive the process: a job that succeeded before a {@code kill -9} is served again after
     * the restart from the object store's archive (same result), one accepted just before the kill is run by the
     * restarted API, and jobs are listed, cancelled and deleted by their owner.
     */
    @Test
    void annotationJobsOutliveAKilledApi() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "the packaged API is built in the package phase (mvn verify)");
        Path data = Files.createTempDirectory("platform-jobs-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // every upload of more than 10 cells is a job; its own archive prefix keeps other instances' jobs apart
        Map<String, String> env = Map.of(
                "ATLAS_QUERY_ANNOTATE_SYNC_MAX_CELLS",
                "10",
                "ATLAS_QUERY_ANNOTATE_JOBS_ARCHIVE_PREFIX",
                "jobs-" + UUID.randomUUID() + "/");
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        Path query = data.resolve("q.h5ad");
        SyntheticAtlas.shared().writeRepeatedQuery(query, 3000); // a few seconds per job
        Process first = start(data, port, env, "platform-jobs-1.log");
        Process second = null;
        try {
            awaitReady(http, base, first);
            String key = Files.readString(data.resolve("query-api/local-api-key"), StandardCharsets.UTF_8)
                    .trim();
            String done = submit(http, base, key, query);
            JsonNode finished = awaitJob(http, base, key, done);
            assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
            String before =
                    get(http, base + "/v1/jobs/" + done + "/result", key).body();
            assertThat(before).contains("\"cells_annotated\":3000");

            // three more, back to back, and the process killed at once: the last ones are still queued
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                accepted.add(submit(http, base, key, query));
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            second = start(data, port, env, "platform-jobs-2.log");
            awaitReady(http, base, second);
            JsonNode list = JSON.readTree(get(http, base + "/v1/jobs", key).body());
            assertThat(list.path("count").asInt()).as(list.toString()).isEqualTo(4);
            List<String> all = new ArrayList<>(accepted);
            all.add(done);
            assertThat(list.path("jobs").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(all);
            java.util.regex.Matcher requeued = java.util.regex.Pattern.compile("4 archived in .*, (\\d+) queued again")
                    .matcher(Files.readString(Path.of("target", "platform-jobs-2.log")));
            assertThat(requeued.find())
                    .as("the restarted API reports the archived jobs")
                    .isTrue();
            assertThat(Integer.parseInt(requeued.group(1)))
                    .as("jobs unfinished at the kill, queued again")
                    .isBetween(1, 3);

            String after = get(http, base + "/v1/jobs/" + done + "/result", key).body();
            assertThat(JSON.readTree(after).path("cells"))
                    .as("the archived result, served after the restart")
                    .isEqualTo(JSON.readTree(before).path("cells"));
            HttpResponse<String> h5ad = get(http, base + "/v1/jobs/" + done + "/result?format=h5ad", key);
            assertThat(h5ad.statusCode()).as(h5ad.body()).isEqualTo(200);

            for (String id : accepted) {
                JsonNode resumed = awaitJob(http, base, key, id);
                assertThat(resumed.path("state").asText())
                        .as(resumed.toString())
                        .isEqualTo("succeeded");
                assertThat(JSON.readTree(get(http, base + "/v1/jobs/" + id + "/result", key)
                                        .body())
                                .path("cells"))
                        .as("a job accepted before the kill, finished before it or run after the restart")
                        .isEqualTo(JSON.readTree(before).path("cells"));
            }

            // cancel a new job: it ends cancelled (at once if still queued, at its next batch if running)
            String cancelled = submit(http, base, key, query);
            HttpResponse<String> cancel = send(http, base + "/v1/jobs/" + cancelled, key, "DELETE");
            assertThat(cancel.statusCode()).as(cancel.body()).isIn(200, 202);
            JsonNode end = awaitJob(http, base, key, cancelled);
            assertThat(end.path("state").asText()).as(end.toString()).isIn("cancelled", "succeeded");
            if (end.path("state").asText().equals("cancelled")) {
                HttpResponse<String> none = get(http, base + "/v1/jobs/" + cancelled + "/result", key);
                assertThat(none.statusCode()).isEqualTo(409);
                assertThat(none.body()).contains("job-not-succeeded", "cancelled");
            }
            // deleting a finished job removes it and its result
            assertThat(send(http, base + "/v1/jobs/" + done, key, "DELETE").statusCode())
                    .isEqualTo(204);
            assertThat(get(http, base + "/v1/jobs/" + done, key).statusCode()).isEqualTo(404);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
            ModelPublishing.deleteTree(data);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The packaged API with the platform variables of the test stack (and {@code extra}), logging into target. */
    private Process start(Path data, int port, Map<String, String> extra, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-jar",
                        JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", log).toFile());
        Map<String, String> env = pb.environment();
        env.put("ATLAS_OPENSEARCH_URL", stack.openSearch());
        env.put("ATLAS_S3_ENDPOINT", stack.s3Endpoint());
        env.put("ATLAS_S3_ACCESS_KEY", stack.s3AccessKey());
        env.put("ATLAS_S3_SECRET_KEY", stack.s3SecretKey());
        env.put("ATLAS_S3_BUCKET", stack.bucket());
        env.put("ATLAS_KAFKA_BOOTSTRAP", stack.kafkaBootstrap());
        env.put("ATLAS_FLINK_REST_URL", "http://127.0.0.1:1");
        env.put("ATLAS_DATA_DIR", data.toString());
        env.put("ATLAS_API_PORT", Integer.toString(port));
        // an app-specific override through the ATLAS_QUERY_* form of atlas.query.* (the synthetic atlas has 500 genes)
        env.put("ATLAS_QUERY_ANNOTATE_MIN_SHARED_GENES", "100");
        env.putAll(extra);
        return pb.start();
    }

    private static String submit(HttpClient http, String base, String key, Path query) throws Exception {
        HttpResponse<String> r =
                http.send(multipart(base + "/v1/annotate", key, query), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private static JsonNode awaitJob(HttpClient http, String base, String key, String id) throws Exception {
        JsonNode status = null;
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> r = get(http, base + "/v1/jobs/" + id, key);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            status = JSON.readTree(r.body());
            String state = status.path("state").asText();
            if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not finish within 2 minutes: " + status);
    }

    private static HttpResponse<String> send(HttpClient http, String url, String key, String method) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("X-API-Key", key)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(HttpClient http, String base, Process p) throws Exception {
        String last = "";
        for (int i = 0; i < 240; i++) {
            assertThat(p.isAlive()).as("the API exited; see its log in target/").isTrue();
            try {
                HttpResponse<String> r = get(http, base + "/q/health/ready", null);
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the packaged API never became ready: " + last);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest multipart(String url, String key, Path file) throws IOException {
        String boundary = "----liveatlas" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.h5ad\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        var out = new java.io.ByteArrayOutputStream();
        out.write(head);
        out.write(Files.readAllBytes(file));
        out.write(tail);
        byte[] body = out.toByteArray();
        return HttpRequest.newBuilder(URI.create(url))
                .header("X-API-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }
}
