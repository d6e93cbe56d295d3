package org.liveatlas.core.norm;

import java.util.Arrays;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * SCimilarity's {@code lognorm_counts}: scanpy {@code normalize_total(target_sum=1e4)} then
 * {@code log1p}, applied to counts already aligned to the model's genes (so a cell's library size is
 * its total over the model's genes, as in SCimilarity where {@code align_dataset} comes first).
 *
 * <p>Float32 arithmetic in scanpy's order for CSR input: {@code factor = total / 1e4},
 * {@code scale = 1 / factor}, {@code x * scale}, then {@code log1p}; a cell whose total is zero keeps
 * factor 1, so it stays all zero. The total is summed in double and rounded once (exact for integer
 * counts below 2^24 per cell, as in scanpy). {@code log1p} is computed in double and rounded to
 * float, which differs from NumPy's float32 {@code log1p} by at most one unit in the last place.
 * Stateless and thread-safe.
 */
public final class LogNormalizer {
    /** Counts per cell after scaling (SCimilarity: 10,000). */
    public static final float TARGET_SUM = 1e4f;

    private static final int MEMO = 64;

    private LogNormalizer() {}

    /** log1p(counts scaled to {@link #TARGET_SUM} per cell); the sparsity pattern is unchanged. */
    public static CsrBatch lognorm(CsrBatch counts) {
        int rows = counts.rows();
        int[] indptr = counts.indptr();
        float[] values = counts.values();
        float[] memo = new float[MEMO];
        int[] memoRow = new int[MEMO];
        Arrays.fill(memoRow, -1);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                sum += values[p];
            }
            float factor = (float) sum / TARGET_SUM;
            if (factor == 0f) {
                factor = 1f;
            }
            float scale = 1f / factor;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                float v = values[p];
                int k = (int) v;
                if (k == v && k < MEMO) {
                    // Most counts are small integers that repeat within a cell: compute each once.
                    if (memoRow[k] != r) {
                        memoRow[k] = r;
                        memo[k] = (float) Math.log1p(v * scale);
                    }
                    values[p] = memo[k];
                } else {
                    values[p] = (float) Math.log1p(v * scale);
                }
            }
        }
        return new CsrBatch(rows, counts.cols(), indptr, counts.indices(), values);
    }
}
