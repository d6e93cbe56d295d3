package org.liveatlas.query.annotate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.problem.ProblemDocument;
import org.liveatlas.query.security.Caller;

/**
 * Annotation jobs for large uploads: run one at a time (embedding is CPU-bound), kept in memory with
 * their progress until {@code job-retention-minutes} after they finish.
 */
@ApplicationScoped
public class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class);

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "annotation-jobs");
        t.setDaemon(true);
        return t;
    });
    private final Annotator annotator;
    private final Duration retention;
    private final java.nio.file.Path workDir;

    JobStore(Annotator annotator, QueryConfig config) {
        this.annotator = annotator;
        this.retention = Duration.ofMinutes(config.annotate().jobRetentionMinutes());
        this.workDir = config.annotate().workDir();
    }

    /**
     * Queues the annotation of {@code staged} and returns the job id. A succeeded job keeps the upload until
     * it expires, so its {@code .h5ad} result can carry the upload's counts; a failed one deletes it at once.
     */
    public String submit(Caller caller, Uploads.Staged staged, AnnotateOptions options, int cells) {
        expire();
        Job job = new Job(UUID.randomUUID().toString(), caller.name(), cells, staged);
        jobs.put(job.id, job);
        executor.submit(() -> {
            job.running();
            boolean kept = false;
            try {
                // a job's results go to a spool beside its upload: its memory is bounded by the batch
                job.succeeded(annotator.annotate(
                        caller, staged, options, job.cellsDone::set, AnnotatedCells.spooled(workDir)));
                kept = true;
            } catch (ApiProblem p) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", ProblemDocument.TYPE_BASE + p.type());
                m.put("title", p.title());
                m.put("status", p.status());
                m.put("detail", p.detail());
                job.failed(m);
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
            } finally {
                if (!kept) {
                    staged.close();
                }
            }
        });
        return job.id;
    }

    /** The job with this id if {@code caller} owns it; others' jobs are as absent as unknown ones. */
    Optional<Job> find(Caller caller, String id) {
        expire();
        Job j = jobs.get(id);
        return j != null && j.owner.equals(caller.name()) ? Optional.of(j) : Optional.empty();
    }

    private void expire() {
        Instant limit = Instant.now().minus(retention);
        jobs.values().removeIf(j -> {
            if (j.finished() != null && j.finished().isBefore(limit)) {
                j.upload.close();
                if (j.result() != null) {
                    j.result().cells().close();
                }
                return true;
            }
            return false;
        });
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
        jobs.values().forEach(j -> {
            j.upload.close();
            if (j.result() != null) {
                j.result().cells().close();
            }
        });
    }
}
