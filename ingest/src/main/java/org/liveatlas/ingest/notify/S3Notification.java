package org.liveatlas.ingest.notify;

import java.util.Objects;

/**
 * One object event from a MinIO bucket notification.
 *
 * @param eventName e.g. {@code s3:ObjectCreated:Put}, {@code s3:ObjectRemoved:Delete}
 * @param bucket bucket name
 * @param key object key, URL-decoded
 * @param size object size (0 for removals)
 * @param etag ETag (empty for removals)
 */
public record S3Notification(String eventName, String bucket, String key, long size, String etag) {
    public S3Notification {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        etag = etag == null ? "" : etag;
    }

    /** True for {@code s3:ObjectCreated:*}. */
    public boolean created() {
        return eventName.startsWith("s3:ObjectCreated:") || eventName.startsWith("ObjectCreated:");
    }

    /** True for {@code s3:ObjectRemoved:*}. */
    public boolean removed() {
        return eventName.startsWith("s3:ObjectRemoved:") || eventName.startsWith("ObjectRemoved:");
    }
}
