package org.liveatlas.flink.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * embed} does) on the same file and model in the same JVM. Run with
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
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SynthConfig.defaults(3, 2, cells, genes));
        List<SyntheticStudy> studies = gen.studies();
        Path model = PipelineFixtures.randomModel(
                tmp.resolve("model"), "bench", gen.model().genes().symbols(), List.of(1024, 1024), 128, 5);
        Path referenceFile = tmp.resolve("ref.h5ad");
        Path studyFile = tmp.resolve("study.h5ad");
        H5adWriter.write(referenceFile, subset(studies.get(0), 2000));
        H5adWriter.write(studyFile, studies.get(1));

        Map<String, String> topics = new HashMap<>();
        topics.put("deposits", stack.createTopic("deposits", 1, false));
        topics.put("status", stack.createTopic("status", 1, true));
        topics.put("models", stack.createTopic("models", 1, true));
        topics.put("dlq", stack.createTopic("dlq", 1, false));
        String bucket = stack.createBucket("atlas");
        Configuration conf = PipelineFixtures.stackConfiguration(
                stack, bucket, stack.unique("bench") + "-", model, topics, Files.createDirectories(tmp.resolve("w")));
        conf.setString("atlas.study.chunk-rows", "1024");
        conf.setString("atlas.sink.bulk-actions", "1000");
        conf.setString("atlas.checkpoint.interval", "10 s");
        conf.setString(
                "atlas.model.threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        conf.setString("atlas.annotate.k", "50");
        PipelineConfig config = PipelineFixtures.config(conf);

        // raw: the core alone on the same file (warm-up pass first)
        PipelineFixtures.embedDirectly(model, studyFile, "synth02", config);
        long r0 = System.nanoTime();
        int embedded = PipelineFixtures.embedDirectly(model, studyFile, "synth02", config)
                .size();
        double rawSeconds = (System.nanoTime() - r0) / 1e9;

        StreamExecutionEnvironment env = IndexStudyJob.environment(config, new Configuration());
        IndexStudyJob.build(env, config);
        JobClient job = env.executeAsync(IndexStudyJob.NAME);
        try {
            PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta("synth01", true), referenceFile);
            waitFor(stack, topics.get("status"), "synth01", StudyState.INDEXED);
            long t0 = System.nanoTime();
            PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta("synth02", false), studyFile);
            List<StudyStatus> statuses = waitFor(stack, topics.get("status"), "synth02", StudyState.INDEXED);
            double searchable = (System.nanoTime() - t0) / 1e9;
            StudyStatus first = statuses.stream()
                    .filter(s -> s.studyId().equals("synth02") && s.state() == StudyState.INDEXING)
                    .findFirst()
                    .orElseThrow();
            StudyStatus done = statuses.stream()
                    .filter(s -> s.studyId().equals("synth02") && s.state() == StudyState.INDEXED)
                    .findFirst()
                    .orElseThrow();
            double pipelineSeconds = Duration.between(first.time(), done.time()).toMillis() / 1000.0;
            System.out.printf(
                    "%nBENCH genes=%d cells=%d model=%d-1024-1024-128 cores=%d%n",
                    genes, cells, genes, Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    "BENCH raw core (read+QC+align+lognorm+embed): %.1f cells/s (%d cells in %.2f s)%n",
                    embedded / rawSeconds, embedded, rawSeconds);
            System.out.printf(
                    "BENCH pipeline (+annotate k=50 against 2,000 reference cells, bulk index): %.1f cells/s"
                            + " (%d indexed in %.2f s) = %.0f%% of raw%n",
                    done.counts().cellsIndexed() / pipelineSeconds,
                    done.counts().cellsIndexed(),
                    pipelineSeconds,
                    100 * (done.counts().cellsIndexed() / pipelineSeconds) / (embedded / rawSeconds));
            System.out.printf("BENCH deposit-to-searchable: %.2f s%n%n", searchable);
        } finally {
            job.cancel().get();
        }
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
