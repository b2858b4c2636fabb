package dev.wengert.rules;

import dev.wengert.core.Num;
import dev.wengert.forward.Taylor;

import static dev.wengert.core.Num.constant;

/**
 * Rules of arithmetic and of the two-argument functions. The four operations +, −, ×, ÷ are
 * also written out inline in {@code Num} for speed (they are most of every tape); their rules
 * here name them on the tape and serve the rule tests.
 *
 * <p>Kinks: {@code max} and {@code min} split a tie evenly (½, ½), as JAX does, so
 * max(x, x) = x keeps derivative 1; {@code hypot} at the origin has partials (0, 0), like
 * {@code abs} at 0.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    private static final Num ONE = constant(1.0);
    private static final Num MINUS_ONE = constant(-1.0);

    public static final BinaryRule ADD = BinaryRule.of("add", (a, b) -> a + b, (a, b, y) -> 1.0, (a, b, y) -> 1.0,
            (a, b, y) -> ONE, (a, b, y) -> ONE);
    public static final BinaryRule SUB = BinaryRule.of("sub", (a, b) -> a - b, (a, b, y) -> 1.0, (a, b, y) -> -1.0,
            (a, b, y) -> ONE, (a, b, y) -> MINUS_ONE);
    public static final BinaryRule MUL = BinaryRule.of("mul", (a, b) -> a * b, (a, b, y) -> b, (a, b, y) -> a,
            (a, b, y) -> b, (a, b, y) -> a);
    public static final BinaryRule DIV = BinaryRule.of("div", (a, b) -> a / b, (a, b, y) -> 1.0 / b, (a, b, y) -> -y / b,
            (a, b, y) -> b.reciprocal(), (a, b, y) -> y.neg().div(b));

    // ---- the formulas of + − × ÷, written once ----------------------------------------------------
    // Num's first-order path, the replay interpreter, generated loops and the tensor kernels
    // all call these (the JIT inlines them), so a convention changes in one place and every
    // path computes the same bits.

    public static double add(double a, double b) {
        return a + b;
    }

    public static double sub(double a, double b) {
        return a - b;
    }

    public static double mul(double a, double b) {
        return a * b;
    }

    /** ∂(a·b)/∂a = b. */
    public static double mulPartialA(double a, double b) {
        return b;
    }

    /** ∂(a·b)/∂b = a. */
    public static double mulPartialB(double a, double b) {
        return a;
    }

    public static double div(double a, double b) {
        return a / b;
    }

    /** ∂(a/b)/∂a = 1/b. */
    public static double divPartialA(double b) {
        return 1.0 / b;
    }

    /** ∂(a/b)/∂b = −y/b, from the quotient y = a/b (one division instead of −a/b²). */
    public static double divPartialB(double b, double y) {
        return -y / b;
    }

    public static double neg(double a) {
        return -a;
    }

    public static double square(double a) {
        return a * a;
    }

    /** ∂(a²)/∂a = 2a. */
    public static double squarePartial(double a) {
        return 2.0 * a;
    }

    public static double reciprocal(double a) {
        return 1.0 / a;
    }

    /** ∂(1/a)/∂a = −y², from y = 1/a. */
    public static double reciprocalPartial(double y) {
        return -y * y;
    }

    public static final UnaryRule NEG = new UnaryRule("neg", x -> -x, (x, y) -> -1.0,
            (x, y) -> MINUS_ONE, x -> Taylor.scale(x, -1.0));
    public static final UnaryRule SQUARE = new UnaryRule("square", x -> x * x, (x, y) -> 2.0 * x,
            (x, y) -> x.times(2.0), x -> Taylor.mul(x, x));
    public static final UnaryRule RECIPROCAL = new UnaryRule("reciprocal", x -> 1.0 / x, (x, y) -> -y * y,
            (x, y) -> y.square().neg(), Taylor::reciprocal);

    /**
     * aᵇ. Conventions at the edges (b = 0 or a = 0) keep the partials finite where the
     * function is smooth along that argument: ∂/∂a of a⁰ is 0, and ∂/∂b of 0ᵇ for b &gt; 0 is
     * 0. For a &lt; 0 the value is real only for integer b, and ∂/∂b = aᵇ·log a is NaN there
     * (IEEE): no real neighbourhood in b exists.
     */
    public static final BinaryRule POW = BinaryRule.of("pow", Math::pow,
            (a, b, y) -> b == 0 ? 0.0 : b * Math.pow(a, b - 1.0),
            (a, b, y) -> (a == 0 && b > 0) ? 0.0 : y * Math.log(a),
            (a, b, y) -> b.value() == 0 && b.isConstant() ? constant(0.0) : b.times(a.pow(b.minus(1.0))),
            (a, b, y) -> (a.value() == 0 && b.value() > 0) ? constant(0.0) : y.times(a.log()));

    public static final BinaryRule ATAN2 = BinaryRule.of("atan2", Math::atan2,
            (y, x, r) -> x / (x * x + y * y),
            (y, x, r) -> -y / (x * x + y * y),
            (y, x, r) -> x.div(x.square().plus(y.square())),
            (y, x, r) -> y.neg().div(x.square().plus(y.square())));

    public static final BinaryRule HYPOT = BinaryRule.of("hypot", Math::hypot,
            (a, b, h) -> h == 0 ? 0.0 : a / h,
            (a, b, h) -> h == 0 ? 0.0 : b / h,
            (a, b, h) -> h.value() == 0 ? constant(0.0) : a.div(h),
            (a, b, h) -> h.value() == 0 ? constant(0.0) : b.div(h));

    public static final BinaryRule MAX = BinaryRule.of("max", Math::max,
            (a, b, y) -> tieSplit(a, b), (a, b, y) -> tieSplit(b, a),
            (a, b, y) -> constant(tieSplit(a.value(), b.value())), (a, b, y) -> constant(tieSplit(b.value(), a.value())));
    public static final BinaryRule MIN = BinaryRule.of("min", Math::min,
            (a, b, y) -> tieSplit(b, a), (a, b, y) -> tieSplit(a, b),
            (a, b, y) -> constant(tieSplit(b.value(), a.value())), (a, b, y) -> constant(tieSplit(a.value(), b.value())));

    /** 1 where a wins, 0 where it loses, ½ at a tie, NaN when either is NaN. */
    private static double tieSplit(double a, double b) {
        if (a > b) {
            return 1.0;
        }
        if (a < b) {
            return 0.0;
        }
        return a == b ? 0.5 : Double.NaN;
    }

    /**
     * log Σ eˣⁱ, shifted by the maximum so it neither overflows nor underflows; its partials
     * are the softmax weights e^(xᵢ − m) / Σ e^(xⱼ − m) with m the maximum (not e^(xᵢ − y):
     * for large y the rounding of y would cost digits).
     */
    public static final NaryRule LOGSUMEXP = NaryRule.of("logsumexp", Arithmetic::logsumexp,
            (x, y) -> softmax(x), (x, y) -> {
                Num[] p = new Num[x.length];
                for (int i = 0; i < x.length; i++) {
                    p[i] = x[i].minus(y).exp();
                }
                return p;
            });

    /** Σ xᵢ as one operation. */
    public static final NaryRule SUM = NaryRule.of("sum", v -> {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }, (v, y) -> {
        double[] p = new double[v.length];
        java.util.Arrays.fill(p, 1.0);
        return p;
    }, (v, y) -> {
        Num[] p = new Num[v.length];
        java.util.Arrays.fill(p, ONE);
        return p;
    });

    /** The softmax weights of x, stable for large values. */
    public static double[] softmax(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double[] p = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - m);
            s += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    /** log Σ eˣⁱ for doubles; −∞ for no arguments. */
    public static double logsumexp(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            m = Math.max(m, v);
        }
        if (Double.isInfinite(m)) {
            return m;                              // all −∞, or some +∞
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }
}
