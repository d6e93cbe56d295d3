package org.liveatlas.schemas.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The deposit version of the objects under {@code deposits/<study>/}: {@code sha256:} + SHA-256 over one line per
 * object, sorted by the key relative to the deposit prefix in UTF-8 byte order, each line {@code <relative key> NUL
 * <size> NUL <etag> LF}. The store's ETag stands for the content (MD5 for a single-part upload, MD5 of the part MD5s
 * for a multipart one), so the version changes whenever any file's content, size or name changes, without reading
 * the data. Re-uploading identical bytes with a different part size changes the ETag and therefore the version.
 *
 * <p>Ingest computes it when it announces a deposit; whoever later reads the deposit's files computes it again from
 * a listing to know that the files are still the version the index was built from.
 */
public final class DepositVersion {
    private DepositVersion() {}

    /**
     * One object as a store listing gives it.
     *
     * @param key full key
     * @param size bytes
     * @param etag the store's ETag; quotes are dropped and hex digits lower-cased, as listings differ in both
     */
    public record Listed(String key, long size, String etag) {
        public Listed {
            Objects.requireNonNull(key, "key");
            etag = etag == null ? "" : etag.replace("\"", "").toLowerCase(Locale.ROOT);
        }
    }

    /** The version of the deposit made of {@code objects}, all under {@code prefix}. */
    public static String of(String prefix, List<Listed> objects) {
        List<byte[]> lines = new ArrayList<>(objects.size());
        for (Listed object : objects) {
            if (!object.key().startsWith(prefix)) {
                throw new IllegalArgumentException("object " + object.key() + " is not under " + prefix);
            }
            String relative = object.key().substring(prefix.length());
            lines.add((relative + '\0' + object.size() + '\0' + object.etag() + '\n').getBytes(StandardCharsets.UTF_8));
        }
        lines.sort(Arrays::compareUnsigned);
        MessageDigest sha = sha256();
        for (byte[] line : lines) {
            sha.update(line);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
