package dev.wengert.forward;

/**
 * Truncated Taylor arithmetic: a value is its coefficients c₀ … c_K of x(t) = Σ cₖ tᵏ, and
 * each operation maps input coefficients to output coefficients exactly (to rounding).
 *
 * <p>These are the classic recurrences (Griewank &amp; Walther, "Evaluating Derivatives",
 * ch. 13): products are convolutions; a function whose derivative is known as a series,
 * y′ = d·x′, gives yₖ = (1/k) Σⱼ j·xⱼ·d₍ₖ₋ⱼ₎. Each costs O(K²); functions whose derivative
 * involves their own output (exp, tan, √) are computed coefficient by coefficient.
 * Hand-written because no library on Maven Central offers univariate Taylor arithmetic with
 * this set of functions (Commons Math's DerivativeStructure is multivariate and has no erf or
 * lgamma); it is tested against DerivativeStructure and known series.
 */
public final class Taylor {
    private Taylor() {
    }

    /** A constant c as a series of order K. */
    public static double[] constant(double c, int order) {
        double[] r = new double[order + 1];
        r[0] = c;
        return r;
    }

    public static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = a[k] + b[k];
        }
        return r;
    }

    public static double[] sub(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = a[k] - b[k];
        }
        return r;
    }

    public static double[] scale(double[] a, double s) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = a[k] * s;
        }
        return r;
    }

    public static double[] addConstant(double[] a, double c) {
        double[] r = a.clone();
        r[0] += c;
        return r;
    }

    public static double[] mul(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int k = 0; k < r.length; k++) {
            double s = 0;
            for (int j = 0; j <= k; j++) {
                s += a[j] * b[k - j];
            }
            r[k] = s;
        }
        return r;
    }

    /** a / b: yₖ = (aₖ − Σ_{j≥1} bⱼ yₖ₋ⱼ) / b₀. */
    public static double[] div(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int k = 0; k < y.length; k++) {
            double s = a[k];
            for (int j = 1; j <= k; j++) {
                s -= b[j] * y[k - j];
            }
            y[k] = s / b[0];
        }
        return y;
    }

    public static double[] reciprocal(double[] b) {
        return div(constant(1.0, b.length - 1), b);
    }

    /** y = ∫ d·x′ with y₀ given: yₖ = (1/k) Σ_{j=1..k} j·xⱼ·dₖ₋ⱼ. */
    public static double[] integrate(double y0, double[] x, double[] d) {
        double[] y = new double[x.length];
        y[0] = y0;
        for (int k = 1; k < y.length; k++) {
            double s = 0;
            for (int j = 1; j <= k; j++) {
                s += j * x[j] * d[k - j];
            }
            y[k] = s / k;
        }
        return y;
    }

    public static double[] exp(double[] x) {
        double[] y = new double[x.length];
        y[0] = Math.exp(x[0]);
        for (int k = 1; k < y.length; k++) {
            double s = 0;
            for (int j = 1; j <= k; j++) {
                s += j * x[j] * y[k - j];
            }
            y[k] = s / k;
        }
        return y;
    }

    /** eˣ − 1: the series of exp with an accurate constant term. */
    public static double[] expm1(double[] x) {
        double[] y = exp(x);
        y[0] = Math.expm1(x[0]);
        return y;
    }

    /** log x: yₖ = (xₖ − (1/k) Σ_{j=1..k−1} j·yⱼ·xₖ₋ⱼ) / x₀. */
    public static double[] log(double[] x) {
        double[] y = new double[x.length];
        y[0] = Math.log(x[0]);
        for (int k = 1; k < y.length; k++) {
            double s = 0;
            for (int j = 1; j < k; j++) {
                s += j * y[j] * x[k - j];
            }
            y[k] = (x[k] - s / k) / x[0];
        }
        return y;
    }

    /** log(1 + x), with the constant term from log1p. */
    public static double[] log1p(double[] x) {
        double[] y = log(addConstant(x, 1.0));
        y[0] = Math.log1p(x[0]);
        return y;
    }

    /** √x: yₖ = (xₖ − Σ_{j=1..k−1} yⱼ yₖ₋ⱼ) / (2 y₀). */
    public static double[] sqrt(double[] x) {
        double[] y = new double[x.length];
        y[0] = Math.sqrt(x[0]);
        for (int k = 1; k < y.length; k++) {
            double s = x[k];
            for (int j = 1; j < k; j++) {
                s -= y[j] * y[k - j];
            }
            y[k] = s / (2 * y[0]);
        }
        return y;
    }

    /**
     * xʳ for a constant r. Integer r uses products (exact, and valid for x₀ ≤ 0); otherwise
     * yₖ = Σ_{j=1..k} (r·j − (k − j)) xⱼ yₖ₋ⱼ / (k x₀), from x·y′ = r·x′·y.
     */
    public static double[] pow(double[] x, double r) {
        if (r == Math.rint(r) && Math.abs(r) <= 64) {
            int n = (int) Math.abs(r);
            double[] y = constant(1.0, x.length - 1);
            double[] base = x;
            while (n > 0) {                        // binary powering
                if ((n & 1) == 1) {
                    y = mul(y, base);
                }
                n >>= 1;
                if (n > 0) {
                    base = mul(base, base);
                }
            }
            return r < 0 ? reciprocal(y) : y;
        }
        double[] y = new double[x.length];
        y[0] = Math.pow(x[0], r);
        for (int k = 1; k < y.length; k++) {
            double s = 0;
            for (int j = 1; j <= k; j++) {
                s += (r * j - (k - j)) * x[j] * y[k - j];
            }
            y[k] = s / (k * x[0]);
        }
        return y;
    }

    /** ∛x, as x^(1/3) with the sign of x₀ kept. */
    public static double[] cbrt(double[] x) {
        double sign = x[0] < 0 ? -1 : 1;
        double[] y = pow(scale(x, sign), 1.0 / 3.0);
        y = scale(y, sign);
        y[0] = Math.cbrt(x[0]);
        return y;
    }

    /** sin and cos together: sₖ = (1/k) Σ j xⱼ cₖ₋ⱼ, cₖ = −(1/k) Σ j xⱼ sₖ₋ⱼ. Returns {sin, cos}. */
    public static double[][] sinCos(double[] x) {
        double[] s = new double[x.length];
        double[] c = new double[x.length];
        s[0] = Math.sin(x[0]);
        c[0] = Math.cos(x[0]);
        for (int k = 1; k < x.length; k++) {
            double ss = 0;
            double cc = 0;
            for (int j = 1; j <= k; j++) {
                ss += j * x[j] * c[k - j];
                cc += j * x[j] * s[k - j];
            }
            s[k] = ss / k;
            c[k] = -cc / k;
        }
        return new double[][] {s, c};
    }

    /** sinh and cosh together. Returns {sinh, cosh}. */
    public static double[][] sinhCosh(double[] x) {
        double[] s = new double[x.length];
        double[] c = new double[x.length];
        s[0] = Math.sinh(x[0]);
        c[0] = Math.cosh(x[0]);
        for (int k = 1; k < x.length; k++) {
            double ss = 0;
            double cc = 0;
            for (int j = 1; j <= k; j++) {
                ss += j * x[j] * c[k - j];
                cc += j * x[j] * s[k - j];
            }
            s[k] = ss / k;
            c[k] = cc / k;
        }
        return new double[][] {s, c};
    }

    /** Which function of the output gives the derivative: y′ = g(y)·x′. */
    @FunctionalInterface
    public interface OfOutput {
        /** g(y) for the series y truncated to the length given. */
        double[] apply(double[] y);
    }

    /**
     * The series of y with y′ = g(y)·x′ and y₀ given, coefficient by coefficient: dₖ₋₁ needs
     * only y₀ … yₖ₋₁. O(K³), used for tan, tanh and the sigmoid.
     */
    public static double[] solve(double y0, double[] x, OfOutput g) {
        int n = x.length;
        double[] y = new double[n];
        y[0] = y0;
        for (int k = 1; k < n; k++) {
            double[] d = g.apply(java.util.Arrays.copyOf(y, k));
            double s = 0;
            for (int j = 1; j <= k; j++) {
                s += j * x[j] * d[k - j];
            }
            y[k] = s / k;
        }
        return y;
    }

    public static double[] tan(double[] x) {
        return solve(Math.tan(x[0]), x, y -> addConstant(mul(y, y), 1.0));
    }

    /**
     * tanh, given its value y0 = tanh(x₀) (the rule computes it to within 1 ulp) and its
     * derivative d0 = 1 − y0², which the rule computes without y0's rounding (1 − y0² itself
     * loses all digits as |y0| → 1).
     */
    public static double[] tanh(double[] x, double y0, double d0) {
        return solve(y0, x, y -> {
            double[] d = oneMinusSquare(y);
            d[0] = d0;
            return d;
        });
    }

    /** 1 − x² as a series; its constant term as (1 − x₀)(1 + x₀), which does not cancel near |x₀| = 1. */
    static double[] oneMinusSquare(double[] x) {
        double[] d = addConstant(scale(mul(x, x), -1.0), 1.0);
        d[0] = (1.0 - x[0]) * (1.0 + x[0]);
        return d;
    }

    public static double[] asin(double[] x) {
        return integrate(Math.asin(x[0]), x, reciprocal(sqrt(oneMinusSquare(x))));
    }

    public static double[] acos(double[] x) {
        return integrate(Math.acos(x[0]), x, scale(reciprocal(sqrt(oneMinusSquare(x))), -1.0));
    }

    public static double[] atan(double[] x) {
        return integrate(Math.atan(x[0]), x, reciprocal(addConstant(mul(x, x), 1.0)));
    }

    public static double[] asinh(double[] x, double y0) {
        return integrate(y0, x, reciprocal(sqrt(addConstant(mul(x, x), 1.0))));
    }

    public static double[] acosh(double[] x, double y0) {
        return integrate(y0, x, reciprocal(mul(sqrt(addConstant(x, -1.0)), sqrt(addConstant(x, 1.0)))));
    }

    public static double[] atanh(double[] x, double y0) {
        return integrate(y0, x, reciprocal(oneMinusSquare(x)));
    }

    /** erf: erf′ = (2/√π) e^(−x²). */
    public static double[] erf(double[] x, double y0, double sign) {
        return integrate(y0, x, scale(exp(scale(mul(x, x), -1.0)), sign * 2.0 / Math.sqrt(Math.PI)));
    }

    /** The series of a function whose derivative is known as a series (lgamma, polygamma). */
    public static double[] withDerivative(double y0, double[] x, double[] derivativeSeries) {
        return integrate(y0, x, derivativeSeries);
    }

    /** The series of x′(t), one order shorter, padded back to the same length. */
    public static double[] derivative(double[] x) {
        double[] d = new double[x.length];
        for (int k = 0; k + 1 < x.length; k++) {
            d[k] = (k + 1) * x[k + 1];
        }
        return d;
    }

    /** The series with constant term c0 whose derivative is d (d's last coefficient is not needed). */
    public static double[] antiderivative(double c0, double[] d) {
        double[] y = new double[d.length];
        y[0] = c0;
        for (int k = 1; k < y.length; k++) {
            y[k] = d[k - 1] / k;
        }
        return y;
    }

    /** Whether a series is a constant: every coefficient after the first is zero. */
    public static boolean isConstant(double[] x) {
        for (int k = 1; k < x.length; k++) {
            if (x[k] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The first k+1 Taylor coefficients to derivatives: f⁽ʲ⁾ = j!·cⱼ. */
    public static double[] toDerivatives(double[] c) {
        double[] d = new double[c.length];
        double f = 1;
        for (int j = 0; j < c.length; j++) {
            if (j > 0) {
                f *= j;
            }
            d[j] = c[j] * f;
        }
        return d;
    }
}
