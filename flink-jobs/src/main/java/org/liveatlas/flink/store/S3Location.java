package org.liveatlas.flink.store;

import io.minio.MinioClient;
import java.io.Serializable;
import java.util.Objects;

/**
 * The object store and bucket the jobs read deposits and models from; serialisable so that every task can
 * open its own client. The secret never appears in {@link #toString()}.
 */
public record S3Location(String endpoint, String accessKey, String secretKey, String bucket) implements Serializable {
    public S3Location {
        Objects.requireNonNull(endpoint, "S3 endpoint is required, e.g. http://127.0.0.1:9000");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new IllegalArgumentException("S3 endpoint '" + endpoint + "' must start with http:// or https://");
        }
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException(
                    "S3 credentials are missing: set ATLAS_S3_ACCESS_KEY and ATLAS_S3_SECRET_KEY (or"
                            + " --atlas.s3.access-key / --atlas.s3.secret-key)");
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("bucket '" + bucket + "' is not a valid S3 bucket name");
        }
    }

    /** A new client; close it when done (its threads otherwise outlive the caller by a minute). */
    public MinioClient client() {
        return MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .build();
    }

    @Override
    public String toString() {
        return "S3Location[" + endpoint + ", bucket " + bucket + ", access key " + accessKey + "]";
    }
}
