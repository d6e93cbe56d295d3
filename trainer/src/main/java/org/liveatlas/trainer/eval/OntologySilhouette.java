package org.liveatlas.trainer.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.ontology.CellOntology;

/**
 * SCimilarity's ontology-aware average silhouette width ({@code TripletSelector.get_asw}): for a cell
 * of term t, cells of t or of a descendant of t are intra-cluster, cells of an ancestor of t are
 * ignored, all others are grouped by term as candidate neighbouring clusters.
 *
 * <p>As SCimilarity: distances are squared Euclidean between the (unit) embeddings; {@code a} is the
 * intra-cluster sum divided by its count minus one; {@code b} is the smallest mean distance to another
 * term among terms with more than one cell; {@code s = (b - a) / max(a, b)}; cells with at most one
 * intra-cluster neighbour or no other term are skipped; the result is the mean of s (NaN when no cell
 * qualifies). Quadratic in the number of cells: callers subsample.
 */
public final class OntologySilhouette {

    private OntologySilhouette() {}

    /**
     * @param embeddings unit rows
     * @param terms label term (ontology id or label text) of each row
     */
    public static double of(float[][] embeddings, List<String> terms, CellOntology ontology) {
        int n = embeddings.length;
        List<Double> sw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t1 = terms.get(i);
            double aSum = 0;
            int aCount = 0;
            Map<String, double[]> b = new HashMap<>();
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                String t2 = terms.get(j);
                double d = sq(embeddings[i], embeddings[j]);
                if (t2.equals(t1) || ontology.ancestors(t2).contains(t1)) {
                    aSum += d;
                    aCount++;
                } else if (!ontology.ancestors(t1).contains(t2)) {
                    double[] acc = b.computeIfAbsent(t2, x -> new double[2]);
                    acc[0] += d;
                    acc[1]++;
                }
            }
            if (aCount <= 1 || b.isEmpty()) {
                continue;
            }
            double a = aSum / (aCount - 1);
            double bMin = Double.POSITIVE_INFINITY;
            for (double[] acc : b.values()) {
                if (acc[1] > 1) {
                    bMin = Math.min(bMin, acc[0] / acc[1]);
                }
            }
            if (bMin == Double.POSITIVE_INFINITY) {
                continue;
            }
            sw.add((bMin - a) / Math.max(a, bMin));
        }
        return sw.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double sq(float[] x, float[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            double d = x[k] - y[k];
            s += d * d;
        }
        return s;
    }
}
