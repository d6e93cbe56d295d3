package org.liveatlas.query.expression;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.security.CurrentCaller;

/**
 * {@code POST /v1/cells/expression}: the raw counts of chosen cells (search hits' ids) as an AnnData {@code .h5ad}
 * read from the deposited studies ({@link CellExpression}).
 */
@Path("/v1/cells")
public class ExpressionResource {
    /** Media type of the answer. */
    public static final String MEDIA_TYPE = "application/x-hdf5";

    @Inject
    CellExpression expression;

    @Inject
    CurrentCaller caller;

    /**
     * The request.
     *
     * @param cellIds ids {@code <study>:<cell>} as search results return them, each once
     */
    public record ExpressionRequest(List<String> cellIds) {}

    @POST
    @Path("/expression")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MEDIA_TYPE)
    @Operation(
            summary = "Raw counts of chosen cells as an .h5ad (obs = the cells in request order with their metadata,"
                    + " var = the union of the studies' genes), read from the deposited studies")
    public Response expression(ExpressionRequest body) {
        Caller c = caller.get();
        java.nio.file.Path file = expression.write(c, body == null ? null : body.cellIds());
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back the expression answer", e);
        }
        StreamingOutput out = o -> {
            try {
                Files.copy(file, o);
            } finally {
                Files.deleteIfExists(file);
            }
        };
        return Response.ok(out, MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"cells.h5ad\"")
                .header("Content-Length", size)
                .build();
    }
}
