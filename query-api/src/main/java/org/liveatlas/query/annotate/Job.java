package org.liveatlas.query.annotate;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An annotation running in the background; its owner alone may see it. Thread-safe. */
final class Job {
    /** Where a job is. */
    enum State {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    final String id;
    final String owner;
    final Instant created;
    final int cellsTotal;
    final AtomicInteger cellsDone = new AtomicInteger();
    /** The staged upload, kept while the job is kept (its counts go into the .h5ad result). */
    final Uploads.Staged upload;

    private volatile State state = State.QUEUED;
    private volatile AnnotationResult result;
    private volatile Map<String, Object> problem;
    private volatile Instant finished;

    Job(String id, String owner, int cellsTotal, Uploads.Staged upload) {
        this.id = id;
        this.upload = upload;
        this.owner = owner;
        this.cellsTotal = cellsTotal;
        this.created = Instant.now();
    }

    State state() {
        return state;
    }

    void running() {
        state = State.RUNNING;
    }

    void succeeded(AnnotationResult r) {
        result = r;
        cellsDone.set(cellsTotal);
        finished = Instant.now();
        state = State.SUCCEEDED;
    }

    void failed(Map<String, Object> p) {
        problem = p;
        finished = Instant.now();
        state = State.FAILED;
    }

    AnnotationResult result() {
        return result;
    }

    Map<String, Object> problem() {
        return problem;
    }

    Instant finished() {
        return finished;
    }
}
