package org.liveatlas.ingest.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.store.StudyIds;

/**
 * What {@code atlas deposit PATH --study ID [--meta study.json]} asks for.
 *
 * @param path an {@code .h5ad} or 10x {@code .h5} file, or a 10x folder
 * @param studyId the study id
 * @param meta the study.json to upload; empty means {@code PATH/study.json} (folders only)
 * @param follow how long to follow the study's status afterwards; zero to return right after the upload
 * @param stopAt states that end the following early (by default the final ones: indexed, quarantined, withdrawn)
 */
public record DepositRequest(Path path, String studyId, Optional<Path> meta, Duration follow, Set<StudyState> stopAt) {
    public DepositRequest {
        Objects.requireNonNull(path, "path");
        StudyIds.require(studyId);
        Objects.requireNonNull(meta, "meta");
        if (follow == null || follow.isNegative()) {
            throw new IllegalArgumentException("follow must be zero or positive, got " + follow);
        }
        stopAt = Set.copyOf(stopAt);
    }

    /** A request that follows the status until a final state or {@code follow} passes. */
    public static DepositRequest of(Path path, String studyId, Optional<Path> meta, Duration follow) {
        return new DepositRequest(
                path,
                studyId,
                meta,
                follow,
                EnumSet.of(StudyState.INDEXED, StudyState.QUARANTINED, StudyState.WITHDRAWN));
    }
}
