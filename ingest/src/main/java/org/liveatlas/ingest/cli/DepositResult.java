package org.liveatlas.ingest.cli;

import java.util.List;
import java.util.Optional;
import org.liveatlas.schemas.events.StudyStatus;

/**
 * What a deposit did.
 *
 * @param studyId the study id
 * @param depositVersion the deposit version the store now holds (the ingest service announces this one)
 * @param uploadedKeys every key written, study.json last
 * @param bytes bytes uploaded
 * @param lastStatus the last status seen while following, if any
 */
public record DepositResult(
        String studyId,
        String depositVersion,
        List<String> uploadedKeys,
        long bytes,
        Optional<StudyStatus> lastStatus) {
    public DepositResult {
        uploadedKeys = List.copyOf(uploadedKeys);
    }
}
