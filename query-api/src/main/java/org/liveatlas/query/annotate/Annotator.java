package org.liveatlas.query.annotate;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.align.AlignOptions;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.ClusterCall;
import org.liveatlas.core.annotate.ClusterConsensus;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.prep.PreparedChunk;
import org.liveatlas.core.prep.PreparedStudy;
import org.liveatlas.core.prep.PreprocessOptions;
import org.liveatlas.core.prep.StudyPreprocessor;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.models.ModelRegistry;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.search.CellHit;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.Caller;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * Annotates an upload as SCimilarity's {@code annotate_dataset} does: QC (cells without counts
 * dropped), alignment to the current model's genes, lognorm, embedding, then for each cell the k
 * nearest labelled reference cells visible to the caller (label safelist/blocklist inside the k-NN
 * query) and the core's {@link KnnVote}, with the model's calibrated unknown threshold.
 */
@ApplicationScoped
public class Annotator {
    /** Annotation keeps every cell with at least one count: SCimilarity annotates what it is given. */
    static final QcThresholds QC = new QcThresholds(1, 1, 1.0);

    /** The index field holding a reference cell's label. */
    static final String LABEL_FIELD = "author_label";

    private final CellIndex index;
    private final ModelRegistry models;
    private final QueryConfig config;

    Annotator(CellIndex index, ModelRegistry models, QueryConfig config) {
        this.index = index;
        this.models = models;
        this.config = config;
    }

    /**
     * Opens the staged upload to count its cells and check the options against it (the cluster column
     * must exist) before any work is queued.
     */
    public int inspect(Uploads.Staged staged, AnnotateOptions options) {
        try (StudyReader reader = StudyReaders.open(staged.input())) {
            if (options.clusterColumn() != null && !reader.obsColumnNames().contains(options.clusterColumn())) {
                throw ApiProblem.badRequest(
                                "unknown-cluster-column",
                                "cluster_column '" + options.clusterColumn() + "' is not an obs column of "
                                        + staged.name() + "; its columns are " + reader.obsColumnNames())
                        .with("field", "cluster_column");
            }
            return reader.cellCount();
        } catch (ApiProblem e) {
            throw e;
        } catch (AtlasException | IllegalArgumentException e) {
            throw unusable(staged, e);
        } catch (RuntimeException e) {
            throw ApiProblem.unprocessable(
                    "unreadable-file",
                    "'" + staged.name() + "' cannot be read as a single-cell matrix (.h5ad with X or layers/counts,"
                            + " 10x .h5, or a 10x folder)");
        }
    }

    /** Annotates every cell; {@code progress} receives the number of upload rows processed so far. */
    public AnnotationResult annotate(
            Caller caller, Uploads.Staged staged, AnnotateOptions options, IntConsumer progress) {
        try (LoadedModel.Lease lease = models.lease()) {
            return annotate(lease.model(), index.on(lease.index()), caller, staged, options, progress);
        }
    }

    private AnnotationResult annotate(
            LoadedModel model,
            CellIndex target,
            Caller caller,
            Uploads.Staged staged,
            AnnotateOptions options,
            IntConsumer progress) {
        List<String> genes = model.folder().geneOrder();
        AlignOptions align =
                AlignOptions.DEFAULT.withMinSharedGenes(config.annotate().minSharedGenes());
        StudyPreprocessor prep = new StudyPreprocessor(
                genes, PreprocessOptions.DEFAULT.withQc(QC).withAlign(align));
        Double threshold = model.manifest().unknownThreshold();
        LabelFilter labels = options.labelFilter();
        VoteOptions vote = new VoteOptions(
                options.k(),
                options.weighting(),
                threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold),
                labels);
        Query filter = CellIndex.filter(caller, SearchFilters.none(), true, labelClause(labels));
        int dim = model.encoder().latentDim();

        List<CellAnnotation> cells = new ArrayList<>();
        List<CellVote> votes = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        long read;
        int shared;
        List<String> clusterColumn = null;
        try (PreparedStudy study = prep.open("upload", staged.input())) {
            shared = study.alignmentReport().sharedGenes();
            if (options.clusterColumn() != null) {
                clusterColumn = study.reader().obsColumn(options.clusterColumn());
            }
            while (study.hasNext()) {
                PreparedChunk chunk = study.next();
                float[] flat = model.encoder().embed(chunk.expression());
                List<float[]> queries = new ArrayList<>(chunk.cells());
                for (int i = 0; i < chunk.cells(); i++) {
                    queries.add(Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
                }
                embeddings.addAll(queries);
                List<List<CellHit>> hits = target.nearest(queries, options.k(), filter);
                for (int i = 0; i < chunk.cells(); i++) {
                    List<Neighbour> neighbours = new ArrayList<>(hits.get(i).size());
                    for (CellHit h : hits.get(i)) {
                        if (h.cell().authorLabel() != null) {
                            neighbours.add(new Neighbour(h.cell().authorLabel(), h.distance()));
                        }
                    }
                    CellVote v = KnnVote.vote(neighbours, vote);
                    votes.add(v);
                    rows.add(chunk.studyRows()[i]);
                    cells.add(CellAnnotation.of(chunk.cellIds().get(i), v));
                }
                int[] r = chunk.studyRows();
                progress.accept(r.length == 0 ? 0 : r[r.length - 1] + 1);
            }
            read = study.qcReport().cellsRead();
        } catch (PoisonInputException e) {
            throw unusable(staged, e);
        }

        List<ClusterCall> clusters = List.of();
        if (clusterColumn != null && !votes.isEmpty()) {
            List<String> perCell = new ArrayList<>(rows.size());
            for (int r : rows) {
                String c = clusterColumn.get(r);
                perCell.add(c == null ? "" : c);
            }
            clusters = ClusterConsensus.of(votes, perCell, options.consensus(), options.weighting());
            List<String> labelsPerCell = ClusterConsensus.perCell(perCell, clusters);
            for (int i = 0; i < cells.size(); i++) {
                cells.set(i, cells.get(i).withCluster(perCell.get(i), labelsPerCell.get(i)));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        long unknown = 0;
        for (CellAnnotation c : cells) {
            counts.merge(c.label(), 1L, Long::sum);
            if (c.unknown()) {
                unknown++;
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new AnnotationResult(
                model.manifest().version(),
                threshold,
                options,
                read,
                cells.size(),
                shared,
                genes.size(),
                sorted,
                cells.isEmpty() ? 0 : (double) unknown / cells.size(),
                clusters,
                cells,
                embeddings);
    }

    /** The safelist or blocklist as a clause of the k-NN filter, so excluded cells never come back. */
    static Query labelClause(LabelFilter f) {
        List<FieldValue> values = f.labels().stream().map(FieldValue::of).toList();
        return switch (f.mode()) {
            case NONE -> null;
            case SAFELIST -> Query.of(q -> q.terms(t -> t.field(LABEL_FIELD).terms(v -> v.value(values))));
            case BLOCKLIST -> Query.of(q ->
                    q.bool(b -> b.mustNot(m -> m.terms(t -> t.field(LABEL_FIELD).terms(v -> v.value(values))))));
        };
    }

    private static ApiProblem unusable(Uploads.Staged staged, RuntimeException e) {
        return ApiProblem.unprocessable("unusable-input", staged.scrub(e.getMessage()));
    }
}
