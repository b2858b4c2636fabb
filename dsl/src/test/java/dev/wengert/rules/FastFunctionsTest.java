package dev.wengert.rules;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our own tanh (built on the exp and log intrinsics, as java.lang.Math's tanh is a JNI call on
 * Java 17), and softplus, against a 60-digit {@link BigOracle}: every result within 1 ulp of
 * the correctly rounded one, over 110,000 tanh inputs weighted to the hard ranges — tiny and
 * subnormal |x|, both sides of the switches between its three formulas, where it rounds to ±1,
 * huge |x| — and the IEEE special values exactly.
 */
class FastFunctionsTest {

    /** The worst distance over the inputs, with the input where it occurs. */
    record Worst(long ulps, double at, long oneUlp, int n) {
    }

    static Worst sweep(DoubleUnaryOperator f, DoubleFunction<BigDecimal> oracle, double[] xs) {
        long worst = -1;
        double at = Double.NaN;
        long one = 0;
        for (double x : xs) {
            long u = BigOracle.ulps(f.applyAsDouble(x), oracle.apply(x));
            if (u > worst) {
                worst = u;
                at = x;
            }
            if (u == 1) {
                one++;
            }
        }
        return new Worst(worst, at, one, xs.length);
    }

    /** n values with |x| log-uniform in [lo, hi], random signs if both. */
    static void logUniform(SplittableRandom r, double[] xs, int from, int n, double lo, double hi, boolean both) {
        double l = Math.log(lo);
        double h = Math.log(hi);
        for (int i = from; i < from + n; i++) {
            double x = Math.exp(r.nextDouble(l, h));
            xs[i] = both && r.nextBoolean() ? -x : x;
        }
    }

    /** n values within ±k ulps of c. */
    static void around(SplittableRandom r, double[] xs, int from, int n, double c, int k) {
        for (int i = from; i < from + n; i++) {
            xs[i] = Double.longBitsToDouble(Double.doubleToLongBits(c) + r.nextInt(-k, k + 1));
        }
    }

    /** n random subnormals, random signs. */
    static void subnormals(SplittableRandom r, double[] xs, int from, int n) {
        for (int i = from; i < from + n; i++) {
            double x = Double.longBitsToDouble(r.nextLong(1, 1L << 52));
            xs[i] = r.nextBoolean() ? -x : x;
        }
    }

    static double[] tanhInputs() {
        SplittableRandom r = new SplittableRandom(1);
        double[] xs = new double[110_000];
        for (int i = 0; i < 40_000; i++) {
            xs[i] = r.nextDouble(-3, 3);                      // where MLPs live
        }
        logUniform(r, xs, 40_000, 20_000, 1e-300, 1e-8, true);
        logUniform(r, xs, 60_000, 25_000, 1e-8, 25, true);
        subnormals(r, xs, 85_000, 2_000);
        around(r, xs, 87_000, 2_000, 1.0, 1 << 20);           // the switches between the three formulas
        around(r, xs, 89_000, 2_000, -1.0, 1 << 20);
        around(r, xs, 91_000, 1_000, 0.25, 1 << 20);
        around(r, xs, 92_000, 1_000, -0.25, 1 << 20);
        for (int i = 93_000; i < 100_000; i++) {
            xs[i] = (i % 2 == 0 ? r.nextDouble(0.9, 1.1) : r.nextDouble(0.2, 0.3)) * (r.nextBoolean() ? 1 : -1);
        }
        for (int i = 100_000; i < 106_000; i++) {
            xs[i] = r.nextDouble(17, 21) * (r.nextBoolean() ? 1 : -1);   // where tanh rounds to ±1
        }
        logUniform(r, xs, 106_000, 4_000, 25, 1e308, true);
        return xs;
    }

    /** softplus (its log1p on the log intrinsic) on 20,000 inputs. */
    static double[] softplusInputs() {
        SplittableRandom r = new SplittableRandom(3);
        double[] xs = new double[20_000];
        for (int i = 0; i < 8_000; i++) {
            xs[i] = r.nextDouble(-40, 40);
        }
        logUniform(r, xs, 8_000, 8_000, 1e-300, 1e3, true);
        for (int i = 16_000; i < 17_000; i++) {
            xs[i] = r.nextDouble(-760, -700);                 // subnormal and vanishing results
        }
        subnormals(r, xs, 17_000, 1_000);
        logUniform(r, xs, 18_000, 1_000, 30, 40, true);       // where log1p(e^−|x|) is below x's ulp
        logUniform(r, xs, 19_000, 1_000, 1e3, 1e308, true);
        return xs;
    }

    @Test
    void tanhIsWithinOneUlpOfTheCorrectlyRoundedResult() {
        Worst w = sweep(Elementary::tanh, BigOracle::tanh, tanhInputs());
        assertTrue(w.ulps <= 1, "tanh: " + w);
    }

