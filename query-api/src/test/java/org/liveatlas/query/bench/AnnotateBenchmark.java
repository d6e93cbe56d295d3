package org.liveatlas.query.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.norm.LogNormalizer;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.infra.launcher.AtlasMain;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.infra.stack.StackKey;
import org.liveatlas.query.reference.ReferenceRecall;
import org.liveatlas.query.security.ApiKeys;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.index.KnnSettings;

/**
 * Benchmark (not a test): the annotation of N query cells end to end through the packaged API against
 * labelled references of growing size, beside the embedding of the same file alone and the recall of the
 * API's in-memory search against exact search.
 *
 * <p>One run: builds the test atlas ({@link SyntheticAtlas}: 500 genes, 5 types, its seeded encoder),
 * writes the upload (the query study's 300 cells repeated to N with distinct ids), times {@code atlas embed}
 * of that file ({@link AtlasMain}, in this JVM, same model; twice, the second one warm is reported), starts
 * its own OpenSearch, indexes the atlas, then for each reference size:
 *
 * <ol>
 *   <li>grows {@code cells-synth-v1} to that many labelled reference cells: the atlas's own (public
 *       {@code synth01}, {@code synth02}, private {@code synth03}) plus further studies of the core's synthetic
 *       generator (the atlas's seed, genes and types; 10,000 cells each, the absent type dropped) embedded with
 *       the atlas's seeded encoder, bulk-indexed with refresh off; the index is created with {@code index.knn:
 *       false}, as the annotation path reads only the stored vectors;
 *   <li>starts the packaged API ({@code quarkus-run.jar}, {@code models.source=folder}), sends one small
 *       annotation (which starts the reference load) and times until {@code /v1/reference} says ready
 *       (read plus graph build), then times the N-cell annotation: upload until 202, job, result download;
 *   <li>builds the same reference in this JVM with the API's classes ({@link ReferenceRecall}) and measures
 *       recall@50 of its search against the core's exact {@code BruteForceSearch}, on 500 queries (the
 *       query study's 300 embeddings and 200 cells of a generated study that is never indexed).
 * </ol>
 *
 * Usage (after {@code ./mvnw -pl query-api -am package -DskipTests} and {@code test-compile}): {@code
 * AnnotateBenchmark [cells=50000] [jar=target/quarkus-app/quarkus-run.jar] [sizes=10000,100000,1000000]};
 * system properties {@code bench.api.xmx} (default 4g) and {@code bench.opensearch.heap} (default 2g).
 */
