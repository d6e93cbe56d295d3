package org.liveatlas.ingest;

import java.time.Instant;
import java.util.List;

/**
 * Content of {@code quarantine/<study>/reason.json}; written last, so its presence with a deposit version means
 * that version's quarantine is complete and need not be repeated.
 *
 * @param studyId the study id (for a folder with an unsafe name, a safe id derived from it)
 * @param depositFolder the folder below {@code deposits/} as found, made printable
 * @param depositVersion the deposit version quarantined
 * @param problems every problem found, each naming its file or field
 * @param copied keys copied into the quarantine folder
 * @param quarantinedAt when
 */
public record QuarantineReason(
        String studyId,
        String depositFolder,
        String depositVersion,
        List<String> problems,
        List<String> copied,
        Instant quarantinedAt) {
    public QuarantineReason {
        problems = List.copyOf(problems);
        copied = List.copyOf(copied);
    }
}
