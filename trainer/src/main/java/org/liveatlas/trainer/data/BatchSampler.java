package org.liveatlas.trainer.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * SCimilarity's training batch sampler: per-cell weights against frequent cell types and large
 * studies, and batches drawn by weight without replacement (its CellArr {@code scSampler}: {@code
 * np.random.choice(cells, batch_size, replace=False, p=weights)} once per batch).
 *
 * <p>Weight of a cell: {@code 1 / log1p(typeCount / 1e4) * 1 / log1p(studyCount / 1e6)}, capped at
 * twice the 99.9th percentile of all weights (numpy's linear-interpolation quantile). A batch is a
 * weighted draw without replacement (Efraimidis-Spirakis keys {@code u^(1/w)}, which has the same law
 * as successive weighted draws); batches of one epoch are drawn independently. The draw of epoch
 * {@code e} depends only on the seed and {@code e}, so a resumed run draws the same batches.
 */
public final class BatchSampler {

    public static final double CLASS_TARGET_SUM = 1e4;
    public static final double STUDY_TARGET_SUM = 1e6;

    private final double[] weights;
    private final long seed;

    /**
     * @param labels label code per cell
     * @param studies study code per cell
     * @param seed the run's seed
     */
    public BatchSampler(int[] labels, int[] studies, long seed) {
        this.weights = weights(labels, studies);
        this.seed = seed;
    }

    /** The capped sampling weight of every cell. */
    public static double[] weights(int[] labels, int[] studies) {
        if (labels.length != studies.length) {
            throw new IllegalArgumentException(
                    "need one study per cell: " + studies.length + " studies for " + labels.length + " labels");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no training cells to sample from");
        }
        Map<Integer, Integer> typeCount = count(labels);
        Map<Integer, Integer> studyCount = count(studies);
        double[] w = new double[labels.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = 1.0
                    / Math.log1p(typeCount.get(labels[i]) / CLASS_TARGET_SUM)
                    * (1.0 / Math.log1p(studyCount.get(studies[i]) / STUDY_TARGET_SUM));
        }
        double cap = quantile(w, 0.999) * 2;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.min(cap, w[i]);
        }
        return w;
    }

    private static Map<Integer, Integer> count(int[] codes) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int c : codes) {
            m.merge(c, 1, Integer::sum);
        }
        return m;
    }

    /** numpy's default ({@code linear}) quantile. */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    /** The weights in use. */
    public double[] weights() {
        return weights.clone();
    }

    /** Number of cells sampled from. */
    public int cells() {
        return weights.length;
    }

    /**
     * The batches of epoch {@code epoch}: {@code batches} arrays of {@code min(batchSize, cells)}
     * distinct cell indices each, in increasing order.
     */
    public int[][] epoch(int epoch, int batchSize, int batches) {
        if (batchSize < 1 || batches < 1) {
            throw new IllegalArgumentException("batchSize and batches must be >= 1, got " + batchSize + ", " + batches);
        }
        Random rng = new Random(seed * 1_000_003L + epoch);
        int k = Math.min(batchSize, weights.length);
        int[][] out = new int[batches][];
        for (int b = 0; b < batches; b++) {
            out[b] = draw(rng, k);
        }
        return out;
    }

    private int[] draw(Random rng, int k) {
        // keep the k largest keys log(u)/w (monotone in u^(1/w)) in a min-heap
        PriorityQueue<double[]> heap = new PriorityQueue<>(k, (x, y) -> Double.compare(x[0], y[0]));
        for (int i = 0; i < weights.length; i++) {
            double u = rng.nextDouble();
            double key = Math.log(u == 0 ? Double.MIN_VALUE : u) / weights[i];
            if (heap.size() < k) {
                heap.add(new double[] {key, i});
            } else if (key > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {key, i});
            }
        }
        int[] idx = heap.stream().mapToInt(e -> (int) e[1]).sorted().toArray();
        return idx;
    }
}
