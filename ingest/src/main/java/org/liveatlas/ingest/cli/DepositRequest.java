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
 * What {@code atlas deposit PATH --study ID [--meta study.json | study options]} asks for.
 *
 * @param path an {@code .h5ad} or 10x {@code .h5} file, or a 10x folder
 * @param studyId the study id
 * @param meta the study.json to upload; empty means {@code PATH/study.json} for a folder that holds one, else the
 *     study.json written from {@code options}
 * @param options the study.json fields given as options; only when {@code meta} is empty
 * @param follow how long to follow the study's status afterwards; zero to return right after the upload
 * @param stopAt states that end the following early (by default the final ones: indexed, quarantined, withdrawn)
 */
public record DepositRequest(
        Path path, String studyId, Optional<Path> meta, StudyOptions options, Duration follow, Set<StudyState> stopAt) {
    public DepositRequest {
        Objects.requireNonNull(path, "path");
        StudyIds.require(studyId);
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(options, "options");
        if (meta.isPresent() && options.any()) {
            throw new IllegalArgumentException("--meta " + meta.get() + " cannot be combined with "
                    + String.join(", ", options.given()) + "; give the study's metadata either way, not both");
        }
        if (follow == null || follow.isNegative()) {
            throw new IllegalArgumentException("follow must be zero or positive, got " + follow);
        }
        stopAt = Set.copyOf(stopAt);
    }

    /** A request with a study.json file that follows the status until a final state or {@code follow} passes. */
    public static DepositRequest of(Path path, String studyId, Optional<Path> meta, Duration follow) {
        return new DepositRequest(path, studyId, meta, StudyOptions.none(), follow, finalStates());
    }

    /**
     * A request whose study.json is written from {@code options} (unless {@code path} is a folder holding one and
     * no option is given) that follows the status until a final state or {@code follow} passes.
     */
    public static DepositRequest of(Path path, String studyId, StudyOptions options, Duration follow) {
        return new DepositRequest(path, studyId, Optional.empty(), options, follow, finalStates());
    }

    private static Set<StudyState> finalStates() {
        return EnumSet.of(StudyState.INDEXED, StudyState.QUARANTINED, StudyState.WITHDRAWN);
    }
}
