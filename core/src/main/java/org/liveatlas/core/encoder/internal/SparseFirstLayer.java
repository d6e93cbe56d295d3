package org.liveatlas.core.encoder.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first Linear layer as a sparse x dense product: {@code out[r] = bias + sum_p values[p] *
 * W[:, indices[p]]} over the non-zero entries of each row only.
 *
 * <p>The weight is stored transposed, one array per gene ({@code [genes][hidden]}), so each
 * non-zero entry adds one contiguous weight row to the output row. Separate arrays indexed from 0
 * matter: HotSpot (JDK 17) vectorises {@code y[i] += a * x[i]} but not the same loop over two
 * offsets into flat arrays, which runs 3x slower. Four entries are added per pass over the output
 * row to cut its loads and stores by four. Genes are processed in tiles so that a tile of the
 * weight stays in the L2 cache while the rows of a chunk use it; threads take chunks of rows.
 */
public final class SparseFirstLayer {

    /** Weight bytes per gene tile: about half of a 2 MiB L2 cache. */
    static final int TILE_BYTES = 1 << 20;

    static final int MIN_CHUNK = 16;
    static final int MAX_CHUNK = 128;

    private final float[][] weightT;
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
        this.weightT = new float[genes][hidden];
        for (int h = 0; h < hidden; h++) {
            int src = h * genes;
            for (int g = 0; g < genes; g++) {
                weightT[g][h] = weight[src + g];
            }
        }
        this.tileGenes = Math.max(16, TILE_BYTES / (4 * hidden));
    }

    public int hidden() {
        return hidden;
    }

    /**
     * Computes rows {@code [rowStart, rowEnd)} of a CSR matrix into {@code out} ({@code (rowEnd -
     * rowStart) x hidden}, row-major), using up to {@code threads} threads: the caller plus tasks on
     * {@code pool}.
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
        int workers = pool == null ? 1 : Math.max(1, Math.min(threads, rows / MIN_CHUNK));
        if (workers == 1) {
            compute(indptr, indices, values, rowStart, rowStart, rowEnd, out);
            return;
        }
        // Threads take chunks of rows as they finish, so that one thread slowed down by another
        // process on the same core does not hold up the batch. Chunks are large enough that each
        // weight tile is reused by many rows.
        int chunk = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, (rows + workers - 1) / workers));
        AtomicInteger next = new AtomicInteger(rowStart);
        Runnable work = () -> {
            for (int a = next.getAndAdd(chunk); a < rowEnd; a = next.getAndAdd(chunk)) {
                compute(indptr, indices, values, rowStart, a, Math.min(rowEnd, a + chunk), out);
            }
        };
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int t = 1; t < workers; t++) {
            futures.add(pool.submit(work));
        }
        work.run();
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
        int n = r1 - r0;
        float[][] acc = new float[n][];
        int[] cursor = new int[n];
        for (int i = 0; i < n; i++) {
            acc[i] = bias.clone();
            cursor[i] = indptr[r0 + i];
        }
        float[][] w = weightT;
        for (int g0 = 0; g0 < genes; g0 += tileGenes) {
            int g1 = Math.min(genes, g0 + tileGenes);
            for (int i = 0; i < n; i++) {
                float[] y = acc[i];
                int p = cursor[i];
                int end = indptr[r0 + i + 1];
                int stop = p;
                while (stop < end && indices[stop] < g1) {
                    stop++;
                }
                for (; p + 4 <= stop; p += 4) {
                    axpy4(
                            values[p],
                            w[indices[p]],
                            values[p + 1],
                            w[indices[p + 1]],
                            values[p + 2],
                            w[indices[p + 2]],
                            values[p + 3],
                            w[indices[p + 3]],
                            y);
                }
                for (; p < stop; p++) {
                    axpy(values[p], w[indices[p]], y);
                }
                cursor[i] = stop;
            }
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(acc[i], 0, out, (r0 + i - base) * hidden, hidden);
        }
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static void axpy4(
            float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3, float[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    private static void axpy(float a, float[] x, float[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }
}
