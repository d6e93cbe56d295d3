package org.liveatlas.query.studies;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.liveatlas.core.TransientException;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.paging.Cursor;
import org.liveatlas.query.paging.PageLimit;
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

/**
 * {@code /v1/studies}: the studies the caller may see, with status, QC tally and indexed cell counts, in
 * pages ordered by study id ({@code search_after} on {@code study_id}, unique per study).
 */
@Path("/v1/studies")
@Produces(MediaType.APPLICATION_JSON)
public class StudiesResource {
    /** Studies in one page when the request names no limit. */
    public static final int DEFAULT_LIMIT = 100;
    /** Most studies in one page. */
    public static final int MAX_LIMIT = 1000;

    private static final String LIST = "studies";

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

    /**
     * One page of the visible studies.
     *
     * @param count all visible studies, on every page
     * @param studies this page's studies, by study id
     * @param nextCursor pass as {@code cursor} for the next page; absent on the last page
     */
    public record StudyList(
            long count, List<StudyView> studies, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {}

    @GET
    @Operation(summary = "Studies visible to the caller, with ingestion state and cell counts")
    public StudyList list(@QueryParam("limit") String limit, @QueryParam(Cursor.FIELD) String cursor) {
        Caller c = caller.get();
        int size = PageLimit.parse("limit", limit, DEFAULT_LIMIT, MAX_LIMIT);
        String request = Cursor.fingerprint(c);
        Cursor from = cursor == null ? null : Cursor.decode(cursor, LIST, request, FieldValue.Kind.String);
        Page page = search(c, null, size, from == null ? List.of() : from.after());
        Map<String, Long> cells =
                cellsPerStudy(c, page.docs.stream().map(StudyDocument::studyId).toList());
        List<StudyView> views = page.docs.stream()
                .map(d -> new StudyView(d, cells.getOrDefault(d.studyId(), 0L)))
                .toList();
        String next = null;
        if (page.more) {
            long seen = (from == null ? 0 : from.offset()) + views.size();
            String last = views.get(views.size() - 1).study().studyId();
            next = new Cursor(LIST, request, 0, seen, List.of(FieldValue.of(last))).encode();
        }
        return new StudyList(page.total, views, next);
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
        List<StudyDocument> docs = search(c, id, 1, List.of()).docs;
        if (docs.isEmpty()) {
            throw ApiProblem.notFound("study-not-found", "no study '" + id + "' is visible to this key")
                    .with("study_id", id);
        }
        return new StudyView(docs.get(0), cellsPerStudy(c, List.of(id)).getOrDefault(id, 0L));
    }

    private record Page(List<StudyDocument> docs, long total, boolean more) {}

    private Page search(Caller c, String id, int size, List<FieldValue> after) {
        Query visible = VisibilityFilter.of(c);
        Query q = id == null
                ? visible
                : Query.of(x -> x.bool(b -> b.filter(visible)
                        .filter(f -> f.term(t -> t.field("study_id").value(FieldValue.of(id))))));
        try {
            SearchResponse<StudyDocument> r = client.search(
                    // a fresh stack has no studies index yet: an empty list, not an error
                    s -> {
                        s.index(config.opensearch().studiesIndex())
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(size + 1) // one more tells whether another page follows
                                .trackTotalHits(t -> t.enabled(true))
                                .query(q)
                                .sort(o -> o.field(f -> f.field("study_id").order(SortOrder.Asc)));
                        if (!after.isEmpty()) {
                            s.searchAfter(after);
                        }
                        return s;
                    },
                    StudyDocument.class);
            List<StudyDocument> docs = r.hits().hits().stream().map(Hit::source).toList();
            long total = r.hits().total() == null ? 0 : r.hits().total().value();
            return new Page(docs.subList(0, Math.min(size, docs.size())), total, docs.size() > size);
        } catch (IOException e) {
            throw new TransientException("studies index did not answer: " + e.getMessage(), e);
        }
    }

    /** Indexed cells of each of {@code ids} (those without any are absent), counted exactly. */
    private Map<String, Long> cellsPerStudy(Caller c, List<String> ids) {
        Map<String, Long> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
        Query filter = CellIndex.filter(
                c,
                SearchFilters.none(),
                false,
                Query.of(q -> q.terms(t -> t.field("study_id").terms(v -> v.value(values)))));
        try {
            SearchResponse<Void> r = client.search(
                    s -> s.index(config.opensearch().cellsIndex())
                            .ignoreUnavailable(true)
                            .allowNoIndices(true)
                            .size(0)
                            .query(filter)
                            // the query keeps only these studies, so a bucket per id is every bucket there is
                            .aggregations(
                                    "studies",
                                    a -> a.terms(t -> t.field("study_id").size(ids.size()))),
                    Void.class);
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
