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
        int[] indptr = IntStream.rangeClosed(0, n).map(i -> i * g).toArray();
        int[] indices = IntStream.range(0, n * g).map(i -> i % g).toArray();
        LabelledCells cells = new LabelledCells(
                IntStream.range(0, g).mapToObj(j -> "G" + j).toList(),
                indptr,
                indices,
                dense,
                codes,
                new int[n],
                IntStream.range(0, n).mapToObj(i -> "c" + i).toList(),
                List.of("t0", "t1", "t2"),
                List.of("t0", "t1", "t2"),
                List.of("s"));
        PcaBaseline pca = PcaBaseline.fit(cells, 2, 0);
        double[][] p = pca.project(cells);
        // two components carry the whole signal: distances between group means survive
        double d01 = Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]);
        assertThat(d01).isCloseTo(Math.sqrt(20 * 9), within(1.0));
        List<String> voted = PcaBaseline.knnVote(p, labels, p, 5);
        assertThat(voted).isEqualTo(labels);
    }
}
