package org.liveatlas.core.synth;

/**
 * Parameters of the synthetic-study generator; see the core README for the model they drive.
 *
 * @param seed every random choice follows from it
 * @param studies number of studies
 * @param cellsPerStudy cells in each study
 * @param genes size of the gene universe (at least 50; includes the 13 mitochondrial genes)
 * @param cellTypes number of cell types
 * @param studySpecificTypes how many of the cell types occur only in some studies (each in a random
 *     non-empty proper subset of them, when there are at least two studies)
 * @param donorsPerStudy donors per study
 * @param samplesPerDonor samples per donor
 * @param markersPerType marker genes up-regulated in each cell type
 * @param markerLogFoldMean mean natural-log fold change of a marker gene (log 6 = 6-fold)
 * @param markerLogFoldSd its standard deviation
 * @param typeNoiseSd per type, gene-wise log-scale deviation on every non-mitochondrial gene
 * @param geneLogMeanSd spread of the log-normal baseline gene means
 * @param batchSd per study, gene-wise log-scale multiplicative batch factor
 * @param studyDepthSd per study, log-scale factor on the library sizes
 * @param donorSd per donor, gene-wise log-scale factor
 * @param librarySizeMedian median library size (total counts of a cell)
 * @param librarySizeSd log-scale spread of the library sizes
 * @param mitoFraction expected fraction of a cell's counts on mitochondrial genes
 * @param mitoSd log-scale per-cell spread of the mitochondrial share
 * @param dispersionMedian median negative-binomial dispersion (variance = mean + phi mean^2)
 * @param dispersionSd log-scale spread of the per-gene dispersions
 * @param realGeneNames whether the gene universe starts with real-looking human symbols
 */
public record SynthConfig(
        long seed,
        int studies,
        int cellsPerStudy,
        int genes,
        int cellTypes,
        int studySpecificTypes,
        int donorsPerStudy,
        int samplesPerDonor,
        int markersPerType,
        double markerLogFoldMean,
        double markerLogFoldSd,
        double typeNoiseSd,
        double geneLogMeanSd,
        double batchSd,
        double studyDepthSd,
        double donorSd,
        double librarySizeMedian,
        double librarySizeSd,
        double mitoFraction,
        double mitoSd,
        double dispersionMedian,
        double dispersionSd,
        boolean realGeneNames) {

    /** Smallest gene universe: the mitochondrial genes plus room for markers. */
    public static final int MIN_GENES = 50;

    public SynthConfig {
        if (genes < MIN_GENES) {
            throw new IllegalArgumentException("genes must be >= " + MIN_GENES + ", got " + genes);
        }
        positive("studies", studies);
        positive("cellsPerStudy", cellsPerStudy);
        positive("cellTypes", cellTypes);
        positive("donorsPerStudy", donorsPerStudy);
        positive("samplesPerDonor", samplesPerDonor);
        positive("markersPerType", markersPerType);
        if (studySpecificTypes < 0 || studySpecificTypes >= cellTypes) {
            throw new IllegalArgumentException("studySpecificTypes must be in [0, cellTypes), got " + studySpecificTypes
                    + " of " + cellTypes + " types");
        }
        if (markersPerType > genes - GeneUniverse.MITO_SYMBOLS.size()) {
            throw new IllegalArgumentException("markersPerType " + markersPerType + " exceeds the "
                    + (genes - GeneUniverse.MITO_SYMBOLS.size()) + " non-mitochondrial genes");
        }
        if (!(librarySizeMedian >= 1)) {
            throw new IllegalArgumentException("librarySizeMedian must be >= 1, got " + librarySizeMedian);
        }
        if (!(mitoFraction >= 0 && mitoFraction < 1)) {
            throw new IllegalArgumentException("mitoFraction must be in [0, 1), got " + mitoFraction);
        }
        if (!(dispersionMedian >= 0)) {
            throw new IllegalArgumentException("dispersionMedian must be >= 0, got " + dispersionMedian);
        }
        double[] sds = {
            markerLogFoldSd,
            typeNoiseSd,
            geneLogMeanSd,
            batchSd,
            studyDepthSd,
            donorSd,
            librarySizeSd,
            mitoSd,
            dispersionSd
        };
        for (double sd : sds) {
            if (!(sd >= 0) || !Double.isFinite(sd)) {
                throw new IllegalArgumentException("standard deviations must be finite and >= 0, got " + sd);
            }
        }
        if (!Double.isFinite(markerLogFoldMean)) {
            throw new IllegalArgumentException("markerLogFoldMean must be finite, got " + markerLogFoldMean);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /**
     * Defaults for the given size: 8 cell types (1 study-specific when there are 2+ studies), 2
     * donors of 1 sample each per study, 25 markers per type at about 6-fold, batch sd 0.3, median
     * library 4,000 counts (log sd 0.5), 5% mitochondrial counts, dispersion median 0.2.
     */
    public static SynthConfig defaults(long seed, int studies, int cellsPerStudy, int genes) {
        int types = 8;
        return new SynthConfig(
                seed,
                studies,
                cellsPerStudy,
                genes,
                types,
                studies >= 2 ? 1 : 0,
                2,
                1,
                Math.min(25, (genes - GeneUniverse.MITO_SYMBOLS.size()) / types),
                Math.log(6),
                0.4,
                0.1,
                2.0,
                0.3,
                0.25,
                0.1,
                4000,
                0.5,
                0.05,
                0.4,
                0.2,
                0.5,
                true);
    }

    public SynthConfig withCellTypes(int types, int specific) {
        return new SynthConfig(
                seed,
                studies,
                cellsPerStudy,
                genes,
                types,
                specific,
                donorsPerStudy,
                samplesPerDonor,
                markersPerType,
                markerLogFoldMean,
                markerLogFoldSd,
                typeNoiseSd,
                geneLogMeanSd,
                batchSd,
                studyDepthSd,
                donorSd,
                librarySizeMedian,
                librarySizeSd,
                mitoFraction,
                mitoSd,
                dispersionMedian,
                dispersionSd,
                realGeneNames);
    }

    public SynthConfig withBatchSd(double sd) {
        return new SynthConfig(
                seed,
                studies,
                cellsPerStudy,
                genes,
                cellTypes,
                studySpecificTypes,
                donorsPerStudy,
                samplesPerDonor,
                markersPerType,
                markerLogFoldMean,
                markerLogFoldSd,
                typeNoiseSd,
                geneLogMeanSd,
                sd,
                studyDepthSd,
                donorSd,
                librarySizeMedian,
                librarySizeSd,
                mitoFraction,
                mitoSd,
                dispersionMedian,
                dispersionSd,
                realGeneNames);
    }

    /**
     * The same model with every per-cell and per-donor source of variation switched off (library
     * sizes all equal to the median, no donor or depth effects, fixed mitochondrial share), so all
     * cells of one type in one study share one expected profile: for checking the count model.
     */
    public SynthConfig withoutCellVariation() {
        return new SynthConfig(
                seed,
                studies,
                cellsPerStudy,
                genes,
                cellTypes,
                studySpecificTypes,
                donorsPerStudy,
                samplesPerDonor,
                markersPerType,
                markerLogFoldMean,
                markerLogFoldSd,
                typeNoiseSd,
                geneLogMeanSd,
                batchSd,
                0,
                0,
                librarySizeMedian,
                0,
                mitoFraction,
                0,
                dispersionMedian,
                dispersionSd,
                realGeneNames);
    }
}
