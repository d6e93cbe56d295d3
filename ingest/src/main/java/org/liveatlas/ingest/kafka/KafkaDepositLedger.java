package org.liveatlas.ingest.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.liveatlas.ingest.DepositLedger;
import org.liveatlas.ingest.LedgerEntry;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger kept in the deposits topic itself: on start and on every refresh it reads the topic up to its end,
 * so what was announced before a crash or by another process is known. The topic must keep records forever
 * (retention -1) or be compacted by study id; see {@code Topics.DEPOSITS}.
 */
public final class KafkaDepositLedger implements DepositLedger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDepositLedger.class);

    private final TopicReader reader;
    private final String topic;
    private final Map<String, LedgerEntry> entries = new HashMap<>();

    public KafkaDepositLedger(String bootstrap, String clientId, String depositsTopic) {
        this.reader = new TopicReader(
                KafkaSettings.reader(bootstrap, clientId + "-ledger"), depositsTopic, Duration.ofSeconds(60));
        this.topic = depositsTopic;
    }

    @Override
    public void refresh() {
        reader.catchUp(this::apply);
    }

    @Override
    public Optional<LedgerEntry> last(String studyId) {
        return Optional.ofNullable(entries.get(studyId));
    }

    @Override
    public Map<String, LedgerEntry> all() {
        return Map.copyOf(entries);
    }

    @Override
    public void record(LedgerEntry entry) {
        entries.put(entry.studyId(), entry);
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            entries.remove(record.key());
            return;
        }
        try {
            JsonNode node = Json.mapper().readTree(record.value());
            String type = node.path("eventType").asText();
            if (StudyDeposited.EVENT_TYPE.equals(type)) {
                record(LedgerEntry.of(Json.mapper().treeToValue(node, StudyDeposited.class)));
            } else if (StudyWithdrawn.EVENT_TYPE.equals(type)) {
                record(LedgerEntry.of(Json.mapper().treeToValue(node, StudyWithdrawn.class)));
            } else {
                LOG.warn(
                        "{}[{}]@{}: unknown eventType '{}', ignored", topic, record.partition(), record.offset(), type);
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn(
                    "{}[{}]@{}: unreadable record ignored by the ledger: {}",
                    topic,
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
