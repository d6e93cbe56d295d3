package org.liveatlas.flink.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.UploadObjectArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
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
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

/** ReindexJob against the real stack: a new model rebuilds the cells index; queries never see it half-built. */
@ExtendWith(AtlasStackExtension.class)
class ReindexJobIT {
    @TempDir
    Path tmp;

    @Test
    void aNewModelRebuildsEveryStudyIntoItsOwnIndexAndTheAliasMovesOnlyWhenItIsComplete(TestStack stack)
            throws Exception {
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SynthConfig.defaults(9, 2, 120, 300));
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
        PipelineConfig config = PipelineFixtures.config(PipelineFixtures.stackConfiguration(
                stack, bucket, prefix, m1, topics, Files.createDirectories(tmp.resolve("work"))));

        // the atlas as IndexStudyJob leaves it with model m1
        JobClient index = start(config);
        List<SyntheticStudy> studies = gen.studies();
        try {
            for (int i = 0; i < studies.size(); i++) {
                SyntheticStudy s = studies.get(i);
                Path file = tmp.resolve(s.studyId() + ".h5ad");
                H5adWriter.write(file, s);
                PipelineFixtures.deposit(stack, bucket, topics.get("deposits"), meta(s.studyId(), i == 0), file);
            }
            PipelineFixtures.readUntil(
                    stack,
                    topics.get("status"),
                    Duration.ofSeconds(120),
                    v -> v.stream()
                                    .filter(j -> j.contains("\"state\":\"indexed\""))
                                    .count()
                            >= studies.size());
        } finally {
            index.cancel().get();
        }
        int total = studies.stream().mapToInt(SyntheticStudy::cells).sum();
        try (OpenSearchHttp http = OpenSearchHttp.connect(config.openSearch())) {
            IndexManager indexes = new IndexManager(http, prefix);
            assertThat(indexes.aliasTargets()).containsExactly(indexes.cellsIndex("m1"));
            assertThat(count(http, indexes.cellsAlias())).isEqualTo(total);

            // publish m2: its folder in the store, then the event
            try (Stream<Path> files = Files.list(m2)) {
                for (Path f : files.toList()) {
                    stack.s3()
                            .uploadObject(UploadObjectArgs.builder()
                                    .bucket(bucket)
                                    .object(ObjectLayout.modelPrefix("m2") + f.getFileName())
                                    .filename(f.toString())
                                    .build());
                }
            }
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
            PipelineFixtures.publish(stack, topics.get("models"), "m2", Json.write(published));

            // queries in a loop while the rebuild runs: always the complete atlas
            AtomicBoolean stop = new AtomicBoolean();
            List<Long> seen = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Thread queries = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        seen.add(count(http, indexes.cellsAlias()));
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            queries.start();
            StreamExecutionEnvironment env = IndexStudyJob.environment(config, new Configuration());
            ReindexJob.build(env, ReindexJob.modelsSource(config), ReindexJob.sink(config), config);
            JobClient reindex = env.executeAsync(ReindexJob.NAME);
            try {
                long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < end && !indexes.aliasTargets().contains(indexes.cellsIndex("m2"))) {
                    Thread.sleep(200);
                }
            } finally {
                stop.set(true);
                queries.join();
                reindex.cancel().get();
            }
            assertThat(indexes.aliasTargets()).containsExactly(indexes.cellsIndex("m2"));
            assertThat(failures).isEmpty();
            assertThat(seen).isNotEmpty().allSatisfy(c -> assertThat(c).isEqualTo(total));
            assertThat(count(http, indexes.cellsIndex("m2"))).isEqualTo(total);
            assertThat(indexes.exists(indexes.cellsIndex("m1")))
                    .as("old index kept for rollback")
                    .isTrue();

            // the new index holds m2's embeddings, annotated against the reference re-embedded first
            SyntheticStudy second = studies.get(1);
            Map<String, float[]> expected = PipelineFixtures.embedDirectly(
                    m2, tmp.resolve(second.studyId() + ".h5ad"), second.studyId(), config);
            JsonNode hits = http.require(
                    "POST",
                    "/" + indexes.cellsAlias() + "/_search",
                    "{\"size\":1000,\"query\":{\"term\":{\"study_id\":\"" + second.studyId() + "\"}}}",
                    "search");
            assertThat(hits.path("hits").path("hits").size()).isEqualTo(second.cells());
            for (JsonNode h : hits.path("hits").path("hits")) {
                JsonNode src = h.path("_source");
                assertThat(src.path("model_version").asText()).isEqualTo("m2");
                assertThat(src.path("predicted_label").asText()).isNotEmpty();
                float[] want = expected.get(src.path("cell_id").asText());
                for (int j = 0; j < 16; j++) {
                    assertThat(src.path("embedding").get(j).floatValue())
                            .isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-5f));
                }
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
