package org.liveatlas.query.models;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * The registry in the object store ({@code models/<version>/}, written manifest last by the trainer).
 * A fetched version is downloaded into a temporary folder and moved into the cache in one step, so the
 * cache never holds a half-downloaded version. Store failures are {@link TransientException}s.
 */
final class StoreCatalog implements ModelCatalog {
    private static final Logger LOG = Logger.getLogger(StoreCatalog.class);

    private final MinioClient client;
    private final String endpoint;
    private final String bucket;
    private final Path cache;

    StoreCatalog(MinioClient client, String endpoint, String bucket, Path cache) {
        this.client = client;
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.cache = cache;
    }

    @Override
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(ObjectLayout.MODELS)
                    .recursive(true)
                    .build())) {
                String name = r.get().objectName();
                if (!name.endsWith("/" + ModelFolder.MANIFEST)) {
                    continue;
                }
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(name).build())) {
                    out.add(FolderCatalog.JSON.readValue(in, Manifest.class));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warnf("%s in bucket %s is not a readable manifest, skipped: %s", name, bucket, e.getMessage());
                }
            }
        } catch (Exception e) {
            throw new TransientException(
                    "cannot list " + ObjectLayout.MODELS + " in bucket " + bucket + " at " + endpoint + ": "
                            + e.getMessage() + "; check that the object store is up (./atlas status)",
                    e);
        }
        return out;
    }

    @Override
    public Path fetch(String version) {
        Path target = cache.resolve(version);
        if (Files.isRegularFile(target.resolve(ModelFolder.MANIFEST))) {
            return target;
        }
        String prefix = ObjectLayout.modelPrefix(version);
        Path tmp = cache.resolve(".download-" + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            int files = 0;
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                String name = r.get().objectName();
                String relative = name.substring(prefix.length());
                if (relative.isEmpty() || relative.contains("/")) {
                    continue;
                }
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(name).build())) {
                    Files.copy(in, tmp.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
                }
                files++;
            }
            if (!Files.isRegularFile(tmp.resolve(ModelFolder.MANIFEST))) {
                throw new TransientException("model " + version + " has no " + ModelFolder.MANIFEST + " under " + prefix
                        + " in bucket " + bucket + " (" + files + " files); it is not complete yet");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            LOG.infof("model %s downloaded from %s/%s (%d files) into %s", version, bucket, prefix, files, target);
            return target;
        } catch (TransientException e) {
            throw e;
        } catch (Exception e) {
            if (Files.isRegularFile(target.resolve(ModelFolder.MANIFEST))) {
                // another refresh moved the same version in first
                return target;
            }
            throw new TransientException(
                    "cannot download " + prefix + " from bucket " + bucket + " at " + endpoint + ": " + e.getMessage()
                            + "; check the object store and retry",
                    e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public String describe() {
        return "bucket " + bucket + " at " + endpoint;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
