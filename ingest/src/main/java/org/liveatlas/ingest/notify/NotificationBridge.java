package org.liveatlas.ingest.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.ingest.DepositLedger;
import org.liveatlas.ingest.DepositProcessor;
import org.liveatlas.ingest.EventPublisher;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.events.ErrorKind;
import org.liveatlas.schemas.events.SourceCoordinates;
import org.liveatlas.schemas.store.ObjectLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns MinIO bucket notifications on the raw topic into canonical deposit events. A notification only says which
 * deposit folder changed; the folder's current content in the store decides, through the same
 * {@link DepositProcessor} as the scanner, so re-reading notifications emits nothing new. Offsets are committed
 * only after every event for the polled batch is acknowledged. Not thread-safe.
 */
public final class NotificationBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationBridge.class);

    private final KafkaConsumer<String, String> consumer;
    private final String bucket;
    private final DepositLedger ledger;
    private final DepositProcessor processor;
    private final EventPublisher publisher;

    public NotificationBridge(
            KafkaConsumer<String, String> consumer,
            String topic,
            String bucket,
            DepositLedger ledger,
            DepositProcessor processor,
            EventPublisher publisher) {
        this.consumer = consumer;
        this.bucket = bucket;
        this.ledger = ledger;
        this.processor = processor;
        this.publisher = publisher;
        consumer.subscribe(List.of(topic));
    }

    /**
     * Polls once, processes every deposit folder the batch touched, then commits. Returns how many notification
     * records were read. If processing fails the offsets are not committed and the consumer rewinds, so the batch
     * is read again.
     */
    public int pollOnce(Duration wait) {
        ConsumerRecords<String, String> records = consumer.poll(wait);
        if (records.isEmpty()) {
            return 0;
        }
        Set<String> folders = new LinkedHashSet<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                for (S3Notification n : MinioEventParser.parse(record.value() == null ? "" : record.value())) {
                    if (!n.bucket().equals(bucket) || !(n.created() || n.removed())) {
                        continue;
                    }
                    ObjectLayout.parseDepositKey(n.key()).ifPresent(k -> folders.add(k.studyFolder()));
                }
            } catch (PoisonInputException e) {
                publisher.deadLetter(DeadLetter.of(
                        null,
                        null,
                        SourceCoordinates.ofRecord(record.topic(), record.partition(), record.offset()),
                        "ingest.notification",
                        ErrorKind.POISON,
                        e.getMessage(),
                        null,
                        Instant.now()));
                LOG.warn("{}[{}]@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
        try {
            ledger.refresh();
            processor.indexQuarantine();
            for (String folder : folders) {
                processor.process(folder, DepositSource.NOTIFICATION);
            }
        } catch (RuntimeException e) {
            rewind(records);
            throw e;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = records.partitions().stream()
                .collect(Collectors.toMap(p -> p, p -> {
                    List<ConsumerRecord<String, String>> list = records.records(p);
                    return new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1);
                }));
        consumer.commitSync(offsets);
        return records.count();
    }

    private void rewind(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : new ArrayList<>(records.partitions())) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
