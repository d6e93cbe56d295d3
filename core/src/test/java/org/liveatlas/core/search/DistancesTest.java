package org.liveatlas.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.liveatlas.core.search.Distances.ScoreSpace;

class DistancesTest {

    @Test
    void openSearchCosinesimilScoreIsOnePlusCosineOverTwo() {
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE, 1.0))
                .isEqualTo(0.0);
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE, 0.5))
                .isEqualTo(1.0);
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE, 0.0))
                .isEqualTo(2.0);
        // cos = 0.9 -> score 0.95 -> d = 0.1
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE, 0.95))
                .isCloseTo(0.1, within(1e-12));
    }

    @Test
    void squaredEuclideanOfUnitVectorsIsTwiceTheCosineDistance() {
        float[][] v = TestVectors.randomUnit(50, 16, 3);
        for (int i = 1; i < v.length; i++) {
            double d2 = 0;
            for (int k = 0; k < 16; k++) {
                double t = v[0][k] - v[i][k];
                d2 += t * t;
            }
            assertThat(Distances.toCosineDistance(ScoreSpace.SQUARED_L2, d2))
                    .isCloseTo(Distances.cosineDistance(v[0], v[i]), within(1e-6));
        }
    }

    @Test
    void openSearchL2ScoreConvertsThroughTheSquaredDistance() {
        // d = 0.1 -> d2 = 0.2 -> score 1 / 1.2
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_L2_SCORE, 1 / 1.2))
                .isCloseTo(0.1, within(1e-12));
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_L2_SCORE, 1.0))
                .isEqualTo(0.0);
    }

    @Test
    void luceneInnerProductScoreCoversBothBranches() {
        // cos 0.8 -> score 1.8 -> d 0.2; cos -0.5 -> score 1 / 1.5 -> d 1.5
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_LUCENE_INNERPRODUCT_SCORE, 1.8))
                .isCloseTo(0.2, within(1e-12));
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_LUCENE_INNERPRODUCT_SCORE, 1 / 1.5))
                .isCloseTo(1.5, within(1e-12));
    }

    @Test
    void fromCosineDistanceInvertsEverySpace() {
        for (ScoreSpace space : ScoreSpace.values()) {
            for (double d : new double[] {0.0, 0.03, 0.5, 1.0, 1.7, 2.0}) {
                double value = Distances.fromCosineDistance(space, d);
                assertThat(Distances.toCosineDistance(space, value))
                        .as("%s at %s", space, d)
                        .isCloseTo(d, within(1e-12));
            }
        }
    }

    @Test
    void roundingBelowZeroIsClampedForIdenticalVectors() {
        float[] v = TestVectors.randomUnit(1, 128, 9)[0];

        assertThat(Distances.cosineDistance(v, v)).isBetween(0.0, 1e-6);
        assertThat(Distances.toCosineDistance(ScoreSpace.OPENSEARCH_COSINESIMIL_SCORE, 1.0000001))
                .isEqualTo(0.0);
    }

    @Test
    void cosineDistanceIgnoresLengthWhenAskedTo() {
        float[] a = {3, 0};
        float[] b = {1, 1};

        assertThat(Distances.cosineDistanceUnnormalised(a, b)).isCloseTo(1 - Math.sqrt(0.5), within(1e-7));
        assertThatThrownBy(() -> Distances.cosineDistanceUnnormalised(a, new float[2]))
                .hasMessageContaining("zero");
    }

    @Test
    void rejectsScoresOutsideTheirSpace() {
        assertThatThrownBy(() -> Distances.toCosineDistance(ScoreSpace.OPENSEARCH_L2_SCORE, 0))
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> Distances.toCosineDistance(ScoreSpace.COSINE_DISTANCE, Double.NaN))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> Distances.fromCosineDistance(ScoreSpace.COSINE_DISTANCE, 2.5))
                .hasMessageContaining("[0, 2]");
    }
}
