package org.liveatlas.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A temporary file that turns a gene-major stream of entries (CSC, Matrix Market) into cell-major
 * rows that can be read back in chunks.
 *
 * <p>The caller first counts the entries per cell, then {@link #put}s every entry once; each entry
 * lands in its cell's slot range (8 bytes: gene index, float value). The heap holds only 12 bytes
 * per cell (offsets and cursors); the entries live in a memory-mapped file of {@code 8 * nnz} bytes
 * that the operating system pages, so a study larger than the heap streams. The file is deleted on
 * {@link #close()}.
 */
final class CellMajorSpool implements AutoCloseable {
    private static final int ENTRY_BYTES = 8;
    // Whole entries per mapping; 2^27 entries = 1 GiB, within a MappedByteBuffer's int range.
    private static final long ENTRIES_PER_SEGMENT = 1L << 27;

    private final Path file;
    private final long[] offsets;
    private final int[] cursor;
    private final List<MappedByteBuffer> segments = new ArrayList<>();

    CellMajorSpool(long[] entriesPerCell) {
        int cells = entriesPerCell.length;
        this.offsets = new long[cells + 1];
        for (int c = 0; c < cells; c++) {
            offsets[c + 1] = offsets[c] + entriesPerCell[c];
        }
        this.cursor = new int[cells];
        long bytes = offsets[cells] * ENTRY_BYTES;
        try {
            this.file = Files.createTempFile("liveatlas-spool-", ".bin");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (long start = 0; start < offsets[cells]; start += ENTRIES_PER_SEGMENT) {
                    long n = Math.min(ENTRIES_PER_SEGMENT, offsets[cells] - start);
                    MappedByteBuffer seg = ch.map(FileChannel.MapMode.READ_WRITE, start * ENTRY_BYTES, n * ENTRY_BYTES);
                    seg.order(ByteOrder.nativeOrder());
                    segments.add(seg);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary spool of " + bytes + " bytes", e);
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
}
