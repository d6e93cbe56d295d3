package org.liveatlas.core.annotate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The k-nearest vote of one query cell, with SCimilarity's prediction statistics.
 *
 * <p>Names follow SCimilarity's {@code get_predictions_knn} stats frame. All distances are cosine
 * distances on unit vectors. With no voting neighbour (every neighbour filtered out) the label is
 * {@link KnnVote#UNKNOWN}, {@code neighbours} is 0 and every statistic is NaN.
 *
 * @param label the call: {@code votedLabel}, or {@link KnnVote#UNKNOWN} when {@code unknown}
 * @param votedLabel the label with the most votes (SCimilarity's {@code celltype_hint}), before the
 *     unknown threshold
 * @param unknown whether {@code minDist} exceeds the configured threshold (or nobody voted)
 * @param minDist cosine distance to the nearest voting neighbour
 * @param maxDist cosine distance to the farthest voting neighbour
 * @param vs2nd best count / (best count + second count), 1 when one label has every vote
 * @param vsAll best count / number of voting neighbours
 * @param vs2ndWeighted as {@code vs2nd} over inverse-distance weights
 * @param vsAllWeighted as {@code vsAll} over inverse-distance weights
 * @param hits votes per label (SCimilarity's {@code hits}), in order of each label's nearest member
 * @param hitsWeighted summed weights {@code 1 / max(d, 1e-6)} per label ({@code hits_weighted})
 * @param neighbours number of voting neighbours (at most k)
 */
public record CellVote(
        String label,
        String votedLabel,
        boolean unknown,
        double minDist,
        double maxDist,
        double vs2nd,
        double vsAll,
        double vs2ndWeighted,
        double vsAllWeighted,
        Map<String, Integer> hits,
        Map<String, Double> hitsWeighted,
        int neighbours) {

    public CellVote {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(votedLabel, "votedLabel");
        hits = Collections.unmodifiableMap(new LinkedHashMap<>(hits));
        hitsWeighted = Collections.unmodifiableMap(new LinkedHashMap<>(hitsWeighted));
        if (neighbours < 0) {
            throw new IllegalArgumentException("neighbours must be >= 0, got " + neighbours);
        }
        if (unknown ? !KnnVote.UNKNOWN.equals(label) : !label.equals(votedLabel)) {
            throw new IllegalArgumentException(
                    "label " + label + " contradicts unknown=" + unknown + " and voted label " + votedLabel);
        }
    }

    /**
     * This vote with its labels shown as {@code name} gives them: a vote taken over harmonised keys ({@link
     * LabelKeys}) named by its ontology term or its most used author label. {@link KnnVote#UNKNOWN} stays, a
     * vote without neighbours is returned as is, and two keys given one name pool their hits.
     */
    public CellVote named(UnaryOperator<String> name) {
        if (neighbours == 0) {
            return this;
        }
        String voted = name.apply(votedLabel);
        return new CellVote(
                unknown ? label : voted,
                voted,
                unknown,
                minDist,
                maxDist,
                vs2nd,
                vsAll,
                vs2ndWeighted,
                vsAllWeighted,
                renamed(hits, name, Integer::sum),
                renamed(hitsWeighted, name, Double::sum),
                neighbours);
    }

    /** A per-label map with its labels renamed, in the same order; values of labels given one name are merged. */
    public static <V> Map<String, V> renamed(
            Map<String, V> byLabel, UnaryOperator<String> name, java.util.function.BinaryOperator<V> merge) {
        Map<String, V> out = new LinkedHashMap<>();
        byLabel.forEach((k, v) -> out.merge(name.apply(k), v, merge));
        return out;
    }
}
