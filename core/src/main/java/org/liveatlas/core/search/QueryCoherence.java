package org.liveatlas.core.search;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * SCimilarity's query coherence of a centroid search: how well the centroid's hits represent the
 * query cells it was built from.
 *
 * <p>Definition (SCimilarity {@code search_centroid_nearest} / {@code search_centroid_exhaustive},
 * {@code qc_stats["query_coherence"]}): cluster the query cells' embeddings by k-means into
 * {@code k_clusters} (default 10) clusters; from each cluster mean, search the {@code 100} nearest
 * reference cells (no filter, plain nearest search); count how many of those are among the
 * centroid search's hits; the coherence is the mean of these counts over the clusters. It is a
 * count between 0 and 100, not a fraction: a coherent query scores near 100, a query mixing
 * unrelated cells scores low.
 *
 * @param queryCoherence mean overlap count over the clusters
 * @param overlaps per cluster, how many of its nearest cells are among the centroid's hits
 * @param clusterSizes query cells per cluster
 * @param neighbours cells searched per cluster mean
 */
public record QueryCoherence(double queryCoherence, int[] overlaps, int[] clusterSizes, int neighbours) {

    public QueryCoherence {
        overlaps = overlaps.clone();
        clusterSizes = clusterSizes.clone();
        if (overlaps.length != clusterSizes.length || overlaps.length == 0) {
            throw new IllegalArgumentException("need one overlap per cluster, at least one cluster");
        }
    }

    @Override
    public int[] overlaps() {
        return overlaps.clone();
    }

    @Override
    public int[] clusterSizes() {
        return clusterSizes.clone();
    }

    /** The coherence as a fraction of the neighbours searched per cluster, in [0, 1]. */
    public double fraction() {
        return queryCoherence / neighbours;
    }

    /**
     * Computes the coherence with SCimilarity's defaults: 10 clusters (seed 4) and 100 neighbours.
     *
     * @param search the reference searched by the centroid search
     * @param queryCells embeddings (unit vectors) of the cells the centroid was built from
     * @param centroidHitIds ids of the centroid search's hits
     */
    public static QueryCoherence compute(
            NeighbourSearch search, float[][] queryCells, Collection<String> centroidHitIds) {
        return compute(
                search,
                queryCells,
                centroidHitIds,
                KMeans.Options.of(SearchDefaults.COHERENCE_CLUSTERS),
                SearchDefaults.COHERENCE_K);
    }

    /** Computes the coherence with the given k-means options and neighbours per cluster mean. */
    public static QueryCoherence compute(
            NeighbourSearch search,
            float[][] queryCells,
            Collection<String> centroidHitIds,
            KMeans.Options kmeans,
            int neighbours) {
        Objects.requireNonNull(search, "search");
        Objects.requireNonNull(centroidHitIds, "centroidHitIds");
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1, got " + neighbours);
        }
        KMeans.Result clusters = KMeans.cluster(queryCells, kmeans);
        float[][] means = clusters.centroids();
        float[][] queries = new float[means.length][];
        for (int j = 0; j < means.length; j++) {
            queries[j] = Centroids.meanDirection(new float[][] {means[j]});
        }
        Set<String> hits = new HashSet<>(centroidHitIds);
        List<List<Hit>> near = search.nearest(queries, neighbours, HitFilter.ALL);
        int[] overlaps = new int[queries.length];
        for (int j = 0; j < queries.length; j++) {
            for (Hit h : near.get(j)) {
                if (hits.contains(h.id())) {
                    overlaps[j]++;
                }
            }
        }
        double mean = Arrays.stream(overlaps).average().orElseThrow();
        return new QueryCoherence(mean, overlaps, clusters.sizes(), neighbours);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryCoherence q
                && Double.compare(queryCoherence, q.queryCoherence) == 0
                && Arrays.equals(overlaps, q.overlaps)
                && Arrays.equals(clusterSizes, q.clusterSizes)
                && neighbours == q.neighbours;
    }

    @Override
    public int hashCode() {
        return Objects.hash(queryCoherence, Arrays.hashCode(overlaps), Arrays.hashCode(clusterSizes), neighbours);
    }

    @Override
    public String toString() {
        return "QueryCoherence[" + queryCoherence + " of " + neighbours + ", overlaps=" + Arrays.toString(overlaps)
                + "]";
    }
}
