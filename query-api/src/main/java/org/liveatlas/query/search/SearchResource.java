package org.liveatlas.query.search;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.CurrentCaller;

/** {@code /v1/search/nearest|radius|centroid}: cells near given embeddings or indexed cells. */
@Path("/v1/search")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {
    @Inject
    SearchService search;

    @Inject
    CurrentCaller caller;

    @POST
    @Path("/nearest")
    @Operation(summary = "The k nearest cells (k up to 10,000) to each query, filters inside the k-NN query")
    public SearchResults.Hits nearest(SearchRequests.Nearest body) {
        return search.nearest(caller.get(), require(body));
    }

    @POST
    @Path("/radius")
    @Operation(summary = "Every cell within max_dist (cosine distance) of each query: SCimilarity's exhaustive search")
    public SearchResults.Hits radius(SearchRequests.Radius body) {
        return search.radius(caller.get(), require(body));
    }

    @POST
    @Path("/centroid")
    @Operation(summary = "The nearest cells of the centroid of the query cells, with the query coherence")
    public SearchResults.Centroid centroid(SearchRequests.Centroid body) {
        return search.centroid(caller.get(), require(body));
    }

    static <T> T require(T body) {
        if (body == null) {
            throw ApiProblem.badRequest("empty-body", "the request needs a JSON body; see /q/openapi");
        }
        return body;
    }
}
