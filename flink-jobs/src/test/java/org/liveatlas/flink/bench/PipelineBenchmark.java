package org.liveatlas.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.index.IndexStudyJob;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.testing.PipelineFixtures;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/**
 * Benchmark, not a test (its name matches neither *Test nor *IT, so no build runs it): deposit-to-searchable
 * time of a 10,000-cell synthetic study through IndexStudyJob on the real embedded stack, the pipeline's
 * cells/s, and beside it the raw throughput of the core (read, QC, align, lognorm, embed: what {@code atlas
 * embed} does) on the same file and model in the same JVM, for each of the index settings in {@code
 * -Dbench.variants} (default {@code 16/128,16/64}: HNSW m / ef_construction, optionally {@code /sq} for scalar
 * quantisation), with the CPU each side used while the study ran and the recall of the k-NN index against
 * exact search. Run with
 * {@code ./mvnw -o -pl flink-jobs verify -Dit.test=PipelineBenchmark -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are printed.
 */
@ExtendWith(AtlasStackExtension.class)
class PipelineBenchmark {
    @TempDir
    Path tmp;

    @Test
    void depositToSearchable(TestStack stack) throws Exception {
        int genes = Integer.getInteger("bench.genes", 5000);
        int cells = Integer.getInteger("bench.cells", 10_000);
        // index settings to compare in one run, "m/ef_construction[/sq]", the first being the baseline
        List<String> variants =
                List.of(System.getProperty("bench.variants", "16/128,16/64").split(","));
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SynthConfig.defaults(3, 2, cells, genes));
        List<SyntheticStudy> studies = gen.studies();
        Path model = PipelineFixtures.randomModel(
                tmp.resolve("model"), "bench", gen.model().genes().symbols(), List.of(1024, 1024), 128, 5);
        Path referenceFile = tmp.resolve("ref.h5ad");
        Path studyFile = tmp.resolve("study.h5ad");
        H5adWriter.write(referenceFile, subset(studies.get(0), 2000));
        H5adWriter.write(studyFile, studies.get(1));
        String bucket = stack.createBucket("atlas");
        List<String> report = new ArrayList<>();
        report.add(String.format(
                "BENCH genes=%d cells=%d model=%d-1024-1024-128 cores=%d",
                genes, cells, genes, Runtime.getRuntime().availableProcessors()));

