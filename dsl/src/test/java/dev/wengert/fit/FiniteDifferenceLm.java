package dev.wengert.fit;

import dev.wengert.core.Num;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import static dev.wengert.Wengert.constant;

/**
 * The baseline of the comparison: Commons Math's Levenberg–Marquardt as most users run it,
 * with its default settings and a forward-difference Jacobian (MINPACK lmdif's step
 * h = √ε·|pⱼ|), and standard deviations from that Jacobian at its answer, as R's nls or
 * scipy's curve_fit would report them.
 */
final class FiniteDifferenceLm {
    private static final double SQRT_EPS = Math.sqrt(Math.ulp(1.0));

    record Outcome(double[] p, double[] sd, double rss, int iterations, int evaluations, String failure) {
    }

    private FiniteDifferenceLm() {
    }

    static Outcome fit(Model model, double[][] x, double[] y, double[] start, int maxEvaluations) {
        int[] calls = {0};
        int n = y.length;
        int k = start.length;
        java.util.function.Function<double[], double[]> values = p -> {
            calls[0]++;
            Num[] par = new Num[k];
            for (int j = 0; j < k; j++) {
                par[j] = constant(p[j]);
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = model.apply(par, x[i]).value();
            }
            return v;
        };
        java.util.function.BiFunction<double[], double[], double[][]> jacobian = (p, v0) -> {
            double[][] j = new double[n][k];
            for (int c = 0; c < k; c++) {
                double h = p[c] == 0 ? SQRT_EPS : SQRT_EPS * Math.abs(p[c]);
                double[] q = p.clone();
                q[c] += h;
                double[] v1 = values.apply(q);
                for (int i = 0; i < n; i++) {
                    j[i][c] = (v1[i] - v0[i]) / (q[c] - p[c]);
                }
            }
            return j;
        };
        var problem = new LeastSquaresBuilder()
                .start(start)
                .model(p -> {
                    double[] pa = p.toArray();
                    double[] v = values.apply(pa);
                    double[][] j = jacobian.apply(pa, v);
                    RealVector rv = new ArrayRealVector(v, false);
                    RealMatrix rm = new Array2DRowRealMatrix(j, false);
                    return new Pair<>(rv, rm);
                })
                .target(y)
                .maxEvaluations(maxEvaluations)
                .maxIterations(maxEvaluations)
                .build();
        try {
            LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer().optimize(problem);
            int evaluations = calls[0];
            double[] p = o.getPoint().toArray();
            double[] v = values.apply(p);
            double rss = 0;
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = y[i] - v[i];
                rss += r[i] * r[i];
            }
            double[] sd = new double[k];
            Factor qr = Factor.ofRows(jacobian.apply(p, v), null);
            if (qr.fullRank() && n > k) {
                double[][] inv = qr.inverseOfNormalMatrix();
                for (int j = 0; j < k; j++) {
                    sd[j] = Math.sqrt(rss / (n - k) * inv[j][j]);
                }
            } else {
                java.util.Arrays.fill(sd, Double.NaN);
            }
            // the evaluations after the solver's end only report its answer: not counted
            return new Outcome(p, sd, rss, o.getIterations(), evaluations, null);
        } catch (RuntimeException e) {
            return new Outcome(null, null, Double.NaN, 0, calls[0], e.getClass().getSimpleName());
        }
    }
}
