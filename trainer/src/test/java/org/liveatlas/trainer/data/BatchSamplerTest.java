package org.liveatlas.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    @Test
    void weightsFollowScimilaritysFormula() {
        int[] labels = {0, 0, 0, 1};
        int[] studies = {0, 0, 1, 1};
        double[] w = BatchSampler.weights(labels, studies);
        double t0 = 1 / Math.log1p(3 / 1e4);
        double t1 = 1 / Math.log1p(1 / 1e4);
        double s = 1 / Math.log1p(2 / 1e6);
        // the rare type's weight exceeds twice the 99.9th percentile? no: the quantile sits near it
        double[] raw = {t0 * s, t0 * s, t0 * s, t1 * s};
        double q = BatchSampler.quantile(raw, 0.999);
        for (int i = 0; i < 4; i++) {
            assertThat(w[i]).isCloseTo(Math.min(raw[i], 2 * q), within(1e-6 * raw[i]));
        }
        assertThat(w[3]).isGreaterThan(w[0] * 2.5);
    }

    @Test
    void capsOutliersAtTwiceThe999thPercentile() {
        int n = 5000;
        int[] labels = new int[n];
        int[] studies = new int[n];
        labels[0] = 1; // a singleton type: weight ~ 1/log1p(1e-4), ~ 3,000x the others
        double[] w = BatchSampler.weights(labels, studies);
        double[] sorted = w.clone();
        Arrays.sort(sorted);
        assertThat(w[0]).isEqualTo(BatchSampler.quantile(withRaw(labels, studies), 0.999) * 2, within(1e-3));
    }

    private static double[] withRaw(int[] labels, int[] studies) {
        double[] raw = new double[labels.length];
        for (int i = 0; i < raw.length; i++) {
            long type = Arrays.stream(labels)
                    .filter(l -> l == labels[0] ? false : true)
                    .count();
            raw[i] = labels[i] == 1
                    ? 1 / Math.log1p(1 / 1e4) / Math.log1p(labels.length / 1e6)
                    : 1 / Math.log1p(type / 1e4) / Math.log1p(labels.length / 1e6);
        }
        return raw;
    }

    @Test
    void batchesHaveDistinctCellsAndAreRepeatablePerEpoch() {
        int[] labels = new int[300];
        int[] studies = new int[300];
        for (int i = 0; i < 300; i++) {
            labels[i] = i % 3;
            studies[i] = i % 2;
        }
        BatchSampler s = new BatchSampler(labels, studies, 42);
        int[][] e3 = s.epoch(3, 100, 4);
        assertThat(e3).hasNumberOfRows(4);
        for (int[] b : e3) {
            assertThat(b).hasSize(100);
            assertThat(Arrays.stream(b).distinct().count()).isEqualTo(100);
        }
        assertThat(new BatchSampler(labels, studies, 42).epoch(3, 100, 4)).isDeepEqualTo(e3);
        assertThat(Arrays.deepEquals(s.epoch(4, 100, 4), e3)).isFalse();
        assertThat(s.epoch(0, 1000, 1)[0]).hasSize(300);
    }

    @Test
    void rareTypesAreDrawnMoreOftenThanTheirShare() {
        int n = 2000;
        int[] labels = new int[n];
        int[] studies = new int[n];
        for (int i = 0; i < 100; i++) {
            labels[i] = 1; // 5% of cells
        }
        BatchSampler s = new BatchSampler(labels, studies, 7);
        long rare = 0;
        long total = 0;
        for (int[] b : s.epoch(0, 200, 50)) {
            for (int c : b) {
                rare += labels[c] == 1 ? 1 : 0;
                total++;
            }
        }
        // weights ~ 1/log1p(0.01) vs 1/log1p(0.19): the rare type's share rises from 5% to about 46%
        assertThat((double) rare / total).isBetween(0.35, 0.55);
    }
}
