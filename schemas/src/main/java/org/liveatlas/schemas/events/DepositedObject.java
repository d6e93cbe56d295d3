package org.liveatlas.schemas.events;

import java.util.Objects;

/**
 * One object of a deposit version.
 *
 * @param key full object key ({@code deposits/<study>/...})
 * @param size size in bytes
 * @param etag the store's ETag, without quotes (MD5 hex, or {@code <md5>-<parts>} for multipart uploads)
 * @param format what the object holds
 */
public record DepositedObject(String key, long size, String etag, DataFormat format) {
    public DepositedObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, () -> "etag of " + key);
        Objects.requireNonNull(format, () -> "format of " + key);
        if (size < 0) {
            throw new IllegalArgumentException("object " + key + " has negative size " + size);
        }
    }
}
