package org.liveatlas.core.io;

import java.util.Arrays;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Assembles a {@link CsrBatch} row by row from entries in any column order, summing repeated
 * columns and dropping explicit zeros, as scipy's canonical CSR form would.
 */
final class CsrChunkBuilder {
    private final int cols;
    private int[] indptr;
    private int[] indices;
    private float[] values;
    private int rows;
    private int nnz;
    private int rowStart;
    private boolean rowSorted = true;

    CsrChunkBuilder(int cols, int expectedRows, int expectedNnz) {
        this.cols = cols;
        this.indptr = new int[Math.max(1, expectedRows) + 1];
        this.indices = new int[Math.max(16, expectedNnz)];
        this.values = new float[indices.length];
    }

    /** Adds entry ({@code col}, {@code value}) to the current row; the caller has validated both. */
    void add(int col, float value) {
        if (value == 0f) {
            return;
        }
        if (nnz == indices.length) {
            int grown = Math.max(16, indices.length + (indices.length >> 1));
            indices = Arrays.copyOf(indices, grown);
            values = Arrays.copyOf(values, grown);
        }
        if (nnz > rowStart && indices[nnz - 1] >= col) {
            rowSorted = false;
        }
        indices[nnz] = col;
        values[nnz] = value;
        nnz++;
    }

    void endRow() {
        if (!rowSorted) {
            canonicaliseRow();
        }
        if (rows + 1 == indptr.length) {
            indptr = Arrays.copyOf(indptr, indptr.length * 2);
        }
        rows++;
        indptr[rows] = nnz;
        rowStart = nnz;
        rowSorted = true;
    }

    int rows() {
        return rows;
    }

    int columns() {
        return cols;
    }

    CsrBatch build() {
        return new CsrBatch(
                rows, cols, Arrays.copyOf(indptr, rows + 1), Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
    }

    // Rows out of column order are rare (non-canonical CSR, shuffled Matrix Market): sort packed
    // (column, value bits) keys, then sum runs of the same column.
    private void canonicaliseRow() {
        int n = nnz - rowStart;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) indices[rowStart + i] << 32) | (i & 0xffffffffL);
        }
        Arrays.sort(keys);
        int[] cols = new int[n];
        float[] vals = new float[n];
        int out = 0;
        for (int i = 0; i < n; i++) {
            int col = (int) (keys[i] >>> 32);
            float v = values[rowStart + (int) keys[i]];
            if (out > 0 && cols[out - 1] == col) {
                vals[out - 1] += v;
            } else {
                cols[out] = col;
                vals[out] = v;
                out++;
            }
        }
        System.arraycopy(cols, 0, indices, rowStart, out);
        System.arraycopy(vals, 0, values, rowStart, out);
        nnz = rowStart + out;
    }
}
