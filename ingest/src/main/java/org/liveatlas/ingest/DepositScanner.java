package org.liveatlas.ingest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.liveatlas.ingest.store.DepositStore;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.events.DepositSource;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * For stores without notifications: lists {@code deposits/}, groups the objects by study folder and hands each
 * folder to the {@link DepositProcessor}; folders of announced studies that disappeared become withdrawals.
 */
public final class DepositScanner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DepositScanner.class);

    private final DepositStore store;
    private final DepositLedger ledger;
    private final DepositProcessor processor;

    public DepositScanner(DepositStore store, DepositLedger ledger, DepositProcessor processor) {
        this.store = store;
        this.ledger = ledger;
        this.processor = processor;
    }

    /** One full pass; returns how many folders ended in each outcome. */
    public Map<Outcome, Integer> scanOnce() {
        ledger.refresh();
        processor.indexQuarantine();
        Map<String, List<StoredObject>> folders = new TreeMap<>();
        for (StoredObject object : store.list(ObjectLayout.DEPOSITS)) {
            ObjectLayout.parseDepositKey(object.key())
                    .filter(k -> !k.relativeKey().isEmpty())
                    .ifPresent(k -> folders.computeIfAbsent(k.studyFolder(), f -> new ArrayList<>())
                            .add(object));
        }
        for (Map.Entry<String, LedgerEntry> entry : ledger.all().entrySet()) {
            if (entry.getValue().active()) {
                folders.putIfAbsent(entry.getKey(), List.of());
            }
        }
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Map.Entry<String, List<StoredObject>> folder : folders.entrySet()) {
            Outcome outcome;
            try {
                outcome = processor.process(folder.getKey(), folder.getValue(), DepositSource.SCANNER);
            } catch (RuntimeException e) {
                // One folder's failure must not stop the others; nothing was recorded, so the next pass retries it.
                LOG.error(
                        "deposits/{}/: processing failed, retrying on the next scan: {}",
                        folder.getKey(),
                        e.toString());
                outcome = Outcome.DEFERRED;
            }
            counts.merge(outcome, 1, Integer::sum);
        }
        return counts;
    }
}
