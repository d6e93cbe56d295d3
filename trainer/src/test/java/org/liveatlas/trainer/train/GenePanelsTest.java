package org.liveatlas.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.core.norm.LogNormalizer;

class GenePanelsTest {

    /** Raw counts (3 cells x 6 genes) as dense rows. */
    private static final float[][] COUNTS = {
        {5, 0, 3, 12, 1, 0},
        {0, 7, 2, 0, 9, 4},
        {1, 1, 1, 1, 1, 1},
    };

    /** The counts as CSR, with the columns outside {@code keep} (if given) zeroed. */
    private static CsrBatch csr(float[][] dense, boolean[] keep) {
        float[][] kept = new float[dense.length][];
        for (int r = 0; r < dense.length; r++) {
            kept[r] = dense[r].clone();
            for (int c = 0; keep != null && c < kept[r].length; c++) {
                kept[r][c] = keep[c] ? kept[r][c] : 0f;
            }
        }
        return CsrBatch.ofDense(kept);
    }

    @Test
    void aPanelCellEqualsTheCoreNormalisationOfItsCountsOnThePanel() {
        boolean[] panel = {true, false, true, false, true, true};
        float[] full = LogNormalizer.lognorm(csr(COUNTS, null)).toDense();
        float[] expected = LogNormalizer.lognorm(csr(COUNTS, panel)).toDense();

        float[] out = GenePanels.apply(full, 3, panel, 1.0, new Random(3));

        // what the preprocessor makes of a study that measures only the panel's genes
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).as("entry %d", i).isCloseTo(expected[i], within(2e-5f));
        }
        // measured genes read higher than in the full profile: the library is summed over the panel only
        assertThat(out[0]).isGreaterThan(full[0]);
        assertThat(full).isEqualTo(LogNormalizer.lognorm(csr(COUNTS, null)).toDense()); // input untouched
    }

    @Test
    void onlyTheShareOfCellsChangesAndACellWithNoCountOnThePanelReadsZero() {
        float[] full = LogNormalizer.lognorm(csr(COUNTS, null)).toDense();
        boolean[] onlyGene1 = {false, true, false, false, false, false};
        assertThat(GenePanels.apply(full, 3, onlyGene1, 0.0, new Random(1))).isEqualTo(full);
        float[] all = GenePanels.apply(full, 3, onlyGene1, 1.0, new Random(1));
        assertThat(java.util.Arrays.copyOfRange(all, 0, 6)).containsOnly(0f); // cell 0 has no count on gene 1
        assertThat(all[7]).isCloseTo((float) Math.log1p(1e4), within(1e-4f)); // cell 1: all its panel counts
    }

    @Test
    void studyPanelsAreMatchedToTheOrderAndRandomPanelsFavourExpressedGenes() {
        List<String> order = List.of("A", "B", "C", "D", "E", "F");
        CsrBatch expr = LogNormalizer.lognorm(csr(COUNTS, null));
        GenePanels panels =
                new GenePanels(Map.of("narrow", List.of("B", "E", "X"), "full", order, "tiny", List.of("A")), 0.2);
        GenePanels.Sampler s = panels.sampler(order, expr, 2);
        // "full" measures the whole order (no augmentation), "tiny" shares too few genes
        assertThat(s.studyPanels()).containsExactly("narrow (2 genes)");
        Random rng = new Random(5);
        int studyDraws = 0;
        int[] kept = new int[6];
        for (int i = 0; i < 2000; i++) {
            boolean[] p = s.draw(rng);
            if (java.util.Arrays.equals(p, new boolean[] {false, true, false, false, true, false})) {
                studyDraws++;
            } else {
                for (int g = 0; g < 6; g++) {
                    kept[g] += p[g] ? 1 : 0;
                }
            }
        }
        assertThat(studyDraws / 2000.0).isCloseTo(0.5, within(0.05));
        // gene D (12 counts in one cell) is kept more often than gene F (5 counts in two cells)
        assertThat(kept[3]).isGreaterThan(kept[5]);
    }

    @Test
    void settingsAreValidatedAndRecorded() {
        assertThatThrownBy(() -> new GenePanels(Map.of(), 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> TrainingConfig.scimilarity().withGenePanelShare(1.5))
                .hasMessageContaining("genePanelShare");
        assertThat(TrainingConfig.scimilarity().genePanelShare()).isZero();
        assertThat(TrainingConfig.scimilarity().withGenePanelShare(0.5).asManifestParameters())
                .containsEntry("gene_panel_share", 0.5);
    }
}
