package org.liveatlas.schemas.study;

import java.util.Objects;
import org.liveatlas.schemas.store.StudyIds;

/**
 * The deposit's {@code study.json} (contract {@code study.v1.schema.json}): what the study is and who may
 * see it. Optional fields are null when absent.
 */
public record StudyMetadata(
        int schemaVersion,
        String studyId,
        String title,
        String description,
        String organism,
        String tissue,
        String disease,
        String assay,
        ObsColumns columns,
        boolean reference,
        Visibility visibility,
        String ownerGroup) {

    public static final int SCHEMA_VERSION = 1;

    public StudyMetadata {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException(
                    "study.json schemaVersion " + schemaVersion + " is not supported; use " + SCHEMA_VERSION);
        }
        StudyIds.require(studyId);
        requireText(title, "title", studyId);
        requireText(organism, "organism", studyId);
        Objects.requireNonNull(visibility, () -> "study " + studyId + ": visibility is required (public or private)");
        if (visibility == Visibility.PRIVATE && (ownerGroup == null || ownerGroup.isBlank())) {
            throw new IllegalArgumentException(
                    "study " + studyId + " is private but names no ownerGroup; add the group that owns it");
        }
        if (reference && (columns == null || columns.cellTypeLabel() == null)) {
            throw new IllegalArgumentException(
                    "study " + studyId
                            + " is marked as reference but names no columns.cellTypeLabel; add the obs column holding the labels");
        }
    }

    /** A public study with only the required fields set. */
    public static StudyMetadata minimal(String studyId, String title, String organism) {
        return new StudyMetadata(
                SCHEMA_VERSION, studyId, title, null, organism, null, null, null, null, false, Visibility.PUBLIC, null);
    }

    /** The same metadata with another owner group (for re-deposits under a new owner). */
    public StudyMetadata withOwner(Visibility newVisibility, String newOwnerGroup) {
        return new StudyMetadata(
                schemaVersion,
                studyId,
                title,
                description,
                organism,
                tissue,
                disease,
                assay,
                columns,
                reference,
                newVisibility,
                newOwnerGroup);
    }

    private static void requireText(String value, String field, String studyId) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "study " + studyId + ": " + field + " is required and must not be blank");
        }
    }
}
