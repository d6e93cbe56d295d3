package org.liveatlas.ingest.fakes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.liveatlas.ingest.DepositLedger;
import org.liveatlas.ingest.LedgerEntry;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyWithdrawn;

/**
 * A {@link DepositLedger} rebuilt from a log of published events, as the Kafka ledger is rebuilt from the deposits
 * topic: a new instance over the same log is a restarted service.
 */
public final class LogLedger implements DepositLedger {
    private final List<Object> log;
    private final Map<String, LedgerEntry> entries = new HashMap<>();
    private int read;

    public LogLedger(List<Object> log) {
        this.log = log;
    }

    @Override
    public void refresh() {
        for (; read < log.size(); read++) {
            Object event = log.get(read);
            if (event instanceof StudyDeposited d) {
                record(LedgerEntry.of(d));
            } else if (event instanceof StudyWithdrawn w) {
                record(LedgerEntry.of(w));
            }
        }
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
}
