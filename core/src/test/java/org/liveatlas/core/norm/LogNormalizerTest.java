package org.liveatlas.core.norm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.liveatlas.core.io.StudyFixtures;
import org.liveatlas.core.matrix.CsrBatch;

class LogNormalizerTest {

    /**
     * Tolerance 1e-6 relative: both sides use float32 arithmetic in scanpy's order, so the only
     * difference is NumPy's float32 log1p against Java's double log1p rounded to float, at most one
     * unit in the last place (6e-8 relative); 1e-6 leaves room without hiding a wrong formula, which
     * would be off by far more.
     */
    private static final double RELATIVE_TOLERANCE = 1e-6;

    private static CsrBatch sparse(float[][] dense) {
        return CsrBatch.ofDense(dense);
    }

    @Test
    void matchesScanpyNormalizeTotalThenLog1pOnAlignedCounts() {
        float[][] aligned = StudyFixtures.expected("aligned_counts.npy");
        float[][] expected = StudyFixtures.expected("lognorm.npy");
        CsrBatch out = LogNormalizer.lognorm(sparse(aligned));
        int ulpMax = 0;
        for (int r = 0; r < expected.length; r++) {
            float[] row = out.denseRow(r);
            for (int c = 0; c < row.length; c++) {
                float want = expected[r][c];
                assertThat((double) row[c])
                        .as("cell %d gene %d", r, c)
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(Math.abs(want) * RELATIVE_TOLERANCE));
                if (want != 0) {
                    ulpMax = Math.max(ulpMax, Math.abs(Float.floatToIntBits(row[c]) - Float.floatToIntBits(want)));
                }
            }
        }
        assertThat(ulpMax)
                .as("largest difference in float32 units in the last place")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void aCellWithoutCountsStaysZero() {
        float[][] aligned = StudyFixtures.expected("aligned_counts.npy");
        CsrBatch out = LogNormalizer.lognorm(sparse(aligned));
        // Cell 3 has no counts; cell 5 has counts only on genes the model drops.
        assertThat(out.denseRow(3)).containsOnly(0f);
        assertThat(out.denseRow(5)).containsOnly(0f);
    }

    @Test
    void scalesEachCellToTenThousandThenTakesLog1p() {
        CsrBatch counts = new CsrBatch(2, 3, new int[] {0, 2, 3}, new int[] {0, 2, 1}, new float[] {1, 3, 5});
        CsrBatch out = LogNormalizer.lognorm(counts);
        // Cell 0: total 4 -> 2,500 per count: log1p(2500), log1p(7500). Cell 1: total 5 -> log1p(10000).
        assertThat(out.values())
                .containsExactly((float) Math.log1p(2500), (float) Math.log1p(7500), (float) Math.log1p(10000));
        assertThat(out.indices()).containsExactly(0, 2, 1);
    }
}
