package org.liveatlas.ingest;

import java.time.Instant;
import java.util.Objects;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyWithdrawn;

/**
 * The last announcement for a study.
 *
 * @param studyId study id
 * @param depositVersion the announced deposit version
 * @param active true after StudyDeposited, false after StudyWithdrawn
 * @param ownerGroup owner group of the deposited study.json (null when none or withdrawn)
 * @param at when it was announced (deposited or withdrawn); null when the event did not say
 */
public record LedgerEntry(String studyId, String depositVersion, boolean active, String ownerGroup, Instant at) {
    public LedgerEntry {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(depositVersion, "depositVersion");
    }

    public static LedgerEntry of(StudyDeposited event) {
        return new LedgerEntry(
                event.studyId(), event.depositVersion(), true, event.study().ownerGroup(), event.depositedAt());
    }

    public static LedgerEntry of(StudyWithdrawn event) {
        return new LedgerEntry(event.studyId(), event.depositVersion(), false, null, event.withdrawnAt());
    }
}
