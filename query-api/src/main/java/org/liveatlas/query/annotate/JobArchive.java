package org.liveatlas.query.annotate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.liveatlas.core.annotate.ClusterCall;

/**
 * Keeps annotation jobs where a restarted API finds them: per job {@code <id>/job.json} (its record,
 * rewritten at every change of state), {@code <id>/upload/...} (the staged upload, as staged) and, once
 * it succeeded, {@code <id>/result/cells.jsonl} and {@code <id>/result/embeddings.f32} (its spool).
 */
final class JobArchive {
    private static final Logger LOG = Logger.getLogger(JobArchive.class);
    static final String RECORD = "job.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * A job as archived.
     *
     * @param owner the caller's name; only that caller sees the job
     * @param ownerGroups the caller's groups when it submitted the job (what its vote may see)
     * @param state {@code queued}, {@code running}, {@code succeeded}, {@code failed} or {@code cancelled}
     * @param uploadName the upload's name as the client sent it
     * @param uploadInput the path the readers open, relative to the upload folder
     * @param error the problem document of a failed or cancelled job
     * @param result the summary of a succeeded job (its cells are in the spool)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record JobRecord(
            String id,
            String owner,
            List<String> ownerGroups,
            Instant created,
            int cellsTotal,
            int cellsDone,
            String state,
            AnnotateOptions options,
            String uploadName,
            String uploadInput,
            Instant finished,
            Map<String, Object> error,
            ResultSummary result) {}

    /** An {@link AnnotationResult} without its cells, and what reading its spool back needs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ResultSummary(
            String modelVersion,
            Double unknownThreshold,
            AnnotateOptions options,
            long cellsRead,
            long cellsAnnotated,
            int sharedGenes,
            int modelGenes,
            Map<String, Long> labels,
            double unknownFraction,
            List<ClusterCall> clusters,
            AnnotationResult.Reference reference,
            Map<String, String> clusterLabels,
            long spoolCells,
            int spoolDim) {

        static ResultSummary of(AnnotationResult r, AnnotatedCells.SpoolFiles spool) {
            return new ResultSummary(
                    r.modelVersion(),
                    r.unknownThreshold(),
                    r.options(),
                    r.cellsRead(),
                    r.cellsAnnotated(),
                    r.sharedGenes(),
                    r.modelGenes(),
                    r.labels(),
                    r.unknownFraction(),
                    r.clusters(),
                    r.reference(),
                    r.cells().clusterLabels(),
                    spool.size(),
                    spool.dim());
        }

        AnnotationResult with(AnnotatedCells cells) {
            return new AnnotationResult(
                    modelVersion,
                    unknownThreshold,
                    options,
                    cellsRead,
                    cellsAnnotated,
                    sharedGenes,
                    modelGenes,
                    labels,
                    unknownFraction,
                    clusters,
                    reference,
                    cells);
        }
    }

    private final JobBlobs blobs;
    private final Path workDir;

    JobArchive(JobBlobs blobs, Path workDir) {
        this.blobs = blobs;
        this.workDir = workDir;
    }

    String describe() {
        return blobs.describe();
    }

    void save(JobRecord record) {
        try {
            blobs.put(record.id() + "/" + RECORD, JSON.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + record.id() + " cannot be written as JSON", e);
        }
    }

    /** Every archived job's record; unreadable records are logged and skipped. */
    List<JobRecord> records() {
        List<JobRecord> out = new ArrayList<>();
        for (String key : blobs.list("")) {
            if (!key.endsWith("/" + RECORD) || key.indexOf('/') != key.length() - RECORD.length() - 1) {
                continue;
            }
            try {
                blobs.read(key).ifPresent(bytes -> {
                    try {
                        out.add(JSON.readValue(bytes, JobRecord.class));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                LOG.warnf("annotation job record %s in %s is unreadable, skipped: %s", key, describe(), e.getMessage());
            }
        }
        return out;
    }

    /** Archives the staged upload's files. */
    void saveUpload(String id, Uploads.Staged staged) {
        Path folder = staged.folder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                blobs.put(id + "/upload/" + folder.relativize(f).toString().replace('\\', '/'), f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive the upload of job " + id, e);
        }
    }

    /** The archived upload, staged again in a new folder of the work directory. */
    Uploads.Staged loadUpload(JobRecord r) {
        Path folder = newFolder();
        String prefix = r.id() + "/upload/";
        for (String key : blobs.list(prefix)) {
            blobs.get(key, folder.resolve(key.substring(prefix.length())).normalize());
        }
        return new Uploads.Staged(folder.resolve(r.uploadInput()), folder, r.uploadName());
    }

    /** Archives a succeeded job's spool. */
    void saveResult(String id, AnnotatedCells.SpoolFiles spool) {
        blobs.put(id + "/result/cells.jsonl", spool.cells());
        blobs.put(id + "/result/embeddings.f32", spool.embeddings());
    }

    /** An archived result, its spool copied into the work directory. */
    AnnotationResult loadResult(JobRecord r) {
        Path folder = newFolder();
        Path cells = folder.resolve("cells.jsonl");
        Path embeddings = folder.resolve("embeddings.f32");
        blobs.get(r.id() + "/result/cells.jsonl", cells);
        blobs.get(r.id() + "/result/embeddings.f32", embeddings);
        ResultSummary s = r.result();
        AnnotatedCells.SpoolFiles spool =
                new AnnotatedCells.SpoolFiles(cells, embeddings, s.spoolCells(), s.spoolDim());
        return s.with(AnnotatedCells.restored(spool, s.clusterLabels()));
    }

    /** Removes everything of a job. */
    void delete(String id) {
        blobs.deleteAll(id + "/");
    }

    /** Removes a job's upload (its record and result stay). */
    void deleteUpload(String id) {
        blobs.deleteAll(id + "/upload/");
    }

    private Path newFolder() {
        try {
            Files.createDirectories(workDir);
            return Files.createDirectory(workDir.resolve("job-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder under " + workDir, e);
        }
    }
}
