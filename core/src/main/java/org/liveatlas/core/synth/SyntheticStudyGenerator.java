package org.liveatlas.core.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Generates realistic synthetic single-cell studies, fully determined by the configuration (seed
 * included): the same configuration gives the same studies, value for value, on every JVM.
 *
 * <p>Each study is drawn from its own random stream, cell after cell, so a study of more cells
 * starts with the very cells of the same study with fewer. See {@link SyntheticModel} for the
 * expression model; per cell: a type (by the study's proportions), a donor and sample (uniform), a
 * library size {@code median * depth[s] * exp(N(0, sd))}, a mitochondrial factor {@code
 * exp(N(0, mitoSd))}, and per gene a negative-binomial count with mean {@code library * share}
 * and the gene's dispersion.
 */
public final class SyntheticStudyGenerator {

    private static final char[] NUCLEOTIDES = {'A', 'C', 'G', 'T'};

    private final SynthConfig config;
    private final SyntheticModel model;

    public SyntheticStudyGenerator(SynthConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = new SyntheticModel(config);
    }

    public SyntheticModel model() {
        return model;
    }

    /** Id of study {@code s}: {@code synth01}, {@code synth02}, ... */
    public static String studyId(int s) {
        return String.format("synth%02d", s + 1);
    }

    /** All studies, in order. */
    public List<SyntheticStudy> studies() {
        List<SyntheticStudy> out = new ArrayList<>(config.studies());
        for (int s = 0; s < config.studies(); s++) {
            out.add(study(s));
        }
        return out;
    }

    /** Study {@code s} (0-based). */
    public SyntheticStudy study(int s) {
        Objects.checkIndex(s, config.studies());
        Draws r = new Draws(Draws.mix(config.seed(), 1000L + s));
        int n = config.cellsPerStudy();
        int genes = model.genes().size();
        int types = config.cellTypes();
        String studyId = studyId(s);

        // non-mitochondrial and mitochondrial parts of each (donor, type) profile, so a cell's
        // mitochondrial factor only rescales one sum
        double[][][] shares = new double[config.donorsPerStudy()][types][];
        double[][] mitoShare = new double[config.donorsPerStudy()][types];

        int[] cellType = new int[n];
        int[] donor = new int[n];
        double[] library = new double[n];
        double[] mitoFactor = new double[n];
        List<String> cellIds = new ArrayList<>(n);
        Set<String> seen = new HashSet<>();
        List<String> typeCol = new ArrayList<>(n);
        List<String> ontologyCol = new ArrayList<>(n);
        List<String> donorCol = new ArrayList<>(n);
        List<String> sampleCol = new ArrayList<>(n);
        List<String> studyCol = new ArrayList<>(n);

        boolean[] mito = new boolean[genes];
        double[] dispersion = new double[genes];
        for (int g = 0; g < genes; g++) {
            mito[g] = model.genes().isMitochondrial(g);
            dispersion[g] = model.dispersion(g);
        }
        int[] indptr = new int[n + 1];
        int capacity = Math.max(16, n * Math.min(genes, 64));
        int[] indices = new int[capacity];
        float[] values = new float[capacity];
        int nnz = 0;
        for (int c = 0; c < n; c++) {
            int t = drawType(r, s);
            int d = r.uniformInt(config.donorsPerStudy());
            int sample = r.uniformInt(config.samplesPerDonor());
            double lib = config.librarySizeMedian()
                    * model.studyDepth(s)
                    * StrictMath.exp(r.normal(0, config.librarySizeSd()));
            double mf = StrictMath.exp(r.normal(0, config.mitoSd()));
            cellType[c] = t;
            donor[c] = d;
            library[c] = lib;
            mitoFactor[c] = mf;
            String barcode;
            do {
                barcode = barcode(r);
            } while (!seen.add(barcode));
            cellIds.add(barcode);
            typeCol.add(model.typeNames().get(t));
            ontologyCol.add(model.typeOntologyIds().get(t));
            String donorId = studyId + "_donor" + (d + 1);
            donorCol.add(donorId);
            sampleCol.add(donorId + "_sample" + (sample + 1));
            studyCol.add(studyId);

            if (shares[d][t] == null) {
                shares[d][t] = model.expectedShares(s, d, t, 1.0);
                for (int g = 0; g < genes; g++) {
                    if (mito[g]) {
                        mitoShare[d][t] += shares[d][t][g];
                    }
                }
            }
            double[] p = shares[d][t];
            double norm = 1.0 - mitoShare[d][t] + mf * mitoShare[d][t];
            for (int g = 0; g < genes; g++) {
                double share = p[g] * (mito[g] ? mf : 1.0) / norm;
                long k = r.negativeBinomial(lib * share, dispersion[g]);
                if (k > 0) {
                    if (nnz == indices.length) {
                        indices = Arrays.copyOf(indices, nnz * 2);
                        values = Arrays.copyOf(values, nnz * 2);
                    }
                    indices[nnz] = g;
                    values[nnz] = k;
                    nnz++;
                }
            }
            indptr[c + 1] = nnz;
        }
        CsrBatch counts = new CsrBatch(n, genes, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
        Map<String, List<String>> obs = new LinkedHashMap<>();
        obs.put(SyntheticStudy.CELL_TYPE, typeCol);
        obs.put(SyntheticStudy.CELL_TYPE_ONTOLOGY_ID, ontologyCol);
        obs.put(SyntheticStudy.DONOR, donorCol);
        obs.put(SyntheticStudy.SAMPLE, sampleCol);
        obs.put(SyntheticStudy.STUDY, studyCol);
        return new SyntheticStudy(
                studyId,
                model.genes(),
                cellIds,
                obs,
                counts,
                new SyntheticStudy.Truth(cellType, donor, library, mitoFactor));
    }

    private int drawType(Draws r, int s) {
        double u = r.uniform();
        double acc = 0;
        int last = -1;
        for (int t = 0; t < config.cellTypes(); t++) {
            double p = model.proportion(s, t);
            if (p > 0) {
                acc += p;
                last = t;
                if (u < acc) {
                    return t;
                }
            }
        }
        return last; // rounding left u above the last cumulative sum
    }

    /** A 10x-style barcode: 16 nucleotides and the GEM-well suffix {@code -1}. */
    private static String barcode(Draws r) {
        char[] b = new char[18];
        for (int i = 0; i < 16; i++) {
            b[i] = NUCLEOTIDES[r.uniformInt(4)];
        }
        b[16] = '-';
        b[17] = '1';
        return new String(b);
    }
}