public final class AnnotateBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int K = 50;
    private static final int STUDY_CELLS = 10_000;
    private static final int BULK_DOCS = 5_000;
    private static final int RECALL_QUERIES = 500;

    private AnnotateBenchmark() {}

    /** One reference size's measurements. */
    record Row(
            int referenceCells,
            double load,
            String loadDetail,
            double upload,
            double job,
            double result,
            double total,
            int annotated,
            double knownRight,
            double absentUnknown,
            long heapUsedMb,
            long bytesPerCell,
            String graphs,
            ReferenceRecall.Result recall,
            String error,
            int exactMax) {}

    public static void main(String[] args) throws Exception {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Path jar = Path.of(args.length > 1 ? args[1] : "target/quarkus-app/quarkus-run.jar");
        // bench.exact-max: the API's reference.exact-max-cells, one run per value and size (default: its default)
        int[] exactMaxes = Arrays.stream(
                        System.getProperty("bench.exact-max", ReferenceRecall.defaultOf("exactMaxCells"))
                                .split(","))
                .mapToInt(v -> Integer.parseInt(v.trim()))
                .toArray();
        int[] sizes = Arrays.stream((args.length > 2 ? args[2] : "10000,100000,1000000").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String apiXmx = System.getProperty("bench.api.xmx", "4g");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run ./mvnw -B -pl query-api -am package -DskipTests");
        }
        Path dir = Files.createTempDirectory(
                "liveatlas-annotate-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        AtlasStack stack = new AtlasStack(
                AtlasTestResource.benchStackConfig(dir.resolve("stack"))
                        .with(Map.of(StackKey.OPENSEARCH_HEAP, System.getProperty("bench.opensearch.heap", "2g"))),
                EnumSet.of(ServiceName.OPENSEARCH));
        long start = System.nanoTime();
        try {
            SyntheticAtlas atlas = SyntheticAtlas.build();
            atlas.saveModel(dir.resolve("models"));
            Path upload = dir.resolve("query-" + cells + ".h5ad");
            List<String> truth = atlas.writeRepeatedQuery(upload, cells);
            Path warm = atlas.writeQuery(dir.resolve("warm.h5ad"), 0, 100);
            System.out.printf(Locale.ROOT, "upload: %d cells, %.1f MB%n", cells, Files.size(upload) / 1e6);

            double embed = embedAlone(dir, upload, cells);

            stack.up(System.out::println);
            String url = stack.endpoints().openSearchUrl();
            ObjectNode body = IndexMappings.cellsIndex(KnnSettings.defaults(SyntheticAtlas.LATENT));
            ObjectNode index = (ObjectNode) body.path("settings").path("index");
            index.put("knn", false);
            index.put("number_of_replicas", 0);
            index.put("refresh_interval", "-1");
            // without index.knn the vector field takes no method (no graph): the annotation reads the stored vectors
            ((ObjectNode) body.path("mappings").path("properties").path(IndexMappings.VECTOR_FIELD)).remove("method");
            AtlasTestResource.index(url, atlas, body);
            BenchReference reference =
                    new BenchReference(atlas, dir.resolve("models").resolve(SyntheticAtlas.MODEL_VERSION));
            float[][] queries = reference.recallQueries();

            List<Row> rows = new ArrayList<>();
            for (int size : sizes) {
                System.out.printf(
                        Locale.ROOT,
                        "%n=== reference of %,d labelled cells (load average %s) ===%n",
                        size,
                        loadAverage());
                try {
                    reference.growTo(size, url);
                    for (int exactMax : exactMaxes) {
                        Row r = annotate(dir, jar, apiXmx, url, atlas, upload, warm, truth, size, exactMax);
                        // the API's figures before the in-process build (as long again as the API's graph build)
                        List<Row> soFar = new ArrayList<>(rows);
                        soFar.add(r);
                        printTable(soFar, cells, embed, apiXmx);
                        System.out.printf(
                                Locale.ROOT, "in-process reference and recall@%d (load %s)%n", K, loadAverage());
                        ReferenceRecall.Result recall =
                                ReferenceRecall.measure(reference.studies(), queries, K, exactMax);
                        System.out.println("  " + recall);
                        System.gc();
                        r = withRecall(r, recall);
                        rows.add(r);
                        printTable(rows, cells, embed, apiXmx);
                    }
                } catch (Exception | OutOfMemoryError e) {
                    String why = e.toString();
                    System.out.println("reference of " + size + " cells failed: " + why);
                    why = why.substring(0, Math.min(300, why.length())).replace('\n', ' ');
                    rows.add(new Row(size, 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, "", null, why, 0));
                    break;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nwhole run: %.0f s, load average now %s%n",
                    (System.nanoTime() - start) / 1e9,
                    loadAverage());
            printTable(rows, cells, embed, apiXmx);
        } finally {
            stack.down(line -> {});
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Row withRecall(Row r, ReferenceRecall.Result recall) {
        return new Row(
                r.referenceCells(),
                r.load(),
                r.loadDetail(),
                r.upload(),
                r.job(),
                r.result(),
                r.total(),
                r.annotated(),
                r.knownRight(),
                r.absentUnknown(),
                r.heapUsedMb(),
                r.bytesPerCell(),
                r.graphs(),
                recall,
                r.error(),
                r.exactMax());
    }

    private static void printTable(List<Row> rows, int cells, double embed, String apiXmx) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "embedding alone (atlas embed, same file and model, warm JVM): %,d cells in %.1f s, %,.0f cells/s%n",
                cells,
                embed,
                cells / embed);
        System.out.println("API -Xmx" + apiXmx + "; heap used = after a full GC once the reference is loaded");
        System.out.println();
        System.out.println(
                "| reference cells | exact-max-cells | reference load (read + graph) | upload until 202 | job | result JSON"
                        + " | annotate total | cells/s | annotate / embed | known right | absent unknown"
                        + " | recall@50 | API heap used | bytes/cell | segments (graph) |");
        System.out.println(
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Row r : rows) {
            if (r.error() != null) {
                System.out.printf(
                        Locale.ROOT, "| %,d | %,d | failed: %s |%n", r.referenceCells(), r.exactMax(), r.error());
                continue;
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %,d | %.1f s%s | %.1f s | %.1f s | %.1f s | %.1f s | %,.0f | %.2f | %.3f | %.3f | %s | %,d MB"
                            + " | %,d | %s |%n",
                    r.referenceCells(),
                    r.exactMax(),
                    r.load(),
                    r.loadDetail(),
                    r.upload(),
                    r.job(),
                    r.result(),
                    r.total(),
                    r.annotated() / r.total(),
                    r.total() / embed,
                    r.knownRight(),
                    r.absentUnknown(),
                    r.recall() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.4f", r.recall().recall()),
                    r.heapUsedMb(),
                    r.bytesPerCell(),
                    r.graphs());
        }
        System.out.println();
        for (Row r : rows) {
            if (r.recall() != null) {
                System.out.printf(
                        Locale.ROOT,
                        "in-process reference of %,d: built in %.1f s, %d graph segment(s), %,d bytes/cell;"
                                + " %d queries searched in %.2f s (exact brute force %.2f s); recall@%d %.4f%n",
                        r.referenceCells(),
                        r.recall().buildSeconds(),
                        r.recall().graphSegments(),
                        r.recall().bytesPerCell(),
                        RECALL_QUERIES,
                        r.recall().searchSeconds(),
                        r.recall().exactSeconds(),
                        K,
                        r.recall().recall());
            }
        }
    }

    /** {@code atlas embed} of the upload with the atlas's model, twice in this JVM; the second (warm) time. */
    private static double embedAlone(Path dir, Path upload, int cells) {
        double last = 0;
        for (int run = 1; run <= 2; run++) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            long t0 = System.nanoTime();
            int rc = AtlasMain.run(
                    new PrintWriter(out, true),
                    new PrintWriter(err, true),
                    "embed",
                    "--model",
                    dir.resolve("models").resolve(SyntheticAtlas.MODEL_VERSION).toString(),
                    "--out",
                    dir.resolve("embed.npy").toString(),
                    "--min-shared-genes",
                    "100",
                    upload.toString());
            last = (System.nanoTime() - t0) / 1e9;
            if (rc != 0) {
                throw new IllegalStateException("atlas embed failed (" + rc + "): " + out + err);
            }
            System.out.printf(
                    Locale.ROOT,
                    "atlas embed run %d: %,d cells in %.1f s (%,.0f cells/s); %s",
                    run,
                    cells,
                    last,
                    cells / last,
                    out);
        }
        return last;
    }

    /** Starts the API, times the reference load and the annotation of the upload, stops the API. */
    private static Row annotate(
            Path dir,
            Path jar,
            String xmx,
            String url,
            SyntheticAtlas atlas,
            Path upload,
            Path warm,
            List<String> truth,
            int size,
            int exactMax)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String key = "bench-" + UUID.randomUUID();
        Path log = dir.resolve("api-" + size + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + xmx,
                        "-Datlas.query.security.keys.bench.sha256=" + ApiKeys.sha256Hex(key),
                        "-jar",
                        jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("ATLAS_OPENSEARCH_URL", url);
        pb.environment().put("ATLAS_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("ATLAS_API_PORT", Integer.toString(port));
        pb.environment().put("ATLAS_QUERY_MODELS_SOURCE", "folder");
        pb.environment().put("ATLAS_QUERY_MODELS_DIR", dir.resolve("models").toString());
        pb.environment().put("ATLAS_QUERY_ANNOTATE_MIN_SHARED_GENES", "100");
        pb.environment().put("ATLAS_QUERY_REFERENCE_EXACT_MAX_CELLS", Integer.toString(exactMax));
        pb.environment().put("ATLAS_QUERY_ANNOTATE_MAX_UPLOAD_BYTES", Long.toString(2_000_000_000L));
        Process api = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .build();
            awaitReady(http, base, api, log);

            // the first annotation starts the reference load; /v1/reference says when it (and its graph) is done
            long tLoad = System.nanoTime();
            CompletableFuture<HttpResponse<String>> first =
                    http.sendAsync(post(base, key, warm), HttpResponse.BodyHandlers.ofString());
            JsonNode ref = null;
            while (ref == null) {
                if (!api.isAlive()) {
                    throw new IllegalStateException("the API exited while loading:\n" + tail(log));
                }
                Thread.sleep(250);
                for (JsonNode r : JSON.readTree(
                                get(http, base + "/v1/reference", key).body())
                        .path("references")) {
                    if (r.path("model_version").asText().equals(SyntheticAtlas.MODEL_VERSION)
                            && r.path("state").asText().equals("ready")) {
                        ref = r;
                    }
                }
            }
            double load = (System.nanoTime() - tLoad) / 1e9;
            HttpResponse<String> firstAnswer = first.get(3600, TimeUnit.SECONDS);
            if (firstAnswer.statusCode() != 200) {
                // it may have given up waiting for the load (503); once more, so that the timed run is warm
                firstAnswer = http.send(post(base, key, warm), HttpResponse.BodyHandlers.ofString());
                if (firstAnswer.statusCode() != 200) {
                    throw new IllegalStateException(
                            "the first annotation answered " + firstAnswer.statusCode() + ": " + firstAnswer.body());
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "reference ready after %.1f s: %s%n",
                    load,
                    ref.toString().replaceAll("\"studies\":\\[[^]]*]", "\"studies\":[...]"));
            String detail = loadDetail(log);
            long heapMb = heapUsedMb(api.pid());
            System.out.printf(Locale.ROOT, "API heap used after a full GC: %,d MB%n", heapMb);

            long t0 = System.nanoTime();
            HttpResponse<String> accepted = http.send(post(base, key, upload), HttpResponse.BodyHandlers.ofString());
            long tAccepted = System.nanoTime();
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("expected 202, got " + accepted.statusCode() + ": " + accepted.body());
            }
            String job = accepted.headers().firstValue("Location").orElseThrow();
            String path = job.substring(job.indexOf("/v1/jobs/"));
            String state = "";
            while (!state.equals("succeeded")) {
                Thread.sleep(100);
                if (!api.isAlive()) {
                    throw new IllegalStateException("the API exited during the job:\n" + tail(log));
                }
                JsonNode s = JSON.readTree(get(http, base + path, key).body());
                state = s.path("state").asText();
                if (state.equals("failed")) {
                    throw new IllegalStateException("job failed: " + s);
                }
            }
            long tDone = System.nanoTime();
            HttpResponse<String> result = get(http, base + path + "/result", key);
            long tResult = System.nanoTime();
            JsonNode list = JSON.readTree(result.body()).path("cells");
            // the job's own split (read and normalise, embed, reference search, vote and write), from its log
            Files.readString(log)
                    .lines()
                    .filter(l -> l.contains("annotated ") && l.contains("reference search"))
                    .reduce((a, b) -> b)
                    .ifPresent(l -> System.out.println("  job phases: " + l.substring(l.indexOf("annotated "))));
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
            Row row = new Row(
                    size,
                    load,
                    detail,
                    (tAccepted - t0) / 1e9,
                    (tDone - tAccepted) / 1e9,
                    (tResult - tDone) / 1e9,
                    total,
                    list.size(),
                    (double) right / Math.max(1, known),
                    (double) unknown / Math.max(1, absent),
                    heapMb,
                    ref.path("bytes_per_cell").asLong(),
                    ref.path("segments").asInt() + " ("
                            + ref.path("graph_segments").asInt() + ")",
                    null,
                    null,
                    exactMax);
            System.out.printf(
                    Locale.ROOT,
                    "annotated %,d cells in %.1f s (upload %.1f s, job %.1f s, result %.1f s); known right %.3f,"
                            + " absent unknown %.3f%n",
                    list.size(),
                    total,
                    row.upload(),
                    row.job(),
                    row.result(),
                    row.knownRight(),
                    row.absentUnknown());
            return row;
        } finally {
            api.destroy();
            if (!api.waitFor(60, TimeUnit.SECONDS)) {
                api.destroyForcibly();
                api.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** " (read r s, graph g s)" from the API's log lines of the load, or "". */
    private static String loadDetail(Path log) throws Exception {
        String text = Files.readString(log);
        Matcher loaded = Pattern.compile("reference of model \\S+ loaded from .*, ([0-9.]+) s$", Pattern.MULTILINE)
                .matcher(text);
        Matcher graph = Pattern.compile("reference graph of (\\d+) cells built in ([0-9.]+) s")
                .matcher(text);
        double all = loaded.find() ? Double.parseDouble(loaded.group(1)) : Double.NaN;
        double g = graph.find() ? Double.parseDouble(graph.group(2)) : 0;
        for (String line : text.split("\n")) {
            if (line.contains("reference of model") || line.contains("reference graph of")) {
                System.out.println("  api: " + line.strip());
            }
        }
        return Double.isNaN(all) ? "" : String.format(Locale.ROOT, " (read %.1f s, graph %.1f s)", all - g, g);
    }

    /** The API's heap in use after a full GC, through {@code jcmd} (-1 when it cannot be read). */
    private static long heapUsedMb(long pid) {
        try {
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .start()
                    .waitFor(300, TimeUnit.SECONDS);
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("used (\\d+)K").matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "?";
        }
    }

    private static String tail(Path log) throws Exception {
        String s = Files.readString(log);
        return s.substring(Math.max(0, s.length() - 4000));
    }

    private static HttpRequest post(String base, String key, Path file) throws Exception {
        String boundary = "----bench" + UUID.randomUUID();
        return HttpRequest.newBuilder(URI.create(base + "/v1/annotate"))
                .header("X-API-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString("--" + boundary
                                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"query.h5ad\"\r\n"
                                + "Content-Type: application/octet-stream\r\n\r\n"),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();
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
                throw new IllegalStateException("the API exited:\n" + tail(log));
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
        throw new IllegalStateException("the API never became ready:\n" + tail(log));
    }

    /**
     * The benchmark's labelled reference: the atlas's indexed cells, then further studies of the core's synthetic
     * generator with the atlas's seed, genes and types ({@code synth05}, ... of {@link #STUDY_CELLS} cells each,
     * their own donors and batch effects) embedded with the atlas's seeded encoder, public, without the type
     * absent from the public reference; what is indexed is also kept here, for the in-process reference.
     */
    static final class BenchReference implements AutoCloseable {
        private static final int FIRST_STUDY = 4;
        private static final int MAX_STUDIES = 200;
        private final List<ReferenceRecall.Study> studies = new ArrayList<>();
        private final SyntheticAtlas atlas;
        private final SyntheticStudyGenerator generator;
        private final ScimilarityEncoder encoder;
        private int nextStudy = FIRST_STUDY;
        private ReferenceRecall.Study source;
        private List<String> sourceIds;
        private int used;
        private int held;

        BenchReference(SyntheticAtlas atlas, Path modelDir) {
            this.atlas = atlas;
            this.generator = new SyntheticStudyGenerator(SynthConfig.defaults(
                            SyntheticAtlas.SEED, FIRST_STUDY + MAX_STUDIES + 1, STUDY_CELLS, SyntheticAtlas.GENES)
                    .withCellTypes(SyntheticAtlas.TYPES, 0));
            for (int t = 0; t < SyntheticAtlas.TYPES; t++) {
                List<String> markers = Arrays.stream(generator.model().markers(t))
                        .mapToObj(g -> generator.model().genes().symbols().get(g))
                        .toList();
                if (!markers.equals(atlas.markers(t))
                        || !generator.model().typeNames().equals(atlas.typeNames())) {
                    throw new IllegalStateException("the generator's types differ from the atlas's");
                }
            }
            this.encoder = ScimilarityEncoder.open(ModelFolder.load(modelDir), EncoderOptions.defaults());
            for (String id : SyntheticAtlas.indexedStudies()) {
                SyntheticStudy s = atlas.study(id);
                boolean priv = SyntheticAtlas.isPrivate(id);
                ReferenceRecall.Study st = new ReferenceRecall.Study(
                        id,
                        priv ? "private" : "public",
                        priv ? SyntheticAtlas.PRIVATE_GROUP : null,
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>());
                for (int r = 0; r < s.cells(); r++) {
                    if (atlas.indexed(id, r)) {
                        st.vectors().add(atlas.embedding(id, r));
                        st.labels().add(atlas.label(id, r));
                        st.ontologyIds()
                                .add(s.obs()
                                        .get(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID)
                                        .get(r));
                    }
                }
                studies.add(st);
                held += st.vectors().size();
            }
            System.out.printf(Locale.ROOT, "reference: %d atlas cells, then generated studies%n", held);
        }

        List<ReferenceRecall.Study> studies() {
            return studies;
        }

        /** The query study's 300 embeddings and cells of a generated study never indexed, {@link #RECALL_QUERIES} in all. */
        float[][] recallQueries() {
            int n = atlas.study(SyntheticAtlas.QUERY_STUDY).cells();
            ReferenceRecall.Study extra = generated(FIRST_STUDY + MAX_STUDIES, false);
            float[][] out = new float[RECALL_QUERIES][];
            for (int i = 0; i < out.length; i++) {
                out[i] = i < n
                        ? atlas.embedding(SyntheticAtlas.QUERY_STUDY, i)
                        : extra.vectors().get(i - n);
            }
            return out;
        }

        /** Study {@code s} of the generator, embedded; its cells of the absent type dropped when {@code dropAbsent}. */
        private ReferenceRecall.Study generated(int s, boolean dropAbsent) {
            SyntheticStudy study = generator.study(s);
            float[] flat = encoder.embed(LogNormalizer.lognorm(study.counts()));
            int d = encoder.latentDim();
            int[] types = study.truth().cellType();
            ReferenceRecall.Study out = new ReferenceRecall.Study(
                    study.studyId(), "public", null, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            sourceIds = new ArrayList<>();
            for (int r = 0; r < study.cells(); r++) {
                if (dropAbsent && types[r] == SyntheticAtlas.ABSENT_TYPE) {
                    continue;
                }
                out.vectors().add(Arrays.copyOfRange(flat, r * d, (r + 1) * d));
                out.labels().add(atlas.typeNames().get(types[r]));
                out.ontologyIds()
                        .add(study.obs()
                                .get(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID)
                                .get(r));
                sourceIds.add(study.cellIds().get(r));
            }
            return out;
        }

        /** Generates, embeds and indexes studies until the index holds {@code size} reference cells, then refreshes. */
        void growTo(int size, String url) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            String index = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
            long t0 = System.nanoTime();
            double generating = 0;
            int from = held;
            StringBuilder bulk = new StringBuilder(BULK_DOCS * 1900);
            int inBulk = 0;
            while (held < size) {
                if (source == null || used == source.vectors().size()) {
                    if (nextStudy >= FIRST_STUDY + MAX_STUDIES) {
                        throw new IllegalStateException("more than " + MAX_STUDIES + " generated studies needed");
                    }
                    long g0 = System.nanoTime();
                    source = generated(nextStudy++, true);
                    generating += (System.nanoTime() - g0) / 1e9;
                    used = 0;
                    studies.add(new ReferenceRecall.Study(
                            source.id(), "public", null, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                }
                ReferenceRecall.Study st = studies.get(studies.size() - 1);
                float[] v = source.vectors().get(used);
                String label = quote(source.labels().get(used));
                String onto = quote(source.ontologyIds().get(used));
                String cell = sourceIds.get(used);
                st.vectors().add(v);
                st.labels().add(source.labels().get(used));
                st.ontologyIds().add(source.ontologyIds().get(used));
                used++;
                bulk.append("{\"index\":{\"_index\":\"")
                        .append(index)
                        .append("\",\"_id\":\"")
                        .append(st.id())
                        .append(':')
                        .append(cell)
                        .append("\"}}\n{\"cell_id\":\"")
                        .append(cell)
                        .append("\",\"study_id\":\"")
                        .append(st.id())
                        .append("\",\"sample\":\"")
                        .append(st.id())
                        .append("-s1\",\"donor\":\"")
                        .append(st.id())
                        .append("-d1\",\"tissue\":\"blood\",\"disease\":\"normal\",\"organism\":\"Homo sapiens\","
                                + "\"assay\":\"10x 3' v3\",\"author_label\":")
                        .append(label)
                        .append(",\"author_label_ontology_id\":")
                        .append(onto)
                        .append(",\"predicted_label\":")
                        .append(label)
                        .append(",\"reference\":true,\"model_version\":\"")
                        .append(SyntheticAtlas.MODEL_VERSION)
                        .append(
                                "\",\"ingest_time\":\"2026-11-20T10:00:00Z\",\"visibility\":\"public\",\"embedding\":[");
                for (int d = 0; d < v.length; d++) {
                    if (d > 0) {
                        bulk.append(',');
                    }
                    bulk.append(v[d]);
                }
                bulk.append("]}\n");
                held++;
                if (++inBulk == BULK_DOCS || held == size) {
                    send(http, url + "/_bulk?filter_path=errors,items.*.error", bulk.toString());
                    bulk.setLength(0);
                    inBulk = 0;
                    if ((held - from) % 50_000 == 0 || held == size) {
                        double s = (System.nanoTime() - t0) / 1e9;
                        System.out.printf(
                                Locale.ROOT,
                                "  indexed %,d reference cells (%,d new in %.0f s, %.0f s of it generating and"
                                        + " embedding; %,.0f/s; load %s)%n",
                                held,
                                held - from,
                                s,
                                generating,
                                (held - from) / s,
                                loadAverage());
                    }
                }
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/" + index + "/_refresh"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("refresh answered " + r.statusCode() + ": " + r.body());
            }
        }

        private static void send(HttpClient http, String url, String body) throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300 || JSON.readTree(r.body()).path("errors").asBoolean(true)) {
                throw new IllegalStateException("bulk answered " + r.statusCode() + ": "
                        + r.body().substring(0, Math.min(2000, r.body().length())));
            }
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
