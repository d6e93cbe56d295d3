package org.liveatlas.query.studies;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.liveatlas.core.TransientException;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.security.CurrentCaller;
import org.liveatlas.query.security.VisibilityFilter;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/** {@code /v1/studies}: the studies the caller may see, with status, QC tally and indexed cell counts. */
@Path("/v1/studies")
@Produces(MediaType.APPLICATION_JSON)
public class StudiesResource {
    /** Most studies listed in one answer. */
    static final int MAX_STUDIES = 1000;

    @Inject
    OpenSearchClient client;

    @Inject
    QueryConfig config;

    @Inject
    CurrentCaller caller;

    /**
     * A study and the number of its cells in the current cells index.
     *
     * @param study the study document
     * @param cellsInIndex cells of the study searchable now
     */
    public record StudyView(StudyDocument study, long cellsInIndex) {}

    /** The visible studies. */
    public record StudyList(int count, List<StudyView> studies) {}

    @GET
    @Operation(summary = "Studies visible to the caller, with ingestion state and cell counts")
    public StudyList list() {
        Caller c = caller.get();
        List<StudyDocument> docs = search(c, null);
        Map<String, Long> cells = cellsPerStudy(c);
        List<StudyView> views = docs.stream()
                .map(d -> new StudyView(d, cells.getOrDefault(d.studyId(), 0L)))
                .toList();
        return new StudyList(views.size(), views);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One study with its status and QC report; 404 when absent or not visible")
    @APIResponseSchema(value = StudyView.class, responseCode = "200", responseDescription = "The study")
    @APIResponse(
            responseCode = "404",
            description = "No study of this id is visible to the caller (study-not-found); absent and private are"
                    + " not told apart")
    public StudyView one(@PathParam("id") String id) {
        Caller c = caller.get();
        List<StudyDocument> docs = search(c, id);
        if (docs.isEmpty()) {
            throw ApiProblem.notFound("study-not-found", "no study '" + id + "' is visible to this key")
                    .with("study_id", id);
        }
        return new StudyView(docs.get(0), cellsPerStudy(c).getOrDefault(id, 0L));
    }

    private List<StudyDocument> search(Caller c, String id) {
        Query visible = VisibilityFilter.of(c);
        Query q = id == null
                ? visible
                : Query.of(x -> x.bool(b -> b.filter(visible)
                        .filter(f -> f.term(t -> t.field("study_id").value(FieldValue.of(id))))));
        try {
            SearchResponse<StudyDocument> r = client.search(
                    // a fresh stack has no studies index yet: an empty list, not an error
                    s -> s.index(config.opensearch().studiesIndex())
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .size(MAX_STUDIES)
                            .query(q)
                            .sort(o -> o.field(f -> f.field("study_id").order(SortOrder.Asc))),
                    StudyDocument.class);
            return r.hits().hits().stream().map(Hit::source).toList();
        } catch (IOException e) {
            throw new TransientException("studies index did not answer: " + e.getMessage(), e);
        }
    }

    private Map<String, Long> cellsPerStudy(Caller c) {
        Query filter = CellIndex.filter(c, SearchFilters.none(), false, null);
        try {
            SearchResponse<Void> r = client.search(
                    s -> s.index(config.opensearch().cellsIndex())
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .size(0)
                            .query(filter)
                            .aggregations(
                                    "studies",
                                    a -> a.terms(t -> t.field("study_id").size(MAX_STUDIES))),
                    Void.class);
            Map<String, Long> out = new java.util.HashMap<>();
            if (r.aggregations().get("studies") == null) {
                return out; // no cells index yet
            }
            for (StringTermsBucket b :
                    r.aggregations().get("studies").sterms().buckets().array()) {
                out.put(b.key(), b.docCount());
            }
            return out;
        } catch (IOException e) {
            throw new TransientException("cells index did not answer: " + e.getMessage(), e);
        }
    }
}
