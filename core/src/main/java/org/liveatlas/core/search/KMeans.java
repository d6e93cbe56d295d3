package org.liveatlas.core.search;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means on the rows of a matrix, with k-means++ seeding and a fixed seed, so the same
 * input and options always give the same clusters.
 *
 * <p>It serves SCimilarity's query coherence, which clusters the query cells' embeddings. There
 * SCimilarity calls {@code scipy.cluster.vq.kmeans(obs, k, seed=4)}: random observations as the
 * initial codebook, 20 restarts, the lowest distortion kept, empty clusters dropped. This class
 * keeps the parts that define the result (Euclidean Lloyd iterations, restarts keeping the lowest
 * total squared distance, empty clusters dropped) and seeds with k-means++, which needs fewer
 * restarts; the clusters can therefore differ from scipy's on the same data, as scipy's differ
 * between seeds.
 */
public final class KMeans {

    private KMeans() {}

    /**
     * Options.
     *
     * @param clusters requested number of clusters (clamped to the number of points)
     * @param seed random seed
     * @param restarts independent runs; the lowest inertia wins
     * @param maxIterations Lloyd iterations per run at most
     * @param tolerance a run stops when the inertia improves by less than this fraction
     */
    public record Options(int clusters, long seed, int restarts, int maxIterations, double tolerance) {
        public Options {
            if (clusters < 1) {
                throw new IllegalArgumentException("k-means needs at least 1 cluster, got " + clusters);
            }
            if (restarts < 1 || maxIterations < 1) {
                throw new IllegalArgumentException(
                        "restarts and maxIterations must be >= 1, got " + restarts + ", " + maxIterations);
            }
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
            }
        }

        /** {@code clusters} clusters, SCimilarity's seed 4, 10 restarts, 300 iterations, tolerance 1e-6. */
        public static Options of(int clusters) {
            return new Options(clusters, SearchDefaults.KMEANS_SEED, 10, 300, 1e-6);
        }
    }

    /**
     * A clustering.
     *
     * @param centroids cluster means (not re-normalised), one row per non-empty cluster
     * @param assignments cluster of every input row
     * @param inertia sum of squared Euclidean distances of the rows to their centroids
     */
    public record Result(float[][] centroids, int[] assignments, double inertia) {
        public Result {
            centroids = Arrays.stream(centroids).map(float[]::clone).toArray(float[][]::new);
            assignments = assignments.clone();
        }

        @Override
        public float[][] centroids() {
            return Arrays.stream(centroids).map(float[]::clone).toArray(float[][]::new);
        }

        @Override
        public int[] assignments() {
            return assignments.clone();
        }

        /** Number of rows in each cluster. */
        public int[] sizes() {
            int[] s = new int[centroids.length];
            for (int a : assignments) {
                s[a]++;
            }
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && Arrays.deepEquals(centroids, r.centroids)
                    && Arrays.equals(assignments, r.assignments)
                    && Double.compare(inertia, r.inertia) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.deepHashCode(centroids), Arrays.hashCode(assignments), inertia);
        }

        @Override
        public String toString() {
            return "KMeans.Result[" + centroids.length + " clusters, inertia=" + inertia + "]";
        }
    }

    /** Clusters the rows of {@code points}. */
    public static Result cluster(float[][] points, Options options) {
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(options, "options");
        if (points.length == 0) {
            throw new IllegalArgumentException("k-means needs at least one point");
        }
        int dim = points[0].length;
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != dim) {
                throw new IllegalArgumentException(
                        "point " + i + " has length " + points[i].length + ", expected " + dim);
            }
        }
        int k = Math.min(options.clusters(), points.length);
        SplittableRandom random = new SplittableRandom(options.seed());
        Result best = null;
        for (int run = 0; run < options.restarts(); run++) {
            Result r = lloyd(points, k, random.split(), options);
            if (best == null || r.inertia() < best.inertia()) {
                best = r;
            }
        }
        return best;
    }

    private static Result lloyd(float[][] x, int k, SplittableRandom random, Options options) {
        int n = x.length;
        int dim = x[0].length;
        double[][] c = seedPlusPlus(x, k, random);
        int[] assign = new int[n];
        double previous = Double.POSITIVE_INFINITY;
        double inertia = 0;
        for (int it = 0; it < options.maxIterations(); it++) {
            inertia = 0;
            for (int i = 0; i < n; i++) {
                int bestJ = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double d = sq(x[i], c[j]);
                    if (d < bestD) {
                        bestD = d;
                        bestJ = j;
                    }
                }
                assign[i] = bestJ;
                inertia += bestD;
            }
            double[][] sum = new double[k][dim];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[assign[i]]++;
                for (int d = 0; d < dim; d++) {
                    sum[assign[i]][d] += x[i][d];
                }
            }
            for (int j = 0; j < k; j++) {
                if (count[j] > 0) {
                    for (int d = 0; d < dim; d++) {
                        c[j][d] = sum[j][d] / count[j];
                    }
                }
            }
            if (previous != Double.POSITIVE_INFINITY && previous - inertia <= options.tolerance() * previous) {
                break;
            }
            previous = inertia;
        }
        // final assignment against the final centroids, then drop empty clusters (as scipy does)
        inertia = 0;
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            int bestJ = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double d = sq(x[i], c[j]);
                if (d < bestD) {
                    bestD = d;
                    bestJ = j;
                }
            }
            assign[i] = bestJ;
            count[bestJ]++;
            inertia += bestD;
        }
        int[] remap = new int[k];
        int kept = 0;
        for (int j = 0; j < k; j++) {
            remap[j] = count[j] > 0 ? kept++ : -1;
        }
        float[][] centroids = new float[kept][dim];
        for (int j = 0; j < k; j++) {
            if (remap[j] >= 0) {
                for (int d = 0; d < dim; d++) {
                    centroids[remap[j]][d] = (float) c[j][d];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assign[i] = remap[assign[i]];
        }
        return new Result(centroids, assign, inertia);
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2. */
    private static double[][] seedPlusPlus(float[][] x, int k, SplittableRandom random) {
        int n = x.length;
        int dim = x[0].length;
        double[][] c = new double[k][dim];
        copy(x[random.nextInt(n)], c[0]);
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = sq(x[i], c[0]);
        }
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total <= 0) {
                pick = random.nextInt(n); // all points coincide with chosen centres
            } else {
                double u = random.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (acc > u) {
                        pick = i;
                        break;
                    }
                }
            }
            copy(x[pick], c[j]);
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], sq(x[i], c[j]));
            }
        }
        return c;
    }

    private static void copy(float[] from, double[] to) {
        for (int d = 0; d < from.length; d++) {
            to[d] = from[d];
        }
    }

    private static double sq(float[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            double t = a[d] - b[d];
            s += t * t;
        }
        return s;
    }
}
