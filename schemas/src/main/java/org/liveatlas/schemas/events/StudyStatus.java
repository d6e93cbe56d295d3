package org.liveatlas.schemas.events;

import java.time.Instant;
import java.util.Objects;
import org.liveatlas.schemas.store.StudyIds;

/**
 * Where a study stands (contract {@code StudyStatus.v1}), on the compacted {@code atlas.study-status} keyed by
 * study id. {@code progress} goes with INDEXING, {@code counts} with INDEXED, {@code reason} with QUARANTINED.
 */
public record StudyStatus(
        int schemaVersion,
        String eventType,
        String studyId,
        String depositVersion,
        StudyState state,
        Instant time,
        String modelVersion,
        CellCounts progress,
        CellCounts counts,
        String reason) {

    public static final String EVENT_TYPE = "StudyStatus";

    public StudyStatus {
        if (schemaVersion != 1 || !EVENT_TYPE.equals(eventType)) {
            throw new IllegalArgumentException(
                    "not a StudyStatus v1: schemaVersion " + schemaVersion + ", eventType " + eventType);
        }
        StudyIds.require(studyId);
        if (depositVersion != null) {
            Checksums.requireVersion(depositVersion, studyId);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(time, "time");
        if (state == StudyState.INDEXING && (progress == null || modelVersion == null)) {
            throw new IllegalArgumentException(
                    "study " + studyId + ": an indexing status needs progress and the model version");
        }
        if (state == StudyState.INDEXED && (counts == null || modelVersion == null)) {
            throw new IllegalArgumentException(
                    "study " + studyId + ": an indexed status needs counts and the model version");
        }
        if (state == StudyState.QUARANTINED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("study " + studyId + ": a quarantined status needs a reason");
        }
    }

    /** A status with no model, progress, counts or reason (received, validating, withdrawn). */
    public static StudyStatus simple(String studyId, String depositVersion, StudyState state, Instant time) {
        return new StudyStatus(1, EVENT_TYPE, studyId, depositVersion, state, time, null, null, null, null);
    }

    /** A quarantined status with its reason. */
    public static StudyStatus quarantined(String studyId, String depositVersion, String reason, Instant time) {
        return new StudyStatus(
                1, EVENT_TYPE, studyId, depositVersion, StudyState.QUARANTINED, time, null, null, null, reason);
    }
}
