package org.liveatlas.core.io;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.liveatlas.core.matrix.CsrBatch;

/** Iterates {@code [firstRow, rows)} in blocks of {@code chunkRows}, reading each block when asked for it. */
final class RowChunks implements Iterator<CsrBatch> {
    /** Reads rows {@code [first, first + count)}. */
    @FunctionalInterface
    interface BlockReader {
        CsrBatch read(int first, int count);
    }

    private final int rows;
    private final int chunkRows;
    private final BlockReader reader;
    private int next;

    RowChunks(int rows, int chunkRows, int firstRow, BlockReader reader) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        if (firstRow < 0 || firstRow > rows) {
            throw new IllegalArgumentException("firstRow must lie in [0, " + rows + "], got " + firstRow);
        }
        this.rows = rows;
        this.chunkRows = chunkRows;
        this.reader = reader;
        this.next = firstRow;
    }

    @Override
    public boolean hasNext() {
        return next < rows;
    }

    @Override
    public CsrBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int count = Math.min(chunkRows, rows - next);
        CsrBatch batch = reader.read(next, count);
        next += count;
        return batch;
    }
}
