package org.liveatlas.trainer.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * The model registry in the object store: one {@code models/<version>/} folder per version in the
 * core's registry format ({@link ModelFolder}).
 *
 * <p>A version is written file by file with {@code manifest.json} last, so a reader that requires the
 * manifest never sees a half-written version. The current model is the most recently created version
 * whose manifest says {@link ModelStatus#PUBLISHED}. Store failures are {@link TransientException}s.
 */
public final class ModelRegistry {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final MinioClient client;
    private final String bucket;

    /** The caller keeps ownership of {@code client}. */
    public ModelRegistry(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    /** Writes {@code model} as {@code models/<manifest.version>/}, manifest last. */
    public void write(ModelFolder model, Manifest manifest) {
        String prefix = ObjectLayout.modelPrefix(manifest.version());
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("model-" + manifest.version());
            model.save(tmp, manifest);
            List<Path> files;
            try (Stream<Path> s = Files.list(tmp)) {
                files = s.filter(Files::isRegularFile)
                        .sorted(Comparator.comparing(
                                p -> p.getFileName().toString().equals(ModelFolder.MANIFEST) ? 1 : 0))
                        .toList();
            }
            for (Path f : files) {
                byte[] bytes = Files.readAllBytes(f);
                client.putObject(PutObjectArgs.builder().bucket(bucket).object(prefix + f.getFileName()).stream(
                                new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build());
            }
        } catch (Exception e) {
            throw new TransientException(
                    "model " + manifest.version() + ": cannot write " + prefix + " to bucket " + bucket + ": "
                            + e.getMessage() + "; check the object store and retry",
                    e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Every complete version's manifest (versions without a manifest are skipped), oldest first. */
    public List<Manifest> list() {
        List<Manifest> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(ObjectLayout.MODELS)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                if (item.objectName().endsWith("/" + ModelFolder.MANIFEST)) {
                    try (InputStream in = client.getObject(GetObjectArgs.builder()
                            .bucket(bucket)
                            .object(item.objectName())
                            .build())) {
                        out.add(JSON.readValue(in, Manifest.class));
                    }
                }
            }
        } catch (Exception e) {
            throw new TransientException(
                    "cannot list " + ObjectLayout.MODELS + " in bucket " + bucket + ": " + e.getMessage()
                            + "; check the object store and retry",
                    e);
        }
        out.sort(Comparator.comparing(Manifest::created).thenComparing(Manifest::version));
        return out;
    }

    /** The manifest of {@code version}, if that version is complete. */
    public Optional<Manifest> manifest(String version) {
        String key = ObjectLayout.modelPrefix(version) + ModelFolder.MANIFEST;
        try (InputStream in = client.getObject(
                GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(JSON.readValue(in, Manifest.class));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new TransientException("cannot read " + key + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new TransientException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** The current model: the latest published version. */
    public Optional<Manifest> current() {
        List<Manifest> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).status() == ModelStatus.PUBLISHED) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** Downloads {@code version} into {@code dir} and loads it. */
    public ModelFolder load(String version, Path dir) {
        String prefix = ObjectLayout.modelPrefix(version);
        try {
            Files.createDirectories(dir);
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                String name = r.get().objectName();
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(name).build())) {
                    Files.copy(
                            in,
                            dir.resolve(name.substring(prefix.length())),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (Exception e) {
            throw new TransientException(
                    "cannot download " + prefix + " from bucket " + bucket + ": " + e.getMessage()
                            + "; check the object store and retry",
                    e);
        }
        return ModelFolder.loadRegistry(dir);
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
