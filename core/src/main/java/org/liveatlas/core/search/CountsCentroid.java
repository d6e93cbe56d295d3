package org.liveatlas.core.search;

import org.liveatlas.core.encoder.Embedder;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.norm.LogNormalizer;

/**
 * SCimilarity's centroid of a set of query cells ({@code utils.get_centroid}, used by {@code
 * CellQuery.search_centroid_nearest}): the cells' raw counts, aligned to the model's gene order, are
 * summed per gene into one profile; that profile is log-normalised as one cell ({@link
 * LogNormalizer}: total scaled to 10,000, then {@code log1p}) and embedded as one cell by the model.
 * The search then runs from that single embedding. Cells are added chunk by chunk, so an upload never
 * has to be held in memory. Not thread-safe.
 */
public final class CountsCentroid {
    private final double[] sums;
    private int cells;

    /** An empty centroid over {@code genes} genes (the model's gene order). */
    public CountsCentroid(int genes) {
        if (genes < 1) {
            throw new IllegalArgumentException("a centroid needs at least one gene");
        }
        this.sums = new double[genes];
    }

    /** Adds every row of {@code alignedCounts} (raw counts in the model's gene order). */
    public void add(CsrBatch alignedCounts) {
        add(alignedCounts, null);
    }

    /** Adds the rows of {@code alignedCounts} whose flag in {@code rows} is set (all when null). */
    public void add(CsrBatch alignedCounts, boolean[] rows) {
        if (alignedCounts.cols() != sums.length) {
            throw new IllegalArgumentException(
                    "counts over " + alignedCounts.cols() + " genes; the centroid has " + sums.length);
        }
        if (rows != null && rows.length != alignedCounts.rows()) {
            throw new IllegalArgumentException(rows.length + " row flags for " + alignedCounts.rows() + " rows");
        }
        int[] indptr = alignedCounts.indptr();
        int[] indices = alignedCounts.indices();
        float[] values = alignedCounts.values();
        for (int r = 0; r < alignedCounts.rows(); r++) {
            if (rows != null && !rows[r]) {
                continue;
            }
            cells++;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                sums[indices[p]] += values[p];
            }
        }
    }

    /** Number of cells summed so far. */
    public int cells() {
        return cells;
    }

    /** The summed raw counts as one cell (1 row over the model's genes, zeros not stored). */
    public CsrBatch summedCounts() {
        int nnz = 0;
        for (double s : sums) {
            if (s != 0) {
                nnz++;
            }
        }
        int[] indices = new int[nnz];
        float[] values = new float[nnz];
        int k = 0;
        for (int g = 0; g < sums.length; g++) {
            if (sums[g] != 0) {
                indices[k] = g;
                values[k++] = (float) sums[g];
            }
        }
        return new CsrBatch(1, sums.length, new int[] {0, nnz}, indices, values);
    }

    /**
     * The summed profile log-normalised as one cell: {@code log1p(1e4 * sum / total)}.
     *
     * @throws IllegalStateException when no cell was added or the cells have no counts at all
     */
    public CsrBatch profile() {
        if (cells == 0) {
            throw new IllegalStateException("no query cell was added to the centroid");
        }
        CsrBatch summed = summedCounts();
        if (summed.nnz() == 0) {
            throw new IllegalStateException(
                    "the " + cells + " query cells have no counts in the model's genes; their centroid is empty");
        }
        return LogNormalizer.lognorm(summed);
    }

    /** The embedding of {@link #profile()} by {@code model} (a unit vector). */
    public float[] embed(Embedder model) {
        CsrBatch profile = profile();
        if (profile.cols() != model.geneOrder().size()) {
            throw new IllegalArgumentException("the centroid has " + profile.cols() + " genes; the model expects "
                    + model.geneOrder().size());
        }
        return model.embed(profile);
    }
}
