package org.liveatlas.core.matrix;

import java.util.Arrays;
import java.util.Objects;

/**
 * A block of cells (rows) over a fixed gene order (columns) in compressed sparse row form.
 *
 * <p>The unit that flows between readers, alignment, normalisation and the encoder. Row {@code r}
 * holds the non-zero entries {@code indices[indptr[r] .. indptr[r+1])} with their {@code values};
 * column indices within a row are strictly increasing. Arrays are copied in and out, so an
 * instance is immutable; compares by value.
 */
public record CsrBatch(int rows, int cols, int[] indptr, int[] indices, float[] values) {

    public CsrBatch {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("rows and cols must be >= 0, got " + rows + " x " + cols);
        }
        Objects.requireNonNull(indptr, "indptr");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        if (indptr.length != rows + 1) {
            throw new IllegalArgumentException(
                    "indptr must have rows + 1 = " + (rows + 1) + " entries, got " + indptr.length);
        }
        if (indptr[0] != 0 || indptr[rows] != indices.length || indices.length != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays: indptr[0]=" + indptr[0] + ", indptr[rows]="
                    + indptr[rows] + ", indices=" + indices.length + ", values=" + values.length);
        }
        for (int r = 0; r < rows; r++) {
            int prev = -1;
            if (indptr[r + 1] < indptr[r]) {
                throw new IllegalArgumentException("indptr decreases at row " + r);
            }
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                int c = indices[p];
                if (c <= prev || c >= cols) {
                    throw new IllegalArgumentException(
                            "row " + r + ": column index " + c + " out of order or outside [0, " + cols + ")");
                }
                prev = c;
            }
        }
        indptr = indptr.clone();
        indices = indices.clone();
        values = values.clone();
    }

    /** The non-zero entries of dense rows (all of one length; at least one row) as a block. */
    public static CsrBatch ofDense(float[][] dense) {
        if (dense.length == 0) {
            throw new IllegalArgumentException("ofDense needs at least one row");
        }
        int cols = dense[0].length;
        int nnz = 0;
        for (float[] row : dense) {
            if (row.length != cols) {
                throw new IllegalArgumentException("rows of different lengths: " + cols + " and " + row.length);
            }
            for (float v : row) {
                nnz += v != 0 ? 1 : 0;
            }
        }
        int[] indptr = new int[dense.length + 1];
        int[] indices = new int[nnz];
        float[] values = new float[nnz];
        int k = 0;
        for (int r = 0; r < dense.length; r++) {
            for (int c = 0; c < cols; c++) {
                if (dense[r][c] != 0) {
                    indices[k] = c;
                    values[k++] = dense[r][c];
                }
            }
            indptr[r + 1] = k;
        }
        return new CsrBatch(dense.length, cols, indptr, indices, values);
    }

    /** Number of stored (non-zero) entries. */
    public int nnz() {
        return values.length;
    }

    @Override
    public int[] indptr() {
        return indptr.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** Row {@code r} as a dense vector of length {@link #cols()}. */
    public float[] denseRow(int r) {
        Objects.checkIndex(r, rows);
        float[] out = new float[cols];
        for (int p = indptr[r]; p < indptr[r + 1]; p++) {
            out[indices[p]] = values[p];
        }
        return out;
    }

    /** The rows whose {@code keep} flag is set, in order (this batch itself when every row is kept). */
    public CsrBatch selectRows(boolean[] keep) {
        if (keep.length != rows) {
            throw new IllegalArgumentException(
                    "need one flag per row: " + keep.length + " flags for " + rows + " rows");
        }
        int kept = 0;
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            if (keep[r]) {
                kept++;
                nnz += indptr[r + 1] - indptr[r];
            }
        }
        if (kept == rows) {
            return this;
        }
        int[] outPtr = new int[kept + 1];
        int[] outIdx = new int[nnz];
        float[] outVal = new float[nnz];
        int k = 0;
        int p = 0;
        for (int r = 0; r < rows; r++) {
            if (keep[r]) {
                int n = indptr[r + 1] - indptr[r];
                System.arraycopy(indices, indptr[r], outIdx, p, n);
                System.arraycopy(values, indptr[r], outVal, p, n);
                p += n;
                outPtr[++k] = p;
            }
        }
        return new CsrBatch(kept, cols, outPtr, outIdx, outVal);
    }

    /** The whole batch as a dense row-major array of {@code rows * cols} floats. */
    public float[] toDense() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                out[r * cols + indices[p]] = values[p];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsrBatch b
                && rows == b.rows
                && cols == b.cols
                && Arrays.equals(indptr, b.indptr)
                && Arrays.equals(indices, b.indices)
                && Arrays.equals(values, b.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, cols, Arrays.hashCode(indptr), Arrays.hashCode(indices), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "CsrBatch[" + rows + " x " + cols + ", nnz=" + values.length + "]";
    }
}
