package org.liveatlas.schemas.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.store.StudyIds;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * One complete deposit version of a study (contract {@code StudyDeposited.v1}), on {@code atlas.deposits}
 * keyed by study id. The deposit version is the content checksum: the same content gives the same version.
 */
public record StudyDeposited(
        int schemaVersion,
        String eventType,
        String studyId,
        String depositVersion,
        String bucket,
        String prefix,
        List<DepositedObject> objects,
        StudyMetadata study,
        Instant depositedAt,
        DepositSource source) {

    public static final String EVENT_TYPE = "StudyDeposited";

    public StudyDeposited {
        if (schemaVersion != 1 || !EVENT_TYPE.equals(eventType)) {
            throw new IllegalArgumentException(
                    "not a StudyDeposited v1: schemaVersion " + schemaVersion + ", eventType " + eventType);
        }
        StudyIds.require(studyId);
        Checksums.requireVersion(depositVersion, studyId);
        Objects.requireNonNull(bucket, "bucket");
        if (!ObjectLayout.depositPrefix(studyId).equals(prefix)) {
            throw new IllegalArgumentException(
                    "study " + studyId + ": prefix '" + prefix + "' must be " + ObjectLayout.depositPrefix(studyId));
        }
        objects = List.copyOf(objects);
        Objects.requireNonNull(study, () -> "study " + studyId + ": study.json content is required");
        if (!study.studyId().equals(studyId)) {
            throw new IllegalArgumentException(
                    "study " + studyId + ": study.json names a different study id '" + study.studyId() + "'");
        }
        Objects.requireNonNull(depositedAt, "depositedAt");
        Objects.requireNonNull(source, "source");
    }

    /** Builds a v1 event. */
    public static StudyDeposited of(
            String bucket,
            String depositVersion,
            List<DepositedObject> objects,
            StudyMetadata study,
            Instant depositedAt,
            DepositSource source) {
        return new StudyDeposited(
                1,
                EVENT_TYPE,
                study.studyId(),
                depositVersion,
                bucket,
                ObjectLayout.depositPrefix(study.studyId()),
                objects,
                study,
                depositedAt,
                source);
    }
}
