package org.liveatlas.ingest;

import java.util.Map;
import java.util.Optional;

/**
 * What the service has announced per study, rebuilt from durable storage (the deposits topic), never held only
 * in memory: the last StudyDeposited or StudyWithdrawn of each study.
 */
public interface DepositLedger {
    /** Reads everything announced since the last refresh (by this or any other process). */
    void refresh();

    /** The last announcement for {@code studyId}, if any. */
    Optional<LedgerEntry> last(String studyId);

    /** Every study with an announcement. */
    Map<String, LedgerEntry> all();

    /** Records an announcement that the deposits topic has acknowledged. */
    void record(LedgerEntry entry);
}
