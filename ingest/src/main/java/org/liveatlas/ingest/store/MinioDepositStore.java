package org.liveatlas.ingest.store;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.TransientException;

/** {@link DepositStore} on an S3 bucket through the MinIO Java SDK (MinIO in production, S3Proxy embedded). */
public final class MinioDepositStore implements DepositStore {
    private final MinioClient client;
    private final String bucket;

    /** Wraps {@code client}; the caller keeps ownership and closes it. */
    public MinioDepositStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public List<StoredObject> list(String prefix) {
        List<StoredObject> objects = new ArrayList<>();
        try {
            Iterable<Result<Item>> results = client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build());
            for (Result<Item> result : results) {
                Item item = result.get();
                if (item.isDir()) {
                    continue;
                }
                Instant modified = item.lastModified() == null
                        ? Instant.EPOCH
                        : item.lastModified().toInstant();
                objects.add(new StoredObject(item.objectName(), item.size(), item.etag(), modified));
            }
        } catch (Exception e) {
            throw failure("list " + prefix, e);
        }
        objects.sort(java.util.Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public byte[] readHead(String key, int maxBytes) {
        try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .offset(0L)
                .length((long) maxBytes)
                .build())) {
            return in.readNBytes(maxBytes);
        } catch (ErrorResponseException e) {
            // An empty object has no byte range to serve; S3 answers 416 InvalidRange.
            if ("InvalidRange".equals(e.errorResponse().code())) {
                return new byte[0];
            }
            throw failure("read the first bytes of " + key, e);
        } catch (Exception e) {
            throw failure("read the first bytes of " + key, e);
        }
    }

    @Override
    public Optional<StoredContent> readIfExists(String key) {
        try (GetObjectResponse in = client.getObject(
                GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            byte[] content = in.readAllBytes();
            Map<String, String> metadata = new HashMap<>();
            for (String name : in.headers().names()) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith("x-amz-meta-")) {
                    metadata.put(
                            lower.substring("x-amz-meta-".length()),
                            in.headers().get(name));
                }
            }
            return Optional.of(new StoredContent(content, metadata));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw failure("read " + key, e);
        } catch (Exception e) {
            throw failure("read " + key, e);
        }
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        try {
            client.copyObject(CopyObjectArgs.builder()
                    .bucket(bucket)
                    .object(targetKey)
                    .source(CopySource.builder()
                            .bucket(bucket)
                            .object(sourceKey)
                            .build())
                    .build());
        } catch (Exception e) {
            throw failure("copy " + sourceKey + " to " + targetKey, e);
        }
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            new ByteArrayInputStream(content), content.length, -1)
                    .contentType(contentType)
                    .build());
        } catch (Exception e) {
            throw failure("write " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("delete " + key, e);
        }
    }

    private AtlasException failure(String action, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String detail = e instanceof ErrorResponseException ere
                ? ere.errorResponse().code() + ": " + ere.errorResponse().message()
                : e.toString();
        if (e instanceof IOException
                || e instanceof ErrorResponseException ere2 && ere2.response().code() >= 500) {
            return new TransientException(
                    "object store s3://" + bucket + ": cannot " + action + " (" + detail
                            + "); is the S3 endpoint up? retrying later",
                    e);
        }
        return new AtlasException(
                "object store s3://" + bucket + ": cannot " + action + " (" + detail
                        + "); check the bucket exists and the keys are right",
                e);
    }
}
