package org.liveatlas.query.search;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.liveatlas.core.search.Centroids;
import org.liveatlas.core.search.KMeans;
import org.liveatlas.core.search.QueryCoherence;
import org.liveatlas.core.search.SearchDefaults;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.paging.Cursor;
import org.liveatlas.query.paging.PageLimit;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/** Nearest, radius and centroid searches over the caller's visible cells. */
@ApplicationScoped
public class SearchService {
    private static final String RADIUS = "radius";

    private final CellIndex index;
    private final ModelRegistry models;
    private final QueryConfig config;

    SearchService(CellIndex index, ModelRegistry models, QueryConfig config) {
        this.index = index;
        this.models = models;
        this.config = config;
    }

    /** The k nearest visible cells of each query. */
    public SearchResults.Hits nearest(Caller caller, SearchRequests.Nearest r) {
        int k = checkK(r.k() == null ? config.search().defaultK() : r.k());
        Pin pin = pin(r.modelVersion());
        List<float[]> queries = queries(pin, caller, r.embeddings(), r.cellIds());
        Query filter = CellIndex.filter(caller, filters(r.filters()), false, null);
        List<List<CellHit>> hits = pin.index().nearest(queries, k, filter);
        return new SearchResults.Hits(pin.version(), wrap(hits, r.cellIds()));
    }

    /**
     * The model a search runs with and the index it searches: the serving version behind the cells alias, or
     * the version a request pins ({@code model_version}) on its own index {@code cells-<version>}.
     */
    public record Pin(String version, CellIndex index, String target, int dim) {}

    /** The serving model (no version asked) or the pinned one; 404/409/410 problems for a version that cannot serve. */
    public Pin pin(String modelVersion) {
        if (modelVersion == null || modelVersion.isBlank()) {
            LoadedModel m = models.current();
            return new Pin(
                    m.version(),
                    index,
                    config.opensearch().cellsIndex(),
                    m.encoder().latentDim());
        }
        try (LoadedModel.Lease lease = models.lease(java.util.Optional.of(modelVersion))) {
            return pin(lease);
        }
    }

    /** The model and index of a lease a caller holds. */
    public Pin pin(LoadedModel.Lease lease) {
        return new Pin(
                lease.model().version(),
                index.on(lease.index()),
                lease.index().orElse(config.opensearch().cellsIndex()),
                lease.model().encoder().latentDim());
    }

    /**
     * Every visible cell within {@code max_dist} of each query, a page of at most {@code limit} per query;
     * with a cursor, the next page of the one query it names.
     */
    public SearchResults.Hits radius(Caller caller, SearchRequests.Radius r) {
        double maxDist = r.maxDist() == null ? SearchDefaults.EXHAUSTIVE_MAX_DIST : r.maxDist();
        if (!(maxDist > 0 && maxDist <= 2)) {
            throw ApiProblem.badRequest(
                            "invalid-value",
                            "max_dist " + maxDist + " is not a cosine distance in (0, 2]; SCimilarity's default is "
                                    + SearchDefaults.EXHAUSTIVE_MAX_DIST)
                    .with("field", "max_dist");
        }
        int max = config.search().maxRadiusHits();
        int limit = PageLimit.of("limit", r.limit(), max, max);
        SearchFilters filters = filters(r.filters());
        Pin pin = pin(r.modelVersion());
        String version = pin.version();
        String request = Cursor.fingerprint(caller, version, r.embeddings(), r.cellIds(), maxDist, filters.byFields());
        Cursor from = r.cursor() == null
                ? null
                : Cursor.decode(
                        r.cursor(),
                        RADIUS,
                        request,
                        FieldValue.Kind.Double,
                        FieldValue.Kind.String,
                        FieldValue.Kind.String);
        List<float[]> queries = queries(pin, caller, r.embeddings(), r.cellIds());
        Query filter = CellIndex.filter(caller, filters, false, null);
        List<SearchResults.QueryHits> out = new ArrayList<>();
        if (from == null) {
            List<CellIndex.HitPage> pages = pin.index().radiusPages(queries, maxDist, filter, limit, List.of());
            for (int i = 0; i < pages.size(); i++) {
                out.add(page(request, i, queryId(r.cellIds(), i), pages.get(i), 0, limit));
            }
        } else {
            int i = from.query();
            if (i >= queries.size()) {
                throw Cursor.invalid(r.cursor(), "names query " + i + " of a request with " + queries.size());
            }
            CellIndex.HitPage page = pin.index()
                    .radiusPages(List.of(queries.get(i)), maxDist, filter, limit, from.after())
                    .get(0);
            out.add(page(request, i, queryId(r.cellIds(), i), page, from.offset(), limit));
        }
        return new SearchResults.Hits(version, out);
    }

