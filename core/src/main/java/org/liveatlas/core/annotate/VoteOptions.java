package org.liveatlas.core.annotate;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Options of the k-nearest vote.
 *
 * @param k neighbours that vote (SCimilarity's default 50)
 * @param weighting unweighted (default) or inverse-distance weighted label choice
 * @param unknownMinDist when present, a cell whose {@code min_dist} (cosine distance to its nearest
 *     voting neighbour) is strictly greater than this is called {@link KnnVote#UNKNOWN}
 * @param filter labels that may vote
 */
public record VoteOptions(int k, VoteWeighting weighting, OptionalDouble unknownMinDist, LabelFilter filter) {

    /** SCimilarity's default number of voting neighbours. */
    public static final int DEFAULT_K = 50;

    public VoteOptions {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Objects.requireNonNull(weighting, "weighting");
        Objects.requireNonNull(unknownMinDist, "unknownMinDist");
        Objects.requireNonNull(filter, "filter");
        if (unknownMinDist.isPresent() && !(unknownMinDist.getAsDouble() >= 0 && unknownMinDist.getAsDouble() <= 2)) {
            throw new IllegalArgumentException(
                    "the unknown threshold is a cosine distance in [0, 2], got " + unknownMinDist.getAsDouble());
        }
    }

    /** k = 50, unweighted, no unknown threshold, no filter: SCimilarity's defaults. */
    public static VoteOptions defaults() {
        return new VoteOptions(DEFAULT_K, VoteWeighting.UNWEIGHTED, OptionalDouble.empty(), LabelFilter.none());
    }

    public VoteOptions withK(int newK) {
        return new VoteOptions(newK, weighting, unknownMinDist, filter);
    }

    public VoteOptions withWeighting(VoteWeighting w) {
        return new VoteOptions(k, w, unknownMinDist, filter);
    }

    public VoteOptions withUnknownMinDist(double threshold) {
        return new VoteOptions(k, weighting, OptionalDouble.of(threshold), filter);
    }

    public VoteOptions withFilter(LabelFilter f) {
        return new VoteOptions(k, weighting, unknownMinDist, f);
    }
}
