package dev.wengert.rules;

import dev.wengert.forward.Taylor;


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
    static final double LN2 = Math.log(2.0);

    public static final UnaryRule EXP = new UnaryRule("exp") {
        @Override
        public double value(double x) {
            return Math.exp(x);
        }

        @Override
        public double partial(double x, double y) {
            return y;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y;
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.exp(x);
        }
    };

    // eˣ is y + 1 while y > −1/2, where that sum loses nothing; below, 1 + y cancels (off by 2e-4
    // relative at x = −30, and 0 instead of 4e-18 at x = −40), so eˣ itself
    public static final UnaryRule EXPM1 = new UnaryRule("expm1") {
        @Override
        public double value(double x) {
            return Math.expm1(x);
        }

        @Override
        public double partial(double x, double y) {
            return y > -0.5 ? y + 1.0 : Math.exp(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y.value() > -0.5 ? y.plus(1.0) : x.exp();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.expm1(x);
        }
    };

    public static final UnaryRule LOG = new UnaryRule("log") {
        @Override
        public double value(double x) {
            return Math.log(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / x;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.log(x);
        }
    };

    public static final UnaryRule LOG1P = new UnaryRule("log1p") {
        @Override
        public double value(double x) {
            return Math.log1p(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (1.0 + x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.plus(1.0).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.log1p(x);
        }
    };

    public static final UnaryRule LOG10 = new UnaryRule("log10") {
        @Override
        public double value(double x) {
            return Math.log10(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (x * LN10);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.times(LN10).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.scale(Taylor.log(x), 1.0 / LN10);
        }
    };

    /** log₂ x, exact at powers of two: log2(8) is 3, not 2.9999999999999996. */
    public static final UnaryRule LOG2 = new UnaryRule("log2") {
        @Override
        public double value(double x) {
            return log2(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (x * LN2);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.times(LN2).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            double[] c = Taylor.scale(Taylor.log(x), 1.0 / LN2);
            c[0] = log2(x[0]);
            return c;
        }
    };

    // √ at 0: partial +∞ (IEEE 1/0)
    public static final UnaryRule SQRT = new UnaryRule("sqrt") {
        @Override
        public double value(double x) {
            return Math.sqrt(x);
        }

        @Override
        public double partial(double x, double y) {
            return 0.5 / y;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y.reciprocal().times(0.5);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.sqrt(x);
        }
    };

    // ∛ at 0: partial +∞
    public static final UnaryRule CBRT = new UnaryRule("cbrt") {
        @Override
        public double value(double x) {
            return Math.cbrt(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (3.0 * y * y);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y.square().times(3.0).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.cbrt(x);
        }
    };

    public static final UnaryRule SIN = new UnaryRule("sin") {
        @Override
        public double value(double x) {
            return Math.sin(x);
        }

        @Override
        public double partial(double x, double y) {
            return Math.cos(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.cos();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.sinCos(x)[0];
        }
    };

    public static final UnaryRule COS = new UnaryRule("cos") {
        @Override
        public double value(double x) {
            return Math.cos(x);
        }

        @Override
        public double partial(double x, double y) {
            return -Math.sin(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.sin().neg();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.sinCos(x)[1];
        }
    };

    // 1 + tan² reuses the output instead of computing 1/cos², which loses nothing here
    public static final UnaryRule TAN = new UnaryRule("tan") {
        @Override
        public double value(double x) {
            return Math.tan(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 + y * y;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return y.square().plus(1.0);
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.tan(x);
        }
    };

    // at |x| = 1 the partials are ±∞ (IEEE)
    public static final UnaryRule ASIN = new UnaryRule("asin") {
        @Override
        public double value(double x) {
            return Math.asin(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / Math.sqrt((1.0 - x) * (1.0 + x));
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return oneMinusSquare(x).sqrt().reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.asin(x);
        }
    };

    public static final UnaryRule ACOS = new UnaryRule("acos") {
        @Override
        public double value(double x) {
            return Math.acos(x);
        }

        @Override
        public double partial(double x, double y) {
            return -1.0 / Math.sqrt((1.0 - x) * (1.0 + x));
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return oneMinusSquare(x).sqrt().reciprocal().neg();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.acos(x);
        }
    };

    public static final UnaryRule ATAN = new UnaryRule("atan") {
        @Override
        public double value(double x) {
            return Math.atan(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (1.0 + x * x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.square().plus(1.0).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.atan(x);
        }
    };

    public static final UnaryRule SINH = new UnaryRule("sinh") {
        @Override
        public double value(double x) {
            return Math.sinh(x);
        }

        @Override
        public double partial(double x, double y) {
            return Math.cosh(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.cosh();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.sinhCosh(x)[0];
        }
    };

    public static final UnaryRule COSH = new UnaryRule("cosh") {
        @Override
        public double value(double x) {
            return Math.cosh(x);
        }

        @Override
        public double partial(double x, double y) {
            return Math.sinh(x);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.sinh();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.sinhCosh(x)[1];
        }
    };

    public static final UnaryRule TANH = new UnaryRule("tanh") {
        @Override
        public double value(double x) {
            return Elementary.tanh(x);
        }

        @Override
        public double partial(double x, double y) {
            return tanhPartial(x, y);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return Math.abs(y.value()) <= 0.5 ? oneMinusSquare(y) : sech2(x);
        }

        @Override
        public double[] series(double[] x) {
            double y0 = tanh(x[0]);
            return Taylor.tanh(x, y0, tanhPartial(x[0], y0));
        }
    };

    // hypot keeps 1/√(x²+1) from overflowing for |x| > 1e154
    public static final UnaryRule ASINH = new UnaryRule("asinh") {
        @Override
        public double value(double x) {
            return Elementary.asinh(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / Math.hypot(x, 1.0);
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.hypot(x.newInstance(1.0)).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.asinh(x, asinh(x[0]));
        }
    };

    public static final UnaryRule ACOSH = new UnaryRule("acosh") {
        @Override
        public double value(double x) {
            return Elementary.acosh(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / (Math.sqrt(x - 1.0) * Math.sqrt(x + 1.0));
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.minus(1.0).sqrt().times(x.plus(1.0).sqrt()).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.acosh(x, acosh(x[0]));
        }
    };

    public static final UnaryRule ATANH = new UnaryRule("atanh") {
        @Override
        public double value(double x) {
            return Elementary.atanh(x);
        }

        @Override
        public double partial(double x, double y) {
            return 1.0 / ((1.0 - x) * (1.0 + x));
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return oneMinusSquare(x).reciprocal();
        }

        @Override
        public double[] series(double[] x) {
            return Taylor.atanh(x, atanh(x[0]));
        }
    };

    /**
     * 1 − x² as a differentiable value, in the form whose value and derivative both keep their
     * digits: (1 − x)(1 + x) near |x| = 1, where 1 − x² would cancel x²'s rounding; 1 − x² below
     * |x| = 1/2, where the product's derivative (1 − x) − (1 + x) would cancel to −2x with an
     * absolute error of ε (relative ε/|x|: 3e-11 at x = 1e-6).
     */
    static <T extends Real<T>> T oneMinusSquare(T x) {
        return Math.abs(x.value()) < 0.5 ? x.square().neg().plus(1.0) : x.newInstance(1.0).minus(x).times(x.plus(1.0));
    }

    /**
     * tanh′(x) = 1 − tanh²x, given y = tanh x: (1 − y)(1 + y) while |y| ≤ 1/2, where it loses
     * nothing. Beyond, 1 − y cancels the rounding of y into a relative error up to ε/(1 − |y|)
     * (77% at x = 19; 0 instead of 8e-18 from x = 20 on, where y rounds to ±1), so there
     * 4e/(1 + e)² with e = exp(−2|x|), exact to a few ulps (and 0 only where it underflows).
     */
    static double tanhPartial(double x, double y) {
        if (Math.abs(y) <= 0.5) {
            return (1.0 - y) * (1.0 + y);
        }
        double e = Math.exp(-2.0 * Math.abs(x));
        double s = 1.0 + e;
        return 4.0 * e / (s * s);
    }

    /** sech²x = 4e/(1 + e)², e = exp(−2|x|), as a differentiable value (tanh′ where |tanh x| &gt; 1/2). */
    static <T extends Real<T>> T sech2(T x) {
        T e = (x.value() >= 0 ? x.times(-2.0) : x.times(2.0)).exp();
        return e.times(4.0).div(e.plus(1.0).square());
    }

    /**
     * tanh(x), within 1 ulp of the correctly rounded result (java.lang.Math promises 2.5 ulps,
     * and is 2 ulps off on 0.3% of our test inputs).
     *
     * <p>Why not {@code Math.tanh}: on Java 17 it is not a JIT intrinsic but a JNI call into
     * StrictMath (fdlibm), 13–22 ns a call, and tanh over whole tensors is much of an MLP's
     * gradient. Commons Math's FastMath.tanh is pure Java but slower still (MathBench).
     *
     * <p>Below 1/4 (where an MLP's pre-activations mostly are), the Taylor series to x²⁵: a
     * dozen multiply-adds, ~3× faster than Math.tanh; below 1/16, to x¹³ (six, 4–5× faster
     * over a tensor). From 1 on, 1 − 2/(e²ˣ + 1) on the exp intrinsic: the subtracted term is
     * below 0.24, so its rounding errors shrink by that factor in the result; it is 1 from
     * |x| ≈ 19 on and for +∞. In between, that subtraction
     * would cancel and the series is too long, so (e²ˣ − 1)/(e²ˣ + 1) is evaluated nearly
     * exactly (only ~1.2× faster than Math.tanh there): u = exp(2x) is off from e²ˣ by its
     * rounding, which 2x − log(u) measures (exactly, the two being close), so e²ˣ = u + c with
     * c = u·(2x − log u); u − 1 is exact and u + 1 = s + se exactly (Fast2Sum). Then with
     * q = (u − 1)/s rounded and its exact remainder, tanh = q + (rem + c − q·(se + c))/s,
     * leaving only log's rounding and the last addition.
     */
    public static double tanh(double x) {
        double a = Math.abs(x);
        if (a < 0.0625 && a > 0.0) {
            // the same series to x¹³ (the next term is below 2⁻⁶⁴ of x at x = 1/16), on x itself
            // (it is odd), and in Estrin's order: three levels of multiply-add instead of Horner's
            // six, as tensors evaluate it over many independent elements. Not at ±0, which the
            // next branch returns with its sign (here −0 + 0 would give +0).
            double s = x * x;
            double s2 = s * s;
            double p = (T1 + T2 * s) + s2 * ((T3 + T4 * s) + s2 * (T5 + T6 * s));
            return x + x * s * p;
        }
        double r;
        if (a < 0.25) {
            // x + x³·P(x²): P's rounding errors are scaled by x²/3 < 0.021 against the leading x
            double s = a * a;
            double p = TANH_SERIES[TANH_SERIES.length - 1];
            for (int k = TANH_SERIES.length - 2; k >= 1; k--) {
                p = p * s + TANH_SERIES[k];
            }
            r = a + a * s * p;
        } else if (a >= 1.0) {
            r = 1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0);
        } else {
            double y = 2.0 * a;
            double u = Math.exp(y);
            double c = u * (y - Math.log(u));
            double n = u - 1.0;
            double s = u + 1.0;
            double se = 1.0 - (s - u);
            double q = n / s;
            r = q + (divisionRemainder(n, q, s) + c - q * (se + c)) / s;
        }
        return Math.copySign(r, x);    // NaN stays NaN
    }

    /**
     * The Taylor coefficients of tanh x = Σ tₖ x²ᵏ⁺¹, from tanh′ = 1 − tanh²:
     * (2k + 1)·tₖ = −Σᵢ₊ⱼ₌ₖ₋₁ tᵢtⱼ, in 40 digits. Terms to x²⁵: the next is below 2⁻⁵⁸ of x at x = 1/4.
     */
    private static final double[] TANH_SERIES = tanhSeries(13);
    private static final double T1 = TANH_SERIES[1];
    private static final double T2 = TANH_SERIES[2];
    private static final double T3 = TANH_SERIES[3];
    private static final double T4 = TANH_SERIES[4];
    private static final double T5 = TANH_SERIES[5];
    private static final double T6 = TANH_SERIES[6];

    private static double[] tanhSeries(int n) {
        java.math.MathContext mc = new java.math.MathContext(40);
        java.math.BigDecimal[] t = new java.math.BigDecimal[n];
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            java.math.BigDecimal sum = k == 0 ? java.math.BigDecimal.ONE.negate() : java.math.BigDecimal.ZERO;
            for (int i = 0; i < k; i++) {
                sum = sum.add(t[i].multiply(t[k - 1 - i], mc), mc);
            }
            t[k] = sum.negate().divide(java.math.BigDecimal.valueOf(2L * k + 1), mc);
            d[k] = t[k].doubleValue();
        }
        return d;
    }

    /**
     * n − q·s exactly, for q the rounded quotient n/s (a division's remainder is a double):
     * q·s = p + e exactly by Veltkamp's split and Dekker's product. Not Math.fma: where the CPU
     * has no FMA instruction that is a software routine hundreds of times slower, and finding
     * out which means asking the VM's management interface on every start; Dekker's product
     * gives the same bits everywhere, for ~20% more time on 1/4 ≤ |x| < 1 only.
     */
    static double divisionRemainder(double n, double q, double s) {
        double p = q * s;
        double tq = SPLIT * q;
        double qh = tq - (tq - q);
        double ql = q - qh;
        double ts = SPLIT * s;
        double sh = ts - (ts - s);
        double sl = s - sh;
        double e = ((qh * sh - p) + qh * sl + ql * sh) + ql * sl;
        return (n - p) - e;            // n − p is exact (p ≈ n), and so is the remainder
    }

    private static final double SPLIT = 0x1p27 + 1;     // Veltkamp's splitter for 53-bit doubles

    /**
     * log₂ x (java.lang.Math has none): x = m·2ᵉ with 1 ≤ m &lt; 2, so log₂ x = e + log(m)/log 2,
     * exact when m = 1 and within an ulp or so elsewhere; log(x)/log(2) would round powers of
     * two off their integer. IEEE at the edges: −∞ at 0, NaN below, +∞ at +∞.
     */
    public static double log2(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
            return Math.log(x);                     // NaN, −∞ at ±0, +∞
        }
        int e = Math.getExponent(x);
        if (e == Double.MIN_EXPONENT - 1) {         // subnormal: scale into the normal range first
            return log2(x * 0x1p52) - 52;
        }
        double m = Math.scalb(x, -e);               // exact
        return m == 1.0 ? e : e + Math.log(m) / LN2;
    }

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
