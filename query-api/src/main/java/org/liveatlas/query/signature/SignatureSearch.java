package org.liveatlas.query.signature;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.search.GeneSignatureScore;
import org.liveatlas.query.annotate.Uploads;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CentroidMethod;
import org.liveatlas.query.search.CountsCentroidSearch;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.search.SearchResults;
import org.liveatlas.query.search.SearchService;
import org.liveatlas.query.security.Caller;

/**
 * Marker-signature search as SCimilarity's tutorial does it: every uploaded cell (aligned to the model's genes,
 * log-normalised) is scored with scanpy's {@code score_genes} ({@link GeneSignatureScore}: mean of the
 * signature genes minus mean of expression-matched control genes), the cells scoring at least the {@code
 * quantile} of all scores are selected, and their summed raw counts form the centroid that is embedded and
 * searched ({@code search_centroid_nearest}), with the query coherence over the selected cells' embeddings.
 * The upload is read three times (gene means, scores, selected cells) rather than held in memory.
 */
@ApplicationScoped
public class SignatureSearch {
    private final ModelRegistry models;
    private final SearchService search;
    private final QueryConfig config;

    SignatureSearch(ModelRegistry models, SearchService search, QueryConfig config) {
        this.models = models;
        this.search = search;
        this.config = config;
    }

    /**
     * The answer of a signature search.
     *
     * @param genesFound signature genes in the model's gene order
     * @param genesMissing signature genes not in it (ignored)
     * @param controlGenes number of control genes the scores subtract
     * @param cellsScored uploaded cells scored
     * @param quantile the score quantile the selection starts at
     * @param threshold that quantile of the scores: cells scoring at least this are selected
     * @param selectedCellIds the selected cells, which form the centroid
     * @param minSelectedScore lowest score among them
     * @param search the centroid search
     */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "SignatureAnswer")
    public record Answer(
            List<String> genesFound,
            List<String> genesMissing,
            int controlGenes,
            int cellsScored,
            double quantile,
            double threshold,
            List<String> selectedCellIds,
            double minSelectedScore,
            SearchResults.Centroid search) {}

    /** Runs the search on a staged upload; {@code quantile} is the score quantile where the selection starts. */
    public Answer run(
            Caller caller,
            Uploads.Staged staged,
            List<String> signature,
            double quantile,
            int k,
            SearchFilters filters,
            String modelVersion) {
        try (LoadedModel.Lease lease = models.lease(Optional.ofNullable(modelVersion))) {
            return run(lease, caller, staged, signature, quantile, k, filters);
        }
    }

    private Answer run(
            LoadedModel.Lease lease,
            Caller caller,
            Uploads.Staged staged,
            List<String> signature,
            double quantile,
            int k,
            SearchFilters filters) {
        LoadedModel model = lease.model();
        if (signature == null || signature.isEmpty()) {
            throw ApiProblem.badRequest("missing-genes", "give the signature as a list of gene symbols in 'genes'");
        }
        if (!(quantile >= 0 && quantile < 1)) {
            throw ApiProblem.badRequest(
                            "invalid-value",
                            "the selection quantile " + quantile + " must be in [0, 1) (top_fraction in (0, 1])")
                    .with("field", "quantile");
        }
        search.checkK(k);
        List<String> genes = model.folder().geneOrder();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < genes.size(); i++) {
            position.putIfAbsent(genes.get(i).toUpperCase(Locale.ROOT), i);
        }
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        for (String g : signature) {
            Integer p = g == null ? null : position.get(g.trim().toUpperCase(Locale.ROOT));
            if (p == null) {
                missing.add(g);
            } else if (!columns.contains(p)) {
                found.add(g);
                columns.add(p);
            }
        }
        if (found.isEmpty()) {
            throw ApiProblem.unprocessable(
                            "unknown-genes",
                            "none of the signature genes " + signature + " is in the model's gene order; use gene"
                                    + " symbols such as CD19 or MS4A1")
                    .with("field", "genes");
        }
        int minShared = config.annotate().minSharedGenes();
        StudyPreprocessor prep = CountsCentroidSearch.preprocessor(genes, minShared);

        // pass 1: every gene's mean lognorm over all cells, for the expression bins of the controls
        GeneSignatureScore.GeneMeans means = new GeneSignatureScore.GeneMeans(genes.size());
        read(prep, staged, chunk -> means.add(chunk.expression()));
        if (means.cells() == 0) {
            throw ApiProblem.unprocessable("empty-matrix", "the upload holds no cells");
        }
        double[] geneMeans = means.means();
        if (columns.stream().allMatch(c -> geneMeans[c] == 0)) {
            throw ApiProblem.unprocessable(
                    "signature-not-expressed", "no uploaded cell expresses any of the signature genes " + found);
        }
        GeneSignatureScore scorer;
        try {
            scorer = GeneSignatureScore.plan(
                    columns.stream().mapToInt(Integer::intValue).toArray(), geneMeans);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.unprocessable("no-control-genes", e.getMessage());
        }

        // pass 2: the scores, then SCimilarity's selection: score >= the quantile of all scores
        List<String> ids = new ArrayList<>();
        List<double[]> parts = new ArrayList<>();
        read(prep, staged, chunk -> {
            ids.addAll(chunk.cellIds());
            parts.add(scorer.score(chunk.expression()));
        });
        double[] scores =
                parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        double threshold = GeneSignatureScore.quantile(scores, quantile);
        boolean[] selected = new boolean[scores.length];
        double minSelected = Double.POSITIVE_INFINITY;
        for (int i : GeneSignatureScore.selectAtLeast(scores, threshold)) {
            selected[i] = true;
            minSelected = Math.min(minSelected, scores[i]);
        }

        // pass 3: the selected cells' summed counts (the centroid) and embeddings (the coherence)
        CountsCentroidSearch.QueryCells cells =
                CountsCentroidSearch.gather(model, staged, minShared, (i, id) -> i < selected.length && selected[i]);
        SearchResults.Centroid result = cells.search(search, lease, caller, CentroidMethod.SUMMED_COUNTS, k, filters);
        return new Answer(
                found,
                missing,
                scorer.controlColumns().length,
                scores.length,
                quantile,
                threshold,
                cells.ids(),
                minSelected,
                result);
    }

    private static void read(
            StudyPreprocessor prep, Uploads.Staged staged, java.util.function.Consumer<PreparedChunk> f) {
        try (PreparedStudy study = prep.open("signature", staged.input())) {
            study.forEachRemaining(f);
        } catch (PoisonInputException e) {
            throw ApiProblem.unprocessable("unusable-input", staged.scrub(e.getMessage()));
        }
    }
}
