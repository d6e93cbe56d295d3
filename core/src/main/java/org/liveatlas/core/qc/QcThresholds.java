package org.liveatlas.core.qc;

/**
 * Per-cell QC limits; a cell is kept when {@code genesDetected >= minGenes}, {@code totalCounts >=
 * minCounts} and {@code mitoFraction <= maxMitoFraction}.
 *
 * @param minGenes fewest genes with a non-zero count
 * @param minCounts smallest total count
 * @param maxMitoFraction largest fraction of counts on mitochondrial genes ({@code MT-} / {@code mt-})
 */
public record QcThresholds(int minGenes, long minCounts, double maxMitoFraction) {

    /** Keeps every cell: the default for embedding a deposited study. */
    public static final QcThresholds PERMISSIVE = new QcThresholds(0, 0, 1.0);

    /**
     * SCimilarity's training filter: total counts > 1,000, genes > 500, mitochondrial fraction < 20%
     * (strict inequalities, written as inclusive limits on integers and the next float below 0.2).
     */
    public static final QcThresholds SCIMILARITY_TRAINING = new QcThresholds(501, 1001, Math.nextDown(0.2));

    public QcThresholds {
        if (minGenes < 0 || minCounts < 0) {
            throw new IllegalArgumentException(
                    "minGenes and minCounts must be >= 0, got " + minGenes + " and " + minCounts);
        }
        if (!(maxMitoFraction >= 0 && maxMitoFraction <= 1)) {
            throw new IllegalArgumentException("maxMitoFraction must lie in [0, 1], got " + maxMitoFraction);
        }
    }
}
