package org.liveatlas.core.encoder.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The first Linear layer as a sparse x dense product: {@code out[r] = bias + sum_p values[p] *
 * W[:, indices[p]]} over the non-zero entries of each row only.
 *
 * <p>The weight is stored transposed ({@code [genes][hidden]}), so each non-zero entry adds one
 * contiguous row of the weight to the output row: a loop that HotSpot vectorises. Genes are
 * processed in tiles so that a tile of the weight stays in the L2 cache while every row of the
 * batch uses it; rows are split between threads.
 */
public final class SparseFirstLayer {

    /** Genes per tile: 256 x 1,024 hidden x 4 bytes = 1 MiB of weight, half an L2 cache. */
    static final int TILE_BYTES = 1 << 20;

    private final float[] weightT;
    private final float[] bias;
    private final int genes;
    private final int hidden;
    private final int tileGenes;

    /**
     * @param weight PyTorch layout {@code [hidden][genes]}, row-major
     * @param bias {@code [hidden]}
     */
    public SparseFirstLayer(float[] weight, float[] bias, int genes, int hidden) {
        if (weight.length != (long) genes * hidden || bias.length != hidden) {
            throw new IllegalArgumentException("weight must be " + hidden + " x " + genes + " and bias " + hidden);
        }
        this.genes = genes;
        this.hidden = hidden;
        this.bias = bias.clone();
        this.weightT = new float[weight.length];
        for (int h = 0; h < hidden; h++) {
            int src = h * genes;
            for (int g = 0; g < genes; g++) {
                weightT[g * hidden + h] = weight[src + g];
            }
        }
        this.tileGenes = Math.max(16, TILE_BYTES / (4 * hidden));
    }

    public int hidden() {
        return hidden;
    }

    /**
     * Computes rows {@code [rowStart, rowEnd)} of a CSR matrix into {@code out} ({@code (rowEnd -
     * rowStart) x hidden}, row-major), using up to {@code threads} threads of {@code pool} plus the
     * caller.
     */
    public void apply(
            int[] indptr,
            int[] indices,
            float[] values,
            int rowStart,
            int rowEnd,
            float[] out,
            ExecutorService pool,
            int threads) {
        int rows = rowEnd - rowStart;
        int parts = Math.max(1, Math.min(threads, rows / 8));
        if (parts == 1 || pool == null) {
            compute(indptr, indices, values, rowStart, rowStart, rowEnd, out);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        int per = (rows + parts - 1) / parts;
        for (int t = 1; t < parts; t++) {
            int a = rowStart + t * per;
            int b = Math.min(rowEnd, a + per);
            if (a < b) {
                futures.add(pool.submit(() -> compute(indptr, indices, values, rowStart, a, b, out)));
            }
        }
        compute(indptr, indices, values, rowStart, rowStart, Math.min(rowEnd, rowStart + per), out);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("sparse first layer failed", e.getCause());
            }
        }
    }

    private void compute(int[] indptr, int[] indices, float[] values, int base, int r0, int r1, float[] out) {
        int h = hidden;
        int[] cursor = new int[r1 - r0];
        for (int r = r0; r < r1; r++) {
            cursor[r - r0] = indptr[r];
            System.arraycopy(bias, 0, out, (r - base) * h, h);
        }
        float[] w = weightT;
        for (int g0 = 0; g0 < genes; g0 += tileGenes) {
            int g1 = Math.min(genes, g0 + tileGenes);
            for (int r = r0; r < r1; r++) {
                int p = cursor[r - r0];
                int end = indptr[r + 1];
                int y = (r - base) * h;
                while (p < end && indices[p] < g1) {
                    axpy(values[p], w, indices[p] * h, out, y, h);
                    p++;
                }
                cursor[r - r0] = p;
            }
        }
    }

    private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }
}
