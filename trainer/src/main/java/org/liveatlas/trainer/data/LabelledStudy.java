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
 * @param batchColumn an obs column splitting the study into batches that count as separate studies
 *     for cross-study positives and the sampler (e.g. donors or chemistries pooled in one deposit), or
 *     null; such cells get the study code {@code <studyId>#<batch>}
 */
public record LabelledStudy(
        String studyId, String version, Path file, String labelColumn, String ontologyColumn, String batchColumn) {

    /** Separator between a study id and a batch in the study codes of {@link LabelledCells}. */
    public static final String BATCH_SEPARATOR = "#";

    /** A study without batches. */
    public LabelledStudy(String studyId, String version, Path file, String labelColumn, String ontologyColumn) {
        this(studyId, version, file, labelColumn, ontologyColumn, null);
    }

    public LabelledStudy {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(labelColumn, () -> "study " + studyId + ": a label column is required for training");
    }
}
