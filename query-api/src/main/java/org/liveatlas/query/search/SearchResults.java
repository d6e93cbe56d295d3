package org.liveatlas.query.search;

import com.fasterxml.jackson.annotation.JsonInclude;
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
     * @param truncated whether more hits follow (a radius search stopped at its page size)
     * @param totalHits radius search: every cell within the distance, all pages together
     * @param nextCursor radius search: send as {@code cursor} with the same request for this query's next
     *     page; absent on the last page
     */
    public record QueryHits(
            int query,
            String cellId,
            List<CellHit> hits,
            boolean truncated,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long totalHits,
            @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {}

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
