package dev.wengert.rules;

import dev.wengert.forward.Taylor;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

import java.util.Arrays;

/**
 * Rules of the special and machine-learning functions: erf, erfc, lgamma, sigmoid, softplus,
 * relu, abs — and our own digamma and trigamma.
 *
 * <p>Kinks use a fixed value, chosen as JAX and PyTorch do: {@code abs'(0) = 0},
 * {@code relu'(0) = 0}.
 */
public final class Special {
    private Special() {
    }

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    // Commons Math's erf/erfc are accurate to ~1e-15 relative (continued fractions of the
    // regularized gamma function), so we use them and only add the partial.
    public static final UnaryRule ERF = new UnaryRule("erf") {
        @Override
        public double value(double x) {
            return Erf.erf(x);
        }

        @Override
        public double partial(double x, double y) {
            return TWO_OVER_SQRT_PI * Math.exp(-x * x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.square().neg().exp().times(TWO_OVER_SQRT_PI);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.erf(x, Erf.erf(x[0]), 1.0);
        }
    };

    public static final UnaryRule ERFC = new UnaryRule("erfc") {
        @Override
        public double value(double x) {
            return Erf.erfc(x);
        }

        @Override
        public double partial(double x, double y) {
            return -TWO_OVER_SQRT_PI * Math.exp(-x * x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.square().neg().exp().times(-TWO_OVER_SQRT_PI);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.erf(x, Erf.erfc(x[0]), -1.0);
        }
    };

    public static final UnaryRule LGAMMA = new UnaryRule("lgamma") {
        @Override
        public double value(double x) {
            return Special.lgamma(x);
        }

        @Override
        public double partial(double x, double y) {
            return digamma(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.apply(polygammaRule(0));
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.withDerivative(lgamma(x[0]), x, polygammaSeries(0, Arrays.copyOf(x, Math.max(1, x.length - 1))));
        }
    };

    // σ(x)·σ(−x) rather than y(1−y): 1−y cancels catastrophically for large x
    public static final UnaryRule SIGMOID = new UnaryRule("sigmoid") {
        @Override
        public double value(double x) {
            return Special.sigmoid(x);
        }

        @Override
        public double partial(double x, double y) {
            return y * sigmoid(-x);
        }

        // nested, as tanh′(x/2)/4: the derivative of the product σ(x)·σ(−x) is σ′·(σ(−x) − σ(x)),
        // which cancels near 0 (relative error ε/|x|), while tanh′'s differentiable form keeps its
        // digits there
        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            T h = x.times(0.5);
            return Elementary.TANH.partial(h, h.apply(Elementary.TANH)).times(0.25);
        }

        @Override
        public double[] series(double[] x) {
            return Special.sigmoidSeries(x);
        }
    };

    public static final UnaryRule SOFTPLUS = new UnaryRule("softplus") {
        @Override
        public double value(double x) {
            return Special.softplus(x);
        }

        @Override
        public double partial(double x, double y) {
            return sigmoid(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.sigmoid();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.integrate(softplus(x[0]), x, SIGMOID.series(x));
        }
    };

    // relu'(0) = 0; NaN in, NaN out. Higher derivatives are 0 away from the kink.
    public static final UnaryRule RELU = new UnaryRule("relu") {
        @Override
        public double value(double x) {
            return x > 0 ? x : (x <= 0 ? 0.0 : x);
        }

        @Override
        public double partial(double x, double y) {
            return x > 0 ? 1.0 : (x <= 0 ? 0.0 : Double.NaN);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.newInstance(x.value() > 0 ? 1.0 : (x.value() <= 0 ? 0.0 : Double.NaN));
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.scale(x, x[0] > 0 ? 1.0 : (x[0] <= 0 ? 0.0 : Double.NaN));
        }
    };

    // abs'(0) = 0 (the sign function); NaN in, NaN out
    public static final UnaryRule ABS = new UnaryRule("abs") {
        @Override
        public double value(double x) {
            return Math.abs(x);
        }

        @Override
        public double partial(double x, double y) {
            return Math.signum(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.newInstance(Math.signum(x.value()));
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.scale(x, Math.signum(x[0]));
        }
    };

    /**
     * x·log y, with 0·log y = 0 for every y (so xlogy(0, 0) = 0), as scipy.special.xlogy and
     * JAX define it: the entropy and cross-entropy term. Its partials are the formula's, log y
     * and x/y (JAX's too), IEEE at y = 0.
     */
    public static final BinaryRule XLOGY = new BinaryRule("xlogy") {
        @Override
        public double value(double x, double y) {
            return xlogy(x, y);
        }

        @Override
        public double partialA(double x, double y, double r) {
            return Math.log(y);
        }

        @Override
        public double partialB(double x, double y, double r) {
            return x / y;
        }

        @Override
        public <T extends Real<T>> T partialA(T x, T y, T r) {
            return y.log();
        }

        @Override
        public <T extends Real<T>> T partialB(T x, T y, T r) {
            return x.div(y);
        }

        @Override
        public double[] series(double[] x, double[] y) {
            if (Taylor.isConstant(x) && x[0] == 0) {
                return new double[x.length];        // identically 0, whatever y does
            }
            double[] c = Taylor.mul(x, Taylor.log(y));
            c[0] = xlogy(x[0], y[0]);
            return c;
        }
    };

    /** x·log y, 0 where x = 0 (scipy.special.xlogy). */
    public static double xlogy(double x, double y) {
        return x == 0 && !Double.isNaN(y) ? 0.0 : x * Math.log(y);
    }

    private static final UnaryRule[] POLYGAMMA = new UnaryRule[64];

    /**
     * The rule of ψ⁽ⁿ⁾ (n = 0: digamma, n = 1: trigamma): its partial is ψ⁽ⁿ⁺¹⁾, so lgamma
     * can be differentiated to any order.
     */
    public static synchronized UnaryRule polygammaRule(int n) {
        if (n < 0 || n >= POLYGAMMA.length) {
            throw new IllegalArgumentException("polygamma order " + n + ": supported are 0 to " + (POLYGAMMA.length - 1));
        }
        if (POLYGAMMA[n] == null) {
            String name = n == 0 ? "digamma" : n == 1 ? "trigamma" : "polygamma" + n;
            POLYGAMMA[n] = new UnaryRule(name) {
                @Override
                public double value(double x) {
                    return polygamma(n, x);
                }

                @Override
                public double partial(double x, double y) {
                    return polygamma(n + 1, x);
                }

                @Override
                public <T extends Real<T>> T partial(T x, T y) {
                    return x.apply(polygammaRule(n + 1));
                }

                @Override
                public double[] series(double[] x) {
                    return polygammaSeries(n, x);
                }
            };
        }
        return POLYGAMMA[n];
    }

    /** The Taylor series of ψ⁽ⁿ⁾(x(t)): integrate the series of ψ⁽ⁿ⁺¹⁾, one order shorter. */
    static double[] polygammaSeries(int n, double[] x) {
        if (x.length == 1) {
            return new double[] {polygamma(n, x[0])};
        }
        return Taylor.withDerivative(polygamma(n, x[0]), x, polygammaSeries(n + 1, Arrays.copyOf(x, x.length - 1)));
    }

    /** Bernoulli numbers B₂, B₄, …, B₂₀. */
    private static final double[] B2K = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730,
        7.0 / 6, -3617.0 / 510, 43867.0 / 798, -174611.0 / 330};

    /**
     * The polygamma function ψ⁽ⁿ⁾(x) = dⁿ⁺¹/dxⁿ⁺¹ log Γ(x), for n ≥ 0 and any real x off the
     * poles. Shifts x above 2n + 20 with ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) − (−1)ⁿ n!/xⁿ⁺¹ (valid for
     * negative x too, so no reflection is needed), then sums the asymptotic series to B₂₀,
     * whose next term there is below 1e-18 relative. Commons Math has only ψ and ψ′.
     */
    public static double polygamma(int n, double x) {
        if (n == 0) {
            return digamma(x);
        }
        if (n == 1) {
            return trigamma(x);
        }
        if (n < 0) {
            throw new IllegalArgumentException("polygamma(" + n + ", x): the order must be at least 0");
        }
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        double sign = (n % 2 == 0) ? -1.0 : 1.0;     // (−1)ⁿ⁺¹
        if (x <= 0 && x == Math.rint(x)) {
            return sign > 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        double nFact = 1;
        for (int i = 2; i <= n; i++) {
            nFact *= i;
        }
        double shift = 0;
        double xmin = 2.0 * n + 20;
        while (x < xmin) {
            shift += sign * nFact / Math.pow(x, n + 1);
            x += 1.0;
        }
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        double lead = nFact / n * Math.pow(inv, n) + nFact / 2 * Math.pow(inv, n + 1);
        double sum = 0;
        double xp = Math.pow(inv, n) * inv2;           // x^−(2k+n) for k = 1
        for (int k = 1; k <= B2K.length; k++) {
            double ratio = 1;                          // (2k+n−1)!/(2k)!
            for (int i = 2 * k + 1; i <= 2 * k + n - 1; i++) {
                ratio *= i;
            }
            sum += B2K[k - 1] * ratio * xp;
            xp *= inv2;
        }
        return shift + sign * (lead + sum);
    }

    /**
     * The Taylor series of σ(x) = (1 + tanh(x/2))/2, from tanh's: its recurrences keep their
     * digits near 0, where those of 1/(1 + e^−x) cancel (σ''(1e-8) came out 1e-9 off, relative),
     * and never overflow. The constant term is σ(x₀) itself, which 1 + tanh would cancel for x₀ ≪ 0.
     */
    static double[] sigmoidSeries(double[] x) {
        double h = 0.5 * x[0];
        double t = Elementary.tanh(h);
        double[] y = Taylor.scale(Taylor.tanh(Taylor.scale(x, 0.5), t, Elementary.tanhPartial(h, t)), 0.5);
        y[0] = sigmoid(x[0]);
        return y;
    }

    /** 1/(1+e^−x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(1+eˣ), exact to rounding for all x (no overflow for large x, no underflow to 0 for very negative x). */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + log1pUnit(Math.exp(-Math.abs(x)));
    }

    /**
     * log(1 + u) for 0 ≤ u ≤ 1 from the {@code Math.log} intrinsic: v = 1 + u rounds, but its
     * error e = u − (v − 1) is exact (Fast2Sum), and log(1 + u) = log(v) + e/v to far below an
     * ulp. On Java 17 {@code Math.log1p} is a JNI call into StrictMath, 1.3× slower.
     */
    static double log1pUnit(double u) {
        double v = 1.0 + u;
        double e = u - (v - 1.0);
        return Math.log(v) + e / v;
    }

    /**
     * softplus over {@code n} values: {@code out[o + k] = softplus(x[x0 + k])} and
     * {@code partial[k] = σ(x[x0 + k])}, exactly {@link #softplus(double)} and
     * {@link #sigmoid(double)} (array operations use it; a scalar rule computes its value and
     * partial apart). The two share one {@code exp(−|x|)}. {@code x} and {@code out} may be one
     * array (a tape's values) if the two ranges do not overlap.
     *
     * <p>Why two loops per block: a call to the {@code exp} intrinsic followed by one to
     * {@code log} on its result runs at the two calls' summed latency (~13 ns an element here),
     * as if nothing overlapped; all the {@code exp}s of a block first, kept in {@code partial},
     * then the rest, run at the calls' throughput (~10 ns). σ's numerator is chosen without a
     * branch, as max(e, ±1) (e ≤ 1), since the sign of x is a coin toss in a classifier's loss.
     */
    public static void softplus(double[] x, int x0, double[] out, int o, double[] partial, int n) {
        final int block = 512;                  // the block's exps stay in L1
        for (int b = 0; b < n; b += block) {
            int end = Math.min(n, b + block);
            for (int k = b; k < end; k++) {
                partial[k] = Math.exp(-Math.abs(x[x0 + k]));
            }
            for (int k = b; k < end; k++) {
                double xk = x[x0 + k];
                double e = partial[k];
                double v = 1.0 + e;
                // σ(x) = 1/(1+e) for x ≥ 0 (−0.0 too, where e = 1) and e/(1+e) below; NaN stays NaN
                partial[k] = Math.max(e, Math.copySign(1.0, xk)) / v;
                out[o + k] = Math.max(xk, 0.0) + log1pUnit(e);
            }
        }
    }

    /**
     * log|Γ(x)|, also for negative non-integers (by reflection); +∞ at the poles 0, −1, −2, …
     * and at ±∞ (as C99's {@code lgamma}; Commons Math's {@code logGamma(∞)} is NaN).
     * Commons Math's {@code logGamma} is used where it is defined (x &gt; 0).
     */
    public static double lgamma(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (Double.isInfinite(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x > 0) {
            return Gamma.logGamma(x);
        }
        if (x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY;       // a pole of Γ
        }
        // Γ(x)Γ(1−x) = π / sin(πx)
        return Math.log(Math.PI / Math.abs(sinPi(x))) - Gamma.logGamma(1.0 - x);
    }

    /**
     * The digamma function ψ = (log Γ)′, exact to a few ulps.
     *
     * <p>Not Commons Math's {@code Gamma.digamma}: its asymptotic series adds the 1/(120x⁴)
     * term with the wrong sign (error ≈ 3e-9 below x = 49), far from rounding, and a derivative
     * rule must be exact. We shift x above 10 by ψ(x) = ψ(x+1) − 1/x, sum the Stirling series
     * to x⁻¹⁴, and reflect negative arguments with ψ(1−x) − ψ(x) = π·cot(πx).
     */
    public static double digamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.NaN;                     // poles: the two one-sided limits differ
        }
        if (x < 0) {
            return digamma(1.0 - x) - Math.PI / tanPi(x);
        }
        double shift = 0;
        while (x < 10) {
            shift -= 1.0 / x;
            x += 1.0;
        }
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240
                - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))));
        return shift + Math.log(x) - 0.5 * inv - series;
    }

    /**
     * The trigamma function ψ′, exact to a few ulps (Commons Math's {@code Gamma.trigamma} has
     * a slip on its 1/(42x⁷) term). Shifts x above 10 by ψ′(x) = ψ′(x+1) + 1/x² and reflects
     * negative arguments with ψ′(1−x) + ψ′(x) = π²/sin²(πx).
     */
    public static double trigamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        if (x <= 0 && x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < 0) {
            double s = sinPi(x);
            return -trigamma(1.0 - x) + Math.PI * Math.PI / (s * s);
        }
        double shift = 0;
        while (x < 10) {
            shift += 1.0 / (x * x);
            x += 1.0;
        }
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        double series = inv + inv2 / 2 + inv * inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42
                - inv2 * (1.0 / 30 - inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * 7.0 / 6))))));
        return shift + series;
    }

    /** sin(πx) with the argument reduced exactly first, so it is accurate near the integers. */
    static double sinPi(double x) {
        double n = Math.rint(x);
        double r = x - n;                          // exact, |r| ≤ 1/2
        double s = Math.sin(Math.PI * r);
        return (n % 2 == 0) ? s : -s;
    }

    /** tan(πx) with exact argument reduction (tan has period 1 in units of π). */
    static double tanPi(double x) {
        return Math.tan(Math.PI * (x - Math.rint(x)));
    }
}
