package org.liveatlas.trainer.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A study file with labels, as the trainer reads it.
 *
 * @param studyId the study's id
 * @param version the deposit version trained on (recorded in the manifest); may be {@code "local"}
 * @param file an {@code .h5ad}, a 10x folder or a 10x {@code .h5}
 * @param labelColumn the obs column with the cell type label
 * @param ontologyColumn the obs column with the label's Cell Ontology id, or null
 */
public record LabelledStudy(String studyId, String version, Path file, String labelColumn, String ontologyColumn) {
    public LabelledStudy {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(labelColumn, () -> "study " + studyId + ": a label column is required for training");
    }
}
