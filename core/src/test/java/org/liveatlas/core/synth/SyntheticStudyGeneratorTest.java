package org.liveatlas.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.matrix.CsrBatch;

class SyntheticStudyGeneratorTest {

    private static final SynthConfig SMALL = SynthConfig.defaults(11, 3, 400, 300);

    @Test
    void sameConfigurationGivesTheSameStudies() {
        List<SyntheticStudy> a = new SyntheticStudyGenerator(SMALL).studies();
        List<SyntheticStudy> b = new SyntheticStudyGenerator(SMALL).studies();

        assertThat(a).isEqualTo(b);
        assertThat(a.get(0).counts().nnz()).isPositive();
    }

    @Test
    void anotherSeedGivesOtherCounts() {
        SyntheticStudy a = new SyntheticStudyGenerator(SMALL).study(0);
        SynthConfig other = SynthConfig.defaults(12, 3, 400, 300);
        SyntheticStudy b = new SyntheticStudyGenerator(other).study(0);

        assertThat(a.counts()).isNotEqualTo(b.counts());
        assertThat(a.cellIds()).isNotEqualTo(b.cellIds());
    }

    @Test
    void aLargerStudyStartsWithTheCellsOfTheSmallerOne() {
        SyntheticStudy small = new SyntheticStudyGenerator(SynthConfig.defaults(11, 3, 100, 300)).study(2);
        SyntheticStudy large = new SyntheticStudyGenerator(SynthConfig.defaults(11, 3, 250, 300)).study(2);

        assertThat(large.cellIds().subList(0, 100)).isEqualTo(small.cellIds());
        for (int c = 0; c < 100; c++) {
            assertThat(large.counts().denseRow(c))
                    .as("cell %d", c)
                    .isEqualTo(small.counts().denseRow(c));
        }
        assertThat(large.obs().get("cell_type").subList(0, 100))
                .isEqualTo(small.obs().get("cell_type"));
    }

    @Test
    void obsColumnsHoldLabelsOntologyIdsDonorsSamplesAndStudy() {
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SMALL);
        SyntheticStudy s = gen.study(1);

