package org.liveatlas.core.search;

import java.util.Objects;

/**
 * Cosine distance on unit vectors, and the one place where a search backend's score or squared
 * Euclidean distance is turned into cosine distance.
 *
 * <p>Every distance that LiveAtlas reports or compares against a threshold is the cosine distance
 * {@code d = 1 - cos(a, b)}, in {@code [0, 2]}, as SCimilarity reports it (hnswlib's {@code cosine}
 * space and {@code scipy.spatial.distance.cdist(..., metric="cosine")}). For unit vectors the
 * squared Euclidean distance is {@code |a - b|^2 = 2 - 2 cos = 2 d}.
 *
 * <p>OpenSearch k-NN (the {@code knn_vector} field, documented in "Spaces" of the OpenSearch
 * k-NN vector field type, which holds for the lucene, faiss and nmslib engines alike) returns, per
 * space, a {@code _score} that grows with similarity:
 *
 * <ul>
 *   <li>{@code cosinesimil}: {@code score = (2 - d) / 2 = (1 + cos) / 2}, so {@code d = 2 (1 - score)};
 *   <li>{@code l2}: {@code score = 1 / (1 + d2)} with {@code d2} the squared Euclidean distance, so
 *       for unit vectors {@code d = (1 / score - 1) / 2};
 *   <li>{@code innerproduct} (lucene engine): {@code score = ip + 1} for {@code ip > 0}, else
 *       {@code 1 / (1 - ip)}; for unit vectors {@code ip = cos}, so {@code d = 1 - ip}.
 * </ul>
 *
 * Results are clamped to {@code [0, 2]}: floating-point rounding makes {@code 1 - a.b} of two equal
 * unit vectors come out a few ulps below zero.
 */
public final class Distances {

    /** Largest cosine distance (opposite unit vectors). */
    public static final double MAX_COSINE_DISTANCE = 2.0;

    private Distances() {}

    /** Where a backend's number comes from; each converts to cosine distance in {@link #toCosineDistance}. */
    public enum ScoreSpace {
        /** Already a cosine distance {@code 1 - cos} (hnswlib {@code cosine}, scipy {@code cdist cosine}). */
        COSINE_DISTANCE,
        /** Squared Euclidean distance between unit vectors ({@code d2 = 2 d}). */
        SQUARED_L2,
        /** OpenSearch k-NN {@code _score} of a {@code cosinesimil} field: {@code (1 + cos) / 2}. */
        OPENSEARCH_COSINESIMIL_SCORE,
        /** OpenSearch k-NN {@code _score} of an {@code l2} field over unit vectors: {@code 1 / (1 + d2)}. */
        OPENSEARCH_L2_SCORE,
        /** OpenSearch k-NN {@code _score} of a lucene {@code innerproduct} field over unit vectors. */
        OPENSEARCH_LUCENE_INNERPRODUCT_SCORE
    }

    /** Converts a backend's {@code value} in the given space to a cosine distance in {@code [0, 2]}. */
    public static double toCosineDistance(ScoreSpace space, double value) {
        Objects.requireNonNull(space, "space");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(space + " value must be finite, got " + value);
        }
        double d =
                switch (space) {
                    case COSINE_DISTANCE -> value;
                    case SQUARED_L2 -> value / 2.0;
                    case OPENSEARCH_COSINESIMIL_SCORE -> 2.0 * (1.0 - value);
                    case OPENSEARCH_L2_SCORE -> {
                        if (value <= 0) {
                            throw new IllegalArgumentException("an OpenSearch l2 score is in (0, 1], got " + value);
                        }
                        yield (1.0 / value - 1.0) / 2.0;
                    }
                    case OPENSEARCH_LUCENE_INNERPRODUCT_SCORE -> {
                        if (value <= 0) {
                            throw new IllegalArgumentException("an OpenSearch innerproduct score is > 0, got " + value);
                        }
                        double ip = value > 1.0 ? value - 1.0 : 1.0 - 1.0 / value;
                        yield 1.0 - ip;
                    }
                };
        return clamp(d);
    }

    /**
     * The backend value that corresponds to cosine distance {@code d}: the inverse of {@link
     * #toCosineDistance}, used to turn a {@code max_dist} into a backend's {@code min_score} or
     * {@code max_distance} for a radius query.
     */
    public static double fromCosineDistance(ScoreSpace space, double d) {
        Objects.requireNonNull(space, "space");
        if (!(d >= 0 && d <= MAX_COSINE_DISTANCE)) {
            throw new IllegalArgumentException("cosine distance must be in [0, 2], got " + d);
        }
        return switch (space) {
            case COSINE_DISTANCE -> d;
            case SQUARED_L2 -> 2.0 * d;
            case OPENSEARCH_COSINESIMIL_SCORE -> 1.0 - d / 2.0;
            case OPENSEARCH_L2_SCORE -> 1.0 / (1.0 + 2.0 * d);
            case OPENSEARCH_LUCENE_INNERPRODUCT_SCORE -> {
                double ip = 1.0 - d;
                yield ip > 0 ? ip + 1.0 : 1.0 / (1.0 - ip);
            }
        };
    }

    /** Cosine distance {@code 1 - a.b} of two unit vectors, clamped to {@code [0, 2]}. */
    public static double cosineDistance(float[] a, float[] b) {
        return clamp(1.0 - dot(a, b));
    }

    /** Cosine distance {@code 1 - cos(a, b)} of two vectors of any non-zero length. */
    public static double cosineDistanceUnnormalised(float[] a, float[] b) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("cosine distance is undefined for a zero vector");
        }
        return clamp(1.0 - dot(a, b) / (na * nb));
    }

    /** Dot product accumulated in double. */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** A copy of {@code v} scaled to unit Euclidean length; a zero vector is rejected. */
    public static float[] normalise(float[] v) {
        double n = Math.sqrt(dot(v, v));
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("cannot normalise a vector of length " + n);
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }

    public static double clamp(double d) {
        if (d < 0) {
            return 0;
        }
        return Math.min(d, MAX_COSINE_DISTANCE);
    }
}
