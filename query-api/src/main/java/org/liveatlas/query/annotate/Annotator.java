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
import org.liveatlas.query.reference.ReferenceIndexes;
import org.liveatlas.query.security.Caller;

/**
 * Annotates an upload as SCimilarity's {@code annotate_dataset} does: QC (cells without counts
 * dropped), alignment to the current model's genes, lognorm, embedding, then for each cell the k
 * nearest labelled reference cells visible to the caller (label safelist/blocklist inside the search)
 * and the core's {@link KnnVote}, with the model's calibrated unknown threshold.
 *
 * <p>The reference is the leased model's in-memory {@link ReferenceIndexes.Reference}: each chunk of the
 * upload is embedded and searched as one batch (one matrix product, or one graph search per cell in
 * parallel), never one request per cell. Reference labels vote harmonised (core {@code LabelKeys}: by Cell
 * Ontology id where the study carries one, else by normalised author label) and are reported by name with
 * their id.
 */
@ApplicationScoped
public class Annotator {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Annotator.class);

    /** Annotation keeps every cell with at least one count: SCimilarity annotates what it is given. */
    static final QcThresholds QC = new QcThresholds(1, 1, 1.0);

    private final ReferenceIndexes references;
    private final ModelRegistry models;
    private final QueryConfig config;

    Annotator(ReferenceIndexes references, ModelRegistry models, QueryConfig config) {
        this.references = references;
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

    /** Annotates every cell into memory (a synchronous request); {@code progress} receives rows processed. */
    public AnnotationResult annotate(
            Caller caller, Uploads.Staged staged, AnnotateOptions options, IntConsumer progress) {
        return annotate(caller, staged, options, progress, AnnotatedCells.inMemory());
    }

    /**
     * Annotates every cell into {@code out} (a spool for jobs), one upload chunk at a time; {@code progress}
     * receives the number of upload rows processed so far. {@code out} is closed if the annotation fails.
     */
    public AnnotationResult annotate(
            Caller caller, Uploads.Staged staged, AnnotateOptions options, IntConsumer progress, AnnotatedCells out) {
        try (LoadedModel.Lease lease = models.lease(java.util.Optional.ofNullable(options.modelVersion()))) {
            return annotate(lease.model(), references.of(lease), caller, staged, options, progress, out);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private AnnotationResult annotate(
            LoadedModel model,
            ReferenceIndexes.Reference reference,
            Caller caller,
            Uploads.Staged staged,
            AnnotateOptions options,
            IntConsumer progress,
            AnnotatedCells cells) {
        List<String> genes = model.folder().geneOrder();
        AlignOptions align =
                AlignOptions.DEFAULT.withMinSharedGenes(config.annotate().minSharedGenes());
        StudyPreprocessor prep = new StudyPreprocessor(
                genes, PreprocessOptions.DEFAULT.withQc(QC).withAlign(align));
        Double threshold = model.manifest().unknownThreshold();
        LabelFilter labels = options.labelFilter();
        // the filter sits inside the search (it matches ids, names and author labels); the vote sees only keys
        VoteOptions vote = new VoteOptions(
                options.k(),
                options.weighting(),
                threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold),
                LabelFilter.none());
        int dim = model.encoder().latentDim();

        long readNanos = 0;
        long embedNanos = 0;
        long searchNanos = 0;
        // kept only for a cluster consensus, which needs every cell's vote
        List<CellVote> votes = new ArrayList<>();
        List<String> clusterOf = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        long unknown = 0;
        long read;
        int shared;
        List<String> clusterColumn = null;
        try (PreparedStudy study = prep.open("upload", staged.input())) {
            shared = study.alignmentReport().sharedGenes();
            if (options.clusterColumn() != null) {
                clusterColumn = study.reader().obsColumn(options.clusterColumn());
            }
            long t0 = System.nanoTime();
            while (study.hasNext()) {
                long t1 = System.nanoTime();
                PreparedChunk chunk = study.next();
                long t2 = System.nanoTime();
                float[] flat = model.encoder().embed(chunk.expression());
                float[][] queries = new float[chunk.cells()][];
                for (int i = 0; i < chunk.cells(); i++) {
                    queries[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
                }
                long t3 = System.nanoTime();
                List<List<Neighbour>> hits = reference.nearest(queries, options.k(), caller, labels);
                long t4 = System.nanoTime();
                readNanos += t2 - t1;
                embedNanos += t3 - t2;
                searchNanos += t4 - t3;
                for (int i = 0; i < chunk.cells(); i++) {
                    CellVote v = KnnVote.vote(hits.get(i), vote);
                    CellAnnotation c = named(chunk.cellIds().get(i), v, reference);
                    if (clusterColumn != null) {
                        String cluster = clusterColumn.get(chunk.studyRows()[i]);
                        cluster = cluster == null ? "" : cluster;
                        votes.add(v);
                        clusterOf.add(cluster);
                        c = c.withCluster(cluster, null);
                    }
                    counts.merge(c.label(), 1L, Long::sum);
                    unknown += c.unknown() ? 1 : 0;
                    cells.add(c, queries[i]);
                }
                int[] r = chunk.studyRows();
                progress.accept(r.length == 0 ? 0 : r[r.length - 1] + 1);
            }
            read = study.qcReport().cellsRead();
            double total = (System.nanoTime() - t0) / 1e9;
            LOG.infof(
                    "annotated %d cells with model %s against %d reference cells in %.1f s: read and normalise %.1f s,"
                            + " embed %.1f s, reference search %.1f s, vote and write %.1f s",
                    cells.size(),
                    model.version(),
                    reference.cells(caller),
                    total,
                    readNanos / 1e9,
                    embedNanos / 1e9,
                    searchNanos / 1e9,
                    total - (readNanos + embedNanos + searchNanos) / 1e9);
        } catch (PoisonInputException e) {
            throw unusable(staged, e);
        }

        List<ClusterCall> clusters = List.of();
        if (clusterColumn != null && !votes.isEmpty()) {
            clusters = ClusterConsensus.of(votes, clusterOf, options.consensus(), options.weighting()).stream()
                    .map(c -> named(c, reference))
                    .toList();
            Map<String, String> byCluster = new LinkedHashMap<>();
            clusters.forEach(c -> byCluster.put(c.cluster(), c.label()));
            cells.clusterLabels(byCluster);
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
                cells.size() == 0 ? 0 : (double) unknown / cells.size(),
                clusters,
                new AnnotationResult.Reference(reference.modelVersion(), reference.index(), reference.cells(caller)),
                cells);
    }

    /** A cell's annotation with the vote's label keys shown by name, with their ontology ids. */
    static CellAnnotation named(String cellId, CellVote v, ReferenceIndexes.Reference ref) {
        boolean noVote = v.neighbours() == 0;
        String votedId = noVote ? null : ref.ontologyId(v.votedLabel());
        return CellAnnotation.of(cellId, v.named(ref::name), v.unknown() ? null : votedId, votedId);
    }

    private static ClusterCall named(ClusterCall c, ReferenceIndexes.Reference ref) {
        return new ClusterCall(
                c.cluster(),
                ref.name(c.label()),
                c.fraction(),
                c.cells(),
                CellVote.renamed(c.support(), ref::name, Double::sum),
                c.method());
    }

    private static ApiProblem unusable(Uploads.Staged staged, RuntimeException e) {
        return ApiProblem.unprocessable("unusable-input", staged.scrub(e.getMessage()));
    }
}
