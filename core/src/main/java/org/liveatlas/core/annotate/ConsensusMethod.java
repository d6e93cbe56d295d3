package org.liveatlas.core.annotate;

/** How a cluster's cells are combined into one cluster-level label. */
public enum ConsensusMethod {
    /**
     * The most frequent per-cell call (after the unknown threshold, so {@code unknown} can win);
     * support = cells per call, fraction = winning cells / cluster cells.
     */
    MAJORITY_OF_CELLS,
    /**
     * The label with the most votes summed over the cluster's cells ({@code hits}, or {@code
     * hits_weighted} for a weighted vote): a pooled k-NN vote. Support = summed votes, fraction =
     * winning votes / all votes. Per-cell unknown calls do not enter; the result is unknown only when no cell had a voting
     * neighbour.
     */
    POOLED_HITS
}
