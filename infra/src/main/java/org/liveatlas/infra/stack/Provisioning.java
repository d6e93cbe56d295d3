package org.liveatlas.infra.stack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;

/** Creates what the platform needs on a fresh stack: the bucket (topics come from the schemas module). */
public final class Provisioning {
    private Provisioning() {}

    /** Creates the bucket unless it exists. */
    public static void ensureBucket(Endpoints e, String bucket) {
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(e.s3Endpoint())
                .credentials(e.s3AccessKey(), e.s3SecretKey())
                .build()) {
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception ex) {
            throw new StackException(
                    "cannot create bucket '" + bucket + "' at " + e.s3Endpoint() + ": " + EmbeddedServer.describe(ex),
                    ex);
        }
    }
}
