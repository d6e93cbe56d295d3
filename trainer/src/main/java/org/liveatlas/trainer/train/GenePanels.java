package org.liveatlas.trainer.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Gene-panel augmentation: training cells re-expressed as a study that measures only part of the
 * model's gene order would see them.
 *
 * <p>A query study is aligned to the model's gene order with SCimilarity's zero fill and then
 * log-normalised over the genes it has, so a study that measures a panel of 1,000 of the order's 9,000
 * genes differs from the reference in two ways: the other genes read zero, and every measured gene's
 * value is higher, because the library size is summed over the panel only. Zeroing inputs at random
 * ({@link TrainingConfig#geneMask}) imitates the first and not the second. Here a chosen cell keeps
 * only the genes of a panel and is normalised again over them, exactly as the preprocessor would:
 * with {@code x = log1p(1e4 * c / L)}, {@code expm1(x)} is proportional to the counts, so the cell
 * becomes {@code log1p(1e4 * expm1(x) / sum over the panel of expm1(x))} on the panel and 0 elsewhere.
 *
 * <p>Panels come from two sources, drawn per batch:
 *
 * <ul>
 *   <li>the gene lists of deposited studies that measure part of the order (their genes only, never
 *       their expression or labels): a study deposited with a narrow panel teaches the next model to
 *       embed that panel next to full profiles;
 *   <li>random expression-ranked panels: the N genes of highest {@code log(mean expression) + noise}
 *       over the training cells, N log-uniform between {@code minFraction} of the order and all of it,
 *       as published subsets are usually filtered to well-expressed or variable genes.
 * </ul>
 *
 * The decoder still reconstructs the full profile and the triplets are mined on the augmented batch.
 */
public final class GenePanels {

    /** The smallest random panel, as a fraction of the gene order. */
    public static final double DEFAULT_MIN_FRACTION = 0.1;

    /** Noise (standard deviation, on the log-mean scale) of the random panels' gene ranking. */
    static final double RANK_NOISE = 2.0;

    private final Map<String, List<String>> studyPanels;
    private final double minFraction;

    /**
     * @param studyPanels deposited studies' gene lists by study id (may be empty)
     * @param minFraction the smallest random panel as a fraction of the gene order, in (0, 1]
     */
    public GenePanels(Map<String, List<String>> studyPanels, double minFraction) {
        if (!(minFraction > 0 && minFraction <= 1)) {
            throw new IllegalArgumentException(
                    "the smallest gene panel fraction must be in (0, 1], got " + minFraction);
        }
        this.studyPanels = new LinkedHashMap<>();
        studyPanels.forEach((k, v) -> this.studyPanels.put(k, List.copyOf(v)));
        this.minFraction = minFraction;
    }

    /** Random expression-ranked panels only. */
    public static GenePanels random() {
        return new GenePanels(Map.of(), DEFAULT_MIN_FRACTION);
    }

    public Map<String, List<String>> studyPanels() {
        return java.util.Collections.unmodifiableMap(studyPanels);
    }

    /**
     * The per-batch sampler over {@code genes} (the model's order): keeps study panels that share at
     * least {@code minShared} genes with the order and miss at least 1% of it.
     */
    Sampler sampler(List<String> genes, CsrBatch expression, int minShared) {
        List<boolean[]> panels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int g = 0; g < genes.size(); g++) {
            index.put(genes.get(g), g);
        }
        studyPanels.forEach((study, list) -> {
            Set<String> set = new HashSet<>(list);
            boolean[] keep = new boolean[genes.size()];
            int n = 0;
            for (String s : set) {
                Integer g = index.get(s);
                if (g != null) {
                    keep[g] = true;
                    n++;
                }
            }
            if (n >= minShared && n < 0.99 * genes.size()) {
                panels.add(keep);
                names.add(study + " (" + n + " genes)");
            }
        });
        double[] logMean = new double[genes.size()];
        int[] ix = expression.indices();
        float[] vx = expression.values();
        for (int p = 0; p < ix.length; p++) {
            logMean[ix[p]] += vx[p];
        }
        for (int g = 0; g < logMean.length; g++) {
            logMean[g] = StrictMath.log(1e-4 + logMean[g] / Math.max(1, expression.rows()));
        }
        return new Sampler(panels, names, logMean, minFraction);
    }

    /** Draws one panel per batch and applies it to a share of the batch's cells. */
    static final class Sampler {
        private final List<boolean[]> panels;
        private final List<String> names;
        private final double[] logMean;
        private final double minFraction;

        Sampler(List<boolean[]> panels, List<String> names, double[] logMean, double minFraction) {
            this.panels = panels;
            this.names = List.copyOf(names);
            this.logMean = logMean;
            this.minFraction = minFraction;
        }

        /** The study panels in use, with their sizes over the order. */
        List<String> studyPanels() {
            return names;
        }

        /**
         * A panel: half the time one of the studies' (when there are any), else a random
         * expression-ranked one.
         */
        boolean[] draw(Random rng) {
            if (!panels.isEmpty() && rng.nextBoolean()) {
                return panels.get(rng.nextInt(panels.size()));
            }
            int genes = logMean.length;
            double fraction = StrictMath.exp(StrictMath.log(minFraction) * rng.nextDouble());
            int n = Math.max(1, (int) Math.round(fraction * genes));
            double[] score = new double[genes];
            for (int g = 0; g < genes; g++) {
                score[g] = logMean[g] + RANK_NOISE * rng.nextGaussian();
            }
            Integer[] order = new Integer[genes];
            for (int g = 0; g < genes; g++) {
                order[g] = g;
            }
            Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
            boolean[] keep = new boolean[genes];
            for (int i = 0; i < n; i++) {
                keep[order[i]] = true;
            }
            return keep;
        }
    }

    /**
     * A copy of {@code dense} (rows x genes, lognorm) in which each row, with probability {@code
     * share}, keeps only the genes of {@code panel} and is normalised again over them (see the class
     * comment). A row with no count on the panel becomes all zero, as such a cell would read.
     */
    static float[] apply(float[] dense, int rows, boolean[] panel, double share, Random rng) {
        // StrictMath: Math's expm1 and log1p may give other last bits once the JIT compiles this loop, and a
        // seeded training run must repeat bit for bit
        int genes = panel.length;
        float[] out = dense.clone();
        double[] linear = new double[genes];
        for (int r = 0; r < rows; r++) {
            if (rng.nextDouble() >= share) {
                continue;
            }
            int o = r * genes;
            double sum = 0;
            for (int g = 0; g < genes; g++) {
                linear[g] = panel[g] ? StrictMath.expm1(out[o + g]) : 0.0;
                sum += linear[g];
            }
            for (int g = 0; g < genes; g++) {
                out[o + g] = sum > 0 ? (float) StrictMath.log1p(linear[g] * 1e4 / sum) : 0f;
            }
        }
        return out;
    }
}
