package org.liveatlas.query.annotate;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.liveatlas.query.security.Caller;

/**
 * An annotation running in the background; its owner alone may see it. Thread-safe. Its upload and result
 * are held on local disk while it is kept; a job recovered from the archive after a restart fetches them
 * again when first needed ({@link JobStore}).
 */
final class Job {
    /** Where a job is. */
    enum State {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED,
        CANCELLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }

        static State of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    final String id;
    /** The caller that submitted it: its name owns the job, its groups decide what the vote may see. */
    final Caller caller;

    final String owner;
    final Instant created;
    final int cellsTotal;
    final AnnotateOptions options;
    final String uploadName;
    /** The path the readers open, relative to the upload's folder. */
    final String uploadInput;

    final AtomicInteger cellsDone = new AtomicInteger();
    final AtomicBoolean cancelRequested = new AtomicBoolean();

    private volatile State state = State.QUEUED;
    private volatile Uploads.Staged upload;
    private volatile AnnotationResult result;
    private volatile JobArchive.ResultSummary archivedResult;
    private volatile Map<String, Object> problem;
    private volatile Instant finished;

    Job(String id, Caller caller, Instant created, int cellsTotal, AnnotateOptions options, Uploads.Staged upload) {
        this.id = id;
        this.caller = caller;
        this.owner = caller.name();
        this.created = created;
        this.cellsTotal = cellsTotal;
        this.options = options;
        this.upload = upload;
        this.uploadName = upload.name();
        this.uploadInput = upload.folder().relativize(upload.input()).toString();
    }

    /** A job as the archive recorded it; its upload and result are fetched when needed. */
    Job(JobArchive.JobRecord r) {
        this.id = r.id();
        this.caller = new Caller(r.owner(), r.ownerGroups() == null ? Set.of() : Set.copyOf(r.ownerGroups()));
        this.owner = r.owner();
        this.created = r.created();
        this.cellsTotal = r.cellsTotal();
        this.options = r.options();
        this.uploadName = r.uploadName();
        this.uploadInput = r.uploadInput();
        this.cellsDone.set(r.cellsDone());
        this.state = State.of(r.state());
        this.finished = r.finished();
        this.problem = r.error();
        this.archivedResult = r.result();
    }

    JobArchive.JobRecord record() {
        return new JobArchive.JobRecord(
                id,
                owner,
                caller.groups().stream().sorted().toList(),
                created,
                cellsTotal,
                cellsDone.get(),
                state.label(),
                options,
                uploadName,
                uploadInput,
                finished,
                problem,
                archivedResult);
    }

    State state() {
        return state;
    }

    void queued() {
        state = State.QUEUED;
    }

    void running() {
        state = State.RUNNING;
    }

    void succeeded(AnnotationResult r, JobArchive.ResultSummary summary) {
        result = r;
        archivedResult = summary;
        cellsDone.set(cellsTotal);
        finished = Instant.now();
        state = State.SUCCEEDED;
    }

    void failed(Map<String, Object> p) {
        problem = p;
        finished = Instant.now();
        state = State.FAILED;
    }

    void cancelled(Map<String, Object> p) {
        problem = p;
        finished = Instant.now();
        state = State.CANCELLED;
    }

    Uploads.Staged upload() {
        return upload;
    }

    void upload(Uploads.Staged staged) {
        upload = staged;
    }

    AnnotationResult result() {
        return result;
    }

    void result(AnnotationResult r) {
        result = r;
    }

    JobArchive.ResultSummary archivedResult() {
        return archivedResult;
    }

    Map<String, Object> problem() {
        return problem;
    }

    Instant finished() {
        return finished;
    }

    /** Frees the job's local files (the archive keeps its copies). */
    synchronized void release() {
        Uploads.Staged u = upload;
        upload = null;
        if (u != null) {
            u.close();
        }
        AnnotationResult r = result;
        result = null;
        if (r != null) {
            r.cells().close();
        }
    }
}
