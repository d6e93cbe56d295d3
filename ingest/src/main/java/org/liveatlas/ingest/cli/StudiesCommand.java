package org.liveatlas.ingest.cli;

import io.minio.MinioClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.LedgerEntry;
import org.liveatlas.ingest.kafka.KafkaDepositLedger;
import org.liveatlas.ingest.kafka.KafkaSettings;
import org.liveatlas.ingest.kafka.TopicReader;
import org.liveatlas.ingest.store.MinioDepositStore;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * {@code atlas studies}: every study found in {@code deposits/}, the deposits topic or the status topic, with its
 * files, last announced version and latest status.
 */
public final class StudiesCommand {
    private final IngestConfig config;

    public StudiesCommand(IngestConfig config) {
        this.config = config;
    }

    /** The studies, sorted by id. */
    public List<StudySummary> list() {
        Map<String, int[]> fileCounts = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        MinioClient minio = Clients.minio(config);
        try {
            for (StoredObject object : new MinioDepositStore(minio, config.bucket()).list(ObjectLayout.DEPOSITS)) {
                ObjectLayout.parseDepositKey(object.key())
                        .filter(k -> !k.relativeKey().isEmpty())
                        .ifPresent(k -> {
                            fileCounts.computeIfAbsent(k.studyFolder(), f -> new int[1])[0]++;
                            sizes.merge(k.studyFolder(), object.size(), Long::sum);
                        });
            }
        } finally {
            Clients.closeQuietly(minio);
        }
        Map<String, LedgerEntry> ledger;
        try (KafkaDepositLedger deposits = new KafkaDepositLedger(
                config.kafkaBootstrap(), config.clientId() + "-studies", config.depositsTopic())) {
            deposits.refresh();
            ledger = deposits.all();
        }
        Map<String, StudyStatus> statuses = new HashMap<>();
        try (TopicReader reader = new TopicReader(
                KafkaSettings.reader(config.kafkaBootstrap(), config.clientId() + "-studies"),
                config.statusTopic(),
                Duration.ofSeconds(30))) {
            reader.catchUp(record -> {
                if (record.value() == null) {
                    statuses.remove(record.key());
                    return;
                }
                try {
                    statuses.put(record.key(), Json.mapper().readValue(record.value(), StudyStatus.class));
                } catch (java.io.IOException | IllegalArgumentException e) {
                    // unreadable status: leave the previous one
                }
            });
        }
        TreeSet<String> ids = new TreeSet<>();
        ids.addAll(fileCounts.keySet());
        ids.addAll(ledger.keySet());
        ids.addAll(statuses.keySet());
        List<StudySummary> out = new ArrayList<>();
        for (String id : ids) {
            LedgerEntry entry = ledger.get(id);
            StudyStatus status = statuses.get(id);
            out.add(new StudySummary(
                    id,
                    fileCounts.getOrDefault(id, new int[1])[0],
                    sizes.getOrDefault(id, 0L),
                    entry == null ? null : entry.depositVersion(),
                    entry != null && entry.active(),
                    status == null ? null : status.state(),
                    status == null ? null : status.time(),
                    status == null ? null : status.reason()));
        }
        return out;
    }

    /** Prints {@link #list()} as a table. */
    public void print(PrintStream out) {
        List<StudySummary> studies = list();
        out.printf("%-32s %5s %12s %-19s %-12s %s%n", "STUDY", "FILES", "BYTES", "VERSION", "STATUS", "SINCE");
        for (StudySummary s : studies) {
            String version = s.depositVersion() == null
                    ? "-"
                    : s.depositVersion()
                            .substring(0, Math.min(19, s.depositVersion().length()));
            String state = s.state() == null ? "-" : s.state().name().toLowerCase(Locale.ROOT);
            out.printf(
                    "%-32s %5d %12d %-19s %-12s %s%s%n",
                    s.studyId(),
                    s.files(),
                    s.bytes(),
                    version,
                    state,
                    s.stateTime() == null ? "-" : s.stateTime().toString(),
                    s.reason() == null ? "" : "  " + s.reason());
        }
        if (studies.isEmpty()) {
            out.println("(no studies yet: deposit one with atlas deposit PATH --study ID)");
        }
    }
}
