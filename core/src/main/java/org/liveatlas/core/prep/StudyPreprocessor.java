package org.liveatlas.core.prep;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.liveatlas.core.align.GeneAlignment;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.qc.CellQc;

/**
 * Turns a study file into model input, chunk by chunk: reader (with counts validation) -> QC on the
 * study's genes -> alignment to the model's gene order -> lognorm. What {@code atlas embed}, the
 * indexing job and the API call before the encoder.
 *
 * <p>Rejections are {@link org.liveatlas.core.PoisonInputException}s: an unreadable or empty study and
 * too few shared genes when the study is opened, bad counts while iterating (already when opening a
 * Matrix Market or CSC study, whose single validating pass happens then). Immutable and
 * thread-safe; each {@link PreparedStudy} it opens is single-threaded.
 */
public final class StudyPreprocessor {
    private final List<String> modelGenes;
    private final PreprocessOptions options;

    public StudyPreprocessor(List<String> modelGenes, PreprocessOptions options) {
        this.modelGenes = List.copyOf(modelGenes);
        this.options = Objects.requireNonNull(options, "options");
        if (this.modelGenes.isEmpty()) {
            throw new IllegalArgumentException("the model's gene order is empty");
        }
    }

    public List<String> modelGenes() {
        return modelGenes;
    }

    public PreprocessOptions options() {
        return options;
    }

    /** Opens {@code input} (an .h5ad, a 10x folder or a 10x .h5) as study {@code studyId}. */
    public PreparedStudy open(String studyId, Path input) {
        return open(studyId, input, 0);
    }

    /**
     * As {@link #open(String, Path)}, resuming at study row {@code firstRow} (a previous pass's {@link
     * PreparedStudy#cellsRead()}); the QC report then covers the cells from {@code firstRow} on.
     */
    public PreparedStudy open(String studyId, Path input, int firstRow) {
        StudyReader reader = StudyReaders.open(input);
        try {
            return prepare(studyId, reader, firstRow);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** Prepares an already opened study from its first cell; the returned study owns (and closes) {@code reader}. */
    public PreparedStudy prepare(String studyId, StudyReader reader) {
        return prepare(studyId, reader, 0);
    }

    /** Prepares an already opened study from row {@code firstRow}; the returned study owns {@code reader}. */
    public PreparedStudy prepare(String studyId, StudyReader reader, int firstRow) {
        GeneAlignment alignment = GeneAlignment.plan(studyId, reader, modelGenes, options.align());
        CellQc qc = new CellQc(studyId, alignment.studySymbols(), options.qc());
        return new PreparedStudy(reader, alignment, qc, options.chunkRows(), firstRow);
    }
}
