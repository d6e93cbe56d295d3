package org.liveatlas.query.where;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.TransientException;
import org.liveatlas.core.search.Centroids;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.paging.Cursor;
import org.liveatlas.query.paging.PageLimit;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.search.SearchService;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Time;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.Aggregation;
import org.opensearch.client.opensearch._types.aggregations.CalendarInterval;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregate;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregationSource;
import org.opensearch.client.opensearch._types.aggregations.CompositeBucket;
import org.opensearch.client.opensearch._types.aggregations.DateHistogramBucket;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.util.ObjectBuilder;

/**
 * Counts a search's hits (or a label's cells) by study, sample, tissue, disease and deposit month with
 * the search engine's aggregations over the hits, and each group's visible cells for the fractions.
 * Every group of the hits is enumerated (composite aggregations paged to the end), so totals and the
 * order are exact; an answer holds one page of each grouping, and its cursor gives the next page of each.
 */
@ApplicationScoped
public class WhereService {
    /** Cells counted when a search names neither k nor max_dist. */
    public static final int DEFAULT_K = 1000;
    /** Groups per grouping in one answer when the request names no group_limit. */
    public static final int DEFAULT_GROUP_LIMIT = 100;
    /** Most groups per grouping in one answer. */
    public static final int MAX_GROUP_LIMIT = 10_000;

    /** Buckets per grouping in one composite aggregation request (five groupings stay under max_buckets). */
    static final int COMPOSITE_PAGE = 5000;

    private static final String LIST = "where";
    private static final String UNSPECIFIED = "unspecified";
    private static final String MISSING = "missing";

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

    /** The ways hits are grouped, with their names in the answer. */
    enum Grouping {
        STUDY("by_study"),
        SAMPLE("by_sample"),
        TISSUE("by_tissue"),
        DISEASE("by_disease"),
        DEPOSIT_MONTH("by_deposit_month");

        final String wire;

        Grouping(String wire) {
            this.wire = wire;
        }

        /** The composite aggregation's sources: study (and sample), or one value. */
        List<Map<String, CompositeAggregationSource>> sources() {
            return switch (this) {
                case STUDY -> List.of(terms("study", "study_id"));
                case SAMPLE -> List.of(terms("study", "study_id"), terms("value", "sample"));
                case TISSUE -> List.of(terms("value", "tissue"));
                case DISEASE -> List.of(terms("value", "disease"));
                case DEPOSIT_MONTH -> List.of(Map.of(
                        "value",
                        CompositeAggregationSource.of(c -> c.dateHistogram(d -> d.field("ingest_time")
                                .calendarInterval(Time.of(t -> t.time("1M")))
                                .format("yyyy-MM")))));
            };
        }

        /** The key of a composite bucket: [study], [study, sample] or [value], a missing value as unspecified. */
        List<String> key(Map<String, FieldValue> bucket) {
            return switch (this) {
                case STUDY -> List.of(text(bucket.get("study")));
                case SAMPLE -> List.of(text(bucket.get("study")), text(bucket.get("value")));
                default -> List.of(text(bucket.get("value")));
            };
        }

        private static Map<String, CompositeAggregationSource> terms(String name, String field) {
            // the study id is always there; other values may be missing, counted as unspecified
            boolean missing = !field.equals("study_id");
            return Map.of(
                    name,
                    CompositeAggregationSource.of(
                            c -> c.terms(t -> t.field(field).missingBucket(missing))));
        }

        private static String text(FieldValue v) {
            return v == null || v.isNull() ? UNSPECIFIED : v.isString() ? v.stringValue() : v._toJsonString();
        }
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
        // a pinned version counts in its own index; a label alone needs no model
        SearchService.Pin pin = bySearch || r.modelVersion() != null ? search.pin(r.modelVersion()) : null;
        String target = pin == null ? index : pin.target();
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
            List<float[]> queries = search.queries(pin, caller, r.embeddings(), r.cellIds());
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
        int limit = PageLimit.of("group_limit", r.groupLimit(), DEFAULT_GROUP_LIMIT, MAX_GROUP_LIMIT);
        String version = pin == null ? models.servingVersion().orElse(null) : pin.version();
        String request = Cursor.fingerprint(
                caller, version, r.label(), r.k(), r.maxDist(), r.embeddings(), r.cellIds(), filters.byFields());
        long offset = r.cursor() == null
                ? 0
                : Cursor.decode(r.cursor(), LIST, request).offset();

