package org.liveatlas.query.studies;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.liveatlas.core.TransientException;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.CurrentCaller;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregate;
import org.opensearch.client.opensearch._types.aggregations.CompositeAggregationSource;
import org.opensearch.client.opensearch._types.aggregations.CompositeBucket;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;

/**
 * {@code GET /v1/atlas}: the atlas at a glance for the caller: cells, studies and cells per label, every
 * label counted (composite aggregations paged to the end, not a top-n).
 */
@Path("/v1/atlas")
@Produces(MediaType.APPLICATION_JSON)
public class AtlasResource {
    /** Buckets per composite aggregation request. */
    static final int COMPOSITE_PAGE = 5000;

    @Inject
    OpenSearchClient client;

    @Inject
    QueryConfig config;

    @Inject
    CurrentCaller caller;

    /**
     * The summary.
     *
     * @param cells visible cells in the index
     * @param studies visible studies with cells in the index
     * @param labels visible cells per author label (reference labels), most frequent first: every label
     * @param labelsTotal number of labels
     */
    @Schema(name = "AtlasSummary")
    public record Summary(long cells, long studies, Map<String, Long> labels, long labelsTotal) {}

    @GET
    @Operation(summary = "Visible cells, studies and cells per label")
    public Summary summary() {
        var filter = CellIndex.filter(caller.get(), SearchFilters.none(), false, null);
        long cells;
        try {
            // a fresh stack has no cells index yet: zeros, not an error
            cells = client.count(c -> c.index(config.opensearch().cellsIndex())
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .query(filter))
                    .count();
        } catch (IOException e) {
            throw new TransientException("cells index did not answer: " + e.getMessage(), e);
        }
        Map<String, Long> byLabel = cells == 0 ? Map.of() : counts(filter, "author_label");
        long studies = cells == 0 ? 0 : counts(filter, "study_id").size();
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byLabel.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> labels = new LinkedHashMap<>();
        sorted.forEach(e -> labels.put(e.getKey(), e.getValue()));
        return new Summary(cells, studies, labels, labels.size());
    }

    /** Cells per value of {@code field} among those {@code filter} accepts, every value (cells without one left out). */
    private Map<String, Long> counts(Query filter, String field) {
        Map<String, Long> out = new HashMap<>();
        Map<String, FieldValue> after = null;
        do {
            Map<String, FieldValue> from = after;
            SearchResponse<Void> r;
            try {
                r = client.search(
                        s -> s.index(config.opensearch().cellsIndex())
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(0)
                                .query(filter)
                                .aggregations(
                                        "values",
                                        a -> a.composite(c -> {
                                            c.size(COMPOSITE_PAGE)
                                                    .sources(Map.of(
                                                            "value",
                                                            CompositeAggregationSource.of(
                                                                    v -> v.terms(t -> t.field(field)))));
                                            if (from != null) {
                                                c.after(from);
                                            }
                                            return c;
                                        })),
                        Void.class);
            } catch (IOException e) {
                throw new TransientException("cells index did not answer: " + e.getMessage(), e);
            }
            var values = r.aggregations().get("values");
            if (values == null) {
                return out; // the index went away
            }
            CompositeAggregate page = values.composite();
            for (CompositeBucket b : page.buckets().array()) {
                out.merge(b.key().get("value").stringValue(), b.docCount(), Long::sum);
            }
            after = page.buckets().array().size() < COMPOSITE_PAGE
                            || page.afterKey().isEmpty()
                    ? null
                    : page.afterKey();
        } while (after != null);
        return out;
    }
}
