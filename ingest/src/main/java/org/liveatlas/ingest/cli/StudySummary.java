package org.liveatlas.ingest.cli;

import java.time.Instant;
import org.liveatlas.schemas.events.StudyState;

/**
 * One line of {@code atlas studies}.
 *
 * @param studyId study id
 * @param files objects under {@code deposits/<study>/} now
 * @param bytes their total size
 * @param depositVersion the last announced deposit version, or null if none
 * @param active true when the last announcement is a deposit (not a withdrawal)
 * @param state the latest status, or null if none yet
 * @param stateTime when the latest status was written, or null
 * @param reason quarantine reason, or null
 */
public record StudySummary(
        String studyId,
        int files,
        long bytes,
        String depositVersion,
        boolean active,
        StudyState state,
        Instant stateTime,
        String reason) {}
