package org.liveatlas.ingest.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.liveatlas.schemas.store.StudyIds;

/**
 * What {@code atlas deposit PATH --study ID [--meta study.json]} asks for.
 *
 * @param path an {@code .h5ad} or 10x {@code .h5} file, or a 10x folder
 * @param studyId the study id
 * @param meta the study.json to upload; empty means {@code PATH/study.json} (folders only)
 * @param follow how long to follow the study's status afterwards; zero to return right after the upload
 */
public record DepositRequest(Path path, String studyId, Optional<Path> meta, Duration follow) {
    public DepositRequest {
        Objects.requireNonNull(path, "path");
        StudyIds.require(studyId);
        Objects.requireNonNull(meta, "meta");
        if (follow == null || follow.isNegative()) {
            throw new IllegalArgumentException("follow must be zero or positive, got " + follow);
        }
    }
}
