package org.liveatlas.query.where;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.search.Centroids;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.search.SearchService;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.Aggregation;
import org.opensearch.client.opensearch._types.aggregations.CalendarInterval;
import org.opensearch.client.opensearch._types.aggregations.DateHistogramBucket;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;

/**
 * Counts a search's hits (or a label's cells) by study, sample, tissue, disease and deposit month with
 * the search engine's aggregations over the hits, and each group's visible cells for the fractions.
 */
@ApplicationScoped
public class WhereService {
    /** Cells counted when a search names neither k nor max_dist. */
    public static final int DEFAULT_K = 1000;

    private static final int MAX_GROUPS = 1000;
    private static final String UNSPECIFIED = "unspecified";

    private final OpenSearchClient client;
    private final SearchService search;
    private final ModelRegistry models;
    private final String index;

    WhereService(OpenSearchClient client, SearchService search, ModelRegistry models, QueryConfig config) {
        this.client = client;
        this.search = search;
        this.models = models;
        this.index = config.opensearch().cellsIndex();
    }

    /** The answer for one request. */
    public WhereAnswer where(Caller caller, WhereRequest r) {
        SearchFilters filters = r.filters() == null ? SearchFilters.none() : r.filters();
        boolean bySearch = (r.embeddings() != null && !r.embeddings().isEmpty())
                || (r.cellIds() != null && !r.cellIds().isEmpty());
        boolean byLabel = r.label() != null;
        if (bySearch == byLabel) {
            throw ApiProblem.badRequest(
                    "query-missing",
                    bySearch
                            ? "give either a search (embeddings or cell_ids) or a label, not both"
                            : "give a search (embeddings or cell_ids) or a label to count");
        }
        Query hits;
        if (byLabel) {
            if (r.label().isBlank()) {
                throw ApiProblem.badRequest("invalid-value", "label is empty; give a cell type label")
                        .with("field", "label");
            }
            if (r.k() != null || r.maxDist() != null) {
                throw ApiProblem.badRequest("invalid-value", "k and max_dist apply to searches, not to a label");
            }
            Query label = Query.of(q -> q.bool(
                    b -> b.should(s -> s.term(t -> t.field("author_label").value(FieldValue.of(r.label()))))
                            .should(s -> s.term(t -> t.field("predicted_label").value(FieldValue.of(r.label()))))
                            .minimumShouldMatch("1")));
            hits = CellIndex.filter(caller, filters, false, label);
        } else {
            List<float[]> queries = search.queries(caller, r.embeddings(), r.cellIds());
            float[] q = queries.size() == 1 ? queries.get(0) : Centroids.meanDirection(queries.toArray(new float[0][]));
            Query filter = CellIndex.filter(caller, filters, false, null);
            if (r.maxDist() != null) {
                if (r.k() != null) {
                    throw ApiProblem.badRequest("invalid-value", "give k or max_dist, not both");
                }
                if (!(r.maxDist() > 0 && r.maxDist() <= 2)) {
                    throw ApiProblem.badRequest(
                                    "invalid-value", "max_dist " + r.maxDist() + " is not a cosine distance in (0, 2]")
                            .with("field", "max_dist");
                }
                hits = CellIndex.radial(q, r.maxDist(), filter);
            } else {
                hits = CellIndex.knn(q, search.checkK(r.k() == null ? DEFAULT_K : r.k()), filter);
            }
        }
        Aggregated found = aggregate(hits);
        Aggregated all = aggregate(CellIndex.filter(caller, filters, false, null));
        return new WhereAnswer(
                models.servingVersion().orElse(null),
                found.total,
                groups(found.byStudy, all.byStudy, found.total),
                groups(found.bySample, all.bySample, found.total),
                groups(found.byTissue, all.byTissue, found.total),
                groups(found.byDisease, all.byDisease, found.total),
                groups(found.byMonth, all.byMonth, found.total));
    }

    private static List<WhereAnswer.Group> groups(
            Map<List<String>, Long> hits, Map<List<String>, Long> all, long total) {
        List<WhereAnswer.Group> out = new ArrayList<>();
        hits.forEach((key, n) -> {
            long groupCells = all.getOrDefault(key, n);
            String name = key.get(key.size() - 1);
            String study = key.size() > 1 ? key.get(0) : null;
            out.add(new WhereAnswer.Group(
                    name, study, n, total == 0 ? 0 : (double) n / total, groupCells, (double) n / groupCells));
        });
        out.sort((a, b) -> Long.compare(b.hits(), a.hits()));
        return out;
    }

    private Aggregated aggregate(Query query) {
        Map<String, Aggregation> aggs = new HashMap<>();
        aggs.put("study", Aggregation.of(a -> a.terms(t -> t.field("study_id").size(MAX_GROUPS))
                .aggregations(
                        "sample",
                        s -> s.terms(t -> t.field("sample").size(MAX_GROUPS).missing(FieldValue.of(UNSPECIFIED))))));
        aggs.put("tissue", terms("tissue"));
        aggs.put("disease", terms("disease"));
        aggs.put(
                "month",
                Aggregation.of(a -> a.dateHistogram(d -> d.field("ingest_time")
                        .calendarInterval(CalendarInterval.Month)
                        .format("yyyy-MM")
                        .minDocCount(1))));
        SearchResponse<Void> r;
        try {
            r = client.search(
                    s -> s.index(index)
                            .size(0)
                            .trackTotalHits(t -> t.enabled(true))
                            .query(query)
                            .aggregations(aggs),
                    Void.class);
        } catch (IOException e) {
            throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
        }
        Aggregated out = new Aggregated();
        out.total = r.hits().total() == null ? 0 : r.hits().total().value();
        for (StringTermsBucket b :
                r.aggregations().get("study").sterms().buckets().array()) {
            out.byStudy.put(List.of(b.key()), b.docCount());
            for (StringTermsBucket s :
                    b.aggregations().get("sample").sterms().buckets().array()) {
                out.bySample.put(List.of(b.key(), s.key()), s.docCount());
            }
        }
        put(out.byTissue, r.aggregations().get("tissue"));
        put(out.byDisease, r.aggregations().get("disease"));
        for (DateHistogramBucket b :
                r.aggregations().get("month").dateHistogram().buckets().array()) {
            out.byMonth.put(List.of(b.keyAsString()), b.docCount());
        }
        return out;
    }

    private static Aggregation terms(String field) {
        return Aggregation.of(a -> a.terms(t -> t.field(field).size(MAX_GROUPS).missing(FieldValue.of(UNSPECIFIED))));
    }

    private static void put(Map<List<String>, Long> m, Aggregate a) {
        for (StringTermsBucket b : a.sterms().buckets().array()) {
            m.put(List.of(b.key()), b.docCount());
        }
    }

    private static final class Aggregated {
        long total;
        final Map<List<String>, Long> byStudy = new java.util.LinkedHashMap<>();
        final Map<List<String>, Long> bySample = new java.util.LinkedHashMap<>();
        final Map<List<String>, Long> byTissue = new java.util.LinkedHashMap<>();
        final Map<List<String>, Long> byDisease = new java.util.LinkedHashMap<>();
        final Map<List<String>, Long> byMonth = new java.util.LinkedHashMap<>();
    }
}
