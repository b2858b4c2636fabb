package dev.wengert.core;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.apache.commons.math3.analysis.differentiation.FiniteDifferencesDifferentiator;
import org.apache.commons.math3.analysis.differentiation.UnivariateDifferentiableFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Forward mode, reverse mode and central finite differences side by side, per input, with
 * relative errors and a verdict.
 *
 * <p>The finite differences come from Commons Math's {@link FiniteDifferencesDifferentiator}
 * (an 8-point central stencil, so truncation error is about h⁸); when the stencil leaves the
 * function's domain (a NaN) the step shrinks until it fits.
 *
 * <pre>{@code
 * System.out.println(gradCheck(x -> x[0].times(x[1]).plus(sin(x[0])), 1.5, -0.5));
 * }</pre>
 */
public final class GradCheck {

    /** One input's derivatives by the three methods. */
    public record Row(int input, double x, double forward, double reverse, double finiteDifference,
                      double errorForward, double errorReverse, boolean passed) {
    }

    /** Default relative tolerance of the comparison with finite differences. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private final List<Row> rows;
    private final double tolerance;

    private GradCheck(List<Row> rows, double tolerance) {
        this.rows = rows;
        this.tolerance = tolerance;
    }

    public static GradCheck of(Fn f, double[] x, double tolerance) {
        if (!(tolerance > 0) || tolerance == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("gradCheck: tolerance " + tolerance + " must be positive and finite, "
                    + "e.g. 1e-6 (an infinite tolerance passes any gradient)");
        }
        // a check at a non-finite point can only fail, which would blame a gradient that is not wrong
        for (int i = 0; x != null && i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("gradCheck(f, x): x[" + i + "] = " + x[i] + "; a gradient check "
                        + "compares with finite differences, which need a finite point");
            }
        }
        double[] fwd = Functional.valueAndGradient(Mode.FORWARD, f, x, "gradCheck(f, x)").gradient();
        double[] rev = Functional.valueAndGradient(Mode.REVERSE, f, x, "gradCheck(f, x)").gradient();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            double fd = centralDifference(f, x, i);
            double ef = relativeError(fwd[i], fd);
            double er = relativeError(rev[i], fd);
            boolean ok = ef <= tolerance && er <= tolerance && fwd[i] == fwd[i] && rev[i] == rev[i];
            rows.add(new Row(i, x[i], fwd[i], rev[i], fd, ef, er, ok));
        }
        return new GradCheck(Collections.unmodifiableList(rows), tolerance);
    }

    /** ∂f/∂xᵢ by an 8-point central stencil in plain doubles. */
    static double centralDifference(Fn f, double[] x, int i) {
        double scale = Math.max(1.0, Math.abs(x[i]));
        for (double h = 1e-2 * scale; h >= 1e-7 * scale; h /= 10) {
            // Commons Math overloads differentiate() on three functional interfaces of the same
            // shape, so the lambda needs its type spelled out.
            UnivariateFunction along = t -> {
                double[] p = x.clone();
                p[i] = t;
                Num[] c = new Num[p.length];
                for (int k = 0; k < p.length; k++) {
                    c[k] = Num.constant(p[k]);
                }
                return f.apply(c).value();
            };
            UnivariateDifferentiableFunction d = new FiniteDifferencesDifferentiator(8, h).differentiate(along);
            double g = d.value(new DerivativeStructure(1, 1, 0, x[i])).getPartialDerivative(1);
            if (Double.isFinite(g)) {
                return g;
            }
        }
        return Double.NaN;
    }

    /** |a − b| relative to the larger magnitude, absolute below 1 (so zeros compare sanely). */
    static double relativeError(double a, double b) {
        if (a == b) {
            return 0.0;
        }
        return Math.abs(a - b) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }

    /** Whether every input passed. */
    public boolean passed() {
        return rows.stream().allMatch(Row::passed);
    }

    public List<Row> rows() {
        return rows;
    }

    public double tolerance() {
        return tolerance;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("gradient check: %s (tolerance %.0e)%n",
                passed() ? "PASSED" : "FAILED", tolerance));
        sb.append(String.format("%5s %12s %22s %22s %22s %9s %9s  %s%n", "input", "x", "forward", "reverse",
                "finite difference", "err fwd", "err rev", ""));
        for (Row r : rows) {
            sb.append(String.format("%5d %12.6g %22s %22s %22s %9.1e %9.1e  %s%n", r.input, r.x,
                    r.forward, r.reverse, r.finiteDifference, r.errorForward, r.errorReverse,
                    r.passed ? "ok" : "FAIL"));
        }
        return sb.toString();
    }
}
