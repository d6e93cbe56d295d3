package org.liveatlas.ingest.it;

import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.ingest.DepositCatalogue;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.kafka.KafkaSettings;
import org.liveatlas.ingest.kafka.TopicReader;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;

/** One test's own bucket and topics on the shared stack, an ingest configuration for them, and readers. */
final class IngestFixture {
    final TestStack stack;
    final IngestConfig config;

    private IngestFixture(TestStack stack, IngestConfig config) {
        this.stack = stack;
        this.config = config;
    }

    /** Creates a bucket and the four topics; {@code extra} overrides ingest settings (property keys). */
    static IngestFixture create(TestStack stack, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("atlas.kafka.bootstrap", stack.kafkaBootstrap());
        props.put("atlas.s3.endpoint", stack.s3Endpoint());
        props.put("atlas.s3.access-key", stack.s3AccessKey());
        props.put("atlas.s3.secret-key", stack.s3SecretKey());
        props.put("atlas.s3.bucket", stack.createBucket("atlas"));
        props.put("atlas.topics.deposits", stack.createTopic("deposits", 3, false));
        props.put("atlas.topics.dlq", stack.createTopic("dlq", 1, false));
        props.put("atlas.topics.study-status", stack.createTopic("status", 3, true));
        props.put("atlas.topics.s3-events", stack.createTopic("s3-events", 1, false));
        props.put("atlas.ingest.bridge-group", stack.unique("bridge"));
        props.put("atlas.ingest.scan-interval", "200ms");
        props.put("atlas.ingest.max-file-size", Long.toString(DepositCatalogue.MAX_FILE_BYTES));
        props.put("atlas.ingest.max-deposit-size", "1MiB");
        props.putAll(extra);
        return new IngestFixture(stack, IngestConfig.from(props, Map.of()));
    }

    /** The properties a child JVM needs to run the same service (as -D options). */
    List<String> systemProperties() {
        List<String> out = new ArrayList<>();
        out.add("-Datlas.kafka.bootstrap=" + config.kafkaBootstrap());
        out.add("-Datlas.s3.endpoint=" + config.s3Endpoint());
        out.add("-Datlas.s3.access-key=" + config.s3AccessKey());
        out.add("-Datlas.s3.secret-key=" + config.s3SecretKey());
        out.add("-Datlas.s3.bucket=" + config.bucket());
        out.add("-Datlas.topics.deposits=" + config.depositsTopic());
        out.add("-Datlas.topics.dlq=" + config.dlqTopic());
        out.add("-Datlas.topics.study-status=" + config.statusTopic());
        out.add("-Datlas.topics.s3-events=" + config.s3EventsTopic());
        out.add("-Datlas.ingest.scan-interval=" + config.scanInterval().toMillis() + "ms");
        out.add("-Datlas.ingest.max-file-size=" + config.maxFileBytes());
        out.add("-Datlas.ingest.max-deposit-size=" + config.maxDepositBytes());
        return out;
    }

    /** Puts a deposit's files with a plain MinIO SDK client, study.json last. */
    void put(DepositCatalogue.Deposit deposit) {
        deposit.files().forEach((key, content) -> put("deposits/" + deposit.folder() + "/" + key, content));
    }

    void put(String key, byte[] content) {
        try {
            stack.s3()
                    .putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(
                                    new ByteArrayInputStream(content), content.length, -1)
                            .build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot put " + key + ": " + e, e);
        }
    }

    /** Every record on the deposits topic, in partition order. */
    List<Object> depositEvents() {
        List<Object> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readAll(config.depositsTopic())) {
            try {
                String type =
                        Json.mapper().readTree(r.value()).path("eventType").asText();
                out.add(
                        type.equals(StudyDeposited.EVENT_TYPE)
                                ? Json.mapper().readValue(r.value(), StudyDeposited.class)
                                : Json.mapper().readValue(r.value(), StudyWithdrawn.class));
                if (!r.key()
                        .equals(
                                type.equals(StudyDeposited.EVENT_TYPE)
                                        ? ((StudyDeposited) out.get(out.size() - 1)).studyId()
                                        : ((StudyWithdrawn) out.get(out.size() - 1)).studyId())) {
                    throw new AssertionError("record key " + r.key() + " is not the study id");
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("unreadable deposit event " + r.value(), e);
            }
        }
        return out;
    }

    List<StudyDeposited> deposited() {
        return depositEvents().stream()
                .filter(StudyDeposited.class::isInstance)
                .map(StudyDeposited.class::cast)
                .toList();
    }

    List<StudyStatus> statuses() {
        return readAll(config.statusTopic()).stream()
                .map(r -> read(r.value(), StudyStatus.class))
                .toList();
    }

    List<DeadLetter> deadLetters() {
        return readAll(config.dlqTopic()).stream()
                .map(r -> read(r.value(), DeadLetter.class))
                .toList();
    }

    List<ConsumerRecord<String, String>> readAll(String topic) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (TopicReader reader = new TopicReader(
                KafkaSettings.reader(config.kafkaBootstrap(), "it-reader"), topic, Duration.ofSeconds(30))) {
            reader.catchUp(out::add);
        }
        return out;
    }

    /** Waits up to {@code timeout} for {@code condition}; fails with {@code what} if it never holds. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable " + type.getSimpleName() + ": " + json, e);
        }
    }
}
