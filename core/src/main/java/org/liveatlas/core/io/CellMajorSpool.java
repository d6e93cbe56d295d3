package org.liveatlas.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * A temporary file holding a study's entries cell by cell (8 bytes each: gene index, float value),
 * so that a gene-major or unordered source (CSC, Matrix Market) can be read back in row chunks.
 *
 * <p>Two ways to fill it. {@link #scatter}: the caller has counted the entries per cell and
 * {@link #put}s each entry once into its cell's slot range. {@link Log}: entries are appended in
 * source order; if the source listed them cell by cell (as Cell Ranger writes Matrix Market), the log
 * already is the spool and nothing is copied, otherwise it is scattered in one sequential replay.
 *
 * <p>The heap holds 12 bytes per cell (offsets and counts); the entries live in a memory-mapped file
 * of {@code 8 * nnz} bytes under {@code java.io.tmpdir} that the operating system pages, so a study
 * larger than the heap streams. The files are deleted on {@link #close()}. Not thread-safe.
 */
final class CellMajorSpool implements AutoCloseable {
    private static final int ENTRY_BYTES = 8;
    // Whole entries per mapping; 2^27 entries = 1 GiB, within a MappedByteBuffer's int range.
    private static final long ENTRIES_PER_SEGMENT = 1L << 27;

    private final Path file;
    private final long[] offsets;
    private final int[] cursor;
    private final List<MappedByteBuffer> segments = new ArrayList<>();

    private CellMajorSpool(Path file, long[] entriesPerCell, boolean filled) {
        int cells = entriesPerCell.length;
        this.file = file;
        this.offsets = new long[cells + 1];
        for (int c = 0; c < cells; c++) {
            offsets[c + 1] = offsets[c] + entriesPerCell[c];
        }
        this.cursor = new int[cells];
        if (filled) {
            for (int c = 0; c < cells; c++) {
                cursor[c] = Math.toIntExact(entriesPerCell[c]);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long start = 0; start < offsets[cells]; start += ENTRIES_PER_SEGMENT) {
                long n = Math.min(ENTRIES_PER_SEGMENT, offsets[cells] - start);
                MappedByteBuffer seg = ch.map(FileChannel.MapMode.READ_WRITE, start * ENTRY_BYTES, n * ENTRY_BYTES);
                seg.order(ByteOrder.LITTLE_ENDIAN);
                segments.add(seg);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot map a temporary spool of " + offsets[cells] * ENTRY_BYTES + " bytes at " + file, e);
        }
    }

    /** An empty spool sized for {@code entriesPerCell}, to be filled with {@link #put}. */
    static CellMajorSpool scatter(long[] entriesPerCell) {
        return new CellMajorSpool(tempFile(), entriesPerCell, false);
    }

    private static Path tempFile() {
        try {
            return Files.createTempFile("liveatlas-spool-", ".bin");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary spool file", e);
        }
    }

    void put(int cell, int gene, float value) {
        long slot = offsets[cell] + cursor[cell]++;
        if (slot >= offsets[cell + 1]) {
            throw new IllegalStateException("cell " + cell + " received more entries than counted");
        }
        MappedByteBuffer seg = segments.get((int) (slot / ENTRIES_PER_SEGMENT));
        int pos = (int) (slot % ENTRIES_PER_SEGMENT) * ENTRY_BYTES;
        seg.putInt(pos, gene);
        seg.putFloat(pos + 4, value);
    }

    /** Cells {@code [first, first + rows)} as a batch over {@code cols} genes. */
    CsrBatch read(int first, int rows, int cols) {
        long from = offsets[first];
        long to = offsets[first + rows];
        CsrChunkBuilder b = new CsrChunkBuilder(cols, rows, (int) Math.min(Integer.MAX_VALUE - 8, to - from));
        for (int r = first; r < first + rows; r++) {
            long end = offsets[r] + cursor[r];
            for (long slot = offsets[r]; slot < end; slot++) {
                MappedByteBuffer seg = segments.get((int) (slot / ENTRIES_PER_SEGMENT));
                int pos = (int) (slot % ENTRIES_PER_SEGMENT) * ENTRY_BYTES;
                b.add(seg.getInt(pos), seg.getFloat(pos + 4));
            }
            b.endRow();
        }
        return b.build();
    }

    @Override
    public void close() {
        segments.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temporary spool " + file, e);
        }
    }

    /**
     * Entries appended in source order: (gene, value) to the future spool file, the cell of each
     * entry to a side file, which is only needed when the source was not ordered by cell.
     */
    static final class Log implements AutoCloseable {
        private static final int BUFFER = 1 << 16;
        private final long[] perCell;
        private final Path entries = tempFile();
        private final Path cells = tempFile();
        private final FileChannel entryOut;
        private final FileChannel cellOut;
        private final ByteBuffer entryBuf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer cellBuf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private int lastCell;
        private boolean cellOrdered = true;
        private boolean done;

        Log(int cellCount) {
            this.perCell = new long[cellCount];
            try {
                this.entryOut = FileChannel.open(entries, StandardOpenOption.WRITE);
                this.cellOut = FileChannel.open(cells, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open temporary spool files", e);
            }
        }

        void append(int cell, int gene, float value) {
            try {
                if (entryBuf.remaining() < ENTRY_BYTES) {
                    drain(entryBuf, entryOut);
                }
                if (cellBuf.remaining() < 4) {
                    drain(cellBuf, cellOut);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write temporary spool " + entries, e);
            }
            entryBuf.putInt(gene).putFloat(value);
            cellBuf.putInt(cell);
            perCell[cell]++;
            if (cell < lastCell) {
                cellOrdered = false;
            }
            lastCell = cell;
        }

        /** Finishes the log and returns the spool; the log's files now belong to the spool or are gone. */
        CellMajorSpool toSpool() {
            try {
                drain(entryBuf, entryOut);
                drain(cellBuf, cellOut);
                entryOut.close();
                cellOut.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write temporary spool " + entries, e);
            }
            done = true;
            if (cellOrdered) {
                delete(cells);
                return new CellMajorSpool(entries, perCell, true);
            }
            CellMajorSpool spool = scatter(perCell);
            try (FileChannel e = FileChannel.open(entries, StandardOpenOption.READ);
                    FileChannel c = FileChannel.open(cells, StandardOpenOption.READ)) {
                ByteBuffer eb = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer cb = ByteBuffer.allocate(BUFFER / 2).order(ByteOrder.LITTLE_ENDIAN);
                eb.limit(0);
                cb.limit(0);
                while (fill(cb, c)) {
                    while (cb.remaining() >= 4) {
                        if (eb.remaining() < ENTRY_BYTES && !fill(eb, e)) {
                            throw new IllegalStateException("spool log " + entries + " is shorter than its cell log");
                        }
                        spool.put(cb.getInt(), eb.getInt(), eb.getFloat());
                    }
                }
            } catch (IOException | RuntimeException ex) {
                spool.close();
                throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) ex;
            } finally {
                delete(entries);
                delete(cells);
            }
            return spool;
        }

        private static void drain(ByteBuffer buf, FileChannel out) throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }

        /** Compacts {@code buf} and reads more; false when nothing is left to read. */
        private static boolean fill(ByteBuffer buf, FileChannel in) throws IOException {
            buf.compact();
            int n = in.read(buf);
            buf.flip();
            return n > 0;
        }

        private static void delete(Path p) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete temporary spool " + p, e);
            }
        }

        @Override
        public void close() {
            if (!done) {
                try {
                    entryOut.close();
                    cellOut.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    delete(entries);
                    delete(cells);
                }
            }
        }
    }
}
