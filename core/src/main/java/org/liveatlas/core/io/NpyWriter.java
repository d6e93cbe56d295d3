package org.liveatlas.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a float32, C-order NumPy {@code .npy} file of shape {@code (rows, cols)}, streaming rows.
 *
 * <p>The header is written with room for any row count and rewritten with the final count on
 * {@link #close()}, so the row count need not be known up front. The file is readable by
 * {@code numpy.load} (format version 1.0, little-endian {@code <f4}). Not thread-safe.
 */
public final class NpyWriter implements AutoCloseable {
    // Magic (6) + version (2) + header length (2) + dict, padded to 128 bytes: fits a 20-digit row count.
    private static final int HEADER_BYTES = 128;

    private final Path file;
    private final int cols;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private long rows;
    private boolean closed;

    private NpyWriter(Path file, int cols) throws IOException {
        this.file = file;
        this.cols = cols;
        this.channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        this.buffer = ByteBuffer.allocate(Math.max(1 << 16, cols * 4)).order(ByteOrder.LITTLE_ENDIAN);
        channel.write(header(0), 0);
        channel.position(HEADER_BYTES);
    }

    /** Creates (or replaces) {@code file} for rows of {@code cols} floats. */
    public static NpyWriter create(Path file, int cols) {
        if (cols < 1) {
            throw new IllegalArgumentException("cols must be >= 1, got " + cols);
        }
        try {
            return new NpyWriter(file, cols);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    public int cols() {
        return cols;
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    /** Appends one row of exactly {@link #cols()} values. */
    public void writeRow(float[] row) {
        if (row.length != cols) {
            throw new IllegalArgumentException("row has " + row.length + " values, expected " + cols);
        }
        writeRows(row, 1);
    }

    /** Appends {@code count} rows given row-major in {@code values} (length at least {@code count * cols}). */
    public void writeRows(float[] values, int count) {
        if (closed) {
            throw new IllegalStateException(file + " is already closed");
        }
        long needed = (long) count * cols;
        if (count < 0 || values.length < needed) {
            throw new IllegalArgumentException(
                    count + " rows of " + cols + " need " + needed + " values, got " + values.length);
        }
        try {
            for (int i = 0; i < needed; i++) {
                if (buffer.remaining() < 4) {
                    flush();
                }
                buffer.putFloat(values[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        rows += count;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private ByteBuffer header(long rowCount) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rowCount + ", " + cols + "), }";
        StringBuilder sb = new StringBuilder(dict);
        while (10 + sb.length() + 1 < HEADER_BYTES) {
            sb.append(' ');
        }
        sb.append('\n');
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
        h.put((byte) 1).put((byte) 0);
        h.putShort((short) (HEADER_BYTES - 10));
        h.put(sb.toString().getBytes(StandardCharsets.US_ASCII));
        h.flip();
        return h;
    }

    /** Flushes the rows and rewrites the header with the final row count. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            flush();
            channel.write(header(rows), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + file, e);
        }
    }
}
