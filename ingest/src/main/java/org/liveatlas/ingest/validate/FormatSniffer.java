package org.liveatlas.ingest.validate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.liveatlas.schemas.events.DataFormat;

/**
 * Recognises a deposit's data files by name and first bytes: HDF5 signature (and a complete superblock) for
 * {@code .h5ad}/{@code .h5}, the Matrix Market header for {@code matrix.mtx(.gz)}, text for the 10x TSV files,
 * the gzip magic (then a peek inside) for anything ending in {@code .gz}.
 */
public final class FormatSniffer {
    /** How many leading bytes {@link #check} needs. */
    public static final int HEAD_BYTES = 4096;

    static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final String MATRIX_MARKET = "%%MatrixMarket";

    private FormatSniffer() {}

    /**
     * The format a file name claims, or empty when the name is none of ours. Names are matched on the last path
     * segment, case-insensitively.
     */
    public static Optional<DataFormat> claimedFormat(String relativeKey) {
        String name = relativeKey.substring(relativeKey.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (relativeKey.equals("study.json")) {
            return Optional.of(DataFormat.STUDY_JSON);
        }
        if (name.endsWith(".h5ad")) {
            return Optional.of(DataFormat.H5AD);
        }
        if (name.endsWith(".h5")) {
            return Optional.of(DataFormat.TENX_H5);
        }
        return switch (name) {
            case "matrix.mtx", "matrix.mtx.gz" -> Optional.of(DataFormat.TENX_MATRIX);
            case "features.tsv", "features.tsv.gz", "genes.tsv", "genes.tsv.gz" -> Optional.of(
                    DataFormat.TENX_FEATURES);
            case "barcodes.tsv", "barcodes.tsv.gz" -> Optional.of(DataFormat.TENX_BARCODES);
            default -> Optional.empty();
        };
    }

    /**
     * Checks that a file's first bytes match the format its name claims; returns the problem or empty.
     *
     * @param relativeKey the key inside the deposit (for messages and the {@code .gz} rule)
     * @param format the claimed format
     * @param head the first bytes (up to {@link #HEAD_BYTES})
     * @param size the object's full size
     */
    public static Optional<String> check(String relativeKey, DataFormat format, byte[] head, long size) {
        if (size == 0) {
            return Optional.of(relativeKey + ": empty file (0 bytes)");
        }
        boolean gzipName = relativeKey.toLowerCase(Locale.ROOT).endsWith(".gz");
        return switch (format) {
            case STUDY_JSON -> Optional.empty();
            case H5AD, TENX_H5 -> Hdf5Superblock.check(relativeKey, head, size);
            case TENX_MATRIX -> textProblem(relativeKey, head, gzipName)
                    .or(() -> matrixMarketProblem(relativeKey, head, gzipName));
            case TENX_FEATURES, TENX_BARCODES -> textProblem(relativeKey, head, gzipName);
        };
    }

    private static Optional<String> matrixMarketProblem(String relativeKey, byte[] head, boolean gzipName) {
        String text;
        try {
            text = new String(content(head, gzipName), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.of(relativeKey + ": corrupt gzip stream (" + e.getMessage() + ")");
        }
        if (text.regionMatches(true, 0, MATRIX_MARKET, 0, MATRIX_MARKET.length())) {
            return Optional.empty();
        }
        return Optional.of(
                relativeKey + ": not a Matrix Market file (it must start with '%%MatrixMarket', it starts with '"
                        + printable(text, 20) + "')");
    }

    private static Optional<String> textProblem(String relativeKey, byte[] head, boolean gzipName) {
        if (gzipName && !isGzip(head)) {
            return Optional.of(relativeKey
                    + ": named .gz but has no gzip magic bytes (1f 8b); compress it with gzip or drop the .gz");
        }
        if (!gzipName && isGzip(head)) {
            return Optional.of(
                    relativeKey + ": gzip-compressed but not named .gz; rename it to " + relativeKey + ".gz");
        }
        byte[] text;
        try {
            text = content(head, gzipName);
        } catch (IOException e) {
            return Optional.of(relativeKey + ": corrupt gzip stream (" + e.getMessage() + ")");
        }
        if (text.length == 0) {
            return Optional.of(relativeKey + ": no content after decompression");
        }
        for (byte b : text) {
            if (b == 0) {
                return Optional.of(relativeKey + ": binary content where tab-separated text was expected");
            }
        }
        return Optional.empty();
    }

    /** True when {@code head} starts with the gzip magic bytes. */
    public static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    private static byte[] content(byte[] head, boolean gzipName) throws IOException {
        if (!gzipName) {
            return head;
        }
        if (!isGzip(head)) {
            throw new IOException("no gzip magic");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(head))) {
            byte[] buffer = new byte[1024];
            int n;
            // The head is a prefix of the stream, so running out of input is expected; keep what came out.
            while (out.size() < HEAD_BYTES && (n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (EOFException e) {
            // end of the prefix we fetched
        }
        return out.toByteArray();
    }

    private static String printable(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(max, text.length()); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
