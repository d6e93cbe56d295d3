package org.liveatlas.core.synth;

import java.util.SplittableRandom;

/**
 * Random variates for the generator, written out here with {@link StrictMath} (not the JDK's {@code
 * nextGaussian}, whose algorithm may change between releases, nor {@link Math}, whose intrinsics
 * may differ in the last bit between platforms) so a seed gives the same study on every JVM.
 */
final class Draws {

    private static final double[] LOG_FACTORIAL = new double[256];

    static {
        for (int i = 1; i < LOG_FACTORIAL.length; i++) {
            LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + StrictMath.log(i);
        }
    }

    private final SplittableRandom random;

    Draws(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** SplitMix64's finaliser: a well-mixed seed for stream {@code tag} of a run seeded {@code seed}. */
    static long mix(long seed, long tag) {
        long z = seed + 0x9E3779B97F4A7C15L * (tag + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double uniform() {
        return random.nextDouble();
    }

    int uniformInt(int bound) {
        return random.nextInt(bound);
    }

    /** Standard normal by the Box-Muller transform. */
    double normal() {
        double u1;
        do {
            u1 = random.nextDouble();
        } while (u1 <= 0);
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    double normal(double mean, double sd) {
        return mean + sd * normal();
    }

    /** Gamma(shape, scale 1) by Marsaglia and Tsang (2000); shape below 1 by the boost u^(1/a). */
    double gamma(double shape) {
        if (shape < 1) {
            double u;
            do {
                u = random.nextDouble();
            } while (u <= 0);
            return gamma(shape + 1) * StrictMath.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / StrictMath.sqrt(9.0 * d);
        while (true) {
            double x = normal();
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x) {
                return d * v;
            }
            if (u > 0 && StrictMath.log(u) < 0.5 * x * x + d * (1.0 - v + StrictMath.log(v))) {
                return d * v;
            }
        }
    }

    /** Poisson(lambda): sequential inversion below 10, Hörmann's PTRS (1993) above. */
    long poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda < 10) {
            double l = StrictMath.exp(-lambda);
            long k = 0;
            double p = random.nextDouble();
            while (p > l) {
                k++;
                p *= random.nextDouble();
            }
            return k;
        }
        double slam = StrictMath.sqrt(lambda);
        double loglam = StrictMath.log(lambda);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - StrictMath.abs(u);
            long k = (long) StrictMath.floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (StrictMath.log(v) + StrictMath.log(invalpha) - StrictMath.log(a / (us * us) + b)
                    <= -lambda + k * loglam - logFactorial(k)) {
                return k;
            }
        }
    }

    /** Below this mean a negative binomial is drawn by inversion, above it as a gamma-Poisson mixture. */
    static final double INVERSION_LIMIT = 5.0;

    /**
     * Negative binomial with the given mean and dispersion {@code phi} (variance {@code mean + phi
     * mean^2}). Small means (most genes of a cell) by inversion of the distribution function with
     * one uniform: {@code P(0) = (1 + phi mean)^(-1/phi) >= 1 - mean} (Bernoulli's inequality), so
     * a uniform below {@code 1 - mean} is a zero without computing anything else. Larger means as
     * the gamma-Poisson mixture {@code lambda ~ Gamma(1/phi, scale phi mean)}, {@code X ~
     * Poisson(lambda)}.
     */
    long negativeBinomial(double mean, double dispersion) {
        if (mean <= 0) {
            return 0;
        }
        if (dispersion <= 0) {
            return poisson(mean);
        }
        if (mean < INVERSION_LIMIT) {
            double u = random.nextDouble();
            if (u < 1.0 - mean) {
                return 0;
            }
            double size = 1.0 / dispersion;
            double pm = dispersion * mean;
            double p = StrictMath.exp(-size * StrictMath.log1p(pm)); // P(0)
            double q = pm / (1.0 + pm);
            double cdf = p;
            long k = 0;
            while (u >= cdf && p > 0) {
                k++;
                p *= (k - 1 + size) / k * q;
                cdf += p;
            }
            return k;
        }
        double shape = 1.0 / dispersion;
        double lambda = gamma(shape) * dispersion * mean;
        return poisson(lambda);
    }

    static double logFactorial(long k) {
        if (k < LOG_FACTORIAL.length) {
            return LOG_FACTORIAL[(int) k];
        }
        double n = k + 1.0; // Stirling series for log Gamma(n)
        return (n - 0.5) * StrictMath.log(n)
                - n
                + 0.5 * StrictMath.log(2 * StrictMath.PI)
                + 1.0 / (12 * n)
                - 1.0 / (360 * n * n * n);
    }
}