    private static SearchResults.QueryHits page(
            String request, int query, String cellId, CellIndex.HitPage page, long seen, int limit) {
        long through = seen + page.hits().size();
        boolean more = page.hits().size() == limit && through < page.total();
        String next = more ? new Cursor(RADIUS, request, query, through, page.last()).encode() : null;
        return new SearchResults.QueryHits(query, cellId, page.hits(), more, page.total(), next);
    }

    private static String queryId(List<String> cellIds, int i) {
        return cellIds == null || cellIds.isEmpty() ? null : cellIds.get(i);
    }

    /** The nearest cells of the centroid of the query cells, with the query coherence. */
    public SearchResults.Centroid centroid(Caller caller, SearchRequests.Centroid r) {
        if (CentroidMethod.parse(r.method(), CentroidMethod.EMBEDDING_MEAN) != CentroidMethod.EMBEDDING_MEAN) {
            throw ApiProblem.badRequest(
                            "method-needs-counts",
                            "method summed_counts (SCimilarity's) sums the query cells' raw counts; post 'counts' or"
                                    + " upload a file, or use method embedding_mean with embeddings or cell_ids")
                    .with("field", "method");
        }
        int k = checkK(r.k() == null ? config.search().defaultK() : r.k());
        Pin pin = pin(r.modelVersion());
        List<float[]> queries = queries(pin, caller, r.embeddings(), r.cellIds());
        return centroidOf(pin, caller, queries, k, filters(r.filters()));
    }

    /** Centroid search from already embedded query cells (unit vectors) on the pin's index. */
    public SearchResults.Centroid centroidOf(
            Pin pin, Caller caller, List<float[]> cells, int k, SearchFilters filters) {
        float[][] vectors = cells.toArray(new float[0][]);
        float[] centroid;
        try {
            centroid = Centroids.meanDirection(vectors);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.unprocessable(
                    "no-centroid", "the query cells' embeddings cancel out; their centroid has no direction");
        }
        return search(pin, caller, CentroidMethod.EMBEDDING_MEAN, centroid, vectors, k, filters);
    }

    /**
     * Searches a centroid already built ({@code method} says how) on the leased model's index; the query
     * coherence comes from the query cells' own embeddings.
     */
    public SearchResults.Centroid searchCentroid(
            LoadedModel.Lease lease,
            Caller caller,
            CentroidMethod method,
            float[] centroid,
            List<float[]> cells,
            int k,
            SearchFilters filters) {
        return search(pin(lease), caller, method, centroid, cells.toArray(new float[0][]), k, filters);
    }

    private SearchResults.Centroid search(
            Pin pin,
            Caller caller,
            CentroidMethod method,
            float[] centroid,
            float[][] vectors,
            int k,
            SearchFilters filters) {
        Query filter = CellIndex.filter(caller, filters, false, null);
        CellIndex index = pin.index();
        List<CellHit> hits = index.nearest(List.of(centroid), k, filter).get(0);
        IndexNeighbourSearch search = new IndexNeighbourSearch(
                index, filter, centroid.length, config.search().maxRadiusHits());
        // k-means takes at most as many clusters as there are query cells
        KMeans.Options kmeans = KMeans.Options.of(SearchDefaults.COHERENCE_CLUSTERS);
        QueryCoherence coherence = QueryCoherence.compute(
                search, vectors, hits.stream().map(CellHit::id).toList(), kmeans, SearchDefaults.COHERENCE_K);
        return new SearchResults.Centroid(
                pin.version(),
                method.wire(),
                vectors.length,
                centroid,
                hits,
                coherence.queryCoherence(),
                coherence.fraction());
    }

    /** Checks a k against the configured maximum. */
    public int checkK(int k) {
        int max = config.search().maxK();
        if (k < 1 || k > max) {
            throw ApiProblem.badRequest(
                            "k-out-of-range",
                            "k = " + k + " is out of range; ask for 1 to " + max
                                    + " neighbours (atlas.query.search.max-k)")
                    .with("field", "k")
                    .with("limit", max);
        }
        return k;
    }

    /** Resolves query vectors against the pinned model's dimension; cell ids are read from its index. */
    public List<float[]> queries(Pin pin, Caller caller, List<float[]> embeddings, List<String> cellIds) {
        return QueryVectors.resolve(
                embeddings, cellIds, pin.dim(), config.search().maxQueries(), pin.index(), caller);
    }

    static SearchFilters filters(SearchFilters f) {
        return f == null ? SearchFilters.none() : f;
    }

    private static List<SearchResults.QueryHits> wrap(List<List<CellHit>> hits, List<String> cellIds) {
        List<SearchResults.QueryHits> out = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            out.add(new SearchResults.QueryHits(i, queryId(cellIds, i), hits.get(i), false, null, null));
        }
        return out;
    }
}
