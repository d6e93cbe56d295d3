package org.liveatlas.trainer.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.trainer.data.LabelledCells;

/**
 * Leave-studies-out evaluation: the training cells are the labelled reference, held-out studies are
 * queries annotated through the core's search and k-nearest vote; plus reconstruction error, the
 * ontology-aware silhouette, the calibrated unknown threshold, and the PCA + kNN baseline on the same
 * split.
 *
 * @param ontology for the silhouette
 * @param k voting neighbours (SCimilarity's 50)
 * @param unknownQuantile see {@link UnknownThreshold}
 * @param silhouetteCells held-out cells sampled for the quadratic silhouette
 * @param threads search and encoder threads
 */
public record ModelEvaluator(CellOntology ontology, int k, double unknownQuantile, int silhouetteCells, int threads) {

    /** k = 50, 95th percentile threshold, silhouette on up to 2,000 cells. */
    public static ModelEvaluator defaults(CellOntology ontology, int threads) {
        return new ModelEvaluator(ontology, 50, UnknownThreshold.DEFAULT_QUANTILE, 2000, threads);
    }

    /** Scores {@code model} with {@code reference} (training cells) against {@code heldOut}. */
    public Evaluation evaluate(ModelFolder model, LabelledCells reference, LabelledCells heldOut) {
        return evaluate(model, reference, heldOut, Double.NaN);
    }

    /**
     * As {@link #evaluate(ModelFolder, LabelledCells, LabelledCells)}, but with a given unknown
     * threshold (NaN: calibrated on the held-out known cells), e.g. one calibrated on another split.
     */
    public Evaluation evaluate(
            ModelFolder model, LabelledCells reference, LabelledCells heldOut, double fixedThreshold) {
        Voted v = vote(model, reference, heldOut, fixedThreshold);
        double nmse = model.decoder().isPresent() ? Embeddings.nmse(model, heldOut, v.query()) : Double.NaN;
        int[] sample = sample(heldOut.cells(), silhouetteCells, 17);
        float[][] sEmb = new float[sample.length][];
        List<String> sTerms = new java.util.ArrayList<>();
        for (int i = 0; i < sample.length; i++) {
            sEmb[i] = v.query()[sample[i]];
            sTerms.add(heldOut.labelTerms().get(heldOut.label(sample[i])));
        }
        double asw = OntologySilhouette.of(sEmb, sTerms, ontology);
        return new Evaluation(v.report(), nmse, asw, v.threshold());
    }

    /**
     * The cheap part of {@link #evaluate} for the per-epoch log: held-out k-NN accuracy, macro-F1 and,
     * when the held-out cells hold a type absent from the reference, the unknown rate of those cells at
     * the threshold calibrated on the known ones (no silhouette, no reconstruction).
     */
    public java.util.Map<String, Double> quickMetrics(
            ModelFolder model, LabelledCells reference, LabelledCells heldOut) {
        ClassificationReport report =
                vote(model, reference, heldOut, Double.NaN).report();
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("val_accuracy", report.accuracy());
        m.put("val_macro_f1", report.macroF1());
        if (!Double.isNaN(report.unknownRateNovel())) {
            m.put("val_unknown_novel", report.unknownRateNovel());
        }
        m.values().removeIf(v -> v.isNaN());
        return m;
    }

    /** The held-out cells' embeddings, the k-NN report and the unknown threshold it used. */
    private record Voted(float[][] query, ClassificationReport report, double threshold) {}

    /** Embeds both sides, votes, and reports at {@code fixedThreshold} (NaN: calibrated on the known cells). */
    private Voted vote(ModelFolder model, LabelledCells reference, LabelledCells heldOut, double fixedThreshold) {
        float[][] ref = Embeddings.embed(model, reference, threads);
        float[][] query = Embeddings.embed(model, heldOut, threads);
        List<String> refLabels = ClassificationReport.labels(reference.labelNames(), reference.labels());
        List<String> truth = ClassificationReport.labels(heldOut.labelNames(), heldOut.labels());
        List<CellVote> votes = Annotation.vote(ref, refLabels, query, k, threads);
        List<String> predicted = votes.stream().map(CellVote::votedLabel).toList();
        double[] minDist = votes.stream().mapToDouble(CellVote::minDist).toArray();
        Set<String> known = new HashSet<>(refLabels);
        double[] knownMin = java.util.stream.IntStream.range(0, truth.size())
                .filter(i -> known.contains(truth.get(i)))
                .mapToDouble(i -> minDist[i])
                .toArray();
        double threshold = !Double.isNaN(fixedThreshold)
                ? fixedThreshold
                : knownMin.length == 0 ? Double.NaN : UnknownThreshold.calibrate(knownMin, unknownQuantile);
        return new Voted(query, ClassificationReport.of(truth, predicted, minDist, known, threshold), threshold);
    }

    /** The PCA + kNN baseline on the same split (voted labels, no unknown call). */
    public ClassificationReport pcaBaseline(LabelledCells reference, LabelledCells heldOut, int components) {
        PcaBaseline pca = PcaBaseline.fit(reference, components, 0);
        List<String> refLabels = ClassificationReport.labels(reference.labelNames(), reference.labels());
        List<String> truth = ClassificationReport.labels(heldOut.labelNames(), heldOut.labels());
        List<String> predicted = PcaBaseline.knnVote(pca.project(reference), refLabels, pca.project(heldOut), k);
        double[] none = new double[truth.size()];
        return ClassificationReport.of(truth, predicted, none, new HashSet<>(refLabels), Double.NaN);
    }

    private static int[] sample(int n, int max, long seed) {
        if (n <= max) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        Random r = new Random(seed);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = java.util.Arrays.copyOf(all, max);
        java.util.Arrays.sort(out);
        return out;
    }
}
