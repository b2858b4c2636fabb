package dev.wengert.rules;

import dev.wengert.forward.Taylor;

import java.util.Arrays;

/**
 * Rules of arithmetic and of the two-argument functions. The four operations +, −, ×, ÷ are
 * most of every tape: {@code Num}'s first-order path, the replay of compiled tapes and the
 * tensor kernels call these rules directly (the JIT inlines a rule constant's methods), and
 * generated loops are written from their {@link Source}.
 *
 * <p>Kinks: {@code max} and {@code min} split a tie evenly (½, ½), as JAX does, so
 * max(x, x) = x keeps derivative 1; {@code hypot} at the origin has partials (0, 0), like
 * {@code abs} at 0.
 */
public final class Arithmetic {
    private Arithmetic() {
    }

    public static final BinaryRule ADD = new BinaryRule("add") {
        private static final Source SOURCE = new Source("a + b", "1.0", "1.0");

        @Override
        public double value(double a, double b) {
            return a + b;
        }

        @Override
        public double partialA(double a, double b, double y) {
            return 1.0;
        }

        @Override
        public double partialB(double a, double b, double y) {
            return 1.0;
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return a.newInstance(1.0);
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return a.newInstance(1.0);
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return Taylor.add(a, b);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    public static final BinaryRule SUB = new BinaryRule("sub") {
        private static final Source SOURCE = new Source("a - b", "1.0", "-1.0");

        @Override
        public double value(double a, double b) {
            return a - b;
        }

        @Override
        public double partialA(double a, double b, double y) {
            return 1.0;
        }

        @Override
        public double partialB(double a, double b, double y) {
            return -1.0;
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return a.newInstance(1.0);
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return a.newInstance(-1.0);
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return Taylor.sub(a, b);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    public static final BinaryRule MUL = new BinaryRule("mul") {
        private static final Source SOURCE = new Source("a * b", "b", "a");

        @Override
        public double value(double a, double b) {
            return a * b;
        }

        @Override
        public double partialA(double a, double b, double y) {
            return b;
        }

        @Override
        public double partialB(double a, double b, double y) {
            return a;
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return b;
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return a;
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return Taylor.mul(a, b);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    /** a/b; ∂/∂b is −y/b from the quotient y (one division instead of −a/b²). */
    public static final BinaryRule DIV = new BinaryRule("div") {
        private static final Source SOURCE = new Source("a / b", "1.0 / b", "-y / b");

        @Override
        public double value(double a, double b) {
            return a / b;
        }

        @Override
        public double partialA(double a, double b, double y) {
            return 1.0 / b;
        }

        @Override
        public double partialB(double a, double b, double y) {
            return -y / b;
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return b.reciprocal();
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return y.neg().div(b);
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return Taylor.div(a, b);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    public static final UnaryRule NEG = new UnaryRule("neg") {
        private static final Source SOURCE = new Source("-a", "-1.0", null);

        @Override
        public double value(double x) {
            return -x;
        }

        @Override
        public double partial(double x, double y) {
            return -1.0;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.newInstance(-1.0);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.scale(x, -1.0);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    public static final UnaryRule SQUARE = new UnaryRule("square") {
        private static final Source SOURCE = new Source("a * a", "2.0 * a", null);

        @Override
        public double value(double x) {
            return x * x;
        }

        @Override
        public double partial(double x, double y) {
            return 2.0 * x;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.times(2.0);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.mul(x, x);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    /** 1/x; its partial −y² reuses the output. */
    public static final UnaryRule RECIPROCAL = new UnaryRule("reciprocal") {
        private static final Source SOURCE = new Source("1.0 / a", "-y * y", null);

        @Override
        public double value(double x) {
            return 1.0 / x;
        }

        @Override
        public double partial(double x, double y) {
            return -y * y;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y.square().neg();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.reciprocal(x);
        }

        @Override
        public Source source() {
            return SOURCE;
        }
    };

    /**
     * {@link #POW}'s ∂(aᵇ)/∂b = y·log a, given log a: the one formula, for POW itself and for a
     * replay that takes the log of a constant base once per row instead of on every pass.
     *
     * <pre>{@code
     * double d = Arithmetic.powPartialB(2.0, 3.0, 8.0, Math.log(2.0));   // 8·log 2
     * }</pre>
     */
    public static double powPartialB(double a, double b, double y, double logA) {
        return (a == 0 && b > 0) ? 0.0 : y * logA;
    }

    /**
     * aᵇ. Conventions at the edges (b = 0 or a = 0) keep the partials finite where the
     * function is smooth along that argument: ∂/∂a of a⁰ is 0, and ∂/∂b of 0ᵇ for b &gt; 0 is
     * 0. For a &lt; 0 the value is real only for integer b, and ∂/∂b = aᵇ·log a is NaN there
     * (IEEE): no real neighbourhood in b exists. A constant exponent's series is by products
     * for integers (exact, and valid for a ≤ 0).
     */
    public static final BinaryRule POW = new BinaryRule("pow") {
        @Override
        public double value(double a, double b) {
            return Math.pow(a, b);
        }

        @Override
        public double partialA(double a, double b, double y) {
            return b == 0 ? 0.0 : b * Math.pow(a, b - 1.0);
        }

        @Override
        public double partialB(double a, double b, double y) {
            return powPartialB(a, b, y, Math.log(a));
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return b.value() == 0 && b.isConstant() ? a.newInstance(0.0) : b.times(a.pow(b.minus(1.0)));
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return (a.value() == 0 && b.value() > 0) ? a.newInstance(0.0) : y.times(a.log());
        }

        @Override
        public double[] series(double[] a, double[] b) {
            double[] c = Taylor.isConstant(b) ? Taylor.pow(a, b[0]) : Taylor.exp(Taylor.mul(b, Taylor.log(a)));
            c[0] = Math.pow(a[0], b[0]);
            return c;
        }
    };

    /** atan2(a, b): the angle of the point (b, a). */
    public static final BinaryRule ATAN2 = new BinaryRule("atan2") {
        @Override
        public double value(double a, double b) {
            return Math.atan2(a, b);
        }

        @Override
        public double partialA(double a, double b, double r) {
            return b / (b * b + a * a);
        }

        @Override
        public double partialB(double a, double b, double r) {
            return -a / (b * b + a * a);
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T r) {
            return b.div(b.square().plus(a.square()));
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T r) {
            return a.neg().div(b.square().plus(a.square()));
        }

        @Override
        public double[] series(double[] a, double[] b) {
            // θ′ = (b·a′ − a·b′)/(a² + b²)
            double[] den = Taylor.add(Taylor.mul(a, a), Taylor.mul(b, b));
            double[] num = Taylor.sub(Taylor.mul(b, Taylor.derivative(a)), Taylor.mul(a, Taylor.derivative(b)));
            return Taylor.antiderivative(Math.atan2(a[0], b[0]), Taylor.div(num, den));
        }
    };

    /** √(a² + b²) without overflow; at the origin both partials are 0. */
    public static final BinaryRule HYPOT = new BinaryRule("hypot") {
        @Override
        public double value(double a, double b) {
            return Math.hypot(a, b);
        }

        @Override
        public double partialA(double a, double b, double h) {
            return h == 0 ? 0.0 : a / h;
        }

        @Override
        public double partialB(double a, double b, double h) {
            return h == 0 ? 0.0 : b / h;
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T h) {
            return h.value() == 0 ? a.newInstance(0.0) : a.div(h);
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T h) {
            return h.value() == 0 ? a.newInstance(0.0) : b.div(h);
        }

        @Override
        public double[] series(double[] a, double[] b) {
            double[] c = Taylor.sqrt(Taylor.add(Taylor.mul(a, a), Taylor.mul(b, b)));
            c[0] = Math.hypot(a[0], b[0]);
            return c;
        }
    };

    public static final BinaryRule MAX = new BinaryRule("max") {
        @Override
        public double value(double a, double b) {
            return Math.max(a, b);
        }

        @Override
        public double partialA(double a, double b, double y) {
            return tieSplit(a, b);
        }

        @Override
        public double partialB(double a, double b, double y) {
            return tieSplit(b, a);
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return a.newInstance(tieSplit(a.value(), b.value()));
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return a.newInstance(tieSplit(b.value(), a.value()));
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return a[0] == b[0] ? Taylor.scale(Taylor.add(a, b), 0.5) : a[0] > b[0] ? a.clone() : b.clone();
        }
    };

    public static final BinaryRule MIN = new BinaryRule("min") {
        @Override
        public double value(double a, double b) {
            return Math.min(a, b);
        }

        @Override
        public double partialA(double a, double b, double y) {
            return tieSplit(b, a);
        }

        @Override
        public double partialB(double a, double b, double y) {
            return tieSplit(a, b);
        }

        @Override
        public <T extends Real<T>> T partialA(T a, T b, T y) {
            return a.newInstance(tieSplit(b.value(), a.value()));
        }

        @Override
        public <T extends Real<T>> T partialB(T a, T b, T y) {
            return a.newInstance(tieSplit(a.value(), b.value()));
        }

        @Override
        public double[] series(double[] a, double[] b) {
            return a[0] == b[0] ? Taylor.scale(Taylor.add(a, b), 0.5) : a[0] < b[0] ? a.clone() : b.clone();
        }
    };

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
    public static final NaryRule LOGSUMEXP = new NaryRule("logsumexp") {
        @Override
        public double value(double[] x) {
            return logsumexp(x);
        }

        @Override
        protected double[] gradient(double[] x, double y) {
            return softmax(x);
        }

        @Override
        public <T extends Real<T>> T[] partials(T[] x, T y) {
            T[] p = x.clone();
            for (int i = 0; i < x.length; i++) {
                p[i] = x[i].minus(y).exp();
            }
            return p;
        }

        @Override
        public double[] series(double[][] x) {
            double m = Double.NEGATIVE_INFINITY;
            for (double[] xi : x) {
                m = Math.max(m, xi[0]);
            }
            int k = x[0].length - 1;
            double[] s = Taylor.constant(0.0, k);
            for (double[] xi : x) {
                s = Taylor.add(s, Taylor.exp(Taylor.addConstant(xi, -m)));
            }
            return Taylor.addConstant(Taylor.log(s), m);
        }
    };

    /** Σ xᵢ as one operation. */
    public static final NaryRule SUM = new NaryRule("sum") {
        @Override
        public double value(double[] x) {
            double s = 0;
            for (double d : x) {
                s += d;
            }
            return s;
        }

        @Override
        protected double[] gradient(double[] x, double y) {
            double[] p = new double[x.length];
            Arrays.fill(p, 1.0);
            return p;
        }

        @Override
        public <T extends Real<T>> T[] partials(T[] x, T y) {
            T[] p = x.clone();
            Arrays.fill(p, y.newInstance(1.0));
            return p;
        }

        @Override
        public double[] series(double[][] x) {
            double[] c = Taylor.constant(0.0, x[0].length - 1);
            for (double[] xi : x) {
                c = Taylor.add(c, xi);
            }
            return c;
        }
    };

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
