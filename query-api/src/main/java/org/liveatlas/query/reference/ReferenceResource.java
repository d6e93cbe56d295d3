package org.liveatlas.query.reference;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.liveatlas.query.security.CurrentCaller;

/** {@code /v1/reference}: the in-memory references annotation votes with, as far as the caller may see them. */
@Path("/v1/reference")
@Produces(MediaType.APPLICATION_JSON)
public class ReferenceResource {
    @Inject
    ReferenceIndexes references;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(
            summary = "The labelled reference held in memory per model version: state, the caller's visible"
                    + " reference cells, studies and labels, segments, graph segments and bytes per cell")
    public Map<String, List<Map<String, Object>>> list() {
        return Map.of("references", references.describe(caller.get()));
    }
}
