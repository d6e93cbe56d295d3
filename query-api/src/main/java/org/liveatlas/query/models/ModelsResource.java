package org.liveatlas.query.models;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.query.security.CurrentCaller;

/** {@code /v1/models}: the model versions and the one queries are embedded with. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    @Inject
    ModelRegistry registry;

    @Inject
    CurrentCaller caller;

    /**
     * One model version.
     *
     * @param manifest its manifest (version, parent, created, parameters, metrics, unknown threshold, status)
     * @param current whether queries are embedded with it
     * @param index its cells index: whether queries can pin the version ({@code model_version})
     */
    public record ModelView(Manifest manifest, boolean current, IndexState index) {}

    /**
     * The current model in detail.
     *
     * @param genes length of its gene order
     * @param latentDim embedding width
     * @param hiddenLayers encoder hidden layer widths
     */
    public record CurrentModel(Manifest manifest, int genes, int latentDim, List<Integer> hiddenLayers) {}

    @GET
    @Operation(
            summary = "Every model version of the registry (published, rejected, ...), newest first, with metrics and"
                    + " whether its cells index can still be pinned")
    public Map<String, List<ModelView>> list() {
        caller.get();
        List<Manifest> all = registry.list();
        java.util.Optional<String> serving = registry.servingVersion();
        String current = serving.orElse(null);
        return Map.of(
                "models",
                all.stream()
                        .map(m -> new ModelView(m, m.version().equals(current), registry.indexState(m, serving)))
                        .toList());
    }

    @GET
    @Path("/current")
    @Operation(summary = "The model queries are embedded with: manifest, metrics, gene count, architecture")
    public CurrentModel current() {
        caller.get();
        LoadedModel m = registry.current();
        return new CurrentModel(
                m.manifest(),
                m.folder().geneOrder().size(),
                m.encoder().latentDim(),
                m.folder().architecture().hidden());
    }
}
