package org.liveatlas.query.signature;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.query.annotate.Uploads;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.search.SearchResults;
import org.liveatlas.query.search.SearchService;
import org.liveatlas.query.security.Caller;

/**
 * Marker-signature search: each uploaded cell is scored by the mean lognorm expression of the signature
 * genes; the top-scoring cells' embeddings form the centroid that is searched (with the query
 * coherence), as in SCimilarity's signature-to-centroid workflow.
 */
@ApplicationScoped
public class SignatureSearch {
    private static final QcThresholds QC = new QcThresholds(1, 1, 1.0);

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
     * @param cellsScored uploaded cells scored
     * @param selectedCellIds the top-scoring cells that form the centroid
     * @param minSelectedScore lowest score among them
     * @param search the centroid search
     */
    public record Answer(
            List<String> genesFound,
            List<String> genesMissing,
            int cellsScored,
            List<String> selectedCellIds,
            double minSelectedScore,
            SearchResults.Centroid search) {}

    /** Runs the search on a staged upload. */
    public Answer run(
            Caller caller,
            Uploads.Staged staged,
            List<String> signature,
            double topFraction,
            int k,
            SearchFilters filters) {
        try (LoadedModel.Lease lease = models.lease()) {
            return run(lease.model(), lease.index(), caller, staged, signature, topFraction, k, filters);
        }
    }

    private Answer run(
            LoadedModel model,
            java.util.Optional<String> index,
            Caller caller,
            Uploads.Staged staged,
            List<String> signature,
            double topFraction,
            int k,
            SearchFilters filters) {
        if (signature == null || signature.isEmpty()) {
            throw ApiProblem.badRequest("missing-genes", "give the signature as a list of gene symbols in 'genes'");
        }
        if (!(topFraction > 0 && topFraction <= 1)) {
            throw ApiProblem.badRequest("invalid-value", "top_fraction " + topFraction + " must be in (0, 1]")
                    .with("field", "top_fraction");
        }
        search.checkK(k);
        List<String> genes = model.folder().geneOrder();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < genes.size(); i++) {
            position.putIfAbsent(genes.get(i).toUpperCase(java.util.Locale.ROOT), i);
        }
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        for (String g : signature) {
            Integer p = g == null ? null : position.get(g.trim().toUpperCase(java.util.Locale.ROOT));
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
        boolean[] inSignature = new boolean[genes.size()];
        columns.forEach(c -> inSignature[c] = true);

        AlignOptions align =
                AlignOptions.DEFAULT.withMinSharedGenes(config.annotate().minSharedGenes());
        StudyPreprocessor prep = new StudyPreprocessor(
                genes, PreprocessOptions.DEFAULT.withQc(QC).withAlign(align));
        int dim = model.encoder().latentDim();
        List<String> ids = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (PreparedStudy study = prep.open("signature", staged.input())) {
            while (study.hasNext()) {
                PreparedChunk chunk = study.next();
                CsrBatch x = chunk.expression();
                float[] flat = model.encoder().embed(x);
                for (int r = 0; r < x.rows(); r++) {
                    double sum = 0;
                    for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                        if (inSignature[x.indices()[p]]) {
                            sum += x.values()[p];
                        }
                    }
                    ids.add(chunk.cellIds().get(r));
                    scores.add(sum / columns.size());
                    vectors.add(Arrays.copyOfRange(flat, r * dim, (r + 1) * dim));
                }
            }
        } catch (PoisonInputException e) {
            throw ApiProblem.unprocessable("unusable-input", staged.scrub(e.getMessage()));
        }
        if (ids.isEmpty()) {
            throw ApiProblem.unprocessable("empty-matrix", "no cell of the upload has any counts");
        }
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores.get(b), scores.get(a)));
        int take = Math.max(1, (int) Math.ceil(topFraction * ids.size()));
        List<String> selected = new ArrayList<>(take);
        List<float[]> selectedVectors = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            selected.add(ids.get(order[i]));
            selectedVectors.add(vectors.get(order[i]));
        }
        if (scores.get(order[0]) == 0) {
            throw ApiProblem.unprocessable(
                    "signature-not-expressed", "no uploaded cell expresses any of the signature genes " + found);
        }
        SearchResults.Centroid result = search.centroidOf(index, caller, selectedVectors, k, filters);
        return new Answer(found, missing, ids.size(), selected, scores.get(order[take - 1]), result);
    }
}