        Enumerated found = enumerate(target, hits);
        Map<Grouping, List<Map.Entry<List<String>, Long>>> pages = new EnumMap<>(Grouping.class);
        Map<String, Long> totals = new LinkedHashMap<>();
        boolean more = false;
        for (Grouping g : Grouping.values()) {
            List<Map.Entry<List<String>, Long>> all =
                    new ArrayList<>(found.groups.get(g).entrySet());
            all.sort(WhereService::byHits);
            totals.put(g.wire, (long) all.size());
            int from = (int) Math.min(offset, all.size());
            int to = (int) Math.min(offset + limit, all.size());
            pages.put(g, all.subList(from, to));
            more |= to < all.size();
        }
        Map<Grouping, Map<List<String>, Long>> cells =
                groupCells(target, CellIndex.filter(caller, filters, false, null), pages);
        Map<Grouping, List<WhereAnswer.Group>> out = new EnumMap<>(Grouping.class);
        pages.forEach((g, page) -> out.put(g, groups(page, cells.get(g), found.total)));
        String next = more ? new Cursor(LIST, request, 0, offset + limit, List.of()).encode() : null;
        return new WhereAnswer(
                version,
                found.total,
                out.get(Grouping.STUDY),
                out.get(Grouping.SAMPLE),
                out.get(Grouping.TISSUE),
                out.get(Grouping.DISEASE),
                out.get(Grouping.DEPOSIT_MONTH),
                totals,
                next);
    }

    private static List<WhereAnswer.Group> groups(
            List<Map.Entry<List<String>, Long>> page, Map<List<String>, Long> all, long total) {
        List<WhereAnswer.Group> out = new ArrayList<>(page.size());
        for (Map.Entry<List<String>, Long> e : page) {
            List<String> key = e.getKey();
            long n = e.getValue();
            long groupCells = all.getOrDefault(key, n);
            String name = key.get(key.size() - 1);
            String study = key.size() > 1 ? key.get(0) : null;
            out.add(new WhereAnswer.Group(
                    name, study, n, total == 0 ? 0 : (double) n / total, groupCells, (double) n / groupCells));
        }
        return out;
    }

    /** Most hits first; ties by study and key, so pages cut the same order every time. */
    private static int byHits(Map.Entry<List<String>, Long> a, Map.Entry<List<String>, Long> b) {
        int c = Long.compare(b.getValue(), a.getValue());
        for (int i = 0; c == 0 && i < a.getKey().size(); i++) {
            c = a.getKey().get(i).compareTo(b.getKey().get(i));
        }
        return c;
    }

    /** Every group of the cells {@code query} matches, per grouping, and their number. */
    private Enumerated enumerate(String index, Query query) {
        Enumerated out = new Enumerated();
        Map<Grouping, Map<String, FieldValue>> after = new EnumMap<>(Grouping.class);
        List<Grouping> open = new ArrayList<>(List.of(Grouping.values()));
        boolean first = true;
        while (!open.isEmpty()) {
            Map<String, Aggregation> aggs = new HashMap<>();
            for (Grouping g : open) {
                Map<String, FieldValue> from = after.get(g);
                aggs.put(
                        g.wire,
                        Aggregation.of(a -> a.composite(c -> {
                            c.size(COMPOSITE_PAGE).sources(g.sources());
                            if (from != null) {
                                c.after(from);
                            }
                            return c;
                        })));
            }
            boolean counting = first;
            SearchResponse<Void> r = search(s -> s.index(index)
                    .size(0)
                    .trackTotalHits(t -> t.enabled(counting))
                    .query(query)
                    .aggregations(aggs));
            if (first) {
                out.total = r.hits().total() == null ? 0 : r.hits().total().value();
                first = false;
            }
            for (Grouping g : List.copyOf(open)) {
                CompositeAggregate c = r.aggregations().get(g.wire).composite();
                Map<List<String>, Long> groups = out.groups.get(g);
                for (CompositeBucket b : c.buckets().array()) {
                    groups.merge(g.key(b.key()), b.docCount(), Long::sum);
                }
                if (c.buckets().array().size() < COMPOSITE_PAGE || c.afterKey().isEmpty()) {
                    open.remove(g);
                } else {
                    after.put(g, c.afterKey());
                }
            }
        }
        return out;
    }

