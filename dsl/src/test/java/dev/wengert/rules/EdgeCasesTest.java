package dev.wengert.rules;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kinks, singular points and the edges of domains: documented values and IEEE behaviour. */
class EdgeCasesTest {

    static double d(Mode m, Fn f, double... x) {
        return gradient(m, f, x)[0];
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void singularPointsFollowIeee(Mode m) {
        assertEquals(Double.POSITIVE_INFINITY, d(m, v -> sqrt(v[0]), 0.0));
        assertEquals(Double.POSITIVE_INFINITY, d(m, v -> log(v[0]), 0.0));
        assertEquals(Double.POSITIVE_INFINITY, d(m, v -> cbrt(v[0]), 0.0));
        assertEquals(Double.POSITIVE_INFINITY, d(m, v -> asin(v[0]), 1.0));
        assertEquals(Double.NEGATIVE_INFINITY, d(m, v -> acos(v[0]), 1.0));
        assertEquals(Double.POSITIVE_INFINITY, d(m, v -> atanh(v[0]), 1.0));
        assertEquals(-1.0, d(m, v -> log(v[0]), -1.0), "log'(−1): the formula 1/x, as JAX and PyTorch give, while the value is NaN");
        assertTrue(Double.isNaN(d(m, v -> sqrt(v[0]), Double.NaN)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void kinksUseTheDocumentedValues(Mode m) {
        assertEquals(0.0, d(m, v -> abs(v[0]), 0.0), "abs'(0) = 0");
        assertEquals(0.0, d(m, v -> relu(v[0]), 0.0), "relu'(0) = 0");
        assertArrayEquals(new double[] {0.5, 0.5}, gradient(m, v -> max(v[0], v[1]), 2, 2), "a tie splits evenly");
        assertArrayEquals(new double[] {0.5, 0.5}, gradient(m, v -> min(v[0], v[1]), 2, 2));
        assertEquals(1.0, d(m, v -> max(v[0], v[0]), 3.0), "max(x, x) = x keeps derivative 1");
        assertArrayEquals(new double[] {0.0, 0.0}, gradient(m, v -> hypot(v[0], v[1]), 0, 0), "hypot at the origin");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void powerEdges(Mode m) {
        assertEquals(12.0, d(m, v -> v[0].pow(3), -2.0), "integer powers of negative bases");
        assertEquals(-0.25, d(m, v -> v[0].pow(-1), -2.0));
        assertEquals(0.0, d(m, v -> v[0].pow(2), 0.0));
        assertEquals(0.0, d(m, v -> v[0].pow(0), 0.0), "x⁰ is constant 1, also at 0");
        assertArrayEquals(new double[] {0.0, 0.0}, gradient(m, v -> v[0].pow(v[1]), 0, 2), "0ᵇ for b > 0");
        double[] g = gradient(m, v -> v[0].pow(v[1]), -2, 3);
        assertEquals(12.0, g[0]);
        assertTrue(Double.isNaN(g[1]), "∂/∂b of (−2)ᵇ has no real neighbourhood: NaN");
        double[] e = gradient(m, v -> v[0].pow(v[1]), 2, 3);
        assertEquals(12.0, e[0], 1e-15);
        assertEquals(8 * Math.log(2), e[1], 1e-15);
    }

    @Test
    void digammaIsExactToRounding() {
        // references to 17 digits from mpmath (30-digit arithmetic). Near ψ's root (x ≈ 1.46) no
        // double method keeps relative accuracy, so the bound is 1e-15 of max(1, |ψ|): about 4 ulps
        // of the terms that cancel. Commons Math's digamma misses some of these by ~3e-9.
        double[][] ref = {{1, -0.57721566490153286}, {2, 0.42278433509846714}, {0.5, -1.9635100260214235},
                {10, 2.2517525890667211}, {100, 4.6001618527380874}, {0.1, -10.423754940411076},
                {1.5, 0.036489973978576521}, {3.7, 1.1671535393615114}, {25, 3.1987425128519740},
                {-0.3, 2.1133097796353989}, {-2.5, 1.1031566406452432}};
        for (double[] r : ref) {
            assertEquals(r[1], digamma(r[0]), 1e-15 * Math.max(1, Math.abs(r[1])), "ψ(" + r[0] + ")");
        }
        assertTrue(Double.isNaN(digamma(-2)), "poles");
        // ψ(x+1) − ψ(x) = 1/x across the shift boundary at 10
        for (double x = 0.25; x < 60; x += 0.75) {
            assertEquals(1 / x, digamma(x + 1) - digamma(x), 4e-15 * Math.max(1, Math.abs(digamma(x))));
        }
    }

    @Test
    void trigammaIsExactToRounding() {
        double[][] ref = {{1, 1.6449340668482264}, {0.5, 4.9348022005446793}, {2, 0.64493406684822644},
                {10, 0.10516633568168575}, {0.1, 101.43329915079275}, {30, 0.033895060357739944},
                {-0.3, 13.945160267805722}};
        for (double[] r : ref) {
            assertEquals(r[1], trigamma(r[0]), 1e-15 * Math.abs(r[1]), "ψ′(" + r[0] + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void lgammaDerivativeIsDigamma(Mode m) {
        for (double x : new double[] {0.5, 1, 2.5, 10, -0.5, -1.5}) {
            assertEquals(digamma(x), d(m, v -> lgamma(v[0]), x), 0.0);
        }
        assertEquals(Math.log(Math.sqrt(Math.PI)), lgamma(0.5), 1e-15);
        assertEquals(Math.log(2 * Math.sqrt(Math.PI)), lgamma(-0.5), 1e-15, "log|Γ(−½)| = log 2√π");
        assertEquals(Double.POSITIVE_INFINITY, lgamma(-3.0));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void logsumexpIsStableAndItsGradientIsSoftmax(Mode m) {
        double[] x = {1000, 1001, 999};
        double y = logsumexp(x);
        assertEquals(1001 + Math.log(Math.exp(-1) + 1 + Math.exp(-2)), y, 1e-12);
        double[] g = gradient(m, v -> logsumexp(v), x);
        double s = Math.exp(-1) + 1 + Math.exp(-2);
        assertArrayEquals(new double[] {Math.exp(-1) / s, 1 / s, Math.exp(-2) / s}, g, 1e-15);
        assertEquals(Double.NEGATIVE_INFINITY, logsumexp(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void stableFunctionsAtExtremes(Mode m) {
        assertEquals(800.0, softplus(800.0), 0.0, "no overflow");
        assertEquals(1.0, d(m, v -> softplus(v[0]), 800.0), 0.0);
        assertEquals(Math.exp(-800.0), softplus(-800.0), 0.0, "no underflow to 0 too early");
        assertEquals(0.0, d(m, v -> sigmoid(v[0]), -800.0), 0.0);
        assertEquals(Math.log(2e300) , asinh(1e300), 1e-12 * 700);
    }
}
