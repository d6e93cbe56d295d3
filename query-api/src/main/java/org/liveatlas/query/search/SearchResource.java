package org.liveatlas.query.search;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.liveatlas.query.annotate.Uploads;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.CurrentCaller;

/** {@code /v1/search/nearest|radius|centroid}: cells near given embeddings, indexed cells or uploaded counts. */
@Path("/v1/search")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {
    /** OpenAPI text of a 404 for cell ids. */
    public static final String NO_CELL = "A cell of cell_ids is not indexed or not visible (cell-not-found)";

    /** OpenAPI text of a 422 for uploads and counts. */
    public static final String UNUSABLE = "The upload or counts were read but cannot be used: an unknown file format,"
            + " a corrupt file, too few of the model's genes (unknown-format, unusable-input)";

    // the JSON and multipart forms of POST /v1/search/centroid are one operation in the OpenAPI document
    private static final String CENTROID_SUMMARY = "The nearest cells of the centroid of the query cells, with the"
            + " query coherence: JSON (embeddings, cell_ids or raw counts) or an uploaded dataset (multipart)";
    private static final String CENTROID_DESCRIPTION = "JSON: exactly one of embeddings, cell_ids and counts; method"
            + " summed_counts (the default with counts) or embedding_mean. Multipart: form fields file, cells"
            + " (comma-separated obs names, default all), method and k.";

    @Inject
    SearchService search;

    @Inject
    CurrentCaller caller;

    @Inject
    CountsCentroidSearch countsCentroid;

    @Inject
    Uploads uploads;

    @Inject
    QueryConfig config;

    @POST
    @Path("/nearest")
    @Operation(summary = "The k nearest cells (k up to 10,000) to each query, filters inside the k-NN query")
    @APIResponseSchema(
            value = SearchResults.Hits.class,
            responseCode = "200",
            responseDescription = "Per query, its hits nearest first")
    @APIResponse(responseCode = "404", description = NO_CELL)
    public SearchResults.Hits nearest(SearchRequests.Nearest body) {
        return search.nearest(caller.get(), require(body));
    }

    @POST
    @Path("/radius")
    @Operation(summary = "Every cell within max_dist (cosine distance) of each query: SCimilarity's exhaustive search")
    @APIResponseSchema(
            value = SearchResults.Hits.class,
            responseCode = "200",
            responseDescription = "Per query, every hit within max_dist, nearest first")
    @APIResponse(responseCode = "404", description = NO_CELL)
    public SearchResults.Hits radius(SearchRequests.Radius body) {
        return search.radius(caller.get(), require(body));
    }

    @POST
    @Path("/centroid")
    @Operation(summary = CENTROID_SUMMARY, description = CENTROID_DESCRIPTION)
    @APIResponseSchema(
            value = SearchResults.Centroid.class,
            responseCode = "200",
            responseDescription = "The centroid, its nearest cells and the query coherence")
    @APIResponse(responseCode = "404", description = NO_CELL)
    @APIResponse(responseCode = "422", description = UNUSABLE)
    public SearchResults.Centroid centroid(SearchRequests.Centroid body) {
        var c = caller.get();
        SearchRequests.Centroid r = require(body);
        if (r.counts() == null) {
            if (r.cells() != null && !r.cells().isEmpty()) {
                throw ApiProblem.badRequest("invalid-value", "'cells' picks cells of posted 'counts'; none were posted")
                        .with("field", "cells");
            }
            return search.centroid(c, r);
        }
        boolean hasE = r.embeddings() != null && !r.embeddings().isEmpty();
        boolean hasC = r.cellIds() != null && !r.cellIds().isEmpty();
        if (hasE || hasC) {
            throw ApiProblem.badRequest(
                    "query-missing", "give the query cells as one of 'embeddings', 'cell_ids' and 'counts'");
        }
        CentroidMethod method = CentroidMethod.parse(r.method(), CentroidMethod.SUMMED_COUNTS);
        int k = r.k() == null ? config.search().defaultK() : r.k();
        try (Uploads.Staged staged =
                uploads.stageJson(r.counts(), config.annotate().syncMaxCells())) {
            return countsCentroid.run(
                    c,
                    staged,
                    r.cells(),
                    method,
                    k,
                    r.filters() == null ? SearchFilters.none() : r.filters(),
                    r.modelVersion());
        }
    }

    @POST
    @Path("/centroid")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = CENTROID_SUMMARY, description = CENTROID_DESCRIPTION)
    @APIResponseSchema(
            value = SearchResults.Centroid.class,
            responseCode = "200",
            responseDescription = "The centroid, its nearest cells and the query coherence")
    @APIResponse(responseCode = "404", description = NO_CELL)
    @APIResponse(responseCode = "422", description = UNUSABLE)
    public SearchResults.Centroid centroidFile(
            @RestForm("file") FileUpload file,
            @RestForm("cells") String cells,
            @RestForm("method") String method,
            @RestForm("k") String k,
            @RestForm("model_version") String modelVersion) {
        var c = caller.get();
        Uploads.requireFile(file);
        List<String> names = cells == null
                ? List.of()
                : Arrays.stream(cells.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        CentroidMethod m = CentroidMethod.parse(method, CentroidMethod.SUMMED_COUNTS);
        int kk = config.search().defaultK();
        if (k != null && !k.isBlank()) {
            try {
                kk = Integer.parseInt(k.trim());
            } catch (NumberFormatException e) {
                throw ApiProblem.badRequest("wrong-type", "k '" + k + "' is not an integer")
                        .with("field", "k");
            }
        }
        try (Uploads.Staged staged = uploads.stageFile(file.uploadedFile(), file.fileName())) {
            return countsCentroid.run(c, staged, names, m, kk, SearchFilters.none(), modelVersion);
        }
    }

    static <T> T require(T body) {
        if (body == null) {
            throw ApiProblem.badRequest("empty-body", "the request needs a JSON body; see /q/openapi");
        }
        return body;
    }
}