    /**
     * The visible cells (all of them, hits or not) of the groups on the pages: terms aggregations kept to
     * the pages' values, so every bucket asked for comes back, and the cells without a value counted apart.
     */
    private Map<Grouping, Map<List<String>, Long>> groupCells(
            String index, Query all, Map<Grouping, List<Map.Entry<List<String>, Long>>> pages) {
        Map<Grouping, Map<List<String>, Long>> out = new EnumMap<>(Grouping.class);
        Map<String, Aggregation> aggs = new HashMap<>();
        for (Grouping g : Grouping.values()) {
            out.put(g, new HashMap<>());
            List<List<String>> keys =
                    pages.get(g).stream().map(Map.Entry::getKey).toList();
            if (keys.isEmpty()) {
                continue;
            }
            switch (g) {
                case STUDY -> aggs.put(g.wire, values("study_id", distinct(keys, 0)));
                case SAMPLE -> aggs.put(g.wire, Aggregation.of(a -> a.terms(t -> t.field("study_id")
                                .include(i -> i.terms(distinct(keys, 0)))
                                .size(distinct(keys, 0).size()))
                        .aggregations("value", values("sample", distinct(keys, 1)))
                        .aggregations(MISSING, m -> m.missing(x -> x.field("sample")))));
                case TISSUE, DISEASE -> {
                    String field = g == Grouping.TISSUE ? "tissue" : "disease";
                    aggs.put(g.wire, values(field, distinct(keys, 0)));
                    aggs.put(g.wire + "_" + MISSING, Aggregation.of(a -> a.missing(m -> m.field(field))));
                }
                case DEPOSIT_MONTH -> aggs.put(
                        g.wire,
                        // months are few: all of them, no restriction needed
                        Aggregation.of(a -> a.dateHistogram(d -> d.field("ingest_time")
                                .calendarInterval(CalendarInterval.Month)
                                .format("yyyy-MM")
                                .minDocCount(1))));
            }
        }
        if (aggs.isEmpty()) {
            return out;
        }
        SearchResponse<Void> r = search(s -> s.index(index).size(0).query(all).aggregations(aggs));
        Map<String, Aggregate> got = r.aggregations();
        if (got.containsKey(Grouping.STUDY.wire)) {
            for (StringTermsBucket b :
                    got.get(Grouping.STUDY.wire).sterms().buckets().array()) {
                out.get(Grouping.STUDY).put(List.of(b.key()), b.docCount());
            }
        }
        if (got.containsKey(Grouping.SAMPLE.wire)) {
            for (StringTermsBucket b :
                    got.get(Grouping.SAMPLE.wire).sterms().buckets().array()) {
                Map<List<String>, Long> m = out.get(Grouping.SAMPLE);
                for (StringTermsBucket x :
                        b.aggregations().get("value").sterms().buckets().array()) {
                    m.merge(List.of(b.key(), x.key()), x.docCount(), Long::sum);
                }
                long missing = b.aggregations().get(MISSING).missing().docCount();
                if (missing > 0) {
                    m.merge(List.of(b.key(), UNSPECIFIED), missing, Long::sum);
                }
            }
        }
        for (Grouping g : List.of(Grouping.TISSUE, Grouping.DISEASE)) {
            if (got.containsKey(g.wire)) {
                Map<List<String>, Long> m = out.get(g);
                for (StringTermsBucket b : got.get(g.wire).sterms().buckets().array()) {
                    m.merge(List.of(b.key()), b.docCount(), Long::sum);
                }
                long missing = got.get(g.wire + "_" + MISSING).missing().docCount();
                if (missing > 0) {
                    m.merge(List.of(UNSPECIFIED), missing, Long::sum);
                }
            }
        }
        if (got.containsKey(Grouping.DEPOSIT_MONTH.wire)) {
            for (DateHistogramBucket b : got.get(Grouping.DEPOSIT_MONTH.wire)
                    .dateHistogram()
                    .buckets()
                    .array()) {
                out.get(Grouping.DEPOSIT_MONTH).put(List.of(b.keyAsString()), b.docCount());
            }
        }
        return out;
    }

    /** Cells per value of {@code field}, for exactly these values (size = their number: every one comes back). */
    private static Aggregation values(String field, List<String> values) {
        return Aggregation.of(
                a -> a.terms(t -> t.field(field).include(i -> i.terms(values)).size(values.size())));
    }

    private static List<String> distinct(List<List<String>> keys, int part) {
        return keys.stream().map(k -> k.get(part)).distinct().toList();
    }

    private SearchResponse<Void> search(
            java.util.function.Function<SearchRequest.Builder, ObjectBuilder<SearchRequest>> request) {
        try {
            return client.search(request, Void.class);
        } catch (IOException e) {
            throw new TransientException("cells index " + index + " did not answer: " + e.getMessage(), e);
        }
    }

    private static final class Enumerated {
        long total;
        final Map<Grouping, Map<List<String>, Long>> groups = new EnumMap<>(Grouping.class);

        Enumerated() {
            for (Grouping g : Grouping.values()) {
                groups.put(g, new HashMap<>());
            }
        }
    }
}
