package org.liveatlas.query.studies;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.liveatlas.core.TransientException;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.CurrentCaller;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch.core.SearchResponse;

/** {@code GET /v1/atlas}: the atlas at a glance for the caller: cells, studies and cells per label. */
@Path("/v1/atlas")
@Produces(MediaType.APPLICATION_JSON)
public class AtlasResource {
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
     * @param labels visible cells per author label (reference labels), most frequent first
     */
    @Schema(name = "AtlasSummary")
    public record Summary(long cells, long studies, Map<String, Long> labels) {}

    @GET
    @Operation(summary = "Visible cells, studies and cells per label")
    public Summary summary() {
        var filter = CellIndex.filter(caller.get(), SearchFilters.none(), false, null);
        try {
            SearchResponse<Void> r = client.search(
                    // a fresh stack has no cells index yet: zeros, not an error
                    s -> s.index(config.opensearch().cellsIndex())
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .size(0)
                            .trackTotalHits(t -> t.enabled(true))
                            .query(filter)
                            .aggregations(
                                    "labels",
                                    a -> a.terms(t -> t.field("author_label").size(1000)))
                            .aggregations("studies", a -> a.cardinality(c -> c.field("study_id"))),
                    Void.class);
            Map<String, Long> labels = new LinkedHashMap<>();
            if (r.aggregations().get("labels") == null) {
                return new Summary(0, 0, labels);
            }
            for (StringTermsBucket b :
                    r.aggregations().get("labels").sterms().buckets().array()) {
                labels.put(b.key(), b.docCount());
            }
            return new Summary(
                    r.hits().total() == null ? 0 : r.hits().total().value(),
                    r.aggregations().get("studies").cardinality().value(),
                    labels);
        } catch (IOException e) {
            throw new TransientException("cells index did not answer: " + e.getMessage(), e);
        }
    }
}
