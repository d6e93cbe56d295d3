package org.liveatlas.core.search;

/**
 * Bounded max-heap of the k smallest distances. Rows arrive in increasing order, so a later row at an
 * equal distance never displaces an earlier one: ties keep row order, as a stable sort of all
 * distances would.
 */
public final class TopK {
    private final int k;
    private final int[] rows;
    private final double[] dists;
    private int size;

    /** Keeps the {@code k} (>= 0) nearest rows. */
    public TopK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative, got " + k);
        }
        this.k = k;
        this.rows = new int[k];
        this.dists = new double[k];
    }

    /** Whether a row at distance {@code d} would be kept. */
    public boolean wouldAccept(double d) {
        return size < k || (size > 0 && d < dists[0]);
    }

    /** Offers row {@code r} at distance {@code d} (rows in increasing order). */
    public void add(int r, double d) {
        if (size < k) {
            rows[size] = r;
            dists[size] = d;
            siftUp(size++);
        } else if (size > 0 && d < dists[0]) {
            rows[0] = r;
            dists[0] = d;
            siftDown(0);
        }
    }

    /** Number of rows kept (at most k). */
    public int size() {
        return size;
    }

    /** The i-th kept row, in heap order (not sorted). */
    public int row(int i) {
        return rows[i];
    }

    /** The i-th kept distance, in heap order. */
    public double distance(int i) {
        return dists[i];
    }

    /** Forgets every row, keeping k. */
    public void clear() {
        size = 0;
    }

    private boolean greater(int a, int b) {
        int c = Double.compare(dists[a], dists[b]);
        return c != 0 ? c > 0 : rows[a] > rows[b];
    }

    private void swap(int a, int b) {
        int tr = rows[a];
        rows[a] = rows[b];
        rows[b] = tr;
        double td = dists[a];
        dists[a] = dists[b];
        dists[b] = td;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!greater(i, p)) {
                return;
            }
            swap(i, p);
            i = p;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && greater(l, m)) {
                m = l;
            }
            if (r < size && greater(r, m)) {
                m = r;
            }
            if (m == i) {
                return;
            }
            swap(i, m);
            i = m;
        }
    }
}
