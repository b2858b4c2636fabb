package dev.wengert.core;

import java.util.function.DoubleUnaryOperator;

/** Independent oracles shared by the tests. */
public final class Oracles {
    private Oracles() {
    }

    /**
     * f′(x) by Ridders' extrapolation of central differences: a tableau of differences with
     * shrinking steps, extrapolated to step 0, stopping when the error estimate grows. For a
     * smooth f it reaches about 1e-12 relative in plain doubles.
     */
    public static double ridders(DoubleUnaryOperator f, double x, double h0) {
        return riddersWithError(f, x, h0)[0];
    }

    /** {@link #ridders} with its own error estimate: {derivative, estimated absolute error}. */
    public static double[] riddersWithError(DoubleUnaryOperator f, double x, double h0) {
        final int n = 12;
        final double con = 1.4;
        final double con2 = con * con;
        double[][] a = new double[n][n];
        double h = h0;
        a[0][0] = (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
        double best = a[0][0];
        double err = Double.MAX_VALUE;
        for (int i = 1; i < n; i++) {
            h /= con;
            a[0][i] = (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
            double fac = con2;
            for (int j = 1; j <= i; j++) {
                a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
                fac *= con2;
                double e = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
                if (e <= err) {
                    err = e;
                    best = a[j][i];
                }
            }
            if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= 2 * err) {
                break;
            }
        }
        return new double[] {best, err};
    }

    /** |a − b| / max(|a|, |b|), 0 when equal (including equal infinities). */
    public static double relErr(double a, double b) {
        if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
            return 0;
        }
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }
}
