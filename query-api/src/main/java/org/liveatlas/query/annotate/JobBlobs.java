package org.liveatlas.query.annotate;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where annotation jobs are kept so that they outlive the API process: a prefix of the object store (the
 * platform's bucket, {@code jobs/}) or a local folder. Keys are relative ({@code <job>/job.json}).
 */
interface JobBlobs {
    /** Stores a file under {@code key}. */
    void put(String key, Path file);

    /** Stores bytes under {@code key}. */
    void put(String key, byte[] bytes);

    /** Copies the blob into {@code target}. */
    void get(String key, Path target);

    /** The blob's bytes, or empty when there is none. */
    Optional<byte[]> read(String key);

    /** Keys under {@code prefix}, recursively. */
    List<String> list(String prefix);

    /** Deletes every blob under {@code prefix}. */
    void deleteAll(String prefix);

    /** Where the blobs are, for messages. */
    String describe();

    /** Blobs under {@code prefix} of {@code bucket}. */
    static JobBlobs store(MinioClient s3, String endpoint, String bucket, String prefix) {
        return new Store(s3, endpoint, bucket, prefix);
    }

    /** Blobs as files under {@code root}. */
    static JobBlobs folder(Path root) {
        return new Folder(root);
    }

    /** The object store. */
    final class Store implements JobBlobs {
        private final MinioClient s3;
        private final String endpoint;
        private final String bucket;
        private final String prefix;

        Store(MinioClient s3, String endpoint, String bucket, String prefix) {
            this.s3 = s3;
            this.endpoint = endpoint;
            this.bucket = bucket;
            this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        }

        @Override
        public void put(String key, Path file) {
            call(
                    "store " + key,
                    () -> s3.uploadObject(UploadObjectArgs.builder()
                            .bucket(bucket)
                            .object(prefix + key)
                            .filename(file.toString())
                            .build()));
        }

        @Override
        public void put(String key, byte[] bytes) {
            call(
                    "store " + key,
                    () -> s3.putObject(PutObjectArgs.builder().bucket(bucket).object(prefix + key).stream(
                                    new ByteArrayInputStream(bytes), bytes.length, -1)
                            .build()));
        }

        @Override
        public void get(String key, Path target) {
            call("read " + key, () -> {
                try (InputStream in = s3.getObject(GetObjectArgs.builder()
                        .bucket(bucket)
                        .object(prefix + key)
                        .build())) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return null;
            });
        }

        @Override
        public Optional<byte[]> read(String key) {
            try (InputStream in = s3.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(prefix + key).build())) {
                return Optional.of(in.readAllBytes());
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
        public List<String> list(String under) {
            return call("list " + under, () -> {
                List<String> keys = new ArrayList<>();
                for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder()
                        .bucket(bucket)
                        .prefix(prefix + under)
                        .recursive(true)
                        .build())) {
                    keys.add(r.get().objectName().substring(prefix.length()));
                }
                return keys;
            });
        }

        @Override
        public void deleteAll(String under) {
            for (String key : list(under)) {
                call("delete " + key, () -> {
                    s3.removeObject(RemoveObjectArgs.builder()
                            .bucket(bucket)
                            .object(prefix + key)
                            .build());
                    return null;
                });
            }
        }

        @Override
        public String describe() {
            return prefix + " in bucket " + bucket + " at " + endpoint;
        }

        private interface Call<T> {
            T run() throws Exception;
        }

        private <T> T call(String what, Call<T> call) {
            try {
                return call.run();
            } catch (Exception e) {
                throw failure(what, e);
            }
        }

        private UncheckedIOException failure(String what, Exception e) {
            return new UncheckedIOException(new IOException(
                    "annotation jobs: cannot " + what + " under " + describe() + ": " + e.getMessage(), e));
        }
    }

    /** A local folder. */
    final class Folder implements JobBlobs {
        private final Path root;

        Folder(Path root) {
            this.root = root;
        }

        private Path at(String key) {
            Path p = root.resolve(key).normalize();
            if (!p.startsWith(root)) {
                throw new IllegalArgumentException("job blob key " + key + " leaves " + root);
            }
            return p;
        }

        @Override
        public void put(String key, Path file) {
            io(() -> {
                Path target = at(key);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".part");
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            });
        }

        @Override
        public void put(String key, byte[] bytes) {
            io(() -> {
                Path target = at(key);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".part");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            });
        }

        @Override
        public void get(String key, Path target) {
            io(() -> {
                Files.createDirectories(target.getParent());
                Files.copy(at(key), target, StandardCopyOption.REPLACE_EXISTING);
            });
        }

        @Override
        public Optional<byte[]> read(String key) {
            Path p = at(key);
            try {
                return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("annotation jobs: cannot read " + p, e);
            }
        }

        @Override
        public List<String> list(String prefix) {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile)
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(k -> k.startsWith(prefix) && !k.endsWith(".part"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("annotation jobs: cannot list " + root, e);
            }
        }

        @Override
        public void deleteAll(String prefix) {
            Path p = at(prefix);
            if (Files.isDirectory(p)) {
                Uploads.deleteTree(p);
            } else {
                io(() -> Files.deleteIfExists(p));
            }
        }

        @Override
        public String describe() {
            return root.toString();
        }

        private interface Io {
            void run() throws IOException;
        }

        private void io(Io io) {
            try {
                io.run();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "annotation jobs: cannot write under " + root + ": " + e.getMessage(), e);
            }
        }
    }
}
