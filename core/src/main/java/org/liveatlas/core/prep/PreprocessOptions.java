package org.liveatlas.core.prep;

import java.util.Objects;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.qc.QcThresholds;

/**
 * How a study is turned into model input.
 *
 * @param chunkRows cells read per chunk (bounds memory: one chunk of counts at a time)
 * @param qc per-cell QC limits, applied on the study's own genes before alignment
 * @param align gene alignment options (shared-gene minimum, id-to-symbol table)
 */
public record PreprocessOptions(int chunkRows, QcThresholds qc, AlignOptions align) {
    public static final int DEFAULT_CHUNK_ROWS = 1024;

    /** 1,024 cells per chunk, keep every cell, SCimilarity's alignment defaults (5,000 shared genes). */
    public static final PreprocessOptions DEFAULT =
            new PreprocessOptions(DEFAULT_CHUNK_ROWS, QcThresholds.PERMISSIVE, AlignOptions.DEFAULT);

    public PreprocessOptions {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        Objects.requireNonNull(qc, "qc");
        Objects.requireNonNull(align, "align");
    }

    public PreprocessOptions withChunkRows(int rows) {
        return new PreprocessOptions(rows, qc, align);
    }

    public PreprocessOptions withQc(QcThresholds thresholds) {
        return new PreprocessOptions(chunkRows, thresholds, align);
    }

    public PreprocessOptions withAlign(AlignOptions options) {
        return new PreprocessOptions(chunkRows, qc, options);
    }
}
