package org.liveatlas.trainer.train;

/** Receives a run's progress: every batch (for a progress bar) and every finished epoch. */
public interface TrainingListener {

    /** Batch {@code batch} (1-based) of {@code batches} of epoch {@code epoch} is done. */
    default void batchDone(int epoch, int batch, int batches) {}

    /** An epoch is done and checkpointed. */
    default void epochDone(EpochLog log) {}

    /** A line about how the run is set up (printed by the command line). */
    default void note(String line) {}

    /** Training resumed from a checkpoint at {@code nextEpoch}. */
    default void resumed(int nextEpoch) {}

    /** A listener that ignores everything. */
    static TrainingListener silent() {
        return new TrainingListener() {};
    }
}
