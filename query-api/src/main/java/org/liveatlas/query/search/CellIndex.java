package org.liveatlas.query.search;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.search.Distances;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.security.VisibilityFilter;
import org.liveatlas.schemas.index.IndexMappings;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.MsearchResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.msearch.MultiSearchResponseItem;
import org.opensearch.client.opensearch.core.msearch.RequestItem;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The cells index seen through one caller's eyes: k-NN and radius searches with metadata filters and
 * the caller's visibility filter inside the k-NN query, and look-ups of stored embeddings. Scores are
 * converted to cosine distances here and nowhere else.
 */
@ApplicationScoped
public class CellIndex {
    /** How the index scores vectors: a {@code cosinesimil} field (see {@code IndexMappings}). */
    static final Distances.ScoreSpace SCORE_SPACE = Distances.ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE;

    private static final String FIELD = IndexMappings.VECTOR_FIELD;
    private static final int MSEARCH_BATCH = 64;
    private static final String EF_SEARCH = "ef_search";

    /** The order of radius hits: {@code _score} descending, then {@code study_id} and {@code cell_id}. */
    public static final List<SortOptions> RADIUS_ORDER = List.of(
            SortOptions.of(o -> o.score(sc -> sc.order(SortOrder.Desc))),
            SortOptions.of(o -> o.field(f -> f.field("study_id").order(SortOrder.Asc))),
            SortOptions.of(o -> o.field(f -> f.field("cell_id").order(SortOrder.Asc))));

    private final OpenSearchClient client;
    private final String index;
    private final EfSearchRule efSearch;

    @jakarta.inject.Inject
    CellIndex(OpenSearchClient client, QueryConfig config) {
        this(client, config.opensearch().cellsIndex(), EfSearchRule.of(config.search()));
    }

    /** Searches of {@code index} (an index or alias) whose nearest queries use {@code efSearch}. */
    public CellIndex(OpenSearchClient client, String index, EfSearchRule efSearch) {
        this.client = client;
        this.index = index;
        this.efSearch = efSearch;
    }

    /** The same searches on {@code target} (a concrete cells index) instead of the configured alias. */
    public CellIndex on(java.util.Optional<String> target) {
        return target.isEmpty() || target.get().equals(index) ? this : new CellIndex(client, target.get(), efSearch);
    }

    /** The rule giving the HNSW {@code ef_search} of each nearest query. */
    public EfSearchRule efSearchRule() {
        return efSearch;
    }

    /** Name of the index or alias searched. */
    public String index() {
        return index;
    }

    /** Cosine distance of a k-NN hit's score: the one conversion of the API. */
    public static double distance(double score) {
        return Distances.toCosineDistance(SCORE_SPACE, score);
    }

    /** The filter of every cells query: visibility, metadata filters, optionally reference cells only. */
    public static Query filter(Caller caller, SearchFilters filters, boolean referenceOnly, Query extra) {
        BoolQuery.Builder b = new BoolQuery.Builder().filter(VisibilityFilter.of(caller));
        filters.byFields().forEach((fields, values) -> {
            List<FieldValue> v = values.stream().map(FieldValue::of).toList();
            if (fields.size() == 1) {
                b.filter(q -> q.terms(t -> t.field(fields.get(0)).terms(tv -> tv.value(v))));
            } else {
                b.filter(q -> q.bool(bb -> {
                    for (String f : fields) {
                        bb.should(s -> s.terms(t -> t.field(f).terms(tv -> tv.value(v))));
                    }
                    return bb.minimumShouldMatch("1");
                }));
            }
        });
        if (referenceOnly) {
            b.filter(q -> q.term(t -> t.field("reference").value(FieldValue.of(true))));
        }
        if (extra != null) {
            b.filter(extra);
        }
        return Query.of(q -> q.bool(b.build()));
    }

    /**
     * A k-NN query for {@code k} neighbours of {@code vector} among the cells {@code filter} accepts,
     * searched with the engine's default ef_search = k. It matches exactly {@code k} cells (fewer if
     * fewer are accepted), so it suits callers that count the matched cells (aggregations); the nearest
     * search uses {@link #nearestQuery}.
     */
    public static Query knn(float[] vector, int k, Query filter) {
        return Query.of(
                q -> q.knn(kn -> kn.field(FIELD).vector(boxed(vector)).k(k).filter(filter)));
    }

    /**
     * A k-NN query for {@code k} neighbours searched with HNSW candidate list {@code efSearch} ({@code
     * "method_parameters": {"ef_search": efSearch}}). The lucene engine then matches the best {@code
     * max(k, efSearch)} cells per shard: the search's {@code size} must be {@code k} to return the k
     * nearest (as {@link #nearest} does). The filter stays inside the k-NN query (efficient filtering).
     */
    public static Query knn(float[] vector, int k, int efSearch, Query filter) {
        if (efSearch < k) {
            throw new IllegalArgumentException("ef_search " + efSearch + " is below k " + k);
        }
        return Query.of(q -> q.knn(kn -> kn.field(FIELD)
                .vector(boxed(vector))
                .k(k)
                .methodParameters(EF_SEARCH, JsonData.of(efSearch))
                .filter(filter)));
    }

    /** The k-NN query of {@link #nearest}: {@code k} neighbours with this index's ef_search rule. */
    public Query nearestQuery(float[] vector, int k, Query filter) {
        return knn(vector, k, efSearch.efSearch(k), filter);
    }

