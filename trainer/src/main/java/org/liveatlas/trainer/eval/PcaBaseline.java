package org.liveatlas.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.liveatlas.core.search.TopK;
import org.liveatlas.trainer.data.LabelledCells;

/**
 * The PCA + kNN baseline of the data README, in Java: PCA (centred, not scaled) fitted on the
 * reference cells' lognorm values, queries projected, then a uniform-weight Euclidean k-nearest vote
 * (as scikit-learn's {@code KNeighborsClassifier}: ties go to the alphabetically first label).
 *
 * <p>The top components span the leading eigen-subspace of the covariance, found by subspace
 * iteration with oversampling and a Rayleigh-Ritz step; a kNN vote depends only on that subspace, so
 * the result equals an exact PCA's up to convergence.
 */
public final class PcaBaseline {

    public static final int DEFAULT_COMPONENTS = 50;
    private static final int OVERSAMPLE = 10;
    private static final int ITERATIONS = 40;
    private static final int MIN_ITERATIONS = 7;
    private static final double TOLERANCE = 1e-7;

    private final double[] mean;
    private final double[][] basis; // components x genes
    private final int genes;

    private PcaBaseline(double[] mean, double[][] basis) {
        this.mean = mean;
        this.basis = basis;
        this.genes = mean.length;
    }

