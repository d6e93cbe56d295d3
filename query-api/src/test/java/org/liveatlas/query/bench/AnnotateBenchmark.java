package org.liveatlas.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.query.security.ApiKeys;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * Benchmark (not a test): the time to annotate N cells end to end through the packaged API, from the
 * start of the upload to the full JSON result in hand (upload, 202, job: QC, alignment, embedding, k-NN
 * votes against the labelled reference in OpenSearch; then the result download), with the accuracy on
 * the known types and the unknown rate on the absent type.
 *
 * <p>The reference is the test atlas (600 labelled reference cells of 4 types plus a private study of the
 * fifth, 500 genes, its seeded encoder); the upload is the query study's 300 cells repeated to N with
 * distinct ids. Usage (after {@code ./mvnw -pl query-api -am package} and {@code test-compile}): {@code
 * AnnotateBenchmark [cells=50000] [jar=target/quarkus-app/quarkus-run.jar]}; it starts its own OpenSearch
 * and API on free ports in a temporary folder.
 */
public final class AnnotateBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnotateBenchmark() {}

    public static void main(String[] args) throws Exception {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Path jar = Path.of(args.length > 1 ? args[1] : "target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run ./mvnw -B -pl query-api -am package -DskipTests");
        }
        Path dir = Files.createTempDirectory(
                "liveatlas-annotate-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        AtlasStack stack = new AtlasStack(
                AtlasTestResource.benchStackConfig(dir.resolve("stack")), EnumSet.of(ServiceName.OPENSEARCH));
        Process api = null;
        try {
            stack.up(System.out::println);
            String url = stack.endpoints().openSearchUrl();
            SyntheticAtlas atlas = SyntheticAtlas.build();
            atlas.saveModel(dir.resolve("models"));
            AtlasTestResource.index(url, atlas);
            Path upload = dir.resolve("query-" + cells + ".h5ad");
            List<String> truth = atlas.writeRepeatedQuery(upload, cells);
            System.out.printf(Locale.ROOT, "upload: %d cells, %.1f MB%n", cells, Files.size(upload) / 1e6);

            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String key = "bench-" + UUID.randomUUID();
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx2g",
                            "-Datlas.query.security.keys.bench.sha256=" + ApiKeys.sha256Hex(key),
                            "-jar",
                            jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("api.log").toFile());
            pb.environment().put("ATLAS_OPENSEARCH_URL", url);
            pb.environment().put("ATLAS_DATA_DIR", dir.resolve("data").toString());
            pb.environment().put("ATLAS_API_PORT", Integer.toString(port));
            pb.environment().put("ATLAS_QUERY_MODELS_SOURCE", "folder");
            pb.environment().put("ATLAS_QUERY_MODELS_DIR", dir.resolve("models").toString());
            pb.environment().put("ATLAS_QUERY_ANNOTATE_MIN_SHARED_GENES", "100");
            pb.environment().put("ATLAS_QUERY_ANNOTATE_MAX_UPLOAD_BYTES", Long.toString(2_000_000_000L));
            api = pb.start();
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            awaitReady(http, base, api, dir.resolve("api.log"));

            String boundary = "----bench" + UUID.randomUUID();
            HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/v1/annotate"))
                    .header("X-API-Key", key)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofString("--" + boundary
                                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"query.h5ad\"\r\n"
                                    + "Content-Type: application/octet-stream\r\n\r\n"),
                            HttpRequest.BodyPublishers.ofFile(upload),
                            HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                    .build();
            long t0 = System.nanoTime();
            HttpResponse<String> accepted = http.send(post, HttpResponse.BodyHandlers.ofString());
            long tAccepted = System.nanoTime();
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("expected 202, got " + accepted.statusCode() + ": " + accepted.body());
            }
            String job = accepted.headers().firstValue("Location").orElseThrow();
            String path = job.substring(job.indexOf("/v1/jobs/"));
            String state = "";
            while (!state.equals("succeeded")) {
                Thread.sleep(100);
                JsonNode s = JSON.readTree(get(http, base + path, key).body());
                state = s.path("state").asText();
                if (state.equals("failed")) {
                    throw new IllegalStateException("job failed: " + s);
                }
            }
            long tDone = System.nanoTime();
            HttpResponse<String> result = get(http, base + path + "/result", key);
            long tResult = System.nanoTime();
            JsonNode r = JSON.readTree(result.body());
            JsonNode list = r.path("cells");
            int known = 0;
            int right = 0;
            int absent = 0;
            int unknown = 0;
            for (int i = 0; i < list.size(); i++) {
                String t = truth.get(i);
                String label = list.get(i).path("label").asText();
                if (t.equals(atlas.absentLabel())) {
                    absent++;
                    unknown += label.equals(SyntheticAtlas.unknown()) ? 1 : 0;
                } else {
                    known++;
                    right += label.equals(t) ? 1 : 0;
                }
            }
            double total = (tResult - t0) / 1e9;
            System.out.println();
            System.out.println(
                    "| cells | upload until 202 | job (QC, align, embed, k-NN vote) | result JSON | end to end |"
                            + " cells/s | known right | absent unknown |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %.1f s | %.1f s | %.1f s | %.1f s | %,.0f | %.3f | %.3f |%n",
                    list.size(),
                    (tAccepted - t0) / 1e9,
                    (tDone - tAccepted) / 1e9,
                    (tResult - tDone) / 1e9,
                    total,
                    list.size() / total,
                    (double) right / Math.max(1, known),
                    (double) unknown / Math.max(1, absent));
        } finally {
            if (api != null) {
                api.destroy();
                if (!api.waitFor(30, TimeUnit.SECONDS)) {
                    api.destroyForcibly();
                }
            }
            stack.down(line -> {});
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("X-API-Key", key)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void awaitReady(HttpClient http, String base, Process api, Path log) throws Exception {
        for (int i = 0; i < 480; i++) {
            if (!api.isAlive()) {
                throw new IllegalStateException("the API exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the API never became ready:\n" + Files.readString(log));
    }
}
