package org.liveatlas.flink.store;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;

/**
 * Downloads deposit files and model folders to local disk, streaming (a study file is never held in
 * memory). A missing object is poison (the deposit is incomplete or was removed); any other failure is
 * transient. Not thread-safe beyond what the MinIO client is; close it to release its threads.
 */
public final class ObjectStore implements AutoCloseable {
    private final S3Location location;
    private final MinioClient client;

    public ObjectStore(S3Location location) {
        this.location = location;
        this.client = location.client();
    }

    /** Copies object {@code key} to {@code target} (parent folders created); returns its size. */
    public long download(String key, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (GetObjectResponse in = client.getObject(GetObjectArgs.builder()
                    .bucket(location.bucket())
                    .object(key)
                    .build())) {
                return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                throw new PoisonInputException("object " + key + " is missing from bucket " + location.bucket()
                        + "; the deposit is incomplete or was removed, deposit it again");
            }
            throw new TransientException("cannot read " + key + " from " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TransientException("cannot read " + key + " from " + location + ": " + e.getMessage(), e);
        }
    }

    /** Copies every object under {@code prefix} into {@code dir}, keeping the names relative to the prefix. */
    public List<Path> downloadPrefix(String prefix, Path dir) {
        List<Path> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(location.bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                if (item.isDir() || item.objectName().endsWith("/")) {
                    continue;
                }
                Path target = dir.resolve(item.objectName().substring(prefix.length()))
                        .normalize();
                if (!target.startsWith(dir)) {
                    throw new PoisonInputException("object " + item.objectName() + " escapes " + prefix);
                }
                download(item.objectName(), target);
                out.add(target);
            }
        } catch (PoisonInputException | TransientException e) {
            throw e;
        } catch (Exception e) {
            throw new TransientException("cannot list " + prefix + " in " + location + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new PoisonInputException("nothing under " + prefix + " in bucket " + location.bucket());
        }
        return out;
    }

    /** Keys of every object under {@code prefix}. */
    public List<String> list(String prefix) {
        List<String> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(location.bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                if (!item.isDir() && !item.objectName().endsWith("/")) {
                    out.add(item.objectName());
                }
            }
        } catch (Exception e) {
            throw new TransientException("cannot list " + prefix + " in " + location + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Reads a small object whole (a study.json, a manifest). */
    public byte[] read(String key) {
        try (InputStream in = client.getObject(
                GetObjectArgs.builder().bucket(location.bucket()).object(key).build())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TransientException("cannot read " + key + " from " + location + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TransientException("cannot read " + key + " from " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the S3 client of " + location, e);
        }
    }
}
