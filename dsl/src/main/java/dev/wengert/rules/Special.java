package dev.wengert.rules;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

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
    public static final UnaryRule ERF = new UnaryRule("erf", Erf::erf,
            (x, y) -> TWO_OVER_SQRT_PI * Math.exp(-x * x));
    public static final UnaryRule ERFC = new UnaryRule("erfc", Erf::erfc,
            (x, y) -> -TWO_OVER_SQRT_PI * Math.exp(-x * x));
    public static final UnaryRule LGAMMA = new UnaryRule("lgamma", Special::lgamma,
            (x, y) -> digamma(x));

    // σ(x)·σ(−x) rather than y(1−y): 1−y cancels catastrophically for large x
    public static final UnaryRule SIGMOID = new UnaryRule("sigmoid", Special::sigmoid, (x, y) -> y * sigmoid(-x));
    public static final UnaryRule SOFTPLUS = new UnaryRule("softplus", Special::softplus, (x, y) -> sigmoid(x));
    // relu'(0) = 0; NaN in, NaN out
    public static final UnaryRule RELU = new UnaryRule("relu", x -> x > 0 ? x : (x <= 0 ? 0.0 : x),
            (x, y) -> x > 0 ? 1.0 : (x <= 0 ? 0.0 : Double.NaN));
    // abs'(0) = 0 (the sign function); NaN in, NaN out
    public static final UnaryRule ABS = new UnaryRule("abs", Math::abs, (x, y) -> Math.signum(x));

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
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * log|Γ(x)|, also for negative non-integers (by reflection); +∞ at the poles 0, −1, −2, …
     * Commons Math's {@code logGamma} is used where it is defined (x &gt; 0).
     */
    public static double lgamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
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
