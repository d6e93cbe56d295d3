package org.liveatlas.ingest;

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
 */
public record LedgerEntry(String studyId, String depositVersion, boolean active, String ownerGroup) {
    public LedgerEntry {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(depositVersion, "depositVersion");
    }

    public static LedgerEntry of(StudyDeposited event) {
        return new LedgerEntry(
                event.studyId(), event.depositVersion(), true, event.study().ownerGroup());
    }

    public static LedgerEntry of(StudyWithdrawn event) {
        return new LedgerEntry(event.studyId(), event.depositVersion(), false, null);
    }
}
