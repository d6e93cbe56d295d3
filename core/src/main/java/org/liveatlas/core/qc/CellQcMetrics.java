package org.liveatlas.core.qc;

import java.util.Arrays;

/**
 * Per-cell QC metrics of one batch, on the study's own genes: genes detected (non-zero entries),
 * total counts and mitochondrial fraction (0 for a cell without counts). Arrays are copied.
 */
public record CellQcMetrics(int[] genesDetected, double[] totalCounts, double[] mitoFraction) {
    public CellQcMetrics {
        if (genesDetected.length != totalCounts.length || totalCounts.length != mitoFraction.length) {
            throw new IllegalArgumentException("metric arrays differ in length");
        }
        genesDetected = genesDetected.clone();
        totalCounts = totalCounts.clone();
        mitoFraction = mitoFraction.clone();
    }

    public int cells() {
        return genesDetected.length;
    }

    @Override
    public int[] genesDetected() {
        return genesDetected.clone();
    }

    @Override
    public double[] totalCounts() {
        return totalCounts.clone();
    }

    @Override
    public double[] mitoFraction() {
        return mitoFraction.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellQcMetrics m
                && Arrays.equals(genesDetected, m.genesDetected)
                && Arrays.equals(totalCounts, m.totalCounts)
                && Arrays.equals(mitoFraction, m.mitoFraction);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(genesDetected) + Arrays.hashCode(totalCounts))
                + Arrays.hashCode(mitoFraction);
    }

    @Override
    public String toString() {
        return "CellQcMetrics[" + genesDetected.length + " cells]";
    }
}
