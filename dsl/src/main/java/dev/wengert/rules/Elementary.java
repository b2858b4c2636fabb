package dev.wengert.rules;

import dev.wengert.Num;
import dev.wengert.forward.Taylor;

import static dev.wengert.Num.constant;

/**
 * Rules of the elementary functions: exponentials, logarithms, roots, trigonometric and
 * hyperbolic functions and their inverses. Each partial is written for accuracy, not brevity
 * (e.g. {@code acosh'} as 1/(√(x−1)·√(x+1)), which neither overflows for large x nor cancels
 * near 1). At singular points the partials follow IEEE arithmetic: √ at 0 has partial +∞.
 */
public final class Elementary {
    private Elementary() {
    }

    static final double LN10 = Math.log(10.0);

    public static final UnaryRule EXP = new UnaryRule("exp", Math::exp, (x, y) -> y,
            (x, y) -> y, Taylor::exp);
    public static final UnaryRule EXPM1 = new UnaryRule("expm1", Math::expm1, (x, y) -> y + 1.0,
            (x, y) -> y.plus(1.0), Taylor::expm1);
    public static final UnaryRule LOG = new UnaryRule("log", Math::log, (x, y) -> 1.0 / x,
            (x, y) -> x.reciprocal(), Taylor::log);
    public static final UnaryRule LOG1P = new UnaryRule("log1p", Math::log1p, (x, y) -> 1.0 / (1.0 + x),
            (x, y) -> x.plus(1.0).reciprocal(), Taylor::log1p);
    public static final UnaryRule LOG10 = new UnaryRule("log10", Math::log10, (x, y) -> 1.0 / (x * LN10),
            (x, y) -> x.times(LN10).reciprocal(), x -> Taylor.scale(Taylor.log(x), 1.0 / LN10));
    // √ at 0: partial +∞ (IEEE 1/0)
    public static final UnaryRule SQRT = new UnaryRule("sqrt", Math::sqrt, (x, y) -> 0.5 / y,
            (x, y) -> y.reciprocal().times(0.5), Taylor::sqrt);
    // ∛ at 0: partial +∞
    public static final UnaryRule CBRT = new UnaryRule("cbrt", Math::cbrt, (x, y) -> 1.0 / (3.0 * y * y),
            (x, y) -> y.square().times(3.0).reciprocal(), Taylor::cbrt);

    public static final UnaryRule SIN = new UnaryRule("sin", Math::sin, (x, y) -> Math.cos(x),
            (x, y) -> x.cos(), x -> Taylor.sinCos(x)[0]);
    public static final UnaryRule COS = new UnaryRule("cos", Math::cos, (x, y) -> -Math.sin(x),
            (x, y) -> x.sin().neg(), x -> Taylor.sinCos(x)[1]);
    // 1 + tan² reuses the output instead of computing 1/cos², which loses nothing here
    public static final UnaryRule TAN = new UnaryRule("tan", Math::tan, (x, y) -> 1.0 + y * y,
            (x, y) -> y.square().plus(1.0), Taylor::tan);
    // at |x| = 1 the partials are ±∞ (IEEE)
    public static final UnaryRule ASIN = new UnaryRule("asin", Math::asin,
            (x, y) -> 1.0 / Math.sqrt((1.0 - x) * (1.0 + x)),
            (x, y) -> constant(1.0).minus(x).times(x.plus(1.0)).sqrt().reciprocal(), Taylor::asin);
    public static final UnaryRule ACOS = new UnaryRule("acos", Math::acos,
            (x, y) -> -1.0 / Math.sqrt((1.0 - x) * (1.0 + x)),
            (x, y) -> constant(1.0).minus(x).times(x.plus(1.0)).sqrt().reciprocal().neg(), Taylor::acos);
    public static final UnaryRule ATAN = new UnaryRule("atan", Math::atan, (x, y) -> 1.0 / (1.0 + x * x),
            (x, y) -> x.square().plus(1.0).reciprocal(), Taylor::atan);

    public static final UnaryRule SINH = new UnaryRule("sinh", Math::sinh, (x, y) -> Math.cosh(x),
            (x, y) -> x.cosh(), x -> Taylor.sinhCosh(x)[0]);
    public static final UnaryRule COSH = new UnaryRule("cosh", Math::cosh, (x, y) -> Math.sinh(x),
            (x, y) -> x.sinh(), x -> Taylor.sinhCosh(x)[1]);
    public static final UnaryRule TANH = new UnaryRule("tanh", Math::tanh, (x, y) -> (1.0 - y) * (1.0 + y),
            (x, y) -> constant(1.0).minus(y).times(y.plus(1.0)), Taylor::tanh);
    // hypot keeps 1/√(x²+1) from overflowing for |x| > 1e154
    public static final UnaryRule ASINH = new UnaryRule("asinh", Elementary::asinh, (x, y) -> 1.0 / Math.hypot(x, 1.0),
            (x, y) -> x.hypot(constant(1.0)).reciprocal(), x -> Taylor.asinh(x, asinh(x[0])));
    public static final UnaryRule ACOSH = new UnaryRule("acosh", Elementary::acosh,
            (x, y) -> 1.0 / (Math.sqrt(x - 1.0) * Math.sqrt(x + 1.0)),
            (x, y) -> x.minus(1.0).sqrt().times(x.plus(1.0).sqrt()).reciprocal(), x -> Taylor.acosh(x, acosh(x[0])));
    public static final UnaryRule ATANH = new UnaryRule("atanh", Elementary::atanh,
            (x, y) -> 1.0 / ((1.0 - x) * (1.0 + x)),
            (x, y) -> constant(1.0).minus(x).times(x.plus(1.0)).reciprocal(), x -> Taylor.atanh(x, atanh(x[0])));

    /** asinh(x), accurate for tiny and huge |x| (java.lang.Math has none). */
    public static double asinh(double x) {
        double a = Math.abs(x);
        double r;
        if (a > 1e8) {
            r = Math.log(a) + Math.log(2.0);            // √(x²+1) ≈ |x|, avoid overflow
        } else {
            // log1p(a + a²/(1+√(1+a²))) is exact-to-rounding where log(a+√(a²+1)) cancels
            r = Math.log1p(a + a * a / (1.0 + Math.sqrt(1.0 + a * a)));
        }
        return Math.copySign(r, x);
    }

    /** acosh(x) for x ≥ 1, NaN below (IEEE). */
    public static double acosh(double x) {
        if (x < 1.0) {
            return Double.NaN;
        }
        if (x > 1e8) {
            return Math.log(x) + Math.log(2.0);
        }
        double t = x - 1.0;
        return Math.log1p(t + Math.sqrt(2.0 * t + t * t));
    }

    /** atanh(x) for |x| ≤ 1: ±∞ at ±1, NaN outside (IEEE). */
    public static double atanh(double x) {
        double a = Math.abs(x);
        if (a > 1.0) {
            return Double.NaN;
        }
        return Math.copySign(0.5 * Math.log1p(2.0 * a / (1.0 - a)), x);
    }
}
