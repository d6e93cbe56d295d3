package org.liveatlas.trainer;

/** How a training run sets cells aside for evaluation and the publish gate. */
public enum EvaluationSplit {
    /** {@link #STUDIES} when two or more labelled studies exist, else {@link #CELLS}. */
    AUTO,
    /** Leave-studies-out: whole held-out studies, never cells of one study on both sides (the rule). */
    STUDIES,
    /**
     * A seeded, label-stratified fraction of every study's cells: the fallback for a single labelled
     * study, where no study is left to hold out. Optimistic (same donors, batch and chemistry on both
     * sides), so the manifest records it as {@code cells-within-study}.
     */
    CELLS;

    /** The manifest's name of a resolved split. */
    public String manifestName() {
        return switch (this) {
            case STUDIES -> "studies";
            case CELLS -> "cells-within-study";
            case AUTO -> "auto";
        };
    }
}
