package org.liveatlas.ingest.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes the ETag an S3 store gives an upload, from the bytes as they stream: the MD5 hex of the content for a
 * single-part upload, else the MD5 of the concatenated part MD5s followed by {@code -<part count>}.
 */
final class EtagCalculator {
    private final long partSize;
    private final long totalSize;
    private final ByteArrayOutputStream partDigests = new ByteArrayOutputStream();
    private MessageDigest current = md5();
    private long inPart;
    private int parts;

    EtagCalculator(long partSize, long totalSize) {
        this.partSize = partSize;
        this.totalSize = totalSize;
    }

    /** The ETag an upload of {@code file} in parts of {@code partSize} gets, read from the local file. */
    static String of(Path file, long partSize) throws IOException {
        long size = Files.size(file);
        EtagCalculator etag = new EtagCalculator(partSize, size);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                etag.update(buffer, 0, n);
            }
        }
        return etag.etag();
    }

    /** The ETag an upload of {@code content} in parts of {@code partSize} gets. */
    static String of(byte[] content, long partSize) {
        EtagCalculator etag = new EtagCalculator(partSize, content.length);
        etag.update(content, 0, content.length);
        return etag.etag();
    }

    void update(byte[] buffer, int offset, int length) {
        while (length > 0) {
            int n = (int) Math.min(length, partSize - inPart);
            current.update(buffer, offset, n);
            inPart += n;
            offset += n;
            length -= n;
            if (inPart == partSize) {
                finishPart();
            }
        }
    }

    private void finishPart() {
        partDigests.writeBytes(current.digest());
        parts++;
        current = md5();
        inPart = 0;
    }

    /** The expected ETag, lowercase, without quotes. */
    String etag() {
        if (inPart > 0 || parts == 0) {
            finishPart();
        }
        byte[] all = partDigests.toByteArray();
        if (totalSize <= partSize) {
            return HexFormat.of().formatHex(all, 0, 16);
        }
        return HexFormat.of().formatHex(md5().digest(all)) + "-" + parts;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks MD5", e);
        }
    }
}
