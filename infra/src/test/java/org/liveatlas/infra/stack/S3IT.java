package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;

@ExtendWith(AtlasStackExtension.class)
class S3IT {

    @Test
    void putStatListAndGetSmallObjects(TestStack stack) throws Exception {
        String bucket = stack.createBucket("objects");
        byte[] body = "{\"study_id\":\"S1\"}".getBytes(StandardCharsets.UTF_8);
        stack.s3()
                .putObject(PutObjectArgs.builder().bucket(bucket).object("deposits/S1/study.json").stream(
                                new ByteArrayInputStream(body), body.length, -1)
                        .contentType("application/json")
                        .build());
        stack.s3()
                .putObject(PutObjectArgs.builder().bucket(bucket).object("deposits/S2/study.json").stream(
                                new ByteArrayInputStream(body), body.length, -1)
                        .build());

        StatObjectResponse stat = stack.s3()
                .statObject(StatObjectArgs.builder()
                        .bucket(bucket)
                        .object("deposits/S1/study.json")
                        .build());
        assertThat(stat.size()).isEqualTo(body.length);
        assertThat(stat.contentType()).isEqualTo("application/json");

        List<String> keys = new ArrayList<>();
        for (Result<Item> r : stack.s3()
                .listObjects(ListObjectsArgs.builder()
                        .bucket(bucket)
                        .prefix("deposits/")
                        .recursive(true)
                        .build())) {
            keys.add(r.get().objectName());
        }
        assertThat(keys).containsExactly("deposits/S1/study.json", "deposits/S2/study.json");

        try (InputStream in = stack.s3()
                .getObject(GetObjectArgs.builder()
                        .bucket(bucket)
                        .object("deposits/S1/study.json")
                        .build())) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
    }

    @Test
    void multipartUploadOfUnknownSizeRoundTripsByteForByte(TestStack stack) throws Exception {
        String bucket = stack.createBucket("multipart");
        byte[] body = new byte[12 * 1024 * 1024 + 12345]; // three 5 MiB parts, the last one short
        new Random(7).nextBytes(body);
        stack.s3()
                .putObject(PutObjectArgs.builder().bucket(bucket).object("deposits/BIG/data.h5ad").stream(
                                new ByteArrayInputStream(body), -1, 5 * 1024 * 1024)
                        .build());
        StatObjectResponse stat = stack.s3()
                .statObject(StatObjectArgs.builder()
                        .bucket(bucket)
                        .object("deposits/BIG/data.h5ad")
                        .build());
        assertThat(stat.size()).isEqualTo(body.length);
        assertThat(stat.etag()).as("a multipart ETag names its part count").endsWith("-3");
        try (InputStream in = stack.s3()
                .getObject(GetObjectArgs.builder()
                        .bucket(bucket)
                        .object("deposits/BIG/data.h5ad")
                        .build())) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(body));
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