    @Test
    void log1pOfAUnitArgumentIsWithinOneUlp() {
        // softplus's log(1 + e^−|x|): u from 1 down to subnormals, and near the ends
        SplittableRandom r = new SplittableRandom(11);
        double[] us = new double[30_000];
        for (int i = 0; i < 10_000; i++) {
            us[i] = r.nextDouble();
        }
        logUniform(r, us, 10_000, 15_000, 1e-320, 1.0, false);
        for (int i = 25_000; i < 30_000; i++) {
            us[i] = 1.0 - r.nextDouble() * 1e-3;
        }
        Worst w = sweep(Special::log1pUnit, u -> BigOracle.log1p(new BigDecimal(u)), us);
        assertTrue(w.ulps <= 1, "log1p: " + w);
        assertEquals(0.0, Special.log1pUnit(0.0), 0.0);
        assertEquals(Math.log(2.0), Special.log1pUnit(1.0), 0.0);
    }

    @Test
    void softplusIsWithinOneUlpOfTheCorrectlyRoundedResultAndBothFormsAgree() {
        double[] xs = softplusInputs();
        Worst w = sweep(Special::softplus, BigOracle::softplus, xs);
        assertTrue(w.ulps <= 1, "softplus: " + w);
        // the array form, from an offset into both arrays and over several of its blocks
        double[] in = new double[xs.length + 3];
        System.arraycopy(xs, 0, in, 3, xs.length);
        double[] out = new double[xs.length + 5];
        double[] p = new double[xs.length];
        Special.softplus(in, 3, out, 5, p, xs.length);
        for (int k = 0; k < xs.length; k++) {
            double x = xs[k];
            assertEquals(Double.doubleToRawLongBits(Special.softplus(x)), Double.doubleToRawLongBits(out[5 + k]),
                    "softplus(" + x + ") and the array form");
            assertEquals(Double.doubleToRawLongBits(Special.sigmoid(x)), Double.doubleToRawLongBits(p[k]), "σ(" + x + ")");
        }
    }

    static void same(double want, double got, String what) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + ": " + got + ", want " + want);
    }

    @Test
    void specialValuesAreIeee() {
        same(0.0, Elementary.tanh(0.0), "tanh(+0)");
        same(-0.0, Elementary.tanh(-0.0), "tanh(−0)");
        same(1.0, Elementary.tanh(Double.POSITIVE_INFINITY), "tanh(+∞)");
        same(-1.0, Elementary.tanh(Double.NEGATIVE_INFINITY), "tanh(−∞)");
        assertTrue(Double.isNaN(Elementary.tanh(Double.NaN)), "tanh(NaN)");
        same(Double.MIN_VALUE, Elementary.tanh(Double.MIN_VALUE), "tanh of the least subnormal");
        same(-Double.MIN_NORMAL, Elementary.tanh(-Double.MIN_NORMAL), "tanh(−MIN_NORMAL)");
        same(1.0, Elementary.tanh(Double.MAX_VALUE), "tanh(MAX_VALUE)");
        same(-1.0, Elementary.tanh(-20.0), "tanh(−20)");

        // the array form at these values: KernelsTest.fusedSoftplusGivesExactlyTheRuleValueAndPartial
        same(0.0, Special.softplus(Double.NEGATIVE_INFINITY), "softplus(−∞)");
        same(Double.POSITIVE_INFINITY, Special.softplus(Double.POSITIVE_INFINITY), "softplus(+∞)");
        assertTrue(Double.isNaN(Special.softplus(Double.NaN)), "softplus(NaN)");
        same(Math.log(2), Special.softplus(0.0), "softplus(0)");
        same(Math.log(2), Special.softplus(-0.0), "softplus(−0)");
    }

    /** Num, tensors (through the rule) and the double entry points use the same function. */
    @Test
    void everyEntryPointUsesTheSameTanh() {
        for (double x : new double[] {-3.7, -1.0, -0.3, -1e-9, 0.0, 2e-5, 0.5, 0.999, 1.0, 4.2, 25.0}) {
            same(Elementary.tanh(x), dev.wengert.Wengert.tanh(x), "Wengert.tanh(" + x + ")");
            same(Elementary.tanh(x), Elementary.TANH.value(x), "TANH(" + x + ")");
            same(Elementary.tanh(x), Elementary.TANH.series(new double[] {x, 1.0})[0], "TANH.series(" + x + ")");
            same(Elementary.tanh(x), dev.wengert.Wengert.tanh(dev.wengert.Wengert.constant(x)).value(), "tanh(Num " + x + ")");
        }
    }

    /** Dekker's division remainder is the exact one (Math.fma's), so tanh is exact-to-an-ulp on every CPU. */
    @Test
    void fmaAndDekkerRemaindersAgree() {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 100_000; i++) {
            double u = Math.exp(r.nextDouble(0, 2));          // as tanh below 1 makes them
            double n = u - 1.0;
            double s = u + 1.0;
            double q = n / s;
            same(Math.fma(-q, s, n), Elementary.divisionRemainder(n, q, s), "divisionRemainder(" + n + ", " + q + ", " + s + ")");
        }
    }
}
