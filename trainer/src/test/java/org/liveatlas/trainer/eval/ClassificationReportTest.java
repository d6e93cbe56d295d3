package org.liveatlas.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {

    @Test
    void accuracyMacroF1RecallAndUnknownRatesMatchAHandComputedCase() {
        ClassificationReport r = ClassificationReport.of(
                List.of("A", "A", "B", "B", "C"),
                List.of("A", "B", "B", "B", "A"),
                new double[] {0.1, 0.2, 0.1, 0.5, 0.9},
                Set.of("A", "B"),
                0.3);
        assertThat(r.known()).isEqualTo(4);
        assertThat(r.novel()).isEqualTo(1);
        assertThat(r.accuracy()).isCloseTo(0.75, within(1e-12));
        // A: tp 1, fp 1 (the novel C cell voted A), fn 1 -> F1 0.5; B: tp 2, fp 1, fn 0 -> F1 0.8
        assertThat(r.macroF1()).isCloseTo(0.65, within(1e-12));
        assertThat(r.recall()).containsEntry("A", 0.5).containsEntry("B", 1.0);
        assertThat(r.unknownRateKnown()).isCloseTo(0.25, within(1e-12));
        assertThat(r.unknownRateNovel()).isCloseTo(1.0, within(1e-12));
        assertThat(r.novelRecall()).containsEntry("C", 1.0);
    }

    @Test
    void withoutAThresholdNobodyIsUnknown() {
        ClassificationReport r = ClassificationReport.of(
                List.of("A", "C"), List.of("A", "A"), new double[] {1.5, 1.9}, Set.of("A"), Double.NaN);
        assertThat(r.unknownRateKnown()).isZero();
        assertThat(r.unknownRateNovel()).isZero();
    }

    @Test
    void thresholdIsTheQuantileOfKnownCellsMinDist() {
        double[] d = new double[101];
        for (int i = 0; i <= 100; i++) {
            d[i] = i / 100.0;
        }
        assertThat(UnknownThreshold.calibrate(d, 0.95)).isCloseTo(0.95, within(1e-12));
        assertThat(UnknownThreshold.calibrate(new double[] {0.2, Double.NaN, 0.4}, 0.5))
                .isCloseTo(0.3, within(1e-12));
    }
}
