package org.liveatlas.query.annotate;

import io.minio.MinioClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.liveatlas.query.config.ModelSource;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.problem.ProblemDocument;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.store.S3Clients;

/**
 * Annotation jobs for large uploads: run one at a time (embedding is CPU-bound), archived ({@link
 * JobArchive}: record, upload, result) so that they outlive the API process. On start the archive is read:
 * finished jobs are served again (their results fetched when asked), queued or running ones are queued again
 * from their archived upload. Jobs are kept until {@code job-retention-minutes} after they finish.
 */
@ApplicationScoped
public class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class);
    /** How long a job waits out a transient 503 (no model yet, reference loading) before it fails. */
    private static final Duration TRANSIENT_PATIENCE = Duration.ofMinutes(10);

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "annotation-jobs");
        t.setDaemon(true);
        return t;
    });
    private final Annotator annotator;
    private final Duration retention;
    private final java.nio.file.Path workDir;
    private final JobArchive archive;
    private volatile boolean recovered;

    JobStore(Annotator annotator, QueryConfig config) {
        this.annotator = annotator;
        this.retention = Duration.ofMinutes(config.annotate().jobRetentionMinutes());
        this.workDir = config.annotate().workDir();
        this.archive = new JobArchive(blobs(config), workDir);
    }

    /** The archive {@code annotate.jobs-archive} names: the object store or a local folder. */
    private static JobBlobs blobs(QueryConfig config) {
        String kind = config.annotate().jobsArchive().trim().toLowerCase(Locale.ROOT);
        boolean store =
                switch (kind) {
                    case "store" -> true;
                    case "folder" -> false;
                    case "auto" -> config.models().source() == ModelSource.STORE;
                    default -> throw new IllegalArgumentException("atlas.query.annotate.jobs-archive = " + kind
                            + " is not one of auto, store, folder; set it to store (the object store's jobs/) or folder"
                            + " (<data-dir>/query-api/jobs)");
                };
        if (store) {
            MinioClient s3 = S3Clients.of(config.s3());
            return JobBlobs.store(
                    s3,
                    config.s3().endpoint(),
                    config.s3().bucket(),
                    config.annotate().jobsArchivePrefix());
        }
        return JobBlobs.folder(config.dataDir().resolve("query-api").resolve("jobs"));
    }

    void onStart(@Observes StartupEvent event) {
        recover();
    }

    /** Reads the archive once (again on the next call if it could not be read). */
    void recover() {
        if (recovered) {
            return;
        }
        synchronized (this) {
            if (recovered) {
                return;
            }
            List<JobArchive.JobRecord> records;
            try {
                records = archive.records();
            } catch (RuntimeException e) {
                LOG.warnf(
                        "annotation jobs: the archive %s cannot be read yet (%s); trying again on the next request",
                        archive.describe(), e.getMessage());
                return;
            }
            recovered = true;
            int resumed = 0;
            for (JobArchive.JobRecord r : records) {
                Job job;
                try {
                    job = new Job(r);
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "annotation job %s: its archived record is unusable (%s); deleted", r.id(), e.getMessage());
                    archive.delete(r.id());
                    continue;
                }
                if (expired(job, Instant.now().minus(retention))) {
                    archive.delete(job.id);
                    continue;
                }
                jobs.putIfAbsent(job.id, job);
                if (!job.state().finished()) {
                    job.queued();
                    job.cellsDone.set(0);
                    persist(job);
                    executor.submit(() -> run(job));
                    resumed++;
                }
            }
            LOG.infof(
                    "annotation jobs: %d archived in %s, %d queued again", records.size(), archive.describe(), resumed);
        }
    }

    /**
     * Archives the upload, queues its annotation and returns the job id. A succeeded job keeps the upload
     * until it expires, so its {@code .h5ad} result can carry the upload's counts; a failed one deletes it.
     */
    public String submit(Caller caller, Uploads.Staged staged, AnnotateOptions options, int cells) {
        recover();
        expire();
        Job job = new Job(UUID.randomUUID().toString(), caller, Instant.now(), cells, options, staged);
        try {
            archive.saveUpload(job.id, staged);
            archive.save(job.record());
        } catch (RuntimeException e) {
            LOG.errorf(e, "annotation job %s cannot be archived", job.id);
            try {
                archive.delete(job.id);
            } catch (RuntimeException ignored) {
                // nothing more to undo
            }
            throw ApiProblem.of(
                            503,
                            "job-archive-unavailable",
                            "Service unavailable",
                            "the upload cannot be kept for a job right now (the job archive does not answer); try"
                                    + " again shortly, or send at most atlas.query.annotate.sync-max-cells cells, which"
                                    + " are answered at once")
                    .with("retry_after_seconds", 10);
        }
        jobs.put(job.id, job);
        executor.submit(() -> run(job));
        return job.id;
    }

    private void run(Job job) {
        if (job.state().finished()) {
            return;
        }
        if (job.cancelRequested.get()) {
            cancelled(job);
            return;
        }
        boolean kept = false;
        try {
            Uploads.Staged staged = upload(job);
            job.running();
            persist(job);
            AnnotationResult r = annotate(job, staged);
            AnnotatedCells.SpoolFiles spool = r.cells().spoolFiles();
            JobArchive.ResultSummary summary = JobArchive.ResultSummary.of(r, spool);
            try {
                archive.saveResult(job.id, spool);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "annotation job %s: its result cannot be archived (%s); served from this process only",
                        job.id, e.getMessage());
                summary = null;
            }
            job.succeeded(r, summary);
            persist(job);
            kept = true;
        } catch (CancellationException e) {
            cancelled(job);
        } catch (ApiProblem p) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", ProblemDocument.TYPE_BASE + p.type());
            m.put("title", p.title());
            m.put("status", p.status());
            m.put("detail", p.detail());
            job.failed(m);
            persist(job);
        } catch (RuntimeException e) {
            LOG.errorf(e, "annotation job %s failed", job.id);
            job.failed(Map.of(
                    "type",
                    ProblemDocument.TYPE_BASE + "internal-error",
                    "title",
                    "Internal server error",
                    "status",
                    500,
                    "detail",
                    "the annotation failed; report job " + job.id));
            persist(job);
        } finally {
            if (!kept) {
                job.release();
                deleteUpload(job);
            }
        }
    }

    /** Annotates the job's upload, waiting out transient unavailability (no model yet, reference loading). */
    private AnnotationResult annotate(Job job, Uploads.Staged staged) {
        Instant giveUp = Instant.now().plus(TRANSIENT_PATIENCE);
        while (true) {
            try {
                return annotator.annotate(
                        job.caller,
                        staged,
                        job.options,
                        n -> {
                            if (job.cancelRequested.get()) {
                                throw new CancellationException("job " + job.id + " cancelled");
                            }
                            job.cellsDone.set(n);
                        },
                        AnnotatedCells.spooled(workDir));
            } catch (ApiProblem p) {
                if (p.status() != 503 || Instant.now().isAfter(giveUp) || job.cancelRequested.get()) {
                    throw p;
                }
                LOG.infof("annotation job %s waits: %s", job.id, p.detail());
                job.queued();
                job.cellsDone.set(0);
                sleep(Duration.ofSeconds(5));
                job.running();
            }
        }
    }

    private void cancelled(Job job) {
        job.cancelled(Map.of(
                "type",
                ProblemDocument.TYPE_BASE + "job-cancelled",
                "title",
                "Cancelled",
                "status",
                409,
                "detail",
                "job " + job.id + " was cancelled by its owner"));
        persist(job);
        job.release();
        deleteUpload(job);
    }

    /**
     * Cancels a queued or running job (a running one stops at its next chunk) and answers its state; a
     * finished job is deleted with its result. Empty when {@code caller} has no such job.
     */
    Optional<Job> cancel(Caller caller, String id) {
        Optional<Job> found = find(caller, id);
        found.ifPresent(job -> {
            if (job.state().finished()) {
                jobs.remove(job.id);
                job.release();
                archive.delete(job.id);
                return;
            }
            job.cancelRequested.set(true);
            if (job.state() == Job.State.QUEUED) {
                cancelled(job);
            }
        });
        return found;
    }

    /** The caller's jobs, newest first. */
    List<Job> list(Caller caller) {
        recover();
        expire();
        return jobs.values().stream()
                .filter(j -> j.owner.equals(caller.name()))
                .sorted(Comparator.comparing((Job j) -> j.created).reversed())
                .toList();
    }

    /** The job with this id if {@code caller} owns it; others' jobs are as absent as unknown ones. */
    Optional<Job> find(Caller caller, String id) {
        recover();
        expire();
        Job j = jobs.get(id);
        return j != null && j.owner.equals(caller.name()) ? Optional.of(j) : Optional.empty();
    }

    /** The job's upload on local disk, fetched from the archive for a job recovered after a restart. */
    Uploads.Staged upload(Job job) {
        synchronized (job) {
            if (job.upload() == null) {
                job.upload(archive.loadUpload(job.record()));
            }
            return job.upload();
        }
    }

    /** A succeeded job's result, fetched from the archive for a job recovered after a restart. */
    AnnotationResult result(Job job) {
        synchronized (job) {
            if (job.result() == null && job.archivedResult() != null) {
                job.result(archive.loadResult(job.record()));
            }
            return job.result();
        }
    }

    private void persist(Job job) {
        try {
            archive.save(job.record());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "annotation job %s: its state %s cannot be archived (%s)",
                    job.id, job.state().label(), e.getMessage());
        }
    }

    private void deleteUpload(Job job) {
        try {
            archive.deleteUpload(job.id);
        } catch (RuntimeException e) {
            LOG.warnf("annotation job %s: its archived upload cannot be deleted (%s)", job.id, e.getMessage());
        }
    }

    private static boolean expired(Job j, Instant limit) {
        return j.state().finished() && j.finished() != null && j.finished().isBefore(limit);
    }

    private void expire() {
        Instant limit = Instant.now().minus(retention);
        jobs.values().removeIf(j -> {
            if (expired(j, limit)) {
                j.release();
                try {
                    archive.delete(j.id);
                } catch (RuntimeException e) {
                    LOG.warnf("annotation job %s: cannot delete it from the archive (%s)", j.id, e.getMessage());
                }
                return true;
            }
            return false;
        });
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
        jobs.values().forEach(Job::release);
    }
}
