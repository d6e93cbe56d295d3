package org.liveatlas.schemas.events;

import java.time.Instant;
import java.util.Objects;
import org.liveatlas.schemas.store.StudyIds;

/** A study leaves the atlas (contract {@code StudyWithdrawn.v1}), on {@code atlas.deposits} keyed by study id. */
public record StudyWithdrawn(
        int schemaVersion,
        String eventType,
        String studyId,
        String depositVersion,
        Instant withdrawnAt,
        String reason) {
    public static final String EVENT_TYPE = "StudyWithdrawn";

    public StudyWithdrawn {
        if (schemaVersion != 1 || !EVENT_TYPE.equals(eventType)) {
            throw new IllegalArgumentException(
                    "not a StudyWithdrawn v1: schemaVersion " + schemaVersion + ", eventType " + eventType);
        }
        StudyIds.require(studyId);
        Checksums.requireVersion(depositVersion, studyId);
        Objects.requireNonNull(withdrawnAt, "withdrawnAt");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("study " + studyId + ": a withdrawal needs a reason");
        }
    }

    public static StudyWithdrawn of(String studyId, String depositVersion, Instant at, String reason) {
        return new StudyWithdrawn(1, EVENT_TYPE, studyId, depositVersion, at, reason);
    }
}
