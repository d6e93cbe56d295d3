package org.liveatlas.core.annotate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The consensus label of one cluster of query cells.
 *
 * @param cluster the cluster's value in the cluster column
 * @param label the consensus label
 * @param fraction the winning label's share of the support, in (0, 1]
 * @param cells number of cells in the cluster
 * @param support per label, the cells (majority) or summed votes (pooled) behind it, in order of
 *     first appearance
 * @param method how the consensus was formed
 */
public record ClusterCall(
        String cluster, String label, double fraction, int cells, Map<String, Double> support, ConsensusMethod method) {

    public ClusterCall {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(method, "method");
        support = Collections.unmodifiableMap(new LinkedHashMap<>(support));
        if (cells < 1) {
            throw new IllegalArgumentException("cluster " + cluster + " must have at least one cell, got " + cells);
        }
    }
}
