package org.liveatlas.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeneMaskTest {

    @Test
    void masksAboutTheFractionOfEntriesLeavesTheRestAndTheInputUntouched() {
        float[] x = new float[100_000];
        Arrays.fill(x, 2f);
        float[] m = MetricTrainer.mask(x, 0.3, new Random(1));
        long zeros = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0f) {
                zeros++;
            } else {
                assertThat(m[i]).isEqualTo(2f); // no rescaling: a missing gene reads as zero
            }
        }
        assertThat(zeros / (double) m.length).isCloseTo(0.3, within(0.01));
        assertThat(x).containsOnly(2f);
        assertThat(MetricTrainer.mask(x, 0.3, new Random(1))).isEqualTo(m);
    }

    @Test
    void theConfigRejectsAMaskOfOneOrMore() {
        assertThatThrownBy(() -> TrainingConfig.scimilarity().withGeneMask(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geneMask");
        assertThat(TrainingConfig.scimilarity().geneMask()).isZero();
        assertThat(TrainingConfig.scimilarity().withGeneMask(0.25).asManifestParameters())
                .containsEntry("gene_mask", 0.25);
    }
}
