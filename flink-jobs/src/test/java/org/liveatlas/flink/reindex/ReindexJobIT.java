package org.liveatlas.flink.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.UploadObjectArgs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.index.IndexStudyJob;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.testing.PipelineFixtures;
import org.liveatlas.flink.testing.TcpProxy;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/**
 * ReindexJob against the real stack, with IndexStudyJob running beside it: a new model rebuilds the cells
 * index blue/green; a deposit, a new version and a withdrawal made during the rebuild land in both the live
 * and the building index; queries never see the new index before it is complete; the old index is kept for
 * the configured retention, then deleted.
 */
@ExtendWith(AtlasStackExtension.class)
class ReindexJobIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Duration RETAIN = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void aRebuildTakesInEveryChangeMadeMeanwhileAndTheAliasMovesOnlyToTheCompleteIndex(TestStack stack)
            throws Exception {
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SynthConfig.defaults(9, 4, 120, 300));
        List<String> genes = gen.model().genes().symbols();
        Path m1 = PipelineFixtures.randomModel(tmp.resolve("m1"), "m1", genes, List.of(32), 16, 1);
        Path m2 = PipelineFixtures.randomModel(tmp.resolve("m2"), "m2", genes, List.of(32), 16, 2);
        Map<String, String> topics = new HashMap<>();
        topics.put("deposits", stack.createTopic("deposits", 1, false));
        topics.put("status", stack.createTopic("status", 1, true));
        topics.put("models", stack.createTopic("models", 1, true));
        topics.put("dlq", stack.createTopic("dlq", 1, false));
        String bucket = stack.createBucket("atlas");
        String prefix = stack.unique("r") + "-";
        Configuration base = PipelineFixtures.stackConfiguration(
                        stack, bucket, prefix, m1, topics, Files.createDirectories(tmp.resolve("work")))
                .clone();
        base.setString("atlas.reindex.retain", RETAIN.toString());
        PipelineConfig config = PipelineFixtures.config(base);

        List<SyntheticStudy> studies = gen.studies();
        SyntheticStudy a = studies.get(0); // reference
        SyntheticStudy b = studies.get(1); // new version during the rebuild
        SyntheticStudy c = studies.get(2); // withdrawn during the rebuild
        SyntheticStudy d = studies.get(3); // deposited during the rebuild
        Map<String, Path> files = new LinkedHashMap<>();
        for (SyntheticStudy s : studies) {
            files.put(s.studyId(), tmp.resolve(s.studyId() + ".h5ad"));
            H5adWriter.write(files.get(s.studyId()), s);
        }
        Map<String, StudyDeposited> deposited = new HashMap<>();

        // the atlas as IndexStudyJob leaves it with model m1; the job keeps running through the rebuild
        JobClient index = start(config);
        try (OpenSearchHttp http = OpenSearchHttp.connect(config.openSearch());
                OpenSearchHttp queryHttp = OpenSearchHttp.connect(config.openSearch());
                TcpProxy reindexStore = storeProxy(stack)) {
            for (SyntheticStudy s : List.of(a, b, c)) {
                deposited.put(
                        s.studyId(),
                        PipelineFixtures.deposit(
                                stack,
                                bucket,
                                topics.get("deposits"),
                                meta(s.studyId(), s == a),
                                files.get(s.studyId())));
            }
            for (SyntheticStudy s : List.of(a, b, c)) {
                awaitFinal(stack, topics, s.studyId(), StudyState.INDEXED, null);
            }
            IndexManager indexes = new IndexManager(http, prefix);
            String m1Index = indexes.cellsIndex("m1");
            String m2Index = indexes.cellsIndex("m2");
            assertThat(indexes.aliasTargets()).containsExactly(m1Index);
            assertThat(count(http, indexes.cellsAlias())).isEqualTo(3L * 120);

            // queries in a loop from now on: which index answered, and how many cells it holds
            AtomicBoolean stop = new AtomicBoolean();
            List<String[]> seen = new CopyOnWriteArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            Thread queries = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        JsonNode r = queryHttp.require(
                                "POST",
                                "/" + indexes.cellsAlias() + "/_search",
                                "{\"size\":1,\"track_total_hits\":true,\"_source\":false}",
                                "search the alias");
                        seen.add(new String[] {
                            r.path("hits").path("hits").path(0).path("_index").asText(),
                            r.path("hits").path("total").path("value").asText()
                        });
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            queries.start();

            // publish m2 while the re-index cannot reach the store: it marks cells-m2 as building, then fails to
            // fetch the model and restarts until the store is back, so the rebuild is surely under way while the
            // atlas changes
            uploadModel(stack, bucket, m2);
            ModelPublished published = new ModelPublished(
                    1,
                    ModelPublished.EVENT_TYPE,
                    "m2",
                    "m1",
                    ObjectLayout.modelPrefix("m2"),
                    16,
                    genes.size(),
                    null,
                    Map.of(),
                    Instant.now());
            reindexStore.cut();
            PipelineFixtures.publish(stack, topics.get("models"), "m2", Json.write(published));
            Configuration reindexConf = base.clone();
            reindexConf.setString("atlas.s3.endpoint", "http://127.0.0.1:" + reindexStore.port());
            reindexConf.setString("atlas.kafka.group", prefix + "reindex");
            // its own download folder, as on its own task manager: the model folder IndexStudyJob fetches is not shared
            reindexConf.setString(
                    "atlas.work-dir",
                    Files.createDirectories(tmp.resolve("work-reindex")).toString());
            PipelineConfig reindexConfig = PipelineFixtures.config(reindexConf);
            StreamExecutionEnvironment env = IndexStudyJob.environment(reindexConfig, new Configuration());
            ReindexJob.build(
                    env, ReindexJob.modelsSource(reindexConfig), ReindexJob.sink(reindexConfig), reindexConfig);
            JobClient reindex = env.executeAsync(ReindexJob.NAME);
            try {
                await(() -> indexes.buildingTargets().contains(m2Index), "cells-m2 marked as building");

                // during the rebuild: a new study, a new version of b (its first 60 cells), a withdrawal of c
                deposited.put(
                        d.studyId(),
                        PipelineFixtures.deposit(
                                stack,
                                bucket,
                                topics.get("deposits"),
                                meta(d.studyId(), false),
                                files.get(d.studyId())));
                Path b2 = tmp.resolve("b2").resolve("counts.h5ad");
                H5adWriter.write(
                        b2,
                        firstRows(b.counts(), 60),
                        b.cellIds().subList(0, 60),
                        firstRows(b.obs(), 60),
                        b.genes().symbols(),
                        Map.of("gene_ids", b.genes().ids()));
                StudyDeposited bV2 =
                        PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta(b.studyId(), false), b2);
                PipelineFixtures.publish(
                        stack,
                        topics.get("deposits"),
                        c.studyId(),
                        Json.write(StudyWithdrawn.of(
                                c.studyId(), deposited.get(c.studyId()).depositVersion(), Instant.now(), "test")));
                awaitFinal(
                        stack,
                        topics,
                        d.studyId(),
                        StudyState.INDEXED,
                        deposited.get(d.studyId()).depositVersion());
                awaitFinal(stack, topics, b.studyId(), StudyState.INDEXED, bV2.depositVersion());
                awaitFinal(stack, topics, c.studyId(), StudyState.WITHDRAWN, null);
                assertThat(indexes.aliasTargets())
                        .as("the rebuild cannot finish while its store is cut off")
                        .containsExactly(m1Index);

                reindexStore.restore();
                await(() -> indexes.aliasTargets().contains(m2Index), "alias moved to cells-m2");
                assertThat(indexes.exists(m1Index))
                        .as("old index kept for rollback")
                        .isTrue();
                assertThat(indexes.buildingTargets()).isEmpty();
                stop.set(true);
                queries.join();

                long expected = 120 + 60 + 120; // a, b's new version, d; c withdrawn
                assertThat(failures).isEmpty();
                assertThat(seen.stream().filter(q -> q[0].equals(m1Index))).isNotEmpty();
                assertThat(seen.stream().filter(q -> q[0].equals(m2Index)))
                        .as("every answer from the new index is the whole atlas")
                        .isNotEmpty()
                        .allSatisfy(q -> assertThat(Long.parseLong(q[1])).isEqualTo(expected));
                assertThat(count(http, m2Index)).isEqualTo(expected);

                // d, deposited during the rebuild: in the live index with m1's vectors and in the new one with m2's
                assertEmbedded(http, m1Index, d, files.get(d.studyId()), m1, "m1", config, d.cells());
                assertEmbedded(http, m2Index, d, files.get(d.studyId()), m2, "m2", config, d.cells());
                // b's new version replaced the old one in both; c is in neither; a re-embedded with m2
                for (String idx : List.of(m1Index, m2Index)) {
                    List<JsonNode> bDocs = docs(http, idx, b.studyId());
                    assertThat(bDocs).hasSize(60).allSatisfy(h -> assertThat(
                                    h.path("_source").path("deposit_version").asText())
                            .isEqualTo(bV2.depositVersion()));
                    assertThat(docs(http, idx, c.studyId())).isEmpty();
                }
                assertEmbedded(http, m2Index, a, files.get(a.studyId()), m2, "m2", config, a.cells());
                assertThat(docs(http, m2Index, d.studyId())).allSatisfy(h -> assertThat(
                                h.path("_source").path("predicted_label").asText())
                        .isNotEmpty());

                // the old index: retired at the swap, deleted once the retention has passed
                String retiredAt = http.require("GET", "/" + m1Index + "/_mapping", null, "mapping")
                        .path(m1Index)
                        .path("mappings")
                        .path("_meta")
                        .path(IndexManager.META_RETIRED_AT)
                        .asText();
                assertThat(retiredAt).isNotEmpty();
                await(() -> !indexes.exists(m1Index), "old index deleted after " + RETAIN);
                assertThat(Instant.now())
                        .isAfterOrEqualTo(Instant.parse(retiredAt).plus(RETAIN));
                assertThat(indexes.aliasTargets()).containsExactly(m2Index);
            } finally {
                stop.set(true);
                queries.join();
                reindex.cancel().get();
            }
        } finally {
            index.cancel().get();
        }
    }

    private static void assertEmbedded(
            OpenSearchHttp http,
            String index,
            SyntheticStudy s,
            Path file,
            Path model,
            String version,
            PipelineConfig config,
            int cells)
            throws Exception {
        Map<String, float[]> expected = PipelineFixtures.embedDirectly(model, file, s.studyId(), config);
        List<JsonNode> docs = docs(http, index, s.studyId());
        assertThat(docs).as("%s in %s", s.studyId(), index).hasSize(cells);
        for (JsonNode h : docs) {
            JsonNode src = h.path("_source");
            assertThat(src.path("model_version").asText()).isEqualTo(version);
            float[] want = expected.get(src.path("cell_id").asText());
            for (int j = 0; j < 16; j++) {
                assertThat(src.path("embedding").get(j).floatValue()).isCloseTo(want[j], Offset.offset(1e-5f));
            }
        }
    }

    /** Waits for the final status {@code state} of {@code study} (of {@code version} when given). */
    private static void awaitFinal(
            TestStack stack, Map<String, String> topics, String study, StudyState state, String version) {
        java.util.function.Predicate<String> matches = json -> {
            try {
                StudyStatus s = Json.mapper().readValue(json, StudyStatus.class);
                return s.studyId().equals(study)
                        && s.state() == state
                        && (version == null || version.equals(s.depositVersion()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        List<String> v = PipelineFixtures.readUntil(
                stack, topics.get("status"), DEADLINE, x -> x.stream().anyMatch(matches));
        assertThat(v.stream().anyMatch(matches))
                .as("%s %s %s", study, state, version)
                .isTrue();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            if (check.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + DEADLINE + ": " + what);
    }

    private static TcpProxy storeProxy(TestStack stack) throws Exception {
        URI s3 = URI.create(stack.s3Endpoint());
        return new TcpProxy(s3.getHost(), s3.getPort());
    }

    private static void uploadModel(TestStack stack, String bucket, Path model) throws Exception {
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                stack.s3()
                        .uploadObject(UploadObjectArgs.builder()
                                .bucket(bucket)
                                .object(ObjectLayout.modelPrefix("m2") + f.getFileName())
                                .filename(f.toString())
                                .build());
            }
        }
    }

    private static JobClient start(PipelineConfig config) throws Exception {
        StreamExecutionEnvironment env = IndexStudyJob.environment(config, new Configuration());
        IndexStudyJob.build(env, config);
        return env.executeAsync(IndexStudyJob.NAME);
    }

    private static long count(OpenSearchHttp http, String index) throws Exception {
        return http.require("GET", "/" + index + "/_count", null, "count")
                .path("count")
                .asLong();
    }

    private static List<JsonNode> docs(OpenSearchHttp http, String index, String study) throws Exception {
        http.require("POST", "/" + index + "/_refresh", null, "refresh");
        JsonNode r = http.require(
                "POST",
                "/" + index + "/_search",
                "{\"size\":1000,\"query\":{\"term\":{\"study_id\":\"" + study + "\"}}}",
                "search");
        List<JsonNode> out = new ArrayList<>();
        r.path("hits").path("hits").forEach(out::add);
        return out;
    }

    private static CsrBatch firstRows(CsrBatch m, int n) {
        int[] indptr = java.util.Arrays.copyOf(m.indptr(), n + 1);
        int nnz = indptr[n];
        return new CsrBatch(
                n,
                m.cols(),
                indptr,
                java.util.Arrays.copyOf(m.indices(), nnz),
                java.util.Arrays.copyOf(m.values(), nnz));
    }

    private static Map<String, List<String>> firstRows(Map<String, List<String>> obs, int n) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        obs.forEach((k, v) -> out.put(k, v.subList(0, n)));
        return out;
    }

    private static StudyMetadata meta(String id, boolean reference) {
        return new StudyMetadata(
                1,
                id,
                "study " + id,
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
}
