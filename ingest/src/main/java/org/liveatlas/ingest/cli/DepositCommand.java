package org.liveatlas.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.ingest.DepositProcessor;
import org.liveatlas.ingest.IngestConfig;
import org.liveatlas.ingest.store.MinioDepositStore;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.ingest.validate.DepositChecksum;
import org.liveatlas.ingest.validate.FormatSniffer;
import org.liveatlas.schemas.Contract;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.SchemaValidator;
import org.liveatlas.schemas.ValidationError;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.store.KeySafety;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * {@code atlas deposit PATH --study ID [--meta study.json | study options]}: checks the files and study.json locally
 * (without a study.json file, writes one from the {@link StudyOptions}, checks the obs columns they name in the data
 * and prints it), uploads the data files (multipart above {@link #PART_SIZE}, with a progress bar, each ETag verified
 * against the bytes sent), removes files of an earlier version that are not in this one, uploads study.json last
 * (which completes the deposit), then prints the study's status changes. The ingest service does the rest, exactly
 * as for any other S3 client putting the same objects.
 */
public final class DepositCommand {
    /** Multipart part size; also the single-part threshold. */
    public static final long PART_SIZE = 16L * 1024 * 1024;

    private final IngestConfig config;
    private final PrintStream out;

    public DepositCommand(IngestConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs the deposit; throws {@link PoisonInputException} naming the file or field when the input is unusable. */
    public DepositResult run(DepositRequest request) {
        List<LocalFile> files = collect(request);
        byte[] studyJson = studyJson(request, files);
        String prefix = ObjectLayout.depositPrefix(request.studyId());
        MinioClient minio = Clients.minio(config);
        try (StatusFollower follower = request.follow().isZero()
                ? null
                : StatusFollower.open(
                        config.kafkaBootstrap(), config.clientId() + "-cli", config.statusTopic(), request.studyId())) {
            MinioDepositStore store = new MinioDepositStore(minio, config.bucket());
            Optional<StudyStatus> current = follower == null ? Optional.empty() : follower.current();
            Optional<StudyStatus> unchanged = alreadyHeld(store, prefix, files, studyJson, current);
            if (unchanged.isPresent()) {
                out.println(SameVersion.describe(unchanged.get()));
                return new DepositResult(
                        request.studyId(), unchanged.get().depositVersion(), List.of(), 0, unchanged, true);
            }
            List<String> uploaded = new ArrayList<>();
            long bytes = 0;
            for (LocalFile file : files) {
                upload(minio, prefix + file.relativeKey(), file.path(), Map.of());
                uploaded.add(prefix + file.relativeKey());
                bytes += file.size();
            }
            Set<String> keep = new HashSet<>(uploaded);
            keep.add(prefix + ObjectLayout.STUDY_JSON);
            for (StoredObject stale : store.list(prefix)) {
                if (!keep.contains(stale.key())) {
                    remove(minio, stale.key());
                    out.println("removed " + stale.key() + " (not part of this version)");
                }
            }
            Path studyJsonFile = Files.createTempFile("study", ".json");
            try {
                Files.write(studyJsonFile, studyJson);
                upload(
                        minio,
                        prefix + ObjectLayout.STUDY_JSON,
                        studyJsonFile,
                        Map.of(DepositProcessor.UPLOADER_METADATA, "cli"));
            } finally {
                Files.deleteIfExists(studyJsonFile);
            }
            uploaded.add(prefix + ObjectLayout.STUDY_JSON);
            bytes += studyJson.length;
            String version = DepositChecksum.of(prefix, store.list(prefix));
            out.println("deposited " + request.studyId() + " as version " + version + " (" + uploaded.size()
                    + " objects, " + bytes + " bytes)");
            // Uploaded the same bytes in other parts than the store held (another client): the same version only
            // shows now, and the platform will not announce it again either.
            Optional<StudyStatus> settled = SameVersion.settled(current, version);
            if (settled.isPresent()) {
                out.println(SameVersion.describe(settled.get()));
                return new DepositResult(request.studyId(), version, uploaded, bytes, settled, true);
            }
            Optional<StudyStatus> last = Optional.empty();
            if (follower != null) {
                out.println("following the status of " + request.studyId() + " for up to " + request.follow() + " ...");
                last = follower.follow(request.stopAt(), request.follow(), status -> out.println(describe(status)));
            }
            return new DepositResult(request.studyId(), version, uploaded, bytes, last, false);
        } catch (IOException e) {
            throw new AtlasException("deposit of " + request.path() + ": " + e.getMessage(), e);
        } finally {
            Clients.closeQuietly(minio);
        }
    }

    /**
     * The study's status when the store already holds exactly these files and study.json as the version that
     * status is final for (indexed or quarantined), so there is nothing to upload and no status to wait for.
     * Reads the files for their ETags only when the store's keys and sizes match them.
     */
    private static Optional<StudyStatus> alreadyHeld(
            MinioDepositStore store,
            String prefix,
            List<LocalFile> files,
            byte[] studyJson,
            Optional<StudyStatus> current)
            throws IOException {
        Optional<StudyStatus> finalStatus = SameVersion.finalStatus(current);
        if (finalStatus.isEmpty()) {
            return Optional.empty();
        }
        List<StoredObject> stored = store.list(prefix);
        if (!DepositChecksum.of(prefix, stored).equals(finalStatus.get().depositVersion())) {
            return Optional.empty();
        }
        Map<String, Long> sizes = new HashMap<>();
        for (LocalFile file : files) {
            sizes.put(prefix + file.relativeKey(), file.size());
        }
        sizes.put(prefix + ObjectLayout.STUDY_JSON, (long) studyJson.length);
        if (!SameVersion.sameKeysAndSizes(sizes, stored)) {
            return Optional.empty();
        }
        List<StoredObject> local = new ArrayList<>();
        for (LocalFile file : files) {
            local.add(new StoredObject(
                    prefix + file.relativeKey(),
                    file.size(),
                    EtagCalculator.of(file.path(), PART_SIZE),
                    Instant.EPOCH));
        }
        local.add(new StoredObject(
                prefix + ObjectLayout.STUDY_JSON,
                studyJson.length,
                EtagCalculator.of(studyJson, PART_SIZE),
                Instant.EPOCH));
        return SameVersion.settled(finalStatus, DepositChecksum.of(prefix, local));
    }

    /** One line for a status change, as printed while following. */
    public static String describe(StudyStatus status) {
        StringBuilder line = new StringBuilder("study ")
                .append(status.studyId())
                .append(": ")
                .append(status.state().name().toLowerCase(java.util.Locale.ROOT));
        if (status.progress() != null) {
            line.append(" (").append(status.progress().cellsIndexed()).append(" cells indexed");
            if (status.progress().cellsTotal() != null) {
                line.append(" of ").append(status.progress().cellsTotal());
            }
            line.append(")");
        }
        if (status.counts() != null) {
            line.append(" (").append(status.counts().cellsIndexed()).append(" cells)");
        }
        if (status.reason() != null) {
            line.append(": ").append(status.reason());
        }
        return line.toString();
    }

    private record LocalFile(Path path, String relativeKey, long size) {}

    private List<LocalFile> collect(DepositRequest request) {
        Path path = request.path();
        List<LocalFile> files = new ArrayList<>();
        try {
            if (Files.isRegularFile(path)) {
                files.add(new LocalFile(path, path.getFileName().toString(), Files.size(path)));
            } else if (Files.isDirectory(path)) {
                String folder = path.toAbsolutePath().normalize().getFileName().toString();
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        String relative = path.relativize(file).toString().replace('\\', '/');
                        if (relative.equals(ObjectLayout.STUDY_JSON)) {
                            continue; // the folder's study.json is the metadata, not data
                        }
                        files.add(new LocalFile(file, folder + "/" + relative, Files.size(file)));
                    }
                }
            } else {
                throw new PoisonInputException(
                        "deposit: " + path + " does not exist; give an .h5ad or .h5 file or a 10x folder");
            }
        } catch (IOException e) {
            throw new AtlasException("deposit: cannot read " + path + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new PoisonInputException("deposit: " + path + " holds no data files");
        }
        for (LocalFile file : files) {
            KeySafety.problem(file.relativeKey()).ifPresent(p -> {
                throw new PoisonInputException("deposit: " + p);
            });
            Optional<DataFormat> format = FormatSniffer.claimedFormat(file.relativeKey());
            if (format.isEmpty() || format.get() == DataFormat.STUDY_JSON) {
                throw new PoisonInputException(
                        "deposit: " + file.path() + " is not a recognised data file (.h5ad, .h5, or a 10x folder with "
                                + "matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz)");
            }
            FormatSniffer.check(file.relativeKey(), format.get(), head(file.path()), file.size())
                    .ifPresent(p -> {
                        throw new PoisonInputException("deposit: " + p);
                    });
            if (file.size() > config.maxFileBytes()) {
                throw new PoisonInputException("deposit: " + file.path() + " is " + file.size()
                        + " bytes, over the limit of " + config.maxFileBytes());
            }
        }
        return files;
    }

    private byte[] studyJson(DepositRequest request, List<LocalFile> files) {
        Path inFolder = request.path().resolve(ObjectLayout.STUDY_JSON);
        if (request.meta().isEmpty() && Files.isDirectory(request.path()) && Files.isRegularFile(inFolder)) {
            if (request.options().any()) {
                throw new PoisonInputException("deposit: " + inFolder + " is the study's metadata, so "
                        + String.join(", ", request.options().given())
                        + " cannot be used; edit that file, or remove it to write study.json from the options");
            }
            return readStudyJson(inFolder, request.studyId());
        }
        if (request.meta().isPresent()) {
            return readStudyJson(request.meta().get(), request.studyId());
        }
        return writeStudyJson(request, files);
    }

    private byte[] readStudyJson(Path meta, String studyId) {
        if (!Files.isRegularFile(meta)) {
            throw new PoisonInputException("deposit: --meta " + meta + " is not a file; give the path of the"
                    + " study.json, or leave --meta out to write one from the options (--title, --organism, ...)");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(meta);
        } catch (IOException e) {
            throw new AtlasException("deposit: cannot read " + meta + ": " + e.getMessage(), e);
        }
        return validated(content, meta.toString(), studyId);
    }

    /** The study.json written from the options, after checking the obs columns they name; printed as uploaded. */
    private byte[] writeStudyJson(DepositRequest request, List<LocalFile> files) {
        StudyOptions options = request.options();
        StudyMetadata metadata;
        try {
            metadata = options.toMetadata(request.studyId());
        } catch (IllegalArgumentException e) {
            throw new PoisonInputException("deposit: " + e.getMessage());
        }
        for (Path dataset : datasets(files)) {
            ObsColumnCheck.require(options.namedColumns(), dataset);
        }
        byte[] content;
        try {
            content = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata);
        } catch (IOException e) {
            throw new AtlasException(
                    "deposit: cannot write the study.json of " + request.studyId() + ": " + e.getMessage(), e);
        }
        validated(content, "the study.json written from the options", request.studyId());
        List<String> defaults = options.defaultsUsed();
        out.println("study.json for " + request.studyId() + ", written from the options"
                + (defaults.isEmpty() ? "" : " (defaults: " + String.join(", ", defaults) + ")") + ":");
        out.println(new String(content, StandardCharsets.UTF_8));
        return content;
    }

    /** The datasets among the data files: each .h5ad or .h5 file, and each folder holding a 10x matrix. */
    private static List<Path> datasets(List<LocalFile> files) {
        Set<Path> datasets = new LinkedHashSet<>();
        for (LocalFile file : files) {
            switch (FormatSniffer.claimedFormat(file.relativeKey()).orElseThrow()) {
                case H5AD, TENX_H5 -> datasets.add(file.path());
                case TENX_MATRIX -> datasets.add(file.path().getParent());
                default -> {
                    // features and barcodes belong to the folder of their matrix
                }
            }
        }
        return List.copyOf(datasets);
    }

    /** Checks {@code content} against the study.json schema and the study id; returns it unchanged. */
    private static byte[] validated(byte[] content, String origin, String studyId) {
        List<ValidationError> errors =
                SchemaValidator.shared().validate(Contract.STUDY_METADATA, new String(content, StandardCharsets.UTF_8));
        if (!errors.isEmpty()) {
            throw new PoisonInputException("deposit: " + origin + " breaks the study.json schema: "
                    + String.join(
                            "; ", errors.stream().map(ValidationError::toString).toList()));
        }
        try {
            JsonNode node = Json.mapper().readTree(content);
            String inFile = node.path("studyId").asText();
            if (!inFile.equals(studyId)) {
                throw new PoisonInputException("deposit: " + origin + " names study '" + inFile + "' but --study is '"
                        + studyId + "'; make them agree");
            }
        } catch (IOException e) {
            throw new PoisonInputException("deposit: " + origin + " is not JSON: " + e.getMessage());
        }
        return content;
    }

    private void upload(MinioClient minio, String key, Path file, Map<String, String> metadata) throws IOException {
        long size = Files.size(file);
        EtagCalculator etag = new EtagCalculator(PART_SIZE, size);
        ObjectWriteResponse response;
        try (InputStream in = new ProgressStream(Files.newInputStream(file), size, key, etag)) {
            PutObjectArgs.Builder args =
                    PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(in, size, PART_SIZE);
            if (!metadata.isEmpty()) {
                args.userMetadata(metadata);
            }
            response = minio.putObject(args.build());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new AtlasException(
                    "deposit: upload of " + file + " to s3://" + config.bucket() + "/" + key + " failed: "
                            + e.getMessage(),
                    e);
        }
        String expected = etag.etag();
        String actual =
                response.etag() == null ? "" : response.etag().replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        if (!expected.equals(actual)) {
            remove(minio, key);
            throw new AtlasException("deposit: checksum mismatch for " + key + ": the store reports ETag " + actual
                    + ", the bytes sent give " + expected + "; the upload was removed, try again");
        }
    }

    private void remove(MinioClient minio, String key) {
        try {
            minio.removeObject(RemoveObjectArgs.builder()
                    .bucket(config.bucket())
                    .object(key)
                    .build());
        } catch (Exception e) {
            throw new AtlasException(
                    "deposit: cannot remove s3://" + config.bucket() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(FormatSniffer.HEAD_BYTES);
        } catch (IOException e) {
            throw new AtlasException("deposit: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Counts bytes as the SDK reads them, feeds the ETag calculator, and draws a progress bar. */
    private final class ProgressStream extends FilterInputStream {
        private final long size;
        private final String key;
        private final EtagCalculator etag;
        private long read;
        private int shownPercent = -1;

        ProgressStream(InputStream in, long size, String key, EtagCalculator etag) {
            super(in);
            this.size = size;
            this.key = key;
            this.etag = etag;
            draw();
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                etag.update(new byte[] {(byte) b}, 0, 1);
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                etag.update(buffer, offset, n);
                advance(n);
            }
            return n;
        }

        private void advance(int n) {
            read += n;
            draw();
        }

        private void draw() {
            int percent = size == 0 ? 100 : (int) (read * 100 / size);
            if (percent == shownPercent) {
                return;
            }
            shownPercent = percent;
            int filled = percent * 30 / 100;
            out.print("\r" + key + " [" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + percent + "% "
                    + String.format("%.1f/%.1f MiB", read / 1048576.0, size / 1048576.0));
            if (percent == 100) {
                out.println();
            }
            out.flush();
        }
    }
}
