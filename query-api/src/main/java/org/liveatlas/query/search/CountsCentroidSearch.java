package org.liveatlas.query.search;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.core.search.Centroids;
import org.liveatlas.core.search.CountsCentroid;
import org.liveatlas.query.annotate.Uploads;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;

/**
 * Centroid search from uploaded counts (an {@code .h5ad}, 10x file or folder, or JSON counts): by default as
 * SCimilarity's {@code search_centroid_nearest}, the query cells' raw counts aligned to the model's genes are
 * summed, log-normalised and embedded as one cell ({@link CountsCentroid}); {@code embedding_mean} averages
 * the cells' own embeddings instead. Either way the query coherence comes from the cells' embeddings.
 */
@ApplicationScoped
public class CountsCentroidSearch {
    private final ModelRegistry models;
    private final SearchService search;
    private final QueryConfig config;

    CountsCentroidSearch(ModelRegistry models, SearchService search, QueryConfig config) {
        this.models = models;
        this.search = search;
        this.config = config;
    }

    /**
     * Runs the search on a staged upload.
     *
     * @param cells obs names of the query cells; null or empty: every cell of the upload
     */
    public SearchResults.Centroid run(
            Caller caller,
            Uploads.Staged staged,
            List<String> cells,
            CentroidMethod method,
            int k,
            SearchFilters f,
            String modelVersion) {
        search.checkK(k);
        Set<String> wanted = cells == null ? Set.of() : new LinkedHashSet<>(cells);
        if (wanted.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw ApiProblem.badRequest("invalid-value", "'cells' holds an empty cell name")
                    .with("field", "cells");
        }
        try (LoadedModel.Lease lease = models.lease(Optional.ofNullable(modelVersion))) {
            Set<String> seen = new HashSet<>();
            QueryCells q = gather(lease.model(), staged, config.annotate().minSharedGenes(), (i, id) -> {
                seen.add(id);
                return wanted.isEmpty() || wanted.contains(id);
            });
            if (!seen.containsAll(wanted)) {
                List<String> unknown =
                        wanted.stream().filter(c -> !seen.contains(c)).limit(10).toList();
                throw ApiProblem.unprocessable(
                                "unknown-cells",
                                "the upload has no cell named " + unknown + "; 'cells' lists obs names of the upload")
                        .with("field", "cells");
            }
            return q.search(search, lease, caller, method, k, f);
        }
    }

    /**
     * The query cells of an upload, read once: their summed aligned counts and their embeddings.
     *
     * @param ids the selected cells' obs names, in upload order
     * @param counts their summed raw counts
     * @param embeddings their embeddings, one per id
     */
    public record QueryCells(List<String> ids, CountsCentroid counts, List<float[]> embeddings) {
        /** Builds the centroid with {@code method} and searches it with the query coherence. */
        public SearchResults.Centroid search(
                SearchService search,
                LoadedModel.Lease lease,
                Caller caller,
                CentroidMethod method,
                int k,
                SearchFilters filters) {
            if (ids.isEmpty()) {
                throw ApiProblem.unprocessable("no-query-cells", "no cell of the upload was selected for the centroid");
            }
            float[] centroid;
            try {
                centroid = method == CentroidMethod.SUMMED_COUNTS
                        ? counts.embed(lease.model().encoder())
                        : Centroids.meanDirection(embeddings.toArray(new float[0][]));
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw ApiProblem.unprocessable("no-centroid", "the query cells have no centroid: " + e.getMessage());
            }
            return search.searchCentroid(lease, caller, method, centroid, embeddings, k, filters);
        }
    }

    /**
     * Reads the upload through the core pipeline (every cell kept, aligned to the model's genes) and gathers the
     * cells {@code select} accepts, given each cell's position in the upload and its obs name.
     */
    public static QueryCells gather(
            LoadedModel model, Uploads.Staged staged, int minSharedGenes, BiPredicate<Integer, String> select) {
        List<String> genes = model.folder().geneOrder();
        int dim = model.encoder().latentDim();
        CountsCentroid centroid = new CountsCentroid(genes.size());
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int position = 0;
        try (PreparedStudy study = preprocessor(genes, minSharedGenes)
                .open("query", staged.input())
                .keepCounts()) {
            while (study.hasNext()) {
                PreparedChunk chunk = study.next();
                boolean[] rows = new boolean[chunk.cells()];
                int n = 0;
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = select.test(position++, chunk.cellIds().get(r));
                    if (rows[r]) {
                        ids.add(chunk.cellIds().get(r));
                        n++;
                    }
                }
                if (n == 0) {
                    continue;
                }
                centroid.add(chunk.counts(), rows);
                float[] flat = model.encoder().embed(chunk.expression().selectRows(rows));
                for (int i = 0; i < n; i++) {
                    vectors.add(Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
                }
            }
        } catch (PoisonInputException e) {
            throw ApiProblem.unprocessable("unusable-input", staged.scrub(e.getMessage()));
        }
        return new QueryCells(ids, centroid, vectors);
    }

    /** The pipeline for query uploads: every cell kept (as SCimilarity, no QC), the API's shared-gene minimum. */
    public static StudyPreprocessor preprocessor(List<String> genes, int minSharedGenes) {
        return new StudyPreprocessor(
                genes,
                PreprocessOptions.DEFAULT
                        .withQc(QcThresholds.PERMISSIVE)
                        .withAlign(AlignOptions.DEFAULT.withMinSharedGenes(minSharedGenes)));
    }
}
