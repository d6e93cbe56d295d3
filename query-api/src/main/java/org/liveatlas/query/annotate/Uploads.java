package org.liveatlas.query.annotate;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.problem.ProblemText;

/**
 * Puts an upload where the core's readers can open it: an {@code .h5ad} or 10x {@code .h5} file as is, a
 * zipped 10x folder unpacked (paths checked, size bounded), JSON counts written as an {@code .h5ad}.
 * Each upload gets its own folder under the work directory, deleted by {@link Staged#close()}.
 */
@ApplicationScoped
public class Uploads {
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private final Path workDir;
    private final long maxBytes;

    Uploads(QueryConfig config) {
        this.workDir = config.annotate().workDir();
        this.maxBytes = config.annotate().maxUploadBytes();
    }

    /** A staged upload: the path to open and the folder to delete. */
    public record Staged(Path input, Path folder, String name) implements AutoCloseable {
        @Override
        public void close() {
            deleteTree(folder);
        }

        /** A reader's message with the server's path replaced by the upload's name. */
        public String scrub(String message) {
            if (message == null) {
                return "the upload cannot be read";
            }
            return ProblemText.clean(message.replace(input.toString(), name)
                    .replace(folder.toAbsolutePath().toString(), "upload")
                    .replace(folder.toString(), "upload"));
        }
    }

    /** Stages an uploaded file (moved or copied from {@code file}); the format comes from its name and content. */
    /** A 400 {@code missing-file} problem unless the multipart form carried a {@code file}. */
    public static void requireFile(org.jboss.resteasy.reactive.multipart.FileUpload file) {
        if (file == null || file.uploadedFile() == null) {
            throw ApiProblem.badRequest("missing-file", "send the dataset in the multipart form field 'file'");
        }
    }

    public Staged stageFile(Path file, String fileName) {
        String name = fileName == null || fileName.isBlank()
                ? "upload"
                : Path.of(fileName).getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        Path folder = newFolder();
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw ApiProblem.badRequest("empty-upload", "the uploaded file '" + name + "' is empty");
            }
            if (size > maxBytes) {
                throw tooLarge(size);
            }
            byte[] head = new byte[8];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, 8);
            }
            if (startsWith(head, n, ZIP_MAGIC)) {
                Path dir = folder.resolve("tenx");
                unzip(file, dir, name);
                return new Staged(tenxFolder(dir, name), folder, name);
            }
            if (!startsWith(head, n, HDF5_MAGIC)) {
                throw ApiProblem.unprocessable(
                        "unknown-format",
                        "'" + name + "' is neither HDF5 (.h5ad, 10x .h5) nor a zip of a 10x folder; upload one of those"
                                + " or post counts as JSON");
            }
            String suffix = lower.endsWith(".h5") || lower.endsWith(".hdf5") ? ".h5" : ".h5ad";
            Path target = folder.resolve("upload" + suffix);
            Files.copy(file, target);
            return new Staged(target, folder, name);
        } catch (IOException e) {
            deleteTree(folder);
            throw new UncheckedIOException("cannot stage upload " + name, e);
        } catch (RuntimeException e) {
            deleteTree(folder);
            throw e;
        }
    }

    /** Stages JSON counts as an {@code .h5ad}. */
    public Staged stageJson(JsonCounts counts, int maxCells) {
        CsrBatch csr = counts.toCsr(maxCells);
        Path folder = newFolder();
        Path file = folder.resolve("counts.h5ad");
        Map<String, List<String>> obs =
                counts.obs() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(counts.obs());
        if (obs.isEmpty()) {
            // the writer needs at least one column per frame to record the column order
            obs.put("cell_id", counts.cellIds());
        }
        try {
            // one var column: the writer needs at least one to record the column order
            H5adWriter.write(file, csr, counts.cellIds(), obs, counts.genes(), Map.of("gene_symbols", counts.genes()));
        } catch (RuntimeException e) {
            deleteTree(folder);
            String why = e.getMessage() == null ? "" : ": " + e.getMessage().replace(file.toString(), "posted counts");
            throw ApiProblem.badRequest("invalid-counts", "the posted counts cannot be used" + ProblemText.clean(why));
        }
        return new Staged(file, folder, "posted counts");
    }

    private Path newFolder() {
        try {
            Files.createDirectories(workDir);
            return Files.createDirectory(workDir.resolve(UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an upload folder under " + workDir, e);
        }
    }

    private void unzip(Path zip, Path dir, String name) throws IOException {
        long total = 0;
        long limit = 8 * maxBytes;
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw ApiProblem.unprocessable(
                            "unsafe-archive",
                            "'" + name + "' holds the entry '" + e.getName() + "' outside its folder");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    byte[] buf = new byte[1 << 16];
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        total += r;
                        if (total > limit) {
                            throw ApiProblem.of(
                                    413,
                                    "archive-too-large",
                                    "Content too large",
                                    "'" + name + "' unpacks to more than " + limit + " bytes");
                        }
                        out.write(buf, 0, r);
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw ApiProblem.unprocessable("corrupt-archive", "'" + name + "' is not a readable zip archive");
        }
    }

    private static Path tenxFolder(Path dir, String name) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> {
                        String f = p.getFileName().toString();
                        return f.equals("matrix.mtx") || f.equals("matrix.mtx.gz");
                    })
                    .map(Path::getParent)
                    .findFirst()
                    .orElseThrow(() -> ApiProblem.unprocessable(
                            "not-a-10x-folder",
                            "'" + name + "' holds no matrix.mtx(.gz); zip a 10x folder with matrix.mtx.gz,"
                                    + " features.tsv.gz and barcodes.tsv.gz"));
        }
    }

    private ApiProblem tooLarge(long size) {
        return ApiProblem.of(
                        413,
                        "request-too-large",
                        "Content too large",
                        "the upload has " + size + " bytes, more than the limit of " + maxBytes
                                + " (atlas.query.annotate.max-upload-bytes)")
                .with("limit_bytes", maxBytes);
    }

    private static boolean startsWith(byte[] head, int n, byte[] magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    static void deleteTree(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover folder under the work dir is harmless; the next start does not read it
        }
    }
}
