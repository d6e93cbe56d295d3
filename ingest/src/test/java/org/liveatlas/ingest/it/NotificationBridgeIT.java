package org.liveatlas.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.Fixtures;
import org.liveatlas.ingest.IngestService;
import org.liveatlas.ingest.kafka.KafkaSettings;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.ErrorKind;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyWithdrawn;

/** Feeds MinIO-format bucket notifications through the real raw topic, as MinIO's Kafka target would. */
@ExtendWith(AtlasStackExtension.class)
class NotificationBridgeIT {
    @Test
    void notificationsBecomeCanonicalEventsOnceEvenWhenReplayedAndRemovalsWithdraw(TestStack stack) throws Exception {
        IngestFixture f = IngestFixture.create(stack, Map.of("atlas.ingest.trigger", "notifications"));
        DepositCatalogue.Deposit deposit = DepositCatalogue.goodH5ad("notified");
        try (IngestService service = IngestService.create(f.config);
                KafkaProducer<String, String> minio =
                        new KafkaProducer<>(KafkaSettings.producer(f.config.kafkaBootstrap(), "it-minio"))) {
            f.put(deposit);
            notify(minio, f, "multipart-data-file.json", "deposits/notified/counts.h5ad");
            notify(minio, f, "put-study-json.json", "deposits/notified/study.json");
            pollUntil(service, () -> f.deposited().size() == 1);

            // MinIO delivers at least once: the same notifications again change nothing.
            notify(minio, f, "multipart-data-file.json", "deposits/notified/counts.h5ad");
            notify(minio, f, "put-study-json.json", "deposits/notified/study.json");
            drain(service);
            assertThat(f.deposited()).hasSize(1);
            StudyDeposited event = f.deposited().get(0);
            assertThat(event.source()).isEqualTo(DepositSource.NOTIFICATION);
            assertThat(event.studyId()).isEqualTo("notified");

            // A notification for a key outside deposits/ or another bucket is ignored; a malformed one goes to the DLQ.
            minio.send(new ProducerRecord<>(f.config.s3EventsTopic(), "x", "{\"EventName\": \"s3:ObjectCreated:Put\"}"))
                    .get(30, TimeUnit.SECONDS);
            drain(service);
            assertThat(f.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.errorKind()).isEqualTo(ErrorKind.POISON);
                assertThat(d.source().topic()).isEqualTo(f.config.s3EventsTopic());
                assertThat(d.message()).contains("no Records");
            });

            stack.s3()
                    .removeObject(RemoveObjectArgs.builder()
                            .bucket(f.config.bucket())
                            .object("deposits/notified/study.json")
                            .build());
            notify(minio, f, "delete-study-json.json", "deposits/notified/study.json");
            pollUntil(service, () -> f.depositEvents().size() == 2);
            assertThat(f.depositEvents().get(1))
                    .isInstanceOfSatisfying(StudyWithdrawn.class, w -> assertThat(w.depositVersion())
                            .isEqualTo(event.depositVersion()));
        }
    }

    /** Sends a fixture notification rewritten for this test's bucket and key, keyed as MinIO keys them. */
    private static void notify(KafkaProducer<String, String> producer, IngestFixture f, String fixture, String key)
            throws Exception {
        String etag = "";
        long size = 0;
        try {
            var stat = f.stack
                    .s3()
                    .statObject(StatObjectArgs.builder()
                            .bucket(f.config.bucket())
                            .object(key)
                            .build());
            etag = stat.etag().replace("\"", "");
            size = stat.size();
        } catch (io.minio.errors.ErrorResponseException e) {
            // removed: a removal record carries neither
        }
        String json = new String(Fixtures.bytes("notifications/" + fixture), StandardCharsets.UTF_8)
                .replace("\"name\": \"atlas\"", "\"name\": \"" + f.config.bucket() + "\"")
                .replace("arn:aws:s3:::atlas", "arn:aws:s3:::" + f.config.bucket())
                .replaceAll(
                        "\"key\": \"[^\"]*\"", "\"key\": \"" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "\"")
                .replaceAll("\"size\": \\d+", "\"size\": " + size)
                .replaceAll("\"eTag\": \"[^\"]*\"", "\"eTag\": \"" + etag + "\"");
        producer.send(new ProducerRecord<>(f.config.s3EventsTopic(), f.config.bucket() + "/" + key, json))
                .get(30, TimeUnit.SECONDS);
    }

    private static void pollUntil(IngestService service, java.util.function.BooleanSupplier done) {
        IngestFixture.await("the bridge's events", Duration.ofSeconds(60), () -> {
            service.pollNotificationsOnce(Duration.ofMillis(500));
            return done.getAsBoolean();
        });
    }

    private static void drain(IngestService service) {
        // The consumer group may need a few polls to be assigned; stop after two empty polls in a row.
        int empty = 0;
        for (int i = 0; i < 40 && empty < 2; i++) {
            empty = service.pollNotificationsOnce(Duration.ofMillis(500)) == 0 ? empty + 1 : 0;
        }
    }
}
