package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.testing.PipelineFixtures;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/** IndexStudyJob on an in-process MiniCluster against the real embedded Kafka, S3 store and OpenSearch. */
@ExtendWith(AtlasStackExtension.class)
class IndexStudyJobIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    static Path tmp;

    private static List<SyntheticStudy> studies;
    private static Path modelDir;
    private static OpenSearchHttp http;

    @BeforeAll
    static void prepare() {
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SynthConfig.defaults(7, 4, 150, 400));
        studies = gen.studies();
        // the model knows most of the studies' genes plus a few they lack, in its own order
        List<String> genes = new ArrayList<>(gen.model().genes().symbols().subList(0, 360));
        for (int i = 0; i < 20; i++) {
            genes.add("MODELONLY" + i);
        }
        java.util.Collections.reverse(genes);
        modelDir = PipelineFixtures.randomModel(tmp.resolve("model"), "m1", genes, List.of(48), 16, 11);
    }

    @AfterAll
    static void close() {
        if (http != null) {
            http.close();
        }
    }

    private static Map<String, String> topics(TestStack stack) {
        Map<String, String> t = new HashMap<>();
        t.put("deposits", stack.createTopic("deposits", 1, false));
        t.put("status", stack.createTopic("status", 1, true));
        t.put("models", stack.createTopic("models", 1, true));
        t.put("dlq", stack.createTopic("dlq", 1, false));
        return t;
    }

    private static StudyMetadata metadata(String id, boolean reference) {
        return metadata(
                id,
                reference,
                new ObsColumns(
                        SyntheticStudy.DONOR,
                        SyntheticStudy.SAMPLE,
                        SyntheticStudy.CELL_TYPE,
                        SyntheticStudy.CELL_TYPE_ONTOLOGY_ID));
    }

    private static StudyMetadata metadata(String id, boolean reference, ObsColumns columns) {
        return new StudyMetadata(
                1,
                id,
                "synthetic study " + id,
                null,
                "human",
                "blood",
                "normal",
                "10x 3' v3",
                columns,
                reference,
                Visibility.PUBLIC,
                null);
    }

    private static Path write(SyntheticStudy s) {
        Path file = tmp.resolve(s.studyId()).resolve("counts.h5ad");
        H5adWriter.write(file, s);
        return file;
    }

    private static Configuration flinkConf(Path checkpoints) {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        c.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return c;
    }

    private static JobClient start(PipelineConfig config, Configuration flinkConf) throws Exception {
        StreamExecutionEnvironment env = IndexStudyJob.environment(config, flinkConf);
        IndexStudyJob.build(env, config);
        return env.executeAsync(IndexStudyJob.NAME);
    }

    private static List<StudyStatus> statuses(List<String> values) {
        return values.stream()
                .map(v -> {
                    try {
                        return Json.mapper().readValue(v, StudyStatus.class);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    private static boolean hasFinal(List<String> values, String study, StudyState state, String version) {
        return statuses(values).stream()
                .anyMatch(s -> s.studyId().equals(study)
                        && s.state() == state
                        && (version == null || version.equals(s.depositVersion())));
    }

    private static List<JsonNode> docs(String index, String study) throws Exception {
        String q = "{\"size\":10000,\"query\":{\"term\":{\"study_id\":\"" + study + "\"}}}";
        JsonNode r = http.require("POST", "/" + index + "/_search", q, "search");
        List<JsonNode> out = new ArrayList<>();
        r.path("hits").path("hits").forEach(out::add);
        return out;
    }

    @Test
    void indexesEveryKeptCellOnceWithMetadataAndTheCoreEmbeddingAndQuarantinesAPoisonStudy(TestStack stack)
            throws Exception {
        Map<String, String> topics = topics(stack);
        String bucket = stack.createBucket("atlas");
        String prefix = stack.unique("a") + "-";
        Path work = Files.createDirectories(tmp.resolve("work-a"));
        PipelineConfig config = PipelineFixtures.config(
                PipelineFixtures.stackConfiguration(stack, bucket, prefix, modelDir, topics, work));
        http = http == null ? OpenSearchHttp.connect(config.openSearch()) : http;
        IndexManager indexes = new IndexManager(http, prefix);

        JobClient job = start(config, flinkConf(tmp.resolve("chk-a")));
        try {
            Map<String, Path> files = new HashMap<>();
            Map<String, StudyDeposited> events = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                SyntheticStudy s = studies.get(i);
                files.put(s.studyId(), write(s));
                events.put(
                        s.studyId(),
                        PipelineFixtures.deposit(
                                stack,
                                bucket,
                                topics.get("deposits"),
                                metadata(s.studyId(), i == 0),
                                files.get(s.studyId())));
            }
            // poison: the same counts under gene names the model does not know
            SyntheticStudy base = studies.get(3);
            List<String> alien = new ArrayList<>();
            for (int g = 0; g < base.genes().size(); g++) {
                alien.add("ALIEN" + g);
            }
            Path poisonFile = tmp.resolve("poison").resolve("counts.h5ad");
            H5adWriter.write(poisonFile, base.counts(), base.cellIds(), base.obs(), alien, Map.of("gene_ids", alien));
            PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), metadata("poison01", false), poisonFile);
            // poison: a reference whose study.json names a label column its file lacks
            Path labellessFile = tmp.resolve("nolabel01").resolve("counts.h5ad");
            H5adWriter.write(labellessFile, base);
            List<String> labellessColumns;
            try (StudyReader reader = StudyReaders.open(labellessFile)) {
                labellessColumns = reader.obsColumnNames();
            }
            StudyMetadata labelless = metadata(
                    "nolabel01",
                    true,
                    new ObsColumns(SyntheticStudy.DONOR, SyntheticStudy.SAMPLE, "author_cell_type", null));
            PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), labelless, labellessFile);

            List<String> status = PipelineFixtures.readUntil(
                    stack,
                    topics.get("status"),
                    DEADLINE,
                    v -> studies.subList(0, 3).stream()
                                    .allMatch(s -> hasFinal(v, s.studyId(), StudyState.INDEXED, null))
                            && hasFinal(v, "poison01", StudyState.QUARANTINED, null)
                            && hasFinal(v, "nolabel01", StudyState.QUARANTINED, null));
            assertThat(status).as("statuses").isNotEmpty();

            String index = indexes.cellsIndex("m1");
            assertThat(indexes.aliasTargets()).containsExactly(index);
            for (int i = 0; i < 3; i++) {
                SyntheticStudy s = studies.get(i);
                Map<String, float[]> expected =
                        PipelineFixtures.embedDirectly(modelDir, files.get(s.studyId()), s.studyId(), config);
                List<JsonNode> docs = docs(index, s.studyId());
                assertThat(docs).hasSize(expected.size());
                assertThat(expected).hasSize(s.cells()); // permissive QC keeps every cell
                for (JsonNode hit : docs) {
                    JsonNode src = hit.path("_source");
                    String cell = src.path("cell_id").asText();
                    assertThat(hit.path("_id").asText()).isEqualTo(s.studyId() + ":" + cell);
                    assertThat(src.path("deposit_version").asText())
                            .isEqualTo(events.get(s.studyId()).depositVersion());
                    assertThat(src.path("model_version").asText()).isEqualTo("m1");
                    assertThat(src.path("tissue").asText()).isEqualTo("blood");
                    assertThat(src.path("donor").asText()).isNotEmpty();
                    assertThat(src.path("author_label").asText()).isNotEmpty();
                    assertThat(src.path("reference").asBoolean()).isEqualTo(i == 0);
                    float[] want = expected.get(cell);
                    JsonNode got = src.path("embedding");
                    assertThat(got.size()).isEqualTo(16);
                    double norm = 0;
                    for (int j = 0; j < 16; j++) {
                        assertThat(got.get(j).floatValue())
                                .isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-5f));
                        norm += got.get(j).doubleValue() * got.get(j).doubleValue();
                    }
                    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
                    if (i > 0) {
                        // annotated against the reference study indexed before it
                        assertThat(src.path("predicted_label").asText()).isNotEmpty();
                        assertThat(src.path("min_dist").isNumber()).isTrue();
                    }
                }
                StudyStatus indexed = statuses(status).stream()
                        .filter(x -> x.studyId().equals(s.studyId()) && x.state() == StudyState.INDEXED)
                        .findFirst()
                        .orElseThrow();
                assertThat(indexed.counts().cellsRead()).isEqualTo(s.cells());
                assertThat(indexed.counts().cellsKept()).isEqualTo(expected.size());
                assertThat(indexed.counts().cellsEmbedded()).isEqualTo(expected.size());
                assertThat(indexed.counts().cellsIndexed()).isEqualTo(expected.size());
                assertThat(indexed.modelVersion()).isEqualTo("m1");
            }
            assertThat(docs(index, "poison01")).isEmpty();
            StudyStatus q = statuses(status).stream()
                    .filter(x -> x.studyId().equals("poison01"))
                    .filter(x -> x.state() == StudyState.QUARANTINED)
                    .findFirst()
                    .orElseThrow();
            assertThat(q.reason())
                    .contains("genes found")
                    .contains("poison01")
                    .doesNotContain("/tmp/")
                    .doesNotContain(work.toString());
            assertThat(docs(index, "nolabel01")).isEmpty();
            StudyStatus noLabel = statuses(status).stream()
                    .filter(x -> x.studyId().equals("nolabel01"))
                    .filter(x -> x.state() == StudyState.QUARANTINED)
                    .findFirst()
                    .orElseThrow();
            assertThat(noLabel.reason())
                    .isEqualTo("study nolabel01: study.json names cellTypeLabel column 'author_cell_type', but"
                            + " deposits/nolabel01/counts.h5ad has no such obs column (its columns: "
                            + String.join(", ", labellessColumns) + "); fix study.json's columns.cellTypeLabel or"
                            + " the file, and deposit again")
                    .doesNotContain("/tmp/")
                    .doesNotContain(work.toString());
            List<DeadLetter> dlq =
                    PipelineFixtures.readUntil(stack, topics.get("dlq"), DEADLINE, v -> v.size() >= 2).stream()
                            .map(v -> {
                                try {
                                    return Json.mapper().readValue(v, DeadLetter.class);
                                } catch (Exception e) {
                                    throw new AssertionError(e);
                                }
                            })
                            .toList();
            assertThat(dlq).extracting(DeadLetter::studyId).containsExactlyInAnyOrder("poison01", "nolabel01");
            assertThat(dlq).allSatisfy(dl -> assertThat(dl.source().topic()).isEqualTo(topics.get("deposits")));
            assertThat(dlq)
                    .filteredOn(dl -> dl.studyId().equals("nolabel01"))
                    .singleElement()
                    .satisfies(dl -> assertThat(dl.message()).isEqualTo(noLabel.reason()));
            JsonNode studyDoc = http.require("GET", "/" + indexes.studiesIndex() + "/_doc/synth02", null, "get");
            assertThat(studyDoc.path("_source").path("state").asText()).isEqualTo("indexed");
            assertThat(studyDoc.path("_source").path("qc").path("cellsRead").asLong())
                    .isEqualTo(150);

            // a new version of synth03 (its first 60 cells) replaces the old cells; a withdrawal removes synth02
            SyntheticStudy s3 = studies.get(2);
            Path v2 = tmp.resolve("synth03-v2").resolve("counts.h5ad");
            H5adWriter.write(
                    v2,
                    firstRows(s3.counts(), 60),
                    s3.cellIds().subList(0, 60),
                    subsetObs(s3.obs(), 60),
                    s3.genes().symbols(),
                    Map.of("gene_ids", s3.genes().ids()));
            StudyDeposited second =
                    PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), metadata(s3.studyId(), false), v2);
            StudyDeposited withdrawnVersion = events.get("synth02");
            PipelineFixtures.publish(
                    stack,
                    topics.get("deposits"),
                    "synth02",
                    Json.write(StudyWithdrawn.of(
                            "synth02", withdrawnVersion.depositVersion(), java.time.Instant.now(), "author request")));
            PipelineFixtures.readUntil(
                    stack,
                    topics.get("status"),
                    DEADLINE,
                    v -> hasFinal(v, s3.studyId(), StudyState.INDEXED, second.depositVersion())
                            && hasFinal(v, "synth02", StudyState.WITHDRAWN, null));
            List<JsonNode> after = docs(index, s3.studyId());
            assertThat(after).hasSize(60);
            assertThat(after).allSatisfy(h -> assertThat(
                            h.path("_source").path("deposit_version").asText())
                    .isEqualTo(second.depositVersion()));
            assertThat(docs(index, "synth02")).isEmpty();
            assertThat(docs(index, "synth01")).hasSize(150);
        } finally {
            job.cancel().get();
        }
    }

    private static org.liveatlas.core.matrix.CsrBatch firstRows(org.liveatlas.core.matrix.CsrBatch m, int n) {
        int[] indptr = java.util.Arrays.copyOf(m.indptr(), n + 1);
        int nnz = indptr[n];
        return new org.liveatlas.core.matrix.CsrBatch(
                n,
                m.cols(),
                indptr,
                java.util.Arrays.copyOf(m.indices(), nnz),
                java.util.Arrays.copyOf(m.values(), nnz));
    }

    private static Map<String, List<String>> subsetObs(Map<String, List<String>> obs, int n) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        obs.forEach((k, v) -> out.put(k, v.subList(0, n)));
        return out;
    }

    @Test
    void aJobCancelledMidStudyAndRestartedFromItsLastCheckpointIndexesExactlyTheStudysCells(TestStack stack)
            throws Exception {
        Map<String, String> topics = topics(stack);
        String bucket = stack.createBucket("atlas");
        String prefix = stack.unique("b") + "-";
        Configuration conf = PipelineFixtures.stackConfiguration(
                stack, bucket, prefix, modelDir, topics, Files.createDirectories(tmp.resolve("work-b")));
        conf.setString("atlas.study.chunk-rows", "50");
        conf.setString("atlas.sink.bulk-actions", "25");
        PipelineConfig config = PipelineFixtures.config(conf);
        http = http == null ? OpenSearchHttp.connect(config.openSearch()) : http;
        IndexManager indexes = new IndexManager(http, prefix);
        Path checkpoints = tmp.resolve("chk-b");

        SyntheticStudy big = new SyntheticStudyGenerator(SynthConfig.defaults(21, 1, 3000, 400))
                .studies()
                .get(0);
        Path file = write(big);

        JobClient first = start(config, flinkConf(checkpoints));
        try {
            awaitCheckpoint(checkpoints, first);
            PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), metadata(big.studyId(), false), file);
            // wait until the study is part-way: progress published and some documents written
            PipelineFixtures.readUntil(stack, topics.get("status"), DEADLINE, v -> statuses(v).stream()
                    .anyMatch(s ->
                            s.state() == StudyState.INDEXING && s.progress().cellsEmbedded() >= 300));
        } finally {
            first.cancel().get();
        }
        String index = indexes.cellsIndex("m1");
        indexes.refresh(index);
        long partial = docs(index, big.studyId()).size();
        assertThat(partial)
                .as("documents written before the cancel")
                .isGreaterThan(0)
                .isLessThan(big.cells());

        Path restoreFrom = awaitCheckpoint(checkpoints, first);
        Configuration restore = flinkConf(checkpoints);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        JobClient second = start(config, restore);
        try {
            List<String> status = PipelineFixtures.readUntil(
                    stack, topics.get("status"), DEADLINE, v -> hasFinal(v, big.studyId(), StudyState.INDEXED, null));
            assertThat(hasFinal(status, big.studyId(), StudyState.INDEXED, null))
                    .isTrue();
        } finally {
            second.cancel().get();
        }
        List<JsonNode> docs = docs(index, big.studyId());
        assertThat(docs).hasSize(big.cells());
        Set<String> ids = new java.util.HashSet<>();
        docs.forEach(d -> ids.add(d.path("_id").asText()));
        assertThat(ids).hasSize(big.cells());
        assertThat(ids)
                .containsAll(
                        big.cellIds().stream().map(c -> big.studyId() + ":" + c).toList());
    }

    @Test
    void openSearchUnavailableMidStudyMakesTheJobWaitAndFinishWithNothingLost(TestStack stack) throws Exception {
        Map<String, String> topics = topics(stack);
        String bucket = stack.createBucket("atlas");
        String prefix = stack.unique("c") + "-";
        java.net.URI os = java.net.URI.create(stack.openSearchUrl());
        try (org.liveatlas.flink.testing.TcpProxy proxy =
                new org.liveatlas.flink.testing.TcpProxy(os.getHost(), os.getPort())) {
            Configuration conf = PipelineFixtures.stackConfiguration(
                    stack, bucket, prefix, modelDir, topics, Files.createDirectories(tmp.resolve("work-c")));
            conf.setString("atlas.opensearch.url", "http://127.0.0.1:" + proxy.port());
            conf.setString("atlas.study.chunk-rows", "50");
            conf.setString("atlas.sink.bulk-actions", "25");
            conf.setString("atlas.sink.max-retries", "12");
            PipelineConfig config = PipelineFixtures.config(conf);
            http = http == null
                    ? OpenSearchHttp.connect(PipelineFixtures.config(
                                    PipelineFixtures.stackConfiguration(stack, bucket, prefix, modelDir, topics, tmp))
                            .openSearch())
                    : http;
            IndexManager indexes = new IndexManager(http, prefix);
            SyntheticStudy big = new SyntheticStudyGenerator(SynthConfig.defaults(33, 1, 3000, 400))
                    .studies()
                    .get(0);
            Path file = write(big);
            JobClient job = start(config, flinkConf(tmp.resolve("chk-c")));
            try {
                PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), metadata(big.studyId(), false), file);
                PipelineFixtures.readUntil(stack, topics.get("status"), DEADLINE, v -> statuses(v).stream()
                        .anyMatch(x ->
                                x.state() == StudyState.INDEXING && x.progress().cellsEmbedded() >= 300));
                proxy.cut();
                Thread.sleep(30_000); // the outage: longer than a checkpoint interval, shorter than the retries
                proxy.restore();
                List<String> status = PipelineFixtures.readUntil(
                        stack,
                        topics.get("status"),
                        DEADLINE,
                        v -> hasFinal(v, big.studyId(), StudyState.INDEXED, null));
                assertThat(hasFinal(status, big.studyId(), StudyState.INDEXED, null))
                        .isTrue();
            } finally {
                job.cancel().get();
            }
            List<JsonNode> docs = docs(indexes.cellsIndex("m1"), big.studyId());
            assertThat(docs).hasSize(big.cells());
            assertThat(docs.stream().map(d -> d.path("_id").asText()).distinct().count())
                    .isEqualTo(big.cells());
        }
    }

    /** Waits for a completed checkpoint of {@code job} and returns the latest one's folder. */
    private static Path awaitCheckpoint(Path root, JobClient job) throws Exception {
        Path jobDir = root.resolve(job.getJobID().toString());
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            if (Files.isDirectory(jobDir)) {
                try (Stream<Path> s = Files.list(jobDir)) {
                    var done = s.filter(p -> p.getFileName().toString().startsWith("chk-"))
                            .filter(p -> Files.exists(p.resolve("_metadata")))
                            .max(java.util.Comparator.comparingLong(p ->
                                    Long.parseLong(p.getFileName().toString().substring(4))));
                    if (done.isPresent()) {
                        return done.get();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint completed under " + jobDir);
    }
}
