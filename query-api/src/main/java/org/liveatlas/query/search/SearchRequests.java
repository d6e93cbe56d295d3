package org.liveatlas.query.search;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.liveatlas.query.annotate.JsonCounts;

/** Bodies of the search endpoints (snake_case JSON). */
public final class SearchRequests {
    private SearchRequests() {}

    /**
     * {@code POST /v1/search/nearest}.
     *
     * @param embeddings query vectors (one of this and {@code cellIds})
     * @param cellIds ids of indexed cells whose embeddings are the queries
     * @param k neighbours per query, 1 to {@code atlas.query.search.max-k}
     * @param filters metadata filters applied inside the k-NN query
     * @param modelVersion pin a model version: search its own cells index (embeddings must come from it); absent:
     *     the serving version
     */
    @Schema(name = "NearestRequest")
    public record Nearest(
            List<float[]> embeddings, List<String> cellIds, Integer k, SearchFilters filters, String modelVersion) {}

    /**
     * {@code POST /v1/search/radius}: SCimilarity's exhaustive search.
     *
     * @param maxDist cosine distance limit, in (0, 2]; default 0.03
     * @param limit hits per query in one answer, 1 to {@code atlas.query.search.max-radius-hits} (the default)
     * @param cursor a query result's {@code next_cursor}, sent with the same request: the next page of that query
     * @param modelVersion pin a model version (see {@link Nearest})
     */
    @Schema(name = "RadiusRequest")
    public record Radius(
            List<float[]> embeddings,
            List<String> cellIds,
            Double maxDist,
            SearchFilters filters,
            Integer limit,
            String cursor,
            String modelVersion) {}

    /**
     * {@code POST /v1/search/centroid}: the centroid of the given cells, searched for its {@code k}
     * nearest cells, with the query coherence. The cells come as exactly one of {@code embeddings},
     * {@code cellIds} (indexed cells) and {@code counts} (raw counts, as for {@code /v1/annotate}).
     *
     * @param counts raw counts of query cells
     * @param cells with {@code counts}: the cell ids to use (default all)
     * @param modelVersion pin a model version: counts are embedded with it and its own index searched
     * @param method {@code summed_counts} (SCimilarity's, the default with counts) or {@code embedding_mean}
     *     (the only one for embeddings and cell ids)
     */
    @Schema(name = "CentroidRequest")
    public record Centroid(
            List<float[]> embeddings,
            List<String> cellIds,
            JsonCounts counts,
            List<String> cells,
            String method,
            Integer k,
            SearchFilters filters,
            String modelVersion) {}
}
