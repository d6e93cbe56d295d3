package org.liveatlas.trainer.eval;

import java.util.Arrays;

/**
 * Calibration of the "unknown" threshold on {@code min_dist} (cosine distance to the nearest
 * reference cell): the {@code quantile}-th quantile (linear interpolation) of the held-out cells of
 * known types, so that about {@code 1 - quantile} of known cells are called unknown and cells farther
 * from the reference than almost every known cell are.
 */
public final class UnknownThreshold {

    /** The default quantile: 5% of held-out known cells fall beyond the threshold. */
    public static final double DEFAULT_QUANTILE = 0.95;

    private UnknownThreshold() {}

    /** The threshold from the known held-out cells' min_dist values (NaN entries ignored). */
    public static double calibrate(double[] knownMinDist, double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("the unknown quantile must be in (0, 1], got " + quantile);
        }
        double[] v = Arrays.stream(knownMinDist)
                .filter(d -> !Double.isNaN(d))
                .sorted()
                .toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("no held-out cell of a known type to calibrate the unknown threshold");
        }
        double pos = quantile * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return Math.min(2.0, Math.max(0.0, v[lo] + (v[hi] - v[lo]) * (pos - lo)));
    }
}
