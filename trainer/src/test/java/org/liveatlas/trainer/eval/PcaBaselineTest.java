package org.liveatlas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.liveatlas.trainer.data.LabelledCells;

class PcaBaselineTest {

    @Test
    void jacobiFindsTheEigenvaluesOfASymmetricMatrix() {
        double[][] vecs = new double[3][3];
        double[] vals = PcaBaseline.jacobi(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}}, vecs);
        assertThat(java.util.Arrays.stream(vals).sorted().toArray())
                .containsExactly(new double[] {1, 3, 5}, within(1e-9));
    }

    @Test
    void projectionKeepsTheVarianceOfALowRankSignalAndTheVoteFindsTheClusters() {
        // 3 groups in 20 genes, the signal in 2 directions plus small noise
        Random r = new Random(1);
        int n = 90;
        int g = 20;
        float[] dense = new float[n * g];
        List<String> labels = new ArrayList<>();
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            codes[i] = c;
            labels.add("t" + c);
            for (int j = 0; j < g; j++) {
                double signal = (c == 0 ? 3 : 0) * (j < 10 ? 1 : 0) + (c == 1 ? 3 : 0) * (j >= 10 ? 1 : 0);
                dense[i * g + j] = (float) (signal + 0.1 * r.nextGaussian() + 1);
            }
        }
        LabelledCells cells = denseCells(dense, n, g, codes, List.of("t0", "t1", "t2"));
        PcaBaseline pca = PcaBaseline.fit(cells, 2, 0);
        double[][] p = pca.project(cells);
        // two components carry the whole signal: distances between group means survive
        double d01 = Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]);
        assertThat(d01).isCloseTo(Math.sqrt(20 * 9), within(1.0));
        List<String> voted = PcaBaseline.knnVote(p, labels, p, 5);
        assertThat(voted).isEqualTo(labels);
    }

    @Test
    void theVoteTakesTheKNearestWithTiesInReferenceOrderAsAStableSortWould() {
        Random r = new Random(3);
        double[][] reference = new double[300][3];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < reference.length; i++) {
            // coarse coordinates: many exactly equal distances
            for (int c = 0; c < 3; c++) {
                reference[i][c] = r.nextInt(4);
            }
            labels.add("L" + r.nextInt(5));
        }
        double[][] queries = new double[60][3];
        for (double[] q : queries) {
            for (int c = 0; c < 3; c++) {
                q[c] = r.nextInt(4);
            }
        }
        for (int k : new int[] {1, 7, 50, 400}) {
            assertThat(PcaBaseline.knnVote(reference, labels, queries, k))
                    .as("k=%d", k)
                    .isEqualTo(sortedVote(reference, labels, queries, k));
        }
    }

    @Test
    void theComponentsSpanTheLeadingEigenvectorsOfTheCovariance() {
        Random r = new Random(7);
        int n = 200;
        int g = 12;
        float[] dense = new float[n * g];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            for (int j = 0; j < g; j++) {
                dense[i * g + j] = (float) (3 * a * Math.cos(j) + 1.5 * b * Math.sin(j) + 0.2 * r.nextGaussian() + 2);
            }
        }
        LabelledCells cells = denseCells(dense, n, g, new int[n], List.of("t0"));
        // exact covariance and its eigenvectors
        double[] mean = new double[g];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < g; j++) {
                mean[j] += dense[i * g + j] / (double) n;
            }
        }
        double[][] cov = new double[g][g];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < g; a++) {
                for (int b = 0; b < g; b++) {
                    cov[a][b] += (dense[i * g + a] - mean[a]) * (dense[i * g + b] - mean[b]) / (n - 1);
                }
            }
        }
        double[][] vecs = new double[g][g];
        double[] vals = PcaBaseline.jacobi(cov, vecs);
        PcaBaseline pca = PcaBaseline.fit(cells, 2, 0);
        double[][] p = pca.project(cells);
        // the variance along the two components equals the two largest eigenvalues
        double[] sorted = java.util.Arrays.stream(vals).sorted().toArray();
        for (int c = 0; c < 2; c++) {
            double var = 0;
            for (double[] row : p) {
                var += row[c] * row[c] / (n - 1);
            }
            assertThat(var).isCloseTo(sorted[g - 1 - c], within(1e-6 * sorted[g - 1]));
        }
    }

    /** Dense cells x genes values as a one-study {@link LabelledCells}. */
    private static LabelledCells denseCells(float[] dense, int n, int g, int[] codes, List<String> labelNames) {
        int[] indptr = IntStream.rangeClosed(0, n).map(i -> i * g).toArray();
        int[] indices = IntStream.range(0, n * g).map(i -> i % g).toArray();
        return new LabelledCells(
                IntStream.range(0, g).mapToObj(j -> "G" + j).toList(),
                indptr,
                indices,
                dense,
                codes,
                new int[n],
                IntStream.range(0, n).mapToObj(i -> "c" + i).toList(),
                labelNames,
                labelNames,
                List.of("s"));
    }

    /** The plain definition: stable sort of all distances, majority of the first k, ties alphabetical. */
    private static List<String> sortedVote(double[][] reference, List<String> labels, double[][] queries, int k) {
        List<String> out = new ArrayList<>();
        for (double[] q : queries) {
            Integer[] idx = IntStream.range(0, reference.length).boxed().toArray(Integer[]::new);
            double[] d = new double[reference.length];
            for (int i = 0; i < reference.length; i++) {
                for (int c = 0; c < q.length; c++) {
                    d[i] += (q[c] - reference[i][c]) * (q[c] - reference[i][c]);
                }
            }
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(d[a], d[b]));
            java.util.TreeMap<String, Integer> votes = new java.util.TreeMap<>();
            for (int i = 0; i < Math.min(k, idx.length); i++) {
                votes.merge(labels.get(idx[i]), 1, Integer::sum);
            }
            int best = votes.values().stream().max(Integer::compare).orElseThrow();
            out.add(votes.entrySet().stream()
                    .filter(e -> e.getValue() == best)
                    .findFirst()
                    .orElseThrow()
                    .getKey());
        }
        return out;
    }
}
