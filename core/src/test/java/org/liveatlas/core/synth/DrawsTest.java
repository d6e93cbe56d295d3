package org.liveatlas.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DrawsTest {

    private static double[] meanVar(long[] xs) {
        double m = 0;
        for (long x : xs) {
            m += x;
        }
        m /= xs.length;
        double v = 0;
        for (long x : xs) {
            v += (x - m) * (x - m);
        }
        return new double[] {m, v / (xs.length - 1)};
    }

    @Test
    void negativeBinomialHasMeanMuAndVarianceMuPlusPhiMuSquared() {
        Draws r = new Draws(42);
        for (double[] c : new double[][] {{0.3, 0.2}, {2, 0.5}, {20, 0.2}, {150, 0.1}}) {
            double mu = c[0];
            double phi = c[1];
            long[] xs = new long[200_000];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = r.negativeBinomial(mu, phi);
            }
            double[] mv = meanVar(xs);
            assertThat(mv[0]).as("mean at mu=%s", mu).isCloseTo(mu, within(0.02 * mu + 0.01));
            double var = mu + phi * mu * mu;
            assertThat(mv[1]).as("variance at mu=%s phi=%s", mu, phi).isCloseTo(var, within(0.05 * var));
        }
    }

    @Test
    void poissonIsRightOnBothSidesOfTheAlgorithmSwitch() {
        Draws r = new Draws(7);
        for (double lambda : new double[] {0.5, 9.5, 10.5, 400}) {
            long[] xs = new long[200_000];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = r.poisson(lambda);
            }
            double[] mv = meanVar(xs);
            assertThat(mv[0]).as("mean at %s", lambda).isCloseTo(lambda, within(0.01 * lambda + 0.01));
            assertThat(mv[1]).as("variance at %s", lambda).isCloseTo(lambda, within(0.03 * lambda + 0.01));
        }
    }

    @Test
    void gammaHasMeanShapeForSmallAndLargeShapes() {
        Draws r = new Draws(3);
        for (double shape : new double[] {0.3, 1, 5}) {
            double m = 0;
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                m += r.gamma(shape);
            }
            assertThat(m / n).as("shape %s", shape).isCloseTo(shape, within(0.02 * shape));
        }
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        Draws a = new Draws(Draws.mix(5, 1));
        Draws b = new Draws(Draws.mix(5, 1));
        for (int i = 0; i < 1000; i++) {
            assertThat(a.negativeBinomial(12, 0.3)).isEqualTo(b.negativeBinomial(12, 0.3));
        }
        assertThat(Draws.mix(5, 1)).isNotEqualTo(Draws.mix(5, 2));
    }
}
