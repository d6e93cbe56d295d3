package org.liveatlas.core.annotate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The k-nearest-neighbour label vote of SCimilarity's {@code CellAnnotation.get_predictions_knn},
 * independent of the search backend: it takes each query cell's neighbours (label and cosine
 * distance).
 *
 * <p>Per cell: neighbours are taken in ascending distance (a stable sort, so equal distances keep
 * the backend's order); those whose label the filter rejects are skipped; the first {@code k}
 * remaining vote. Each votes 1 in {@code hits} and {@code 1 / max(d, 1e-6)} in {@code
 * hits_weighted}. The voted label is the label with the highest count (unweighted) or the highest
 * weight sum (weighted); a tie goes to the label whose nearest member comes first, as Python's
 * {@code max} over SCimilarity's insertion-ordered dict does. Whatever the weighting, {@code vs2nd}
 * and {@code vsAll} are computed from the sorted counts, and the weighted variants from the sorted
 * weight sums (each floored at 1e-6), exactly as SCimilarity does; with a single label present all
 * four are 1.
 *
 * <p>Differences from SCimilarity, all additive: statistics are also computed for {@code k = 1}
 * (SCimilarity returns none then); a cell is called {@link #UNKNOWN} when its {@code min_dist}
 * exceeds {@link VoteOptions#unknownMinDist()}; the label filter can be applied here as well as in
 * the search.
 */
public final class KnnVote {

    /** The label of a cell too far from every reference cell, or with no voting neighbour. */
    public static final String UNKNOWN = "unknown";

    private KnnVote() {}

    /** The votes of many cells, one neighbour list per cell, in order. */
    public static List<CellVote> voteAll(List<? extends List<Neighbour>> neighbourLists, VoteOptions options) {
        Objects.requireNonNull(neighbourLists, "neighbourLists");
        List<CellVote> out = new ArrayList<>(neighbourLists.size());
        for (List<Neighbour> n : neighbourLists) {
            out.add(vote(n, options));
        }
        return out;
    }

    /** The vote of one cell over its neighbours (any order; more than k is fine). */
    public static CellVote vote(List<Neighbour> neighbours, VoteOptions options) {
        Objects.requireNonNull(neighbours, "neighbours");
        Objects.requireNonNull(options, "options");
        List<Neighbour> sorted = new ArrayList<>(neighbours);
        sorted.sort(Comparator.comparingDouble(Neighbour::distance)); // List.sort is stable

        Map<String, Integer> hits = new LinkedHashMap<>();
        Map<String, Double> weighted = new LinkedHashMap<>();
        double minDist = Double.POSITIVE_INFINITY;
        double maxDist = Double.NEGATIVE_INFINITY;
        int voters = 0;
        for (Neighbour n : sorted) {
            if (voters == options.k()) {
                break;
            }
            if (!options.filter().accepts(n.label())) {
                continue;
            }
            voters++;
            hits.merge(n.label(), 1, Integer::sum);
            weighted.merge(n.label(), VoteWeighting.inverseDistanceWeight(n.distance()), Double::sum);
            minDist = Math.min(minDist, n.distance());
            maxDist = Math.max(maxDist, n.distance());
        }
        if (voters == 0) {
            double nan = Double.NaN;
            return new CellVote(UNKNOWN, UNKNOWN, true, nan, nan, nan, nan, nan, nan, hits, weighted, 0);
        }

        String voted = options.weighting() == VoteWeighting.UNWEIGHTED ? argMax(hits) : argMax(weighted);

        double[] counts = hits.values().stream()
                .mapToDouble(Integer::doubleValue)
                .boxed()
                .sorted(Comparator.reverseOrder())
                .mapToDouble(Double::doubleValue)
                .toArray();
        double[] weights = weighted.values().stream()
                .sorted(Comparator.reverseOrder())
                .mapToDouble(w -> Math.max(w, VoteWeighting.MIN_DISTANCE))
                .toArray();
        double vs2nd = 1.0;
        double vsAll = 1.0;
        double vs2ndW = 1.0;
        double vsAllW = 1.0;
        if (counts.length > 1) {
            vs2nd = counts[0] / (counts[0] + counts[1]);
            vsAll = counts[0] / sum(counts);
            vs2ndW = weights[0] / (weights[0] + weights[1]);
            vsAllW = weights[0] / sum(weights);
        }
        boolean unknown = options.unknownMinDist().isPresent()
                && minDist > options.unknownMinDist().getAsDouble();
        return new CellVote(
                unknown ? UNKNOWN : voted,
                voted,
                unknown,
                minDist,
                maxDist,
                vs2nd,
                vsAll,
                vs2ndW,
                vsAllW,
                hits,
                weighted,
                voters);
    }

    /** First key with the largest value, in insertion order (Python's max over dict items). */
    private static <N extends Number> String argMax(Map<String, N> m) {
        String best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, N> e : m.entrySet()) {
            double v = e.getValue().doubleValue();
            if (v > bestValue) {
                best = e.getKey();
                bestValue = v;
            }
        }
        return best;
    }

    /** Python's {@code sum} over a list: left to right. */
    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }
}
