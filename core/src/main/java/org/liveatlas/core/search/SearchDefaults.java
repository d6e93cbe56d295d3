package org.liveatlas.core.search;

/** SCimilarity's default search parameters, named once so every caller uses the same values. */
public final class SearchDefaults {

    /** {@code search_nearest}'s default k. */
    public static final int NEAREST_K = 10_000;

    /** {@code search_exhaustive}'s default {@code max_dist} (cosine distance). */
    public static final double EXHAUSTIVE_MAX_DIST = 0.03;

    /** Neighbours searched from each query-cell cluster centroid for the query coherence. */
    public static final int COHERENCE_K = 100;

    /** {@code qc_params["k_clusters"]}: clusters of query cells for the query coherence. */
    public static final int COHERENCE_CLUSTERS = 10;

    /** {@code random_seed} of SCimilarity's centroid searches, given to k-means. */
    public static final long KMEANS_SEED = 4;

    private SearchDefaults() {}
}
