package org.liveatlas.trainer.service;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When to retrain: when the interval since the last training has passed, or when at least {@code
 * minNewCells} labelled cells were indexed since then (counted from {@code atlas.study-status}
 * INDEXED events of labelled studies, latest count per study). Pure logic, not thread-safe.
 */
public final class TrainingTrigger {

    private final Duration interval;
    private final long minNewCells;
    private final Map<String, Long> indexedSince = new HashMap<>();
    private Instant lastTraining;

    public TrainingTrigger(Duration interval, long minNewCells, Instant lastTraining) {
        this.interval = interval;
        this.minNewCells = minNewCells;
        this.lastTraining = lastTraining;
    }

    /** A study reached INDEXED with {@code cells} cells; only labelled studies count. */
    public void indexed(String studyId, long cells, Set<String> labelledStudies) {
        if (labelledStudies.contains(studyId)) {
            indexedSince.put(studyId, cells);
        }
    }

    /** New labelled cells since the last training. */
    public long newCells() {
        return indexedSince.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether a training is due at {@code now}, and why (empty when not due). */
    public java.util.Optional<String> due(Instant now) {
        if (newCells() >= minNewCells) {
            return java.util.Optional.of(newCells() + " new labelled cells (threshold " + minNewCells + ")");
        }
        if (!now.isBefore(lastTraining.plus(interval))) {
            return java.util.Optional.of("interval " + interval + " since " + lastTraining + " elapsed");
        }
        return java.util.Optional.empty();
    }

    /** A training started at {@code at}: counting starts again. */
    public void trained(Instant at) {
        lastTraining = at;
        indexedSince.clear();
    }
}
