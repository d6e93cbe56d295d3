package org.liveatlas.core.prep;

import java.util.Arrays;
import java.util.List;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Cells that passed QC, ready for the encoder.
 *
 * @param studyRows each cell's row in the study (to look up obs columns); increasing
 * @param cellIds each cell's id (obs index or barcode)
 * @param expression lognorm values over the model's gene order, one row per cell
 * @param counts the same cells' raw counts aligned to the model's gene order, or null when the study
 *     was not asked to keep them ({@link PreparedStudy#keepCounts()})
 */
public record PreparedChunk(int[] studyRows, List<String> cellIds, CsrBatch expression, CsrBatch counts) {
    public PreparedChunk {
        cellIds = List.copyOf(cellIds);
        if (studyRows.length != cellIds.size() || cellIds.size() != expression.rows()) {
            throw new IllegalArgumentException("studyRows (" + studyRows.length + "), cellIds (" + cellIds.size()
                    + ") and expression rows (" + expression.rows() + ") differ");
        }
        if (counts != null && (counts.rows() != expression.rows() || counts.cols() != expression.cols())) {
            throw new IllegalArgumentException("counts (" + counts.rows() + " x " + counts.cols() + ") and expression ("
                    + expression.rows() + " x " + expression.cols() + ") differ in shape");
        }
        studyRows = studyRows.clone();
    }

    /** A chunk without its raw counts. */
    public PreparedChunk(int[] studyRows, List<String> cellIds, CsrBatch expression) {
        this(studyRows, cellIds, expression, null);
    }

    public int cells() {
        return cellIds.size();
    }

    @Override
    public int[] studyRows() {
        return studyRows.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreparedChunk c
                && Arrays.equals(studyRows, c.studyRows)
                && cellIds.equals(c.cellIds)
                && expression.equals(c.expression)
                && java.util.Objects.equals(counts, c.counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(studyRows) + cellIds.hashCode()) + expression.hashCode())
                + java.util.Objects.hashCode(counts);
    }

    @Override
    public String toString() {
        return "PreparedChunk[" + cellIds.size() + " cells, " + expression + "]";
    }
}
