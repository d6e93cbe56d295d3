package org.liveatlas.query.signature;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.liveatlas.query.annotate.JsonCounts;
import org.liveatlas.query.annotate.Uploads;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.search.SearchResource;
import org.liveatlas.query.security.CurrentCaller;

/**
 * {@code POST /v1/search/signature}: cells of the upload scoring highest on a gene list (scanpy's {@code
 * score_genes}, as SCimilarity) form the summed-counts centroid.
 */
@Path("/v1/search/signature")
@Produces(MediaType.APPLICATION_JSON)
public class SignatureResource {
    // the JSON and multipart forms are one operation in the OpenAPI document
    private static final String SUMMARY = "Signature search: the cells of the query scoring highest on a gene list"
            + " form a summed-counts centroid, searched for its nearest cells; counts as JSON or an uploaded dataset"
            + " (multipart)";
    private static final String DESCRIPTION =
            "Multipart: form fields file, genes (comma-separated), top_fraction or quantile, and k.";
    private static final String ANSWER = "The genes found, the selected cells and the centroid search";

    /** Share of the uploaded cells that form the centroid when the request gives none. */
    static final double DEFAULT_TOP_FRACTION = 0.1;

    @Inject
    SignatureSearch signature;

    @Inject
    Uploads uploads;

    @Inject
    QueryConfig config;

    @Inject
    CurrentCaller caller;

    /**
     * JSON form.
     *
     * @param counts the cells to score
     * @param genes the signature's gene symbols
     * @param topFraction share of cells (top scores) forming the centroid, default 0.1: the cells scoring at
     *     least the {@code 1 - top_fraction} quantile
     * @param quantile instead of {@code top_fraction}: the score quantile where the selection starts
     *     (SCimilarity's tutorial: 0.999)
     * @param k hits of the centroid search
     * @param filters metadata filters
     * @param modelVersion pin a model version: embed with it and search its own cells index
     */
    @Schema(name = "SignatureRequest")
    public record JsonRequest(
            JsonCounts counts,
            List<String> genes,
            Double topFraction,
            Double quantile,
            Integer k,
            SearchFilters filters,
            String modelVersion) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    @APIResponseSchema(value = SignatureSearch.Answer.class, responseCode = "200", responseDescription = ANSWER)
    @APIResponse(responseCode = "422", description = SearchResource.UNUSABLE)
    public SignatureSearch.Answer json(JsonRequest body) {
        var c = caller.get();
        if (body == null || body.counts() == null) {
            throw ApiProblem.badRequest(
                    "missing-counts", "the body needs 'counts' (genes, cell_ids, counts) and 'genes'");
        }
        if (body.genes() == null || body.genes().isEmpty()) {
            throw ApiProblem.badRequest("missing-genes", "give the signature as a list of gene symbols in 'genes'");
        }
        try (Uploads.Staged staged =
                uploads.stageJson(body.counts(), config.annotate().syncMaxCells())) {
            return signature.run(
                    c,
                    staged,
                    body.genes(),
                    quantile(body.topFraction(), body.quantile()),
                    body.k() == null ? config.search().defaultK() : body.k(),
                    body.filters() == null ? SearchFilters.none() : body.filters(),
                    body.modelVersion());
        }
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    @APIResponseSchema(value = SignatureSearch.Answer.class, responseCode = "200", responseDescription = ANSWER)
    @APIResponse(responseCode = "422", description = SearchResource.UNUSABLE)
    public SignatureSearch.Answer file(
            @RestForm("file") FileUpload file,
            @RestForm("genes") String genes,
            @RestForm("top_fraction") String topFraction,
            @RestForm("quantile") String quantile,
            @RestForm("k") String k,
            @RestForm("model_version") String modelVersion) {
        var c = caller.get();
        Uploads.requireFile(file);
        if (genes == null || genes.isBlank()) {
            throw ApiProblem.badRequest("missing-genes", "give the signature genes, comma-separated, in 'genes'");
        }
        List<String> list = Arrays.stream(genes.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        Double fraction = topFraction == null || topFraction.isBlank() ? null : parse(topFraction, "top_fraction", 0);
        Double q = quantile == null || quantile.isBlank() ? null : parse(quantile, "quantile", 0);
        int kk = (int) parse(k, "k", config.search().defaultK());
        try (Uploads.Staged staged = uploads.stageFile(file.uploadedFile(), file.fileName())) {
            return signature.run(c, staged, list, quantile(fraction, q), kk, SearchFilters.none(), modelVersion);
        }
    }

    /** The selection quantile: {@code quantile}, or {@code 1 - top_fraction} (default 0.1), not both. */
    static double quantile(Double topFraction, Double quantile) {
        if (topFraction != null && quantile != null) {
            throw ApiProblem.badRequest("invalid-value", "give either 'top_fraction' or 'quantile', not both")
                    .with("field", "quantile");
        }
        if (quantile != null) {
            return quantile;
        }
        double f = topFraction == null ? DEFAULT_TOP_FRACTION : topFraction;
        if (!(f > 0 && f <= 1)) {
            throw ApiProblem.badRequest("invalid-value", "top_fraction " + f + " must be in (0, 1]")
                    .with("field", "top_fraction");
        }
        return 1 - f;
    }

    private static double parse(String value, String field, double fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("wrong-type", field + " '" + value + "' is not a number")
                    .with("field", field);
        }
    }
}
