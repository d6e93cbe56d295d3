package org.liveatlas.query.search;

import java.util.List;

/** Answers of the search endpoints. */
public final class SearchResults {
    private SearchResults() {}

    /**
     * The hits of one query vector.
     *
     * @param query position of the query in the request
     * @param cellId the query's cell id when the request named cells
     * @param hits hits by ascending cosine distance
     * @param truncated whether a radius search stopped at its hit limit
     */
    public record QueryHits(int query, String cellId, List<CellHit> hits, boolean truncated) {}

    /** Nearest or radius search answer. */
    public record Hits(String modelVersion, List<QueryHits> results) {}

    /**
     * Centroid or signature search answer.
     *
     * @param method how the centroid was built: {@code summed_counts} (SCimilarity's: the query cells' raw
     *     counts summed, log-normalised and embedded as one cell) or {@code embedding_mean} (the mean
     *     direction of the query cells' embeddings)
     * @param queryCells cells the centroid was built from
     * @param centroid the centroid's embedding (unit vector)
     * @param hits its nearest cells
     * @param queryCoherence SCimilarity's coherence: mean overlap (0..100) of cluster-mean searches with the hits
     * @param queryCoherenceFraction the coherence over the neighbours searched per cluster, in [0, 1]
     */
    public record Centroid(
            String modelVersion,
            String method,
            int queryCells,
            float[] centroid,
            List<CellHit> hits,
            double queryCoherence,
            double queryCoherenceFraction) {}
}