        for (String variant : variants) {
            String[] v = variant.trim().split("/");
            Map<String, String> topics = new HashMap<>();
            topics.put("deposits", stack.createTopic("deposits", 1, false));
            topics.put("status", stack.createTopic("status", 1, true));
            topics.put("models", stack.createTopic("models", 1, true));
            topics.put("dlq", stack.createTopic("dlq", 1, false));
            String prefix = stack.unique("bench") + "-";
            Configuration conf = PipelineFixtures.stackConfiguration(
                    stack, bucket, prefix, model, topics, Files.createDirectories(tmp.resolve("w-" + prefix)));
            conf.setString("atlas.study.chunk-rows", "1024");
            conf.setString("atlas.sink.bulk-actions", "1000");
            conf.setString("atlas.checkpoint.interval", "10 s");
            conf.setString(
                    "atlas.model.threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
            conf.setString("atlas.annotate.k", "50");
            conf.setString("atlas.index.hnsw-m", v[0]);
            conf.setString("atlas.index.hnsw-ef-construction", v[1]);
            conf.setString("atlas.index.knn-encoder", v.length > 2 ? v[2] : "none");
            PipelineConfig config = PipelineFixtures.config(conf);

            // raw: the core alone on the same file (warm-up pass first), right before this variant's pipeline run
            PipelineFixtures.embedDirectly(model, studyFile, "synth02", config);
            long r0 = System.nanoTime();
            int embedded = PipelineFixtures.embedDirectly(model, studyFile, "synth02", config)
                    .size();
            double rawSeconds = (System.nanoTime() - r0) / 1e9;

            StreamExecutionEnvironment env = IndexStudyJob.environment(config, new Configuration());
            IndexStudyJob.build(env, config);
            JobClient job = env.executeAsync(IndexStudyJob.NAME);
            try (OpenSearchHttp http = OpenSearchHttp.connect(config.openSearch())) {
                PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta("synth01", true), referenceFile);
                waitFor(stack, topics.get("status"), "synth01", StudyState.INDEXED);
                JsonNode os0 = nodeStats(http);
                long cpu0 = ownCpuNanos();
                long t0 = System.nanoTime();
                PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta("synth02", false), studyFile);
                List<StudyStatus> statuses = waitFor(stack, topics.get("status"), "synth02", StudyState.INDEXED);
                double searchable = (System.nanoTime() - t0) / 1e9;
                double ownCpu = (ownCpuNanos() - cpu0) / 1e9;
                JsonNode os1 = nodeStats(http);
                StudyStatus first = statuses.stream()
                        .filter(s -> s.studyId().equals("synth02") && s.state() == StudyState.INDEXING)
                        .findFirst()
                        .orElseThrow();
                StudyStatus done = statuses.stream()
                        .filter(s -> s.studyId().equals("synth02") && s.state() == StudyState.INDEXED)
                        .findFirst()
                        .orElseThrow();
                double pipelineSeconds =
                        Duration.between(first.time(), done.time()).toMillis() / 1000.0;
                double raw = embedded / rawSeconds;
                double pipe = done.counts().cellsIndexed() / pipelineSeconds;
                String index = new IndexManager(http, prefix).cellsIndex("bench");
                report.add(String.format(
                        "BENCH --- index m=%s ef_construction=%s encoder=%s",
                        v[0], v[1], v.length > 2 ? v[2] : "none"));
                report.add(String.format(
                        "BENCH raw core (read+QC+align+lognorm+embed): %.1f cells/s (%d cells in %.2f s)",
                        raw, embedded, rawSeconds));
                report.add(String.format(
                        "BENCH pipeline (+annotate k=50 against 2,000 reference cells, bulk index): %.1f cells/s"
                                + " (%d indexed in %.2f s) = %.0f%% of raw",
                        pipe, done.counts().cellsIndexed(), pipelineSeconds, 100 * pipe / raw));
                report.add(String.format("BENCH deposit-to-searchable: %.2f s", searchable));
                report.add(String.format(
                        "BENCH CPU while the study ran: pipeline JVM %.1f s; OpenSearch process %.1f s, of which"
                                + " indexing %.1f s, refresh %.1f s, merges %.1f s, flush %.1f s (wall %.1f s x %d"
                                + " cores = %.1f core-s)",
                        ownCpu,
                        delta(os0, os1, "process", "cpu", "total_in_millis") / 1000.0,
                        delta(os0, os1, "indices", "indexing", "index_time_in_millis") / 1000.0,
                        delta(os0, os1, "indices", "refresh", "total_time_in_millis") / 1000.0,
                        delta(os0, os1, "indices", "merges", "total_time_in_millis") / 1000.0,
                        delta(os0, os1, "indices", "flush", "total_time_in_millis") / 1000.0,
                        searchable,
                        Runtime.getRuntime().availableProcessors(),
                        searchable * Runtime.getRuntime().availableProcessors()));
                report.add(
                        String.format("BENCH recall@50 of the k-NN index vs exact search: %.4f", recall(http, index)));
            } finally {
                job.cancel().get();
            }
        }
        System.out.println();
        report.forEach(System.out::println);
        System.out.println();
    }

    /** Mean recall@50 of 100 k-NN queries (vectors of indexed cells) against exact cosine search over the index. */
    private static double recall(OpenSearchHttp http, String index) throws Exception {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        JsonNode after = null;
        while (true) {
            ObjectNode q = Json.mapper().createObjectNode();
            q.put("size", 5000);
            q.putArray("_source").add("embedding");
            q.putArray("sort").add("study_id").add("cell_id");
            if (after != null) {
                q.set("search_after", after);
            }
            JsonNode hits = http.require("POST", "/" + index + "/_search", Json.write(q), "read vectors")
                    .path("hits")
                    .path("hits");
            for (JsonNode h : hits) {
                JsonNode e = h.path("_source").path("embedding");
                float[] f = new float[e.size()];
                for (int j = 0; j < f.length; j++) {
                    f[j] = e.get(j).floatValue();
                }
                ids.add(h.path("_id").asText());
                vectors.add(f);
                after = h.path("sort");
            }
            if (hits.size() < 5000) {
                break;
            }
        }
        java.util.Random rnd = new java.util.Random(7);
        int queries = 100;
        int k = 50;
        double sum = 0;
        for (int qi = 0; qi < queries; qi++) {
            float[] q = vectors.get(rnd.nextInt(vectors.size()));
            Integer[] order = new Integer[vectors.size()];
            double[] sim = new double[vectors.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                double d = 0;
                for (int j = 0; j < q.length; j++) {
                    d += q[j] * vectors.get(i)[j];
                }
                sim[i] = d;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
            java.util.Set<String> exact = new java.util.HashSet<>();
            for (int i = 0; i < k; i++) {
                exact.add(ids.get(order[i]));
            }
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("size", k);
            body.put("_source", false);
            ObjectNode knn = body.putObject("query").putObject("knn").putObject("embedding");
            knn.put("k", k);
            com.fasterxml.jackson.databind.node.ArrayNode vec = knn.putArray("vector");
            for (float x : q) {
                vec.add(x);
            }
            int found = 0;
            for (JsonNode h : http.require("POST", "/" + index + "/_search", Json.write(body), "knn")
                    .path("hits")
                    .path("hits")) {
                if (exact.contains(h.path("_id").asText())) {
                    found++;
                }
            }
            sum += found / (double) k;
        }
        return sum / queries;
    }

    private static JsonNode nodeStats(OpenSearchHttp http) throws Exception {
        JsonNode nodes = http.require("GET", "/_nodes/_local/stats/process,indices", null, "node stats")
                .path("nodes");
        return nodes.elements().next();
    }

    private static long delta(JsonNode before, JsonNode after, String... path) {
        JsonNode a = before;
        JsonNode b = after;
        for (String p : path) {
            a = a.path(p);
            b = b.path(p);
        }
        return b.asLong() - a.asLong();
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static List<StudyStatus> waitFor(TestStack stack, String topic, String study, StudyState state) {
        List<String> values = PipelineFixtures.readUntil(stack, topic, Duration.ofMinutes(10), v -> v.stream()
                .anyMatch(j -> j.contains("\"studyId\":\"" + study + "\"")
                        && j.contains("\"state\":\"" + state.name().toLowerCase() + "\"")));
        return values.stream()
                .map(v -> {
                    try {
                        return Json.mapper().readValue(v, StudyStatus.class);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static StudyMetadata meta(String id, boolean reference) {
        return new StudyMetadata(
                1,
                id,
                "benchmark " + id,
                null,
                "human",
                "blood",
                "normal",
                "10x",
                new ObsColumns(SyntheticStudy.DONOR, SyntheticStudy.SAMPLE, SyntheticStudy.CELL_TYPE, null),
                reference,
                Visibility.PUBLIC,
                null);
    }

    private static SyntheticStudy subset(SyntheticStudy s, int n) {
        int[] indptr = java.util.Arrays.copyOf(s.counts().indptr(), n + 1);
        int nnz = indptr[n];
        Map<String, List<String>> obs = new java.util.LinkedHashMap<>();
        s.obs().forEach((k, v) -> obs.put(k, v.subList(0, n)));
        SyntheticStudy.Truth t = s.truth();
        return new SyntheticStudy(
                s.studyId(),
                s.genes(),
                s.cellIds().subList(0, n),
                obs,
                new org.liveatlas.core.matrix.CsrBatch(
                        n,
                        s.counts().cols(),
                        indptr,
                        java.util.Arrays.copyOf(s.counts().indices(), nnz),
                        java.util.Arrays.copyOf(s.counts().values(), nnz)),
                new SyntheticStudy.Truth(
                        java.util.Arrays.copyOf(t.cellType(), n), java.util.Arrays.copyOf(t.donor(), n),
                        java.util.Arrays.copyOf(t.librarySize(), n), java.util.Arrays.copyOf(t.mitoFactor(), n)));
    }
}
