package org.liveatlas.ingest.cli;

import io.minio.MinioClient;
import org.liveatlas.ingest.IngestConfig;

/** Builds the store client the commands share. */
final class Clients {
    private Clients() {}

    static MinioClient minio(IngestConfig config) {
        return MinioClient.builder()
                .endpoint(config.s3Endpoint().toString())
                .credentials(config.s3AccessKey(), config.s3SecretKey())
                .region(config.s3Region())
                .build();
    }

    static void closeQuietly(MinioClient client) {
        try {
            client.close();
        } catch (Exception e) {
            // closing only releases OkHttp threads; nothing to recover
        }
    }
}
