package org.liveatlas.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;
import org.liveatlas.trainer.TrainerMain;
import org.liveatlas.trainer.TrainerSettings;
import org.liveatlas.trainer.TrainingRun;

/**
 * The registry and the gate against the real object store and Kafka: a first training is published,
 * a deliberately worse one (a single optimisation step) is kept as rejected and the first stays
 * current, with exactly one ModelPublished event.
 */
@ExtendWith(AtlasStackExtension.class)
class PublishGateIT {

    @Test
    void worseModelIsRejectedAndTheCurrentStaysPublished(TestStack stack, @TempDir Path tmp) throws Exception {
        String bucket = stack.createBucket("trainer");
        String models = stack.createTopic("models", 1, true);
        SynthConfig cfg = SynthConfig.defaults(5, 3, 200, 300).withBatchSd(1.0);
        for (SyntheticStudy s : new SyntheticStudyGenerator(cfg).studies()) {
            deposit(stack, bucket, tmp, s, s.studyId(), true);
        }
        Map<String, String> props = new HashMap<>();
        props.put("atlas.kafka.bootstrap", stack.kafkaBootstrap());
        props.put("atlas.s3.endpoint", stack.s3Endpoint());
        props.put("atlas.s3.access-key", stack.s3AccessKey());
        props.put("atlas.s3.secret-key", stack.s3SecretKey());
        props.put("atlas.s3.bucket", bucket);
        props.put("atlas.trainer.work-dir", tmp.resolve("work").toString());
        props.put("atlas.trainer.qc", "permissive");
        props.put("atlas.trainer.min-shared-genes", "0");
        props.put("atlas.trainer.hidden", "64,32");
        props.put("atlas.trainer.latent", "16");
        props.put("atlas.trainer.epochs", "10");
        props.put("atlas.trainer.batch-size", "200");
        props.put("atlas.trainer.batches-per-epoch", "4");
        props.put("atlas.trainer.triplet-weight", "0.5");
        props.put("atlas.trainer.threads", "1");
        props.put("atlas.trainer.gate-tolerance", "0.01");
        TrainerSettings settings = TrainerSettings.from(props, Map.of()).withTopics(models, "unused-status");
        ModelRegistry registry = new ModelRegistry(stack.s3(), bucket);

        TrainingRun.Outcome first = TrainerMain.trainOnce(settings, settings.training(), List.of(), System.out);
        assertThat(first.verdict().accepted()).isTrue();
        assertThat(registry.current())
                .map(Manifest::version)
                .contains(first.manifest().version());

        Thread.sleep(1100); // versions are named by the second
        TrainingRun.Outcome worse = TrainerMain.trainOnce(
                settings, settings.training().withEpochs(1).withBatches(200, 1), List.of(), System.out);
        assertThat(worse.verdict().accepted()).as(worse.verdict().reason()).isFalse();
        assertThat(worse.current()).isPresent();
        assertThat(registry.manifest(worse.manifest().version()))
                .map(Manifest::status)
                .contains(ModelStatus.REJECTED);
        assertThat(registry.manifest(worse.manifest().version()).orElseThrow().metrics())
                .containsKeys("knn_accuracy", "knn_macro_f1", "current_knn_accuracy");
        assertThat(registry.current())
                .map(Manifest::version)
                .contains(first.manifest().version());
        assertThat(registry.list()).hasSize(2);

        List<ModelPublished> events = readAll(stack, models);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).modelVersion()).isEqualTo(first.manifest().version());
        assertThat(events.get(0).location())
                .isEqualTo("models/" + first.manifest().version() + "/");
        assertThat(events.get(0).unknownThreshold()).isEqualTo(first.manifest().unknownThreshold());

        // a trainer killed between the registry write and the event: a published version nobody heard of; the
        // service's start announces it, once
        Manifest unannounced = new Manifest(
                Manifest.FORMAT_VERSION,
                first.manifest().version() + "-unannounced",
                first.manifest().version(),
                first.manifest().created().plusSeconds(1),
                first.manifest().trainingParameters(),
                first.manifest().metrics(),
                first.manifest().unknownThreshold(),
                ModelStatus.PUBLISHED,
                null);
        registry.write(registry.load(first.manifest().version(), tmp.resolve("first")), unannounced);
        try (ModelEvents announcer = new ModelEvents(stack.kafkaBootstrap(), models, "test")) {
            List<String> said = new java.util.ArrayList<>();
            assertThat(ModelAnnouncement.reconcile(registry, announcer, stack.kafkaBootstrap(), models, said::add))
                    .contains(unannounced.version());
            assertThat(said).singleElement().asString().contains("never announced");
            assertThat(ModelAnnouncement.reconcile(registry, announcer, stack.kafkaBootstrap(), models, said::add))
                    .isEmpty();
        }
        assertThat(readAll(stack, models))
                .extracting(ModelPublished::modelVersion)
                .containsExactly(first.manifest().version(), unannounced.version());
        deleteVersion(stack, bucket, unannounced.version());
        assertThat(registry.current())
                .map(Manifest::version)
                .contains(first.manifest().version());

        // a study deposited later whose id sorts last: the evaluation set stays the first model's
        List<String> firstHeldOut = heldOut(first.manifest());
        SyntheticStudy late = new SyntheticStudyGenerator(
                        SynthConfig.defaults(5, 4, 200, 300).withBatchSd(1.0))
                .studies()
                .get(3);
        deposit(stack, bucket, tmp, late, "synth-zz-late", true);
        Thread.sleep(1100);
        TrainingRun.Outcome again = TrainerMain.trainOnce(settings, settings.training(), List.of(), System.out);
        assertThat(heldOut(again.manifest())).isEqualTo(firstHeldOut);
        assertThat(again.current()).isPresent();

        // holding out a study the current model was trained on: the two cannot be compared, so the
        // candidate is rejected, with the studies to hold out instead
        String seen = trainedOn(registry.current().orElseThrow()).get(0);
        props.put("atlas.trainer.held-out", seen);
        TrainerSettings other = TrainerSettings.from(props, Map.of()).withTopics(models, "unused-status");
        Thread.sleep(1100);
        TrainingRun.Outcome unfair = TrainerMain.trainOnce(other, other.training(), List.of(), System.out);
        assertThat(heldOut(unfair.manifest())).containsExactly(seen);
        assertThat(unfair.verdict().accepted()).isFalse();
        assertThat(unfair.verdict().reason())
                .contains("cannot be compared")
                .contains("--held-out")
                .contains(String.join(",", firstHeldOut));
        assertThat(unfair.current()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> heldOut(Manifest m) {
        return (List<String>) ((Map<String, Object>) m.trainingParameters().get("evaluation")).get("held_out_studies");
    }

    @SuppressWarnings("unchecked")
    private static List<String> trainedOn(Manifest m) {
        return ((List<Map<String, String>>) m.trainingParameters().get("studies"))
                .stream()
                        .filter(s -> s.get("role").equals("train"))
                        .map(s -> s.get("study"))
                        .toList();
    }

    private static void deposit(TestStack stack, String bucket, Path tmp, SyntheticStudy s, String id, boolean labelled)
            throws Exception {
        Path f = tmp.resolve(id + ".h5ad");
        H5adWriter.write(f, s);
        put(stack, bucket, "deposits/" + id + "/" + id + ".h5ad", Files.readAllBytes(f));
        StudyMetadata meta = new StudyMetadata(
                1,
                id,
                "synthetic " + id,
                null,
                "Homo sapiens",
                "blood",
                null,
                null,
                new ObsColumns(
                        SyntheticStudy.DONOR,
                        null,
                        labelled ? SyntheticStudy.CELL_TYPE : null,
                        labelled ? SyntheticStudy.CELL_TYPE_ONTOLOGY_ID : null),
                labelled,
                Visibility.PUBLIC,
                null);
        put(stack, bucket, "deposits/" + id + "/study.json", Json.write(meta).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSingleLabelledStudyTrainsWithACellsWithinStudySplitAndExportsForScimilarity(
            TestStack stack, @TempDir Path tmp) throws Exception {
        String bucket = stack.createBucket("single");
        SynthConfig cfg = SynthConfig.defaults(4, 2, 200, 300).withBatchSd(0.5);
        List<SyntheticStudy> synth = new SyntheticStudyGenerator(cfg).studies();
        for (int i = 0; i < synth.size(); i++) {
            SyntheticStudy s = synth.get(i);
            // the second study is deposited without a label column
            deposit(stack, bucket, tmp, s, s.studyId(), i == 0);
        }
        Map<String, String> env = new HashMap<>();
        env.put("ATLAS_KAFKA_BOOTSTRAP", stack.kafkaBootstrap());
        env.put("ATLAS_S3_ENDPOINT", stack.s3Endpoint());
        env.put("ATLAS_S3_ACCESS_KEY", stack.s3AccessKey());
        env.put("ATLAS_S3_SECRET_KEY", stack.s3SecretKey());
        env.put("ATLAS_S3_BUCKET", bucket);
        env.put("ATLAS_DATA_DIR", tmp.resolve("data").toString());
        env.put("ATLAS_TRAINER_QC", "permissive");
        env.put("ATLAS_TRAINER_MIN_SHARED_GENES", "0");
        env.put("ATLAS_TRAINER_THREADS", "1");
        Path export = tmp.resolve("scimilarity-model");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        // the demo's path: a small network, the gene order over all deposits, gene masking, validation
        List<String> small = List.of(
                "train",
                "--hidden",
                "64,32",
                "--latent",
                "16",
                "--epochs",
                "6",
                "--batch-size",
                "200",
                "--batches-per-epoch",
                "3",
                "--triplet-weight",
                "0.5",
                "--cross-study-positives",
                "false");
        List<String> first = new ArrayList<>(small);
        first.addAll(List.of(
                "--gene-sources",
                "all",
                "--min-studies-per-gene",
                "2",
                "--gene-mask",
                "0.2",
                "--validate-every",
                "2",
                "--export",
                export.toString()));
        int code = TrainerMain.run(
                first.toArray(String[]::new), Map.of(), env, new java.io.PrintStream(log, true), System.err);
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("evaluation split: cells-within-study").contains("val_accuracy");
        Manifest m = new ModelRegistry(stack.s3(), bucket).current().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> evaluation =
                (Map<String, Object>) m.trainingParameters().get("evaluation");
        assertThat(evaluation).containsEntry("split", "cells-within-study").containsEntry("held_out_fraction", 0.2);
        // a fifth of each label of the 200 cells, rounded per label
        assertThat(((Number) evaluation.get("held_out_cells")).intValue()).isBetween(35, 45);
        assertThat(m.trainingParameters())
                .containsEntry("gene_sources", "ALL_DEPOSITS")
                .containsEntry("gene_source_studies", 2);
        assertThat(Files.isDirectory(tmp.resolve("data/trainer"))).isTrue();
        org.liveatlas.core.model.ModelFolder exported = org.liveatlas.core.model.ModelFolder.importScimilarity(export);
        assertThat(exported.architecture().latent()).isEqualTo(16);

        // a second labelled study arrives, with an id that sorts first: the next run holds it out, not
        // the study the current model was trained on, so that the gate can compare the two
        deposit(stack, bucket, tmp, synth.get(1), "aa-labelled-later", true);
        Thread.sleep(1100);
        log.reset();
        code = TrainerMain.run(
                small.toArray(String[]::new), Map.of(), env, new java.io.PrintStream(log, true), System.err);
        printed = log.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertThat(code).as(printed).isIn(0, 3);
        assertThat(printed)
                .contains("evaluation split: studies (leave-studies-out), held out [aa-labelled-later]")
                .doesNotContain("cannot be compared");
    }

    private static void deleteVersion(TestStack stack, String bucket, String version) throws Exception {
        for (io.minio.Result<io.minio.messages.Item> r : stack.s3()
                .listObjects(io.minio.ListObjectsArgs.builder()
                        .bucket(bucket)
                        .prefix("models/" + version + "/")
                        .recursive(true)
                        .build())) {
            stack.s3()
                    .removeObject(io.minio.RemoveObjectArgs.builder()
                            .bucket(bucket)
                            .object(r.get().objectName())
                            .build());
        }
    }

    private static void put(TestStack stack, String bucket, String key, byte[] bytes) throws Exception {
        stack.s3()
                .putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                                new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build());
    }

    private static List<ModelPublished> readAll(TestStack stack, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, stack.unique("reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ModelPublished> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    out.add(Json.mapper().readValue(r.value(), ModelPublished.class));
                }
                if (!out.isEmpty()
                        && System.nanoTime() > deadline - Duration.ofSeconds(10).toNanos()) {
                    break;
                }
            }
        }
        return out;
    }
}
