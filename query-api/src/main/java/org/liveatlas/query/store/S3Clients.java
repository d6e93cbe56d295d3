package org.liveatlas.query.store;

import io.minio.MinioClient;
import org.liveatlas.query.config.QueryConfig;

/** The object-store client of the API's configuration ({@code atlas.query.s3.*}): the model registry and deposits. */
public final class S3Clients {
    private S3Clients() {}

    /** A client of the configured endpoint and credentials; the caller closes it. */
    public static MinioClient of(QueryConfig.S3 s3) {
        return MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
    }
}
