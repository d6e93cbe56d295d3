package org.liveatlas.flink.testing;

import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.model.RandomModels;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.config.PipelineOptions;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.StudyMetadata;

/** Test helpers of the pipeline ITs: a random-weight model, deposits into the test stack, topic readers. */
public final class PipelineFixtures {
    private PipelineFixtures() {}

    /** Writes a registry-format model of random weights over {@code genes} into {@code dir}. */
    public static Path randomModel(
            Path dir, String version, List<String> genes, List<Integer> hidden, int latent, long seed) {
        ModelFolder folder = RandomModels.folder(genes, hidden, latent, seed);
        folder.save(
                dir,
                new Manifest(
                        Manifest.FORMAT_VERSION,
                        version,
                        null,
                        Instant.parse("2026-11-25T12:00:00Z"),
                        Map.of(),
                        Map.of(),
                        null,
                        ModelStatus.CANDIDATE,
                        "random weights for tests"));
        return dir;
    }

    /** Flink-level configuration of the pipeline pointed at the test stack. */
    public static Configuration stackConfiguration(
            TestStack stack, String bucket, String prefix, Path modelDir, Map<String, String> topics, Path workDir) {
        Map<String, String> m = new HashMap<>();
        m.put(PipelineOptions.KAFKA_BOOTSTRAP.key(), stack.kafkaBootstrap());
        m.put(PipelineOptions.DEPOSITS_TOPIC.key(), topics.get("deposits"));
        m.put(PipelineOptions.STATUS_TOPIC.key(), topics.get("status"));
        m.put(PipelineOptions.MODELS_TOPIC.key(), topics.get("models"));
        m.put(PipelineOptions.DLQ_TOPIC.key(), topics.get("dlq"));
        m.put(PipelineOptions.CONSUMER_GROUP.key(), prefix + "group");
        m.put(PipelineOptions.S3_ENDPOINT.key(), stack.s3Endpoint());
        m.put(PipelineOptions.S3_ACCESS_KEY.key(), stack.s3AccessKey());
        m.put(PipelineOptions.S3_SECRET_KEY.key(), stack.s3SecretKey());
        m.put(PipelineOptions.BUCKET.key(), bucket);
        m.put(PipelineOptions.OPENSEARCH_URL.key(), stack.openSearchUrl());
        m.put(PipelineOptions.INDEX_PREFIX.key(), prefix);
        m.put(PipelineOptions.MODEL_DIR.key(), modelDir.toString());
        m.put(PipelineOptions.MIN_SHARED_GENES.key(), "100");
        m.put(PipelineOptions.CHUNK_ROWS.key(), "128");
        m.put(PipelineOptions.EMBED_THREADS.key(), "1");
        m.put(PipelineOptions.VOTE_K.key(), "10");
        m.put(PipelineOptions.BULK_ACTIONS.key(), "100");
        m.put(PipelineOptions.WORK_DIR.key(), workDir.toString());
        m.put(PipelineOptions.CHECKPOINT_INTERVAL.key(), "500 ms");
        m.put(PipelineOptions.FLINK_MODE.key(), "local");
        return Configuration.fromMap(m);
    }

    public static PipelineConfig config(Configuration conf) {
        return PipelineConfig.from(conf, Map.of());
    }

    /** Uploads {@code file} and its study.json, then publishes the StudyDeposited; returns the event. */
    public static StudyDeposited deposit(
            TestStack stack, String bucket, String depositsTopic, StudyMetadata study, Path file) throws Exception {
        String dataKey = ObjectLayout.depositPrefix(study.studyId()) + file.getFileName();
        String jsonKey = ObjectLayout.studyJsonKey(study.studyId());
        byte[] meta = Json.write(study).getBytes(StandardCharsets.UTF_8);
        put(stack, bucket, dataKey, Files.readAllBytes(file));
        put(stack, bucket, jsonKey, meta);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(file));
        sha.update(meta);
        List<DepositedObject> objects = new ArrayList<>();
        objects.add(object(stack, bucket, jsonKey, DataFormat.STUDY_JSON));
        objects.add(object(stack, bucket, dataKey, DataFormat.H5AD));
        StudyDeposited event = StudyDeposited.of(
                bucket,
                "sha256:" + HexFormat.of().formatHex(sha.digest()),
                objects,
                study,
                Instant.now(),
                DepositSource.SCANNER);
        publish(stack, depositsTopic, study.studyId(), Json.write(event));
        return event;
    }

    public static void publish(TestStack stack, String topic, String key, String json) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            p.send(new ProducerRecord<>(topic, key, json));
            p.flush();
        }
    }

    private static void put(TestStack stack, String bucket, String key, byte[] bytes) throws Exception {
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            stack.s3()
                    .putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(in, bytes.length, -1)
                            .build());
        }
    }

    private static DepositedObject object(TestStack stack, String bucket, String key, DataFormat format)
            throws Exception {
        StatObjectResponse s = stack.s3()
                .statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
        return new DepositedObject(key, s.size(), s.etag().replace("\"", ""), format);
    }

    /**
     * Reads {@code topic} from the start until {@code done} holds for everything read so far (or the deadline
     * passes); returns the values read.
     */
    public static List<String> readUntil(
            TestStack stack, String topic, Duration deadline, Predicate<List<String>> done) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                stack.unique("reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end && !done.test(values)) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    /** Embeds {@code file} directly with the core (what {@code atlas embed} does): cell id to unit vector. */
    public static Map<String, float[]> embedDirectly(Path modelDir, Path file, String studyId, PipelineConfig config) {
        ModelFolder folder = ModelFolder.load(modelDir);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (ScimilarityEncoder enc = ScimilarityEncoder.open(folder, config.encoderOptions())) {
            StudyPreprocessor prep = new StudyPreprocessor(
                    folder.geneOrder(),
                    org.liveatlas.core.prep.PreprocessOptions.DEFAULT
                            .withQc(config.qc())
                            .withAlign(org.liveatlas.core.align.AlignOptions.DEFAULT.withMinSharedGenes(
                                    config.minSharedGenes())));
            try (PreparedStudy s = prep.open(studyId, file)) {
                int latent = enc.latentDim();
                while (s.hasNext()) {
                    PreparedChunk chunk = s.next();
                    float[] e = enc.embed(chunk.expression());
                    for (int r = 0; r < chunk.cells(); r++) {
                        float[] v = new float[latent];
                        System.arraycopy(e, r * latent, v, 0, latent);
                        out.put(chunk.cellIds().get(r), v);
                    }
                }
            }
        }
        return out;
    }
}
