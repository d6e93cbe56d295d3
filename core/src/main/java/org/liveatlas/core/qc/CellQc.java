package org.liveatlas.core.qc;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Measures and filters cells batch by batch on the study's own genes (before alignment), and tallies
 * the study's {@link QcReport}. Mitochondrial genes are those whose symbol starts with {@code MT-}
 * or {@code mt-}. Stateful (the tally): one instance per study pass, not thread-safe.
 */
public final class CellQc {
    private final String study;
    private final QcThresholds thresholds;
    private final boolean[] mito;
    private long read;
    private long kept;
    private final long[] dropped = new long[DropReason.values().length];

    /** The cells that passed, as a batch and as their row numbers in the study. */
    public record Filtered(CsrBatch kept, int[] studyRows) {
        public Filtered {
            if (kept.rows() != studyRows.length) {
                throw new IllegalArgumentException("kept rows and studyRows differ in length");
            }
            studyRows = studyRows.clone();
        }

        @Override
        public int[] studyRows() {
            return studyRows.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Filtered f && kept.equals(f.kept) && Arrays.equals(studyRows, f.studyRows);
        }

        @Override
        public int hashCode() {
            return 31 * kept.hashCode() + Arrays.hashCode(studyRows);
        }

        @Override
        public String toString() {
            return "Filtered[" + kept + "]";
        }
    }

    public CellQc(String study, List<String> geneSymbols, QcThresholds thresholds) {
        this.study = Objects.requireNonNull(study, "study");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        this.mito = new boolean[geneSymbols.size()];
        for (int g = 0; g < mito.length; g++) {
            String s = geneSymbols.get(g);
            mito[g] = s.startsWith("MT-") || s.startsWith("mt-");
        }
    }

    /** Metrics of every cell in {@code counts} (raw counts over the study's genes). */
    public CellQcMetrics measure(CsrBatch counts) {
        checkColumns(counts);
        int rows = counts.rows();
        int[] indptr = counts.indptr();
        int[] indices = counts.indices();
        float[] values = counts.values();
        int[] genes = new int[rows];
        double[] totals = new double[rows];
        double[] mitoFraction = new double[rows];
        for (int r = 0; r < rows; r++) {
            double total = 0;
            double mt = 0;
            int detected = 0;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                float v = values[p];
                if (v != 0) {
                    detected++;
                    total += v;
                    if (mito[indices[p]]) {
                        mt += v;
                    }
                }
            }
            genes[r] = detected;
            totals[r] = total;
            mitoFraction[r] = total > 0 ? mt / total : 0.0;
        }
        return new CellQcMetrics(genes, totals, mitoFraction);
    }

    /**
     * The cells of {@code counts} that pass the thresholds; {@code firstRow} is the study row of the
     * batch's first cell. Adds the batch to the report's tally.
     */
    public Filtered filter(CsrBatch counts, int firstRow) {
        CellQcMetrics m = measure(counts);
        int[] genes = m.genesDetected();
        double[] totals = m.totalCounts();
        double[] mitoFraction = m.mitoFraction();
        int rows = counts.rows();
        boolean[] keep = new boolean[rows];
        int keptRows = 0;
        for (int r = 0; r < rows; r++) {
            DropReason reason = null;
            if (totals[r] < thresholds.minCounts()) {
                reason = DropReason.TOO_FEW_COUNTS;
            } else if (genes[r] < thresholds.minGenes()) {
                reason = DropReason.TOO_FEW_GENES;
            } else if (mitoFraction[r] > thresholds.maxMitoFraction()) {
                reason = DropReason.TOO_MUCH_MITO;
            }
            if (reason == null) {
                keep[r] = true;
                keptRows++;
            } else {
                dropped[reason.ordinal()]++;
            }
        }
        read += rows;
        kept += keptRows;
        if (keptRows == rows) {
            int[] studyRows = new int[rows];
            Arrays.setAll(studyRows, i -> firstRow + i);
            return new Filtered(counts, studyRows);
        }
        return new Filtered(counts.selectRows(keep), keptRowNumbers(keep, keptRows, firstRow));
    }

    private static int[] keptRowNumbers(boolean[] keep, int keptRows, int firstRow) {
        int[] out = new int[keptRows];
        int k = 0;
        for (int r = 0; r < keep.length; r++) {
            if (keep[r]) {
                out[k++] = firstRow + r;
            }
        }
        return out;
    }

    private void checkColumns(CsrBatch counts) {
        if (counts.cols() != mito.length) {
            throw new IllegalArgumentException(
                    "batch has " + counts.cols() + " gene columns but the study has " + mito.length);
        }
    }

    /** The tally so far (the whole study once every batch has been filtered). */
    public QcReport report() {
        long drop = read - kept;
        return new QcReport(
                study,
                thresholds,
                read,
                kept,
                drop,
                dropped[DropReason.TOO_FEW_COUNTS.ordinal()],
                dropped[DropReason.TOO_FEW_GENES.ordinal()],
                dropped[DropReason.TOO_MUCH_MITO.ordinal()]);
    }
}