    /**
     * A radial k-NN query: every accepted cell within cosine distance {@code maxDist}. It has no
     * ef_search: for the lucene engine a radial query is Lucene's vector similarity query, which
     * follows the graph while candidates score at least {@code min_score}, and OpenSearch 2.19 refuses
     * {@code method_parameters} on it (400, "Unknown parameter 'ef_search'").
     */
    public static Query radial(float[] vector, double maxDist, Query filter) {
        // OpenSearch wants min_score > 0; max_dist 2 (every cell) maps to 0, so take the smallest positive
        float minScore = Math.max((float) Distances.fromCosineDistance(SCORE_SPACE, maxDist), Float.MIN_NORMAL);
        return Query.of(q -> q.knn(
                kn -> kn.field(FIELD).vector(boxed(vector)).minScore(minScore).filter(filter)));
    }

    /**
     * The {@code k} nearest accepted cells of each query, in order of distance, each searched with the
     * ef_search of this index's rule.
     */
    public List<List<CellHit>> nearest(List<float[]> queries, int k, Query filter) {
        List<Query> knns = new ArrayList<>(queries.size());
        for (float[] q : queries) {
            knns.add(nearestQuery(q, k, filter));
        }
        return multiSearch(knns, k, false, List.of()).stream()
                .map(HitPage::hits)
                .toList();
    }

    /** Every accepted cell within {@code maxDist} of each query, at most {@code maxHits} per query. */
    public List<List<CellHit>> radius(List<float[]> queries, double maxDist, Query filter, int maxHits) {
        return radiusPages(queries, maxDist, filter, maxHits, List.of()).stream()
                .map(HitPage::hits)
                .toList();
    }

    /**
     * One page of a radius search per query: the accepted cells within {@code maxDist} in the order
     * {@link #RADIUS_ORDER} (best score first, ties by study and cell id, so the order is total), at most
     * {@code size}, after the position {@code after} (sort values of the previous page's last hit; empty
     * for the first page).
     */
    public List<HitPage> radiusPages(
            List<float[]> queries, double maxDist, Query filter, int size, List<FieldValue> after) {
        List<Query> radial = new ArrayList<>(queries.size());
        for (float[] q : queries) {
            radial.add(radial(q, maxDist, filter));
        }
        return multiSearch(radial, size, true, after);
    }

    /**
     * A page of one query's hits.
     *
     * @param hits the page's hits
     * @param total cells the query matches now, all pages together
     * @param last sort values of the last hit, where the next page starts; empty when the page is empty
     */
    public record HitPage(List<CellHit> hits, long total, List<FieldValue> last) {}

    /** The embeddings of the given cells that the caller may see; an unknown or hidden id is a 404. */
    public Map<String, float[]> vectors(Caller caller, List<String> ids) {
        Query q = filter(caller, SearchFilters.none(), false, Query.of(x -> x.ids(i -> i.values(ids))));
        SearchResponse<VectorSource> r;
        try {
            r = client.search(
                    s -> s.index(index).size(ids.size()).query(q).source(src -> src.filter(f -> f.includes(FIELD))),
                    VectorSource.class);
        } catch (IOException e) {
            throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
        }
        Map<String, float[]> found = new LinkedHashMap<>();
        for (Hit<VectorSource> h : r.hits().hits()) {
            if (h.source() != null && h.source().embedding() != null) {
                found.put(h.id(), h.source().embedding());
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String id : ids) {
            float[] v = found.get(id);
            if (v == null) {
                throw ApiProblem.notFound(
                                "cell-not-found",
                                "cell '" + id + "' is not in the index (or not visible to this key); ids look like"
                                        + " <study>:<cell barcode>")
                        .with("cell_id", id);
            }
            out.put(id, v);
        }
        return out;
    }

    /** Number of cells {@code filter} accepts. */
    public long count(Query filter) {
        try {
            return client.count(c -> c.index(index).query(filter)).count();
        } catch (IOException e) {
            throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
        }
    }

    /** Searches each query; {@code sorted}: in {@link #RADIUS_ORDER} after {@code after}, counting all matches. */
    private List<HitPage> multiSearch(List<Query> queries, int size, boolean sorted, List<FieldValue> after) {
        List<HitPage> out = new ArrayList<>(queries.size());
        for (int from = 0; from < queries.size(); from += MSEARCH_BATCH) {
            List<RequestItem> items = new ArrayList<>();
            for (Query q : queries.subList(from, Math.min(queries.size(), from + MSEARCH_BATCH))) {
                items.add(RequestItem.of(i -> i.header(h -> h.index(index)).body(b -> {
                    b.query(q).size(size).source(src -> src.filter(f -> f.excludes(FIELD)));
                    if (sorted) {
                        b.sort(RADIUS_ORDER).trackScores(true).trackTotalHits(t -> t.enabled(true));
                        if (!after.isEmpty()) {
                            b.searchAfter(after);
                        }
                    }
                    return b;
                })));
            }
            MsearchResponse<CellMetadata> r;
            try {
                r = client.msearch(m -> m.searches(items), CellMetadata.class);
            } catch (IOException e) {
                throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
            }
            for (MultiSearchResponseItem<CellMetadata> item : r.responses()) {
                if (item.isFailure()) {
                    throw ApiProblem.of(
                            502,
                            "search-backend-error",
                            "Bad gateway",
                            "the search engine refused the query ("
                                    + item.failure().error().type() + "); check the request's values");
                }
                List<CellHit> hits = new ArrayList<>();
                List<Hit<CellMetadata>> found = item.result().hits().hits();
                for (Hit<CellMetadata> h : found) {
                    hits.add(new CellHit(h.id(), distance(h.score()), h.source()));
                }
                var total = item.result().hits().total();
                out.add(new HitPage(
                        hits,
                        total == null ? hits.size() : total.value(),
                        found.isEmpty()
                                ? List.of()
                                : found.get(found.size() - 1).sort()));
            }
        }
        return out;
    }

    static List<Float> boxed(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }
}