    /** Fits {@code components} principal axes on {@code reference}. */
    public static PcaBaseline fit(LabelledCells reference, int components, long seed) {
        int n = reference.cells();
        int g = reference.genes().size();
        int k = Math.min(components, Math.min(g, n));
        var x = reference.expression();
        int[] ip = x.indptr();
        int[] ix = x.indices();
        float[] vx = x.values();
        double[] mean = new double[g];
        for (int p = 0; p < ix.length; p++) {
            mean[ix[p]] += vx[p];
        }
        for (int j = 0; j < g; j++) {
            mean[j] /= n;
        }
        // the covariance is never formed (genes x genes would not fit an atlas-wide gene order): it is
        // applied to the iterated vectors through the sparse matrix, C v = (X^T (X v) - n m (m . v)) / (n - 1)
        Covariance cov = new Covariance(ip, ix, vx, mean, n);
        int p = Math.min(g, k + OVERSAMPLE);
        Random rng = new Random(seed);
        double[][] q = new double[p][g];
        for (double[] v : q) {
            for (int j = 0; j < g; j++) {
                v[j] = rng.nextGaussian();
            }
        }
        orthonormalize(q);
        // subspace iteration until the leading k values settle (at least as many iterations as
        // scikit-learn's randomized PCA makes, at most ITERATIONS)
        double[] previous = new double[p];
        for (int it = 0; it < ITERATIONS; it++) {
            q = cov.times(q);
            double[] norms = orthonormalize(q);
            double change = 0;
            for (int i = 0; i < k; i++) {
                change = Math.max(change, Math.abs(norms[i] - previous[i]) / Math.max(norms[i], 1e-300));
            }
            previous = norms;
            if (it + 1 >= MIN_ITERATIONS && change < TOLERANCE) {
                break;
            }
        }
        double[][] cq = cov.times(q);
        double[][] b = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                b[i][j] = dot(q[i], cq[j]);
            }
        }
        double[][] vecs = new double[p][p];
        double[] vals = jacobi(b, vecs);
        Integer[] order = new Integer[p];
        for (int i = 0; i < p; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (u, v) -> Double.compare(vals[v], vals[u]));
        double[][] basis = new double[k][g];
        for (int c = 0; c < k; c++) {
            int e = order[c];
            for (int i = 0; i < p; i++) {
                double w = vecs[i][e];
                for (int j = 0; j < g; j++) {
                    basis[c][j] += w * q[i][j];
                }
            }
        }
        return new PcaBaseline(mean, basis);
    }

    /** Number of components. */
    public int components() {
        return basis.length;
    }

    /** Projections of every cell onto the components (cells x components). */
    public double[][] project(LabelledCells cells) {
        if (cells.genes().size() != genes) {
            throw new IllegalArgumentException("cells have " + cells.genes().size() + " genes, the PCA " + genes);
        }
        var x = cells.expression();
        int[] ip = x.indptr();
        int[] ix = x.indices();
        float[] vx = x.values();
        double[] meanProj = new double[basis.length];
        for (int c = 0; c < basis.length; c++) {
            meanProj[c] = dot(basis[c], mean);
        }
        double[][] out = new double[cells.cells()][basis.length];
        for (int r = 0; r < out.length; r++) {
            for (int c = 0; c < basis.length; c++) {
                double s = -meanProj[c];
                for (int p = ip[r]; p < ip[r + 1]; p++) {
                    s += basis[c][ix[p]] * vx[p];
                }
                out[r][c] = s;
            }
        }
        return out;
    }

    /**
     * Euclidean k-nearest majority vote of every query among the reference points (the k smallest
     * distances, ties by reference order, as a stable sort would take them).
     */
    public static List<String> knnVote(double[][] reference, List<String> labels, double[][] queries, int k) {
        List<String> out = new ArrayList<>(queries.length);
        TopK top = new TopK(Math.min(k, reference.length));
        for (double[] q : queries) {
            top.clear();
            for (int r = 0; r < reference.length; r++) {
                double s = 0;
                double[] ref = reference[r];
                for (int c = 0; c < q.length; c++) {
                    double t = q[c] - ref[c];
                    s += t * t;
                }
                top.add(r, s);
            }
            TreeMap<String, Integer> votes = new TreeMap<>();
            for (int i = 0; i < top.size(); i++) {
                votes.merge(labels.get(top.row(i)), 1, Integer::sum);
            }
            String best = null;
            int bestCount = -1;
            for (var e : votes.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            out.add(best);
        }
        return out;
    }

    /** The sample covariance of sparse rows, applied to vectors without forming it. */
    private record Covariance(int[] ip, int[] ix, float[] vx, double[] mean, int n) {

        double[][] times(double[][] vectors) {
            int g = mean.length;
            double[][] out = new double[vectors.length][g];
            double scale = 1.0 / Math.max(1, n - 1);
            for (int v = 0; v < vectors.length; v++) {
                double[] in = vectors[v];
                double[] o = out[v];
                for (int r = 0; r < n; r++) {
                    double s = 0;
                    for (int p = ip[r]; p < ip[r + 1]; p++) {
                        s += vx[p] * in[ix[p]];
                    }
                    if (s != 0) {
                        for (int p = ip[r]; p < ip[r + 1]; p++) {
                            o[ix[p]] += s * vx[p];
                        }
                    }
                }
                double mv = n * dot(mean, in);
                for (int j = 0; j < g; j++) {
                    o[j] = (o[j] - mean[j] * mv) * scale;
                }
            }
            return out;
        }
    }

    /** Modified Gram-Schmidt (twice); returns each vector's norm before it was normalised. */
    private static double[] orthonormalize(double[][] q) {
        double[] norms = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < i; j++) {
                    double c = dot(q[i], q[j]);
                    for (int t = 0; t < q[i].length; t++) {
                        q[i][t] -= c * q[j][t];
                    }
                }
            }
            double norm = Math.sqrt(dot(q[i], q[i]));
            norms[i] = norm;
            if (norm < 1e-300) {
                Arrays.fill(q[i], 0);
                continue;
            }
            for (int t = 0; t < q[i].length; t++) {
                q[i][t] /= norm;
            }
        }
        return norms;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Cyclic Jacobi eigen-decomposition of a symmetric matrix; eigenvectors in the columns of {@code vecs}. */
    static double[] jacobi(double[][] a0, double[][] vecs) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
            Arrays.fill(vecs[i], 0);
            vecs[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vecs[k][p];
                        double vkq = vecs[k][q];
                        vecs[k][p] = c * vkp - s * vkq;
                        vecs[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            vals[i] = a[i][i];
        }
        return vals;
    }
}
