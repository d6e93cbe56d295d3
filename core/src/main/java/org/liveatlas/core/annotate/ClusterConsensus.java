package org.liveatlas.core.annotate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cluster-level consensus of per-cell votes when the query has a cluster column (for example
 * Leiden clusters): every cell of a cluster gets one label.
 *
 * <p>SCimilarity annotates cells one by one; the consensus is LiveAtlas's addition. See {@link
 * ConsensusMethod} for the two definitions. Ties go to the label seen first (in cell order for
 * {@link ConsensusMethod#MAJORITY_OF_CELLS}, in cell-then-hit order for {@link
 * ConsensusMethod#POOLED_HITS}).
 */
public final class ClusterConsensus {

    private ClusterConsensus() {}

    /**
     * One call per cluster, in order of each cluster's first cell.
     *
     * @param votes the per-cell votes
     * @param clusters the cluster of every cell, same order as {@code votes}
     * @param method how to combine
     * @param weighting for {@link ConsensusMethod#POOLED_HITS}: pool {@code hits} (unweighted) or
     *     {@code hits_weighted}
     */
    public static List<ClusterCall> of(
            List<CellVote> votes, List<String> clusters, ConsensusMethod method, VoteWeighting weighting) {
        Objects.requireNonNull(votes, "votes");
        Objects.requireNonNull(clusters, "clusters");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(weighting, "weighting");
        if (votes.size() != clusters.size()) {
            throw new IllegalArgumentException(
                    "need one cluster per cell: " + clusters.size() + " clusters for " + votes.size() + " cells");
        }
        Map<String, Map<String, Double>> support = new LinkedHashMap<>();
        Map<String, Integer> cells = new LinkedHashMap<>();
        for (int i = 0; i < votes.size(); i++) {
            String c = Objects.requireNonNull(clusters.get(i), "cluster of cell " + i);
            Map<String, Double> s = support.computeIfAbsent(c, x -> new LinkedHashMap<>());
            cells.merge(c, 1, Integer::sum);
            CellVote v = votes.get(i);
            switch (method) {
                case MAJORITY_OF_CELLS -> s.merge(v.label(), 1.0, Double::sum);
                case POOLED_HITS -> {
                    if (weighting == VoteWeighting.UNWEIGHTED) {
                        v.hits().forEach((label, n) -> s.merge(label, n.doubleValue(), Double::sum));
                    } else {
                        v.hitsWeighted().forEach((label, w) -> s.merge(label, w, Double::sum));
                    }
                }
            }
        }
        List<ClusterCall> out = new ArrayList<>(support.size());
        for (Map.Entry<String, Map<String, Double>> e : support.entrySet()) {
            Map<String, Double> s = e.getValue();
            String best = KnnVote.UNKNOWN;
            double bestValue = 0;
            double total = 0;
            for (Map.Entry<String, Double> l : s.entrySet()) {
                total += l.getValue();
                if (l.getValue() > bestValue) {
                    best = l.getKey();
                    bestValue = l.getValue();
                }
            }
            double fraction = total > 0 ? bestValue / total : 0;
            out.add(new ClusterCall(e.getKey(), best, fraction, cells.get(e.getKey()), s, method));
        }
        return out;
    }

    /** Each cell's cluster label, from calls made by {@link #of}. */
    public static List<String> perCell(List<String> clusters, List<ClusterCall> calls) {
        Map<String, String> byCluster = new LinkedHashMap<>();
        for (ClusterCall c : calls) {
            byCluster.put(c.cluster(), c.label());
        }
        List<String> out = new ArrayList<>(clusters.size());
        for (String c : clusters) {
            String label = byCluster.get(c);
            if (label == null) {
                throw new IllegalArgumentException("no consensus for cluster " + c);
            }
            out.add(label);
        }
        return out;
    }
}
