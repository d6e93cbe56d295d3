package org.liveatlas.ingest.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An object as listed by the store.
 *
 * @param key full key
 * @param size bytes
 * @param etag ETag without quotes, lowercase
 * @param lastModified last modification time
 */
public record StoredObject(String key, long size, String etag, Instant lastModified) {
    public StoredObject {
        Objects.requireNonNull(key, "key");
        etag = etag == null ? "" : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        Objects.requireNonNull(lastModified, () -> "lastModified of " + key);
    }
}
