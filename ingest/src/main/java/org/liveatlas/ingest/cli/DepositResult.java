package org.liveatlas.ingest.cli;

import java.util.List;
import java.util.Optional;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * What a deposit did.
 *
 * @param studyId the study id
 * @param depositVersion the deposit version the store now holds (the ingest service announces this one)
 * @param uploadedKeys every key written, study.json last
 * @param bytes bytes uploaded
 * @param lastStatus the last status seen while following, if any; for an unchanged deposit the status that is
 *     final for its version
 * @param unchanged true when the version deposited is the one the study is already indexed or quarantined with,
 *     so the platform does nothing with it and nothing was followed ({@code uploadedKeys} is empty when the store
 *     already held the same files, found before uploading)
 */
public record DepositResult(
        String studyId,
        String depositVersion,
        List<String> uploadedKeys,
        long bytes,
        Optional<StudyStatus> lastStatus,
        boolean unchanged) {
    public DepositResult {
        uploadedKeys = List.copyOf(uploadedKeys);
    }

    /** The exit code of {@code atlas deposit}: 3 when the version ended (or already was) quarantined, else 0. */
    public int exitCode() {
        return lastStatus.filter(s -> s.state() == StudyState.QUARANTINED).isPresent() ? 3 : 0;
    }
}
