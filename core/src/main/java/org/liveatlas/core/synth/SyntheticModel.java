package org.liveatlas.core.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The expression model behind a set of synthetic studies, drawn once from the configuration's seed:
 * baseline gene means, cell-type programs, per-study batch factors and depths, per-donor factors,
 * per-gene dispersions, and which cell types each study holds.
 *
 * <p>The expected share of gene {@code g} in a cell of type {@code t} from donor {@code d} of study
 * {@code s} is {@code base[g] * type[t][g] * batch[s][g] * donor[s][d][g]} (times the cell's
 * mitochondrial factor for {@code MT-} genes), normalised to sum 1 over genes; the cell's expected
 * count is that share times its library size. Immutable after construction; accessors copy.
 */
public final class SyntheticModel {

    private final SynthConfig config;
    private final GeneUniverse genes;
    private final List<String> typeNames;
    private final List<String> typeOntologyIds;
    private final double[] base;
    private final double[][] typeFactor;
    private final int[][] markers;
    private final double[][] batchFactor;
    private final double[] studyDepth;
    private final double[][][] donorFactor;
    private final double[] dispersion;
    private final boolean[][] present;
    private final double[][] proportions;

    SyntheticModel(SynthConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        Draws r = new Draws(Draws.mix(config.seed(), 2));
        int g = config.genes();
        int t = config.cellTypes();
        int s = config.studies();
        this.genes = GeneUniverse.of(g, config.realGeneNames());
        List<String[]> types = CellTypes.first(t);
        this.typeNames = types.stream().map(x -> x[0]).toList();
        this.typeOntologyIds = types.stream().map(x -> x[1]).toList();

        // log-normal baseline means; mitochondrial genes scaled to the configured share
        base = new double[g];
        double nonMito = 0;
        double mito = 0;
        for (int i = 0; i < g; i++) {
            base[i] = StrictMath.exp(r.normal(0, config.geneLogMeanSd()));
            if (genes.isMitochondrial(i)) {
                mito += base[i];
            } else {
                nonMito += base[i];
            }
        }
        double mitoScale =
                config.mitoFraction() == 0 ? 0 : config.mitoFraction() / (1 - config.mitoFraction()) * nonMito / mito;
        for (int i = 0; i < g; i++) {
            if (genes.isMitochondrial(i)) {
                base[i] *= mitoScale;
            }
        }

        // cell-type programs: small noise on every non-MT gene, strong up-regulation of markers
        int[] candidates = nonMitoGenes();
        typeFactor = new double[t][g];
        markers = new int[t][];
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < g; i++) {
                typeFactor[k][i] = genes.isMitochondrial(i) ? 1.0 : StrictMath.exp(r.normal(0, config.typeNoiseSd()));
            }
            int[] pick = sample(r, candidates, config.markersPerType());
            Arrays.sort(pick);
            markers[k] = pick;
            for (int m : pick) {
                double fold = StrictMath.exp(r.normal(config.markerLogFoldMean(), config.markerLogFoldSd()));
                typeFactor[k][m] *= Math.max(fold, 1.0);
            }
        }

        dispersion = new double[g];
        for (int i = 0; i < g; i++) {
            dispersion[i] = config.dispersionMedian() * StrictMath.exp(r.normal(0, config.dispersionSd()));
        }

        batchFactor = new double[s][g];
        studyDepth = new double[s];
        donorFactor = new double[s][config.donorsPerStudy()][g];
        for (int j = 0; j < s; j++) {
            studyDepth[j] = StrictMath.exp(r.normal(0, config.studyDepthSd()));
            for (int i = 0; i < g; i++) {
                batchFactor[j][i] = StrictMath.exp(r.normal(0, config.batchSd()));
            }
            for (int d = 0; d < config.donorsPerStudy(); d++) {
                for (int i = 0; i < g; i++) {
                    donorFactor[j][d][i] = StrictMath.exp(r.normal(0, config.donorSd()));
                }
            }
        }

        // which types each study holds: the last studySpecificTypes types only in a proper subset
        present = new boolean[s][t];
        for (boolean[] row : present) {
            Arrays.fill(row, true);
        }
        if (s >= 2) {
            for (int k = t - config.studySpecificTypes(); k < t; k++) {
                int keep = 1 + r.uniformInt(s - 1);
                int[] studiesOrder = new int[s];
                for (int j = 0; j < s; j++) {
                    studiesOrder[j] = j;
                }
                int[] holders = sample(r, studiesOrder, keep);
                for (int j = 0; j < s; j++) {
                    present[j][k] = false;
                }
                for (int j : holders) {
                    present[j][k] = true;
                }
            }
        }
        proportions = new double[s][t];
        for (int j = 0; j < s; j++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                proportions[j][k] = present[j][k] ? StrictMath.exp(r.normal(0, 0.5)) : 0;
                sum += proportions[j][k];
            }
            for (int k = 0; k < t; k++) {
                proportions[j][k] /= sum;
            }
        }
    }

    private int[] nonMitoGenes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < genes.size(); i++) {
            if (!genes.isMitochondrial(i)) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code n} distinct elements of {@code from} by a partial Fisher-Yates shuffle. */
    private static int[] sample(Draws r, int[] from, int n) {
        int[] a = from.clone();
        for (int i = 0; i < n; i++) {
            int j = i + r.uniformInt(a.length - i);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return Arrays.copyOf(a, n);
    }

    public SynthConfig config() {
        return config;
    }

    public GeneUniverse genes() {
        return genes;
    }

    public List<String> typeNames() {
        return typeNames;
    }

    public List<String> typeOntologyIds() {
        return typeOntologyIds;
    }

    /** Marker genes (indices into the universe, ascending) of cell type {@code type}. */
    public int[] markers(int type) {
        return markers[type].clone();
    }

    /** Whether study {@code study} holds cells of type {@code type}. */
    public boolean isPresent(int study, int type) {
        return present[study][type];
    }

    /** Share of study {@code study}'s cells expected of type {@code type}. */
    public double proportion(int study, int type) {
        return proportions[study][type];
    }

    /** Negative-binomial dispersion of gene {@code gene}. */
    public double dispersion(int gene) {
        return dispersion[gene];
    }

    /** Gene-wise multiplicative batch factor of study {@code study}. */
    public double batchFactor(int study, int gene) {
        return batchFactor[study][gene];
    }

    /** Library-size factor of study {@code study}. */
    public double studyDepth(int study) {
        return studyDepth[study];
    }

    /**
     * Expected share of each gene in a cell of the given study, donor and type whose mitochondrial
     * genes are scaled by {@code mitoFactor}; sums to 1.
     */
    public double[] expectedShares(int study, int donor, int type, double mitoFactor) {
        int g = genes.size();
        double[] p = new double[g];
        double sum = 0;
        for (int i = 0; i < g; i++) {
            p[i] = base[i] * typeFactor[type][i] * batchFactor[study][i] * donorFactor[study][donor][i];
            if (genes.isMitochondrial(i)) {
                p[i] *= mitoFactor;
            }
            sum += p[i];
        }
        for (int i = 0; i < g; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
