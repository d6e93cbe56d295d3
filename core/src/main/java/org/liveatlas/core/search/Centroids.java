package org.liveatlas.core.search;

import java.util.Objects;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Centroids of sets of cells, as SCimilarity builds them for centroid search.
 *
 * <p>SCimilarity's {@code get_centroid} does not average embeddings: it sums the raw counts of the
 * cells per gene (a pseudobulk), scales the sum to 10,000 over the whole pseudobulk and takes
 * {@code log1p}; the encoder then embeds that profile (and L2-normalises it, like every embedding).
 * {@link #pseudobulkLognorm} is that profile. {@link #meanDirection} is the embedding-space
 * centroid (mean, then re-normalised to unit length), which is what a cosine search from a k-means
 * cluster mean amounts to (hnswlib's cosine space normalises queries) and what is left when only
 * embeddings, not counts, are at hand.
 */
public final class Centroids {

    private Centroids() {}

    /**
     * {@code log(1 + 1e4 * colsum / total)} over the given cells' raw counts (all rows of the
     * batches, which must share one gene order): SCimilarity's {@code get_centroid}.
     */
    public static float[] pseudobulkLognorm(CsrBatch... counts) {
        Objects.requireNonNull(counts, "counts");
        if (counts.length == 0) {
            throw new IllegalArgumentException("a centroid needs at least one batch of cells");
        }
        int genes = counts[0].cols();
        double[] sum = new double[genes];
        double total = 0;
        for (CsrBatch b : counts) {
            if (b.cols() != genes) {
                throw new IllegalArgumentException(
                        "all batches must share one gene order: " + b.cols() + " genes vs " + genes);
            }
            int[] indices = b.indices();
            float[] values = b.values();
            for (int p = 0; p < values.length; p++) {
                sum[indices[p]] += values[p];
                total += values[p];
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the cells of a centroid have no counts at all (total " + total + ")");
        }
        float[] out = new float[genes];
        for (int g = 0; g < genes; g++) {
            out[g] = (float) Math.log1p(1e4 * sum[g] / total);
        }
        return out;
    }

    /** Mean of the given unit vectors, re-normalised to unit length. */
    public static float[] meanDirection(float[][] vectors) {
        Objects.requireNonNull(vectors, "vectors");
        if (vectors.length == 0) {
            throw new IllegalArgumentException("a centroid needs at least one vector");
        }
        int dim = vectors[0].length;
        double[] sum = new double[dim];
        for (float[] v : vectors) {
            if (v.length != dim) {
                throw new IllegalArgumentException("vector length " + v.length + " differs from " + dim);
            }
            for (int d = 0; d < dim; d++) {
                sum[d] += v[d];
            }
        }
        float[] mean = new float[dim];
        for (int d = 0; d < dim; d++) {
            mean[d] = (float) (sum[d] / vectors.length);
        }
        try {
            return Distances.normalise(mean);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the vectors cancel out: their mean has no direction", e);
        }
    }
}
