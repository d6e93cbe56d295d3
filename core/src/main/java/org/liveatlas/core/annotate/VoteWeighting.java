package org.liveatlas.core.annotate;

/** How neighbours count in the k-nearest vote ({@code weighting} of SCimilarity's get_predictions_knn). */
public enum VoteWeighting {
    /** Every neighbour counts 1 ({@code weighting=False}, SCimilarity's default). */
    UNWEIGHTED,
    /** Every neighbour counts {@code 1 / max(distance, 1e-6)} ({@code weighting=True}). */
    INVERSE_DISTANCE;

    /** Floor on the distance of a weighted neighbour, so an exact match does not weigh infinitely. */
    public static final double MIN_DISTANCE = 1e-6;

    /** SCimilarity's weight of a neighbour at cosine distance {@code d}. */
    public static double inverseDistanceWeight(double d) {
        return 1.0 / Math.max(d, MIN_DISTANCE);
    }
}
