package org.liveatlas.core.search;

import java.util.SplittableRandom;

/** Random unit vectors for search tests. */
final class TestVectors {

    private TestVectors() {}

    static float[][] randomUnit(int n, int dim, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) (r.nextDouble() * 2 - 1);
            }
            out[i] = Distances.normalise(out[i]);
        }
        return out;
    }

    /** Unit vectors scattered around {@code centre} (a unit vector) with per-coordinate noise sd. */
    static float[][] around(float[] centre, int n, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[n][centre.length];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < centre.length; d++) {
                double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                out[i][d] = (float) (centre[d] + noise * g);
            }
            out[i] = Distances.normalise(out[i]);
        }
        return out;
    }

    static float[] axis(int dim, int... nonZero) {
        float[] v = new float[dim];
        for (int i : nonZero) {
            v[i] = 1;
        }
        return Distances.normalise(v);
    }
}
