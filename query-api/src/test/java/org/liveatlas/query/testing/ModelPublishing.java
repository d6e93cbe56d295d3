package org.liveatlas.query.testing;

import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.topics.Topics;

/** Publishes a model folder as the trainer does: its files into {@code models/<version>/}, manifest last, then the event. */
public final class ModelPublishing {
    private ModelPublishing() {}

    /** Uploads {@code folder} (one model version) into the bucket's registry, manifest last. */
    public static void upload(MinioClient s3, String bucket, Path folder, String version) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString().equals(ModelFolder.MANIFEST) ? 1 : 0))
                    .toList();
        }
        for (Path f : files) {
            s3.uploadObject(UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(ObjectLayout.modelPrefix(version) + f.getFileName())
                    .filename(f.toString())
                    .build());
        }
    }

    /** Sends the {@link ModelPublished} event of {@code m} on the models topic and waits for the ack. */
    public static void announce(String bootstrap, Manifest m, int latent, int genes) throws Exception {
        ModelPublished event = new ModelPublished(
                1,
                ModelPublished.EVENT_TYPE,
                m.version(),
                m.parent(),
                ObjectLayout.modelPrefix(m.version()),
                latent,
                genes,
                m.unknownThreshold(),
                m.metrics(),
                Instant.now());
        send(bootstrap, Topics.MODELS.name(), m.version(), Json.write(event));
    }

    /** Sends one record to {@code topic} and waits for the ack. */
    public static void send(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()))) {
            p.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        }
    }

    /** Deletes a folder and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
