package org.liveatlas.core.io;

import java.util.Arrays;
import java.util.Iterator;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Counts of chosen cells, gathered from one or more studies into the rows of one result matrix in the caller's
 * order, over the result's gene order: each study's genes are mapped to result columns (entries of study genes
 * mapped to the same result column are summed, a gene mapped to -1 is dropped). Rows are held one array pair each
 * until the matrix is laid out; a row never put stays empty. Not thread-safe.
 */
public final class PickedRows {
    private int cols;
    private int[][] columns;
    private float[][] values;

    /** An empty result of {@code rows} x {@code cols}. */
    public PickedRows(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("rows and cols must be >= 0, got " + rows + " x " + cols);
        }
        this.cols = cols;
        this.columns = new int[rows][];
        this.values = new float[rows][];
    }

    /**
     * Raises the result's gene count to {@code cols}, for genes that a study read later adds to the result's gene
     * order (appended after those already there, so rows put earlier keep their columns).
     */
    public void widen(int cols) {
        if (cols < this.cols) {
            throw new IllegalArgumentException("cannot narrow the result from " + this.cols + " to " + cols + " genes");
        }
        this.cols = cols;
    }

    public int rows() {
        return columns.length;
    }

    public int cols() {
        return cols;
    }

    /**
     * Reads rows {@code rows} (strictly increasing) of {@code reader} into result rows {@code targets} (one per
     * read row), in blocks of at most {@code chunkRows} study rows ({@link StudyReader#selectedRows}).
     *
     * @param columnMap study column to result column (-1: dropped), one per study gene; null when the study's
     *     genes are the result's
     */
    public void pick(StudyReader reader, int[] rows, int[] targets, int[] columnMap, int chunkRows) {
        if (rows.length != targets.length) {
            throw new IllegalArgumentException("need one target per row: " + targets.length + " for " + rows.length);
        }
        int done = 0;
        for (Iterator<CsrBatch> it = reader.selectedRows(rows, chunkRows); it.hasNext(); ) {
            CsrBatch block = it.next();
            put(Arrays.copyOfRange(targets, done, done + block.rows()), block, columnMap);
            done += block.rows();
        }
    }

    /**
     * Puts row {@code r} of {@code block} into result row {@code targets[r]} (skipped where it is -1).
     *
     * @param columnMap as in {@link #pick}
     */
    public void put(int[] targets, CsrBatch block, int[] columnMap) {
        if (targets.length != block.rows()) {
            throw new IllegalArgumentException(
                    "need one target per block row: " + targets.length + " for " + block.rows());
        }
        if (columnMap == null ? block.cols() != cols : columnMap.length != block.cols()) {
            throw new IllegalArgumentException("block of " + block.cols() + " genes against "
                    + (columnMap == null ? cols + " result genes" : "a map of " + columnMap.length + " genes"));
        }
        int[] ptr = block.indptr();
        int[] idx = block.indices();
        float[] val = block.values();
        for (int r = 0; r < targets.length; r++) {
            int t = targets[r];
            if (t < 0) {
                continue;
            }
            int from = ptr[r];
            int to = ptr[r + 1];
            if (columnMap == null) {
                columns[t] = Arrays.copyOfRange(idx, from, to);
                values[t] = Arrays.copyOfRange(val, from, to);
            } else {
                mapped(t, idx, val, from, to, columnMap);
            }
        }
    }

    // result columns are sorted and unique, as CSR wants: sort (column, value) pairs, sum equal columns
    private void mapped(int t, int[] idx, float[] val, int from, int to, int[] columnMap) {
        long[] pairs = new long[to - from];
        int n = 0;
        for (int p = from; p < to; p++) {
            int c = columnMap[idx[p]];
            if (c >= cols) {
                throw new IllegalArgumentException(
                        "column map sends gene " + idx[p] + " to " + c + ", outside the " + cols + " result genes");
            }
            if (c >= 0) {
                pairs[n++] = ((long) c << 32) | (Float.floatToRawIntBits(val[p]) & 0xffffffffL);
            }
        }
        Arrays.sort(pairs, 0, n);
        int[] outCols = new int[n];
        float[] outVals = new float[n];
        int k = -1;
        for (int i = 0; i < n; i++) {
            int c = (int) (pairs[i] >>> 32);
            float v = Float.intBitsToFloat((int) pairs[i]);
            if (k >= 0 && outCols[k] == c) {
                outVals[k] += v;
            } else {
                outCols[++k] = c;
                outVals[k] = v;
            }
        }
        columns[t] = Arrays.copyOf(outCols, k + 1);
        values[t] = Arrays.copyOf(outVals, k + 1);
    }

    /** Whether result row {@code row} was put. */
    public boolean has(int row) {
        return columns[row] != null;
    }

    /** The result as a batch (copied; the rows stay). */
    public CsrBatch toBatch() {
        Csr c = layout(false);
        return new CsrBatch(c.rows(), c.cols(), c.indptr(), c.indices(), c.data());
    }

    /** The result's CSR arrays; the rows are released as they are copied, so the matrix is held about once. */
    Csr release() {
        return layout(true);
    }

    private Csr layout(boolean release) {
        int rows = columns.length;
        int[] indptr = new int[rows + 1];
        long nnz = 0;
        for (int r = 0; r < rows; r++) {
            nnz += columns[r] == null ? 0 : columns[r].length;
            if (nnz > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the " + rows + " rows hold more than " + (Integer.MAX_VALUE - 8)
                        + " stored values, more than one CSR matrix with int32 indices can hold; pick fewer cells");
            }
            indptr[r + 1] = (int) nnz;
        }
        int[] indices = new int[(int) nnz];
        float[] data = new float[(int) nnz];
        for (int r = 0; r < rows; r++) {
            if (columns[r] != null) {
                System.arraycopy(columns[r], 0, indices, indptr[r], columns[r].length);
                System.arraycopy(values[r], 0, data, indptr[r], values[r].length);
                if (release) {
                    columns[r] = null;
                    values[r] = null;
                }
            }
        }
        if (release) {
            columns = new int[rows][];
            values = new float[rows][];
        }
        return new Csr(rows, cols, indptr, indices, data);
    }

    /** CSR arrays handed over without copies (package use only). */
    record Csr(int rows, int cols, int[] indptr, int[] indices, float[] data) {}
}
