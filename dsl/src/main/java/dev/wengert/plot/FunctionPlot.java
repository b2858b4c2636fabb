package dev.wengert.plot;

import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import dev.wengert.core.UnaryFn;

import java.util.ArrayList;
import java.util.List;

/**
 * A function of one variable and, on request, its derivatives, all computed by the DSL (no
 * finite differences), sampled over [a, b].
 *
 * <pre>{@code
 * plot(x -> sin(x).times(x), 0, 10).withDerivatives(1).title("x·sin x and its derivative");
 * }</pre>
 */
public final class FunctionPlot extends SeriesPlot<FunctionPlot> {
    /** Beyond this many curves the legend and the colours stop telling them apart. */
    static final int MAX_ORDER = 6;

    private final UnaryFn f;
    private final double a, b;
    private int samples = 400;
    private int order;
    private String name = "f";

    private FunctionPlot(UnaryFn f, double a, double b) {
        this.f = f;
        this.a = a;
        this.b = b;
    }

    /** f over [a, b]. */
    public static FunctionPlot of(UnaryFn f, double a, double b) {
        if (f == null) {
            throw new IllegalArgumentException("plot(null, a, b): pass a function, e.g. x -> sin(x)");
        }
        if (!(b > a) || !Double.isFinite(b - a)) {
            throw new IllegalArgumentException("plot(f, " + a + ", " + b + "): needs a finite range with a < b");
        }
        // sampled lazily when first shown: try f once now, so a broken f fails here and not in toString()
        double m = 0.5 * (a + b);
        Num y;
        try {
            y = f.apply(Num.constant(m));
        } catch (ArithmeticException e) {
            y = Num.constant(Double.NaN);              // undefined there: a gap, as when drawn
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plot(f, " + a + ", " + b + "): f(" + m + ") failed: " + e, e);
        }
        if (y == null) {
            throw new IllegalArgumentException("plot(f, " + a + ", " + b + "): f(" + m + ") returned null; return a Num, "
                    + "e.g. x -> sin(x)");
        }
        return new FunctionPlot(f, a, b).labels("x", null);
    }

    /**
     * Also draws the first k derivatives f′, f″, …: k = 1 by forward mode, k ≥ 2 in one pass
     * of truncated Taylor arithmetic per point ({@code Wengert.derivatives}). The legend names
     * each curve.
     */
    public FunctionPlot withDerivatives(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("withDerivatives(" + k + "): k counts derivatives, 0 or more");
        }
        if (k > MAX_ORDER) {
            throw new IllegalArgumentException("withDerivatives(" + k + "): up to " + MAX_ORDER
                    + " derivatives fit on one plot; make a second plot of a derivative, e.g. plot(x -> …, a, b)");
        }
        order = k;
        return this;
    }

    /** The number of sample points (default 400). */
    public FunctionPlot samples(int n) {
        if (n < 2 || n > 100_000) {
            throw new IllegalArgumentException("samples(" + n + "): choose 2 to 100000 points");
        }
        samples = n;
        return this;
    }

    /** The function's name in the legend (default "f"). */
    public FunctionPlot name(String name) {
        this.name = name == null ? "f" : name;
        return this;
    }

    @Override
    public List<Series> series() {
        double[] xs = new double[samples];
        double[][] ys = new double[order + 1][samples];
        for (int i = 0; i < samples; i++) {
            double x = a + (b - a) * i / (samples - 1);
            xs[i] = x;
            if (order >= 2) {
                double[] d = tower(x);
                for (int k = 0; k <= order; k++) {
                    ys[k][i] = d[k];
                }
            } else {
                ys[0][i] = eval(x);
                if (order == 1) {
                    ys[1][i] = slope(x);
                }
            }
        }
        List<Series> out = new ArrayList<>();
        for (int k = 0; k <= order; k++) {
            out.add(new Series(name + prime(k), xs, ys[k], k == 0 ? Style.LINE : Style.DASHED, 0, k));
        }
        return out;
    }

    // a point where f is undefined (log of a negative) leaves a gap, not a failed plot
    private double eval(double x) {
        try {
            return f.apply(Num.constant(x)).value();
        } catch (ArithmeticException e) {
            return Double.NaN;
        }
    }

    private double slope(double x) {
        try {
            return Functional.derivative(f, x);
        } catch (ArithmeticException e) {
            return Double.NaN;
        }
    }

    /** f(x), f′(x), …, f⁽ᵏ⁾(x); NaN where f is undefined. */
    private double[] tower(double x) {
        try {
            return Functional.derivatives(f, x, order);
        } catch (ArithmeticException e) {
            double[] nan = new double[order + 1];
            java.util.Arrays.fill(nan, Double.NaN);
            return nan;
        }
    }

    /** ′, ″, ‴, then ⁽⁴⁾, ⁽⁵⁾, … as mathematicians write them. */
    static String prime(int k) {
        if (k <= 3) {
            return new String[] {"", "′", "″", "‴"}[k];
        }
        String sup = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        StringBuilder sb = new StringBuilder("⁽");
        for (char c : Integer.toString(k).toCharArray()) {
            sb.append(sup.charAt(c - '0'));
        }
        return sb.append("⁾").toString();
    }

    @Override
    boolean tightX() {
        return true;
    }

    @Override
    boolean zeroLine() {
        return true;
    }

    @Override
    protected String describe() {
        return "FunctionPlot[" + name + (order > 0 ? " and " + order + " derivative" + (order > 1 ? "s" : "") : "")
                + " on [" + Levels.label(a) + ", " + Levels.label(b) + "], " + samples + " points]";
    }
}
