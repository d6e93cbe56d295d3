package org.liveatlas.query.where;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.SearchResource;
import org.liveatlas.query.security.CurrentCaller;

/** {@code POST /v1/where}: where a cell state appears. */
@Path("/v1/where")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class WhereResource {
    @Inject
    WhereService where;

    @Inject
    CurrentCaller caller;

    @POST
    @Operation(
            summary = "Counts and fractions of a search's hits (or a label's cells) by study, sample, tissue,"
                    + " disease and deposit month")
    @APIResponseSchema(
            value = WhereAnswer.class,
            responseCode = "200",
            responseDescription = "Hits counted by study, sample, tissue, disease and deposit month")
    @APIResponse(responseCode = "404", description = SearchResource.NO_CELL)
    public WhereAnswer where(WhereRequest body) {
        if (body == null) {
            throw ApiProblem.badRequest("empty-body", "the request needs a JSON body; see /q/openapi");
        }
        return where.where(caller.get(), body);
    }
}
