package org.liveatlas.ingest.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * Recognises a deposit of the version the platform has already finished with. The ingest service announces each
 * deposit version once and never quarantines one twice, so depositing the indexed or quarantined version again
 * brings no new status: {@code atlas deposit} answers at once instead of following.
 */
final class SameVersion {
    private SameVersion() {}

    /**
     * The study's status when it is final for {@code version}: indexed or quarantined, with that deposit version.
     * Empty for any other status (another version, or one still on its way, whose statuses will still come).
     */
    static Optional<StudyStatus> settled(Optional<StudyStatus> current, String version) {
        return finalStatus(current).filter(s -> s.depositVersion().equals(version));
    }

    /** {@code current} when it is indexed or quarantined and names its deposit version. */
    static Optional<StudyStatus> finalStatus(Optional<StudyStatus> current) {
        return current.filter(s -> s.state() == StudyState.INDEXED || s.state() == StudyState.QUARANTINED)
                .filter(s -> s.depositVersion() != null);
    }

    /**
     * True when {@code local} (the files about to be uploaded, with the store's keys) has the same keys and sizes
     * as {@code stored}: only then is it worth reading the files for their ETags.
     */
    static boolean sameKeysAndSizes(Map<String, Long> local, List<StoredObject> stored) {
        Map<String, Long> inStore = new HashMap<>();
        for (StoredObject object : stored) {
            inStore.put(object.key(), object.size());
        }
        return inStore.equals(local);
    }

    /** The line that answers a deposit of the version {@code settled} is for; see {@link #settled}. */
    static String describe(StudyStatus settled) {
        String head = "study " + settled.studyId() + ": version " + settled.depositVersion();
        if (settled.state() == StudyState.INDEXED) {
            return head + " is already indexed (" + settled.counts().cellsIndexed() + " cells, since " + settled.time()
                    + "); nothing to do";
        }
        if (settled.state() == StudyState.QUARANTINED) {
            return head + " is quarantined (since " + settled.time() + "): " + settled.reason()
                    + "; the same files are not checked again: correct them or study.json and deposit again";
        }
        throw new IllegalArgumentException("study " + settled.studyId() + ": status "
                + settled.state().name().toLowerCase(Locale.ROOT) + " is not final for its version");
    }
}