        assertThat(s.obs().keySet())
                .containsExactly("cell_type", "cell_type_ontology_term_id", "donor_id", "sample", "study");
        assertThat(new HashSet<>(s.cellIds())).hasSize(s.cells());
        assertThat(s.cellIds()).allMatch(id -> id.matches("[ACGT]{16}-1"));
        assertThat(new HashSet<>(s.obs().get("study"))).containsExactly("synth02");
        assertThat(new HashSet<>(s.obs().get("donor_id"))).hasSizeLessThanOrEqualTo(SMALL.donorsPerStudy());
        assertThat(s.obs().get("cell_type_ontology_term_id")).allMatch(id -> id.matches("CL:\\d{7}"));
        int[] types = s.truth().cellType();
        for (int c = 0; c < s.cells(); c++) {
            assertThat(s.obs().get("cell_type").get(c))
                    .isEqualTo(gen.model().typeNames().get(types[c]));
        }
    }

    @Test
    void someCellTypesArePresentInOnlySomeStudies() {
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(SMALL);
        int types = SMALL.cellTypes();
        List<Set<String>> observed = new ArrayList<>();
        for (SyntheticStudy s : gen.studies()) {
            observed.add(new HashSet<>(s.obs().get("cell_type")));
        }

        int specific = 0;
        for (int t = 0; t < types; t++) {
            String name = gen.model().typeNames().get(t);
            int holders = 0;
            for (int s = 0; s < SMALL.studies(); s++) {
                if (gen.model().isPresent(s, t)) {
                    holders++;
                } else {
                    assertThat(observed.get(s)).doesNotContain(name);
                }
            }
            assertThat(holders).isPositive();
            if (holders < SMALL.studies()) {
                specific++;
            }
        }
        assertThat(specific).isEqualTo(SMALL.studySpecificTypes()).isPositive();
    }

    @Test
    void geneUniverseIsDeterministicUniqueAndStartsWithTheMitochondrialGenes() {
        GeneUniverse g = GeneUniverse.of(500, true);

        assertThat(g).isEqualTo(GeneUniverse.of(500, true));
        assertThat(new HashSet<>(g.symbols())).hasSize(500);
        assertThat(new HashSet<>(g.ids())).hasSize(500);
        assertThat(g.symbols().subList(0, 13)).allMatch(s -> s.startsWith("MT-"));
        assertThat(g.symbols().subList(13, 500)).noneMatch(s -> s.startsWith("MT-"));
        assertThat(g.symbols()).contains("CD3E", "MS4A1", "ZNF5000");
        assertThat(g.ids()).allMatch(id -> id.matches("ENSG9\\d{10}"));
        assertThat(GeneUniverse.of(100, false).symbols()).doesNotContain("CD3E");
    }

    @Test
    void mitochondrialFractionIsPlausible() {
        SyntheticStudy s = new SyntheticStudyGenerator(SMALL).study(0);
        double[] fractions = new double[s.cells()];
        int[] indptr = s.counts().indptr();
        int[] indices = s.counts().indices();
        float[] values = s.counts().values();
        for (int c = 0; c < s.cells(); c++) {
            double total = 0;
            double mt = 0;
            for (int p = indptr[c]; p < indptr[c + 1]; p++) {
                total += values[p];
                if (s.genes().isMitochondrial(indices[p])) {
                    mt += values[p];
                }
            }
            fractions[c] = mt / total;
        }
        Arrays.sort(fractions);
        double median = fractions[fractions.length / 2];

        assertThat(median).isBetween(0.02, 0.10);
    }

    @Test
    void cellTypesAreSeparableByNearestCentroidOnLognormProfiles() {
        SyntheticStudy s = new SyntheticStudyGenerator(SynthConfig.defaults(3, 1, 1200, 400)).study(0);
        float[][] x = lognorm(s.counts());
        int[] type = s.truth().cellType();
        int types = Arrays.stream(type).max().orElseThrow() + 1;
        // centroids from the first half, classify the second half
        int half = s.cells() / 2;
        double[][] centroid = new double[types][x[0].length];
        int[] n = new int[types];
        for (int c = 0; c < half; c++) {
            n[type[c]]++;
            for (int g = 0; g < x[c].length; g++) {
                centroid[type[c]][g] += x[c][g];
            }
        }
        int correct = 0;
        for (int c = half; c < s.cells(); c++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int t = 0; t < types; t++) {
                if (n[t] == 0) {
                    continue;
                }
                double d = 0;
                for (int g = 0; g < x[c].length; g++) {
                    double diff = x[c][g] - centroid[t][g] / n[t];
                    d += diff * diff;
                }
                if (d < bestD) {
                    bestD = d;
                    best = t;
                }
            }
            if (best == type[c]) {
                correct++;
            }
        }
        double accuracy = correct / (double) (s.cells() - half);

        assertThat(accuracy).isGreaterThan(0.95);
    }

    @Test
    void batchEffectShiftsGeneMeansBetweenStudiesAsTheModelSays() {
        SynthConfig config =
                SynthConfig.defaults(5, 2, 1500, 200).withCellTypes(2, 0).withBatchSd(0.4);
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(config);
        double[] m0 = meanShare(gen.study(0), 0);
        double[] m1 = meanShare(gen.study(1), 0);
        List<double[]> pairs = new ArrayList<>();
        for (int g = 0; g < config.genes(); g++) {
            if (m0[g] > 2e-3 && m1[g] > 2e-3) {
                double observed = Math.log(m1[g] / m0[g]);
                double planted =
                        Math.log(gen.model().batchFactor(1, g) / gen.model().batchFactor(0, g));
                pairs.add(new double[] {observed, planted});
            }
        }

        assertThat(pairs.size()).isGreaterThan(30);
        assertThat(correlation(pairs)).isGreaterThan(0.8);
    }

    @Test
    void countsFollowTheNegativeBinomialMeanAndVarianceOfTheModel() {
        SynthConfig config =
                SynthConfig.defaults(9, 1, 4000, 100).withCellTypes(2, 0).withoutCellVariation();
        SyntheticStudyGenerator gen = new SyntheticStudyGenerator(config);
        SyntheticStudy s = gen.study(0);
        int[] type = s.truth().cellType();
        int genes = config.genes();
        double[][] sum = new double[2][genes];
        double[][] sumSq = new double[2][genes];
        int[] n = new int[2];
        for (int c = 0; c < s.cells(); c++) {
            n[type[c]]++;
            float[] row = s.counts().denseRow(c);
            for (int g = 0; g < genes; g++) {
                sum[type[c]][g] += row[g];
                sumSq[type[c]][g] += (double) row[g] * row[g];
            }
        }
        int checked = 0;
        double meanRatio = 0;
        double varRatio = 0;
        for (int t = 0; t < 2; t++) {
            double[] p = gen.model().expectedShares(0, 0, t, 1.0);
            for (int g = 0; g < genes; g++) {
                double mu = config.librarySizeMedian() * gen.model().studyDepth(0) * p[g];
                if (mu < 5 || mu > 500) {
                    continue;
                }
                double mean = sum[t][g] / n[t];
                double var = (sumSq[t][g] - n[t] * mean * mean) / (n[t] - 1);
                double expectedVar = mu + gen.model().dispersion(g) * mu * mu;
                assertThat(mean / mu).as("gene %d type %d mean", g, t).isCloseTo(1.0, within(0.15));
                meanRatio += mean / mu;
                varRatio += var / expectedVar;
                checked++;
            }
        }

        assertThat(checked).isGreaterThan(20);
        assertThat(meanRatio / checked).isCloseTo(1.0, within(0.03));
        assertThat(varRatio / checked).isCloseTo(1.0, within(0.1));
    }

    @Test
    void rejectsImpossibleConfigurations() {
        assertThatThrownBy(() -> SynthConfig.defaults(1, 1, 10, 20)).hasMessageContaining("genes must be >= 50");
        assertThatThrownBy(() -> SynthConfig.defaults(1, 0, 10, 100)).hasMessageContaining("studies");
        assertThatThrownBy(() -> SynthConfig.defaults(1, 2, 10, 100).withCellTypes(2, 2))
                .hasMessageContaining("studySpecificTypes");
    }

    // lognorm as SCimilarity: scale each cell to 1e4, then log1p
    static float[][] lognorm(CsrBatch counts) {
        float[][] out = new float[counts.rows()][];
        for (int c = 0; c < counts.rows(); c++) {
            float[] row = counts.denseRow(c);
            double total = 0;
            for (float v : row) {
                total += v;
            }
            for (int g = 0; g < row.length; g++) {
                row[g] = (float) Math.log1p(row[g] * 1e4 / total);
            }
            out[c] = row;
        }
        return out;
    }

    private static double[] meanShare(SyntheticStudy s, int type) {
        int[] types = s.truth().cellType();
        double[] m = new double[s.genes().size()];
        int n = 0;
        for (int c = 0; c < s.cells(); c++) {
            if (types[c] != type) {
                continue;
            }
            n++;
            float[] row = s.counts().denseRow(c);
            double total = 0;
            for (float v : row) {
                total += v;
            }
            for (int g = 0; g < row.length; g++) {
                m[g] += row[g] / total;
            }
        }
        for (int g = 0; g < m.length; g++) {
            m[g] /= n;
        }
        return m;
    }

    private static double correlation(List<double[]> pairs) {
        double mx = 0;
        double my = 0;
        for (double[] p : pairs) {
            mx += p[0];
            my += p[1];
        }
        mx /= pairs.size();
        my /= pairs.size();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
