package dev.wengert.fit;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our Levenberg–Marquardt (MINPACK's algorithm on a QR made from the rows in blocks) against
 * Commons Math's port of MINPACK, which fits used before: on classic least-squares test
 * problems (Moré, Garbow and Hillstrom) from their standard starts, both must converge to the
 * same minimum, and take the same number of iterations within a few.
 */
class LmTest {

    /** Residuals r(x) and their Jacobian, row by row. */
    record Problem(String name, int m, double[] start, Function<double[], double[]> r, Function<double[], double[][]> j) {
    }

    static final Problem ROSENBROCK = new Problem("Rosenbrock", 2, new double[] {-1.2, 1},
            x -> new double[] {10 * (x[1] - x[0] * x[0]), 1 - x[0]},
            x -> new double[][] {{-20 * x[0], 10}, {-1, 0}});

    static final Problem BOX3D;
    static final Problem BIGGS_EXP5;
    static final Problem POWELL_SINGULAR = new Problem("Powell singular", 4, new double[] {3, -1, 0, 1},
            x -> new double[] {x[0] + 10 * x[1], Math.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) * (x[1] - 2 * x[2]),
                    Math.sqrt(10) * (x[0] - x[3]) * (x[0] - x[3])},
            x -> new double[][] {{1, 10, 0, 0}, {0, 0, Math.sqrt(5), -Math.sqrt(5)},
                    {0, 2 * (x[1] - 2 * x[2]), -4 * (x[1] - 2 * x[2]), 0},
                    {2 * Math.sqrt(10) * (x[0] - x[3]), 0, 0, -2 * Math.sqrt(10) * (x[0] - x[3])}});

    static {
        int m = 10;
        BOX3D = new Problem("Box 3-D", m, new double[] {0, 10, 20}, x -> {
            double[] r = new double[m];
            for (int i = 0; i < m; i++) {
                double t = 0.1 * (i + 1);
                r[i] = Math.exp(-t * x[0]) - Math.exp(-t * x[1]) - x[2] * (Math.exp(-t) - Math.exp(-10 * t));
            }
            return r;
        }, x -> {
            double[][] j = new double[m][];
            for (int i = 0; i < m; i++) {
                double t = 0.1 * (i + 1);
                j[i] = new double[] {-t * Math.exp(-t * x[0]), t * Math.exp(-t * x[1]), -(Math.exp(-t) - Math.exp(-10 * t))};
            }
            return j;
        });
        int m5 = 13;
        BIGGS_EXP5 = new Problem("Biggs EXP6 (5 parameters)", m5, new double[] {1, 2, 1, 1, 1}, x -> {
            double[] r = new double[m5];
            for (int i = 0; i < m5; i++) {
                double t = 0.1 * (i + 1);
                double y = Math.exp(-t) - 5 * Math.exp(-10 * t) + 3 * Math.exp(-4 * t);
                r[i] = x[2] * Math.exp(-t * x[0]) - x[3] * Math.exp(-t * x[1]) + 3 * Math.exp(-t * x[4]) - y;
            }
            return r;
        }, x -> {
            double[][] j = new double[m5][];
            for (int i = 0; i < m5; i++) {
                double t = 0.1 * (i + 1);
                j[i] = new double[] {-t * x[2] * Math.exp(-t * x[0]), t * x[3] * Math.exp(-t * x[1]), Math.exp(-t * x[0]),
                        -Math.exp(-t * x[1]), -3 * t * Math.exp(-t * x[4])};
            }
            return j;
        });
    }

    /** The problem for our LM: f = r, A = ∂r/∂x, two points kept. */
    static Lm.Problem ours(Problem p) {
        return new Lm.Problem() {
            final double[][] points = new double[2][];
            final double[] costs = new double[2];
            int next;

            @Override
            public int rows() {
                return p.m();
            }

            @Override
            public int unknowns() {
                return p.start().length;
            }

            @Override
            public int evaluate(double[] q) {
                int s = next;
                next = 1 - next;
                points[s] = q.clone();
                double c = 0;
                for (double v : p.r().apply(q)) {
                    c += v * v;
                }
                costs[s] = Math.sqrt(c);
                return s;
            }

            @Override
            public double cost(int point) {
                return costs[point];
            }

            @Override
            public void factor(int point, BlockQr qr) {
                double[] r = p.r().apply(points[point]);
                double[][] j = p.j().apply(points[point]);
                for (int i = 0; i < r.length; i++) {
                    double[] row = Arrays.copyOf(j[i], j[i].length + 1);
                    row[j[i].length] = r[i];
                    qr.addRow(row);
                }
            }
        };
    }

    /** Commons Math's LM on the same problem: model −r against a target of zeros, so its residuals are r. */
    static LeastSquaresOptimizer.Optimum commonsMath(Problem p, double tol) {
        return new LevenbergMarquardtOptimizer().withCostRelativeTolerance(tol).withParameterRelativeTolerance(tol)
                .withOrthoTolerance(tol).optimize(new LeastSquaresBuilder().start(p.start()).target(new double[p.m()])
                        .model(point -> {
                            double[] x = point.toArray();
                            double[] r = p.r().apply(x);
                            double[][] j = p.j().apply(x);
                            for (int i = 0; i < r.length; i++) {
                                r[i] = -r[i];
                                for (int k = 0; k < j[i].length; k++) {
                                    j[i][k] = -j[i][k];
                                }
                            }
                            return new Pair<>(new ArrayRealVector(r, false), new Array2DRowRealMatrix(j, false));
                        }).maxEvaluations(10_000).maxIterations(10_000).build());
    }

    @Test
    void theSameMinimaAsCommonsMathsPortOfMinpack() {
        for (Problem p : new Problem[] {ROSENBROCK, BOX3D, BIGGS_EXP5, POWELL_SINGULAR}) {
            double tol = 1e-10;
            Lm.Result mine = new Lm(100, tol, tol, tol).run(ours(p), p.start(), 10_000);
            LeastSquaresOptimizer.Optimum theirs = commonsMath(p, tol);
            double[] want = theirs.getPoint().toArray();
            assertTrue(mine.stop() == Lm.Stop.CONVERGED || mine.stop() == Lm.Stop.COST_TOO_SMALL, p.name() + ": " + mine.stop());
            double cost = 0;
            for (double v : p.r().apply(mine.point())) {
                cost += v * v;
            }
            assertEquals(theirs.getCost() * theirs.getCost(), cost, 1e-12 + 1e-8 * cost, p.name() + ": the sum of squares");
            if (p != POWELL_SINGULAR && p != BIGGS_EXP5) {
                // a unique minimiser: the points agree (Powell's is singular, Biggs' has a valley)
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], mine.point()[k], 1e-6 * Math.max(1, Math.abs(want[k])), p.name() + " x" + k);
                }
            }
            assertEquals(theirs.getIterations(), mine.iterations(), 3, p.name() + ": iterations");
        }
    }

    /**
     * Over many rows ‖f‖² carries more rounding than the cost tolerance (10⁻¹⁴), and at the
     * minimum a Gauss–Newton step that predicts nothing looks like a small increase: MINPACK's
     * reduction test, which wants the actual change within the tolerance too, shrank the trust
     * region pass after pass, every step rejected, until the noise fell below it (8 passes here).
     * LM now ends at the first such step rejected, at the point before it, which the refinement
     * polishes with one Gauss–Newton step: 5 passes, a minimum to rounding, near the truth.
     */
    @Test
    void aFitOfManyRowsDoesNotShrinkItsTrustRegionAgainstRounding() {
        int n = 100_000;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double t = 0.02 + 4.98 * rnd.nextDouble();
            x[i] = new double[] {t};
            y[i] = 2.0 * t / (0.8 + t) + 0.02 * rnd.nextGaussian();
        }
        FitResult r = dev.wengert.Wengert.fit((Model) (p, row) -> p[0].times(row[0]).div(p[1].plus(row[0])), x, y,
                new double[] {1.5, 0.5});
        assertTrue(r.converged(), r.reason());
        assertEquals(5, r.evaluations(), r.reason());
        // R's relative offset (nls stops below 10⁻⁵): rounding over rounding, for 10⁵ rows about 10⁻¹²
        assertTrue(r.convergenceTolerance() < 1e-11, "relative offset " + r.convergenceTolerance());
        assertEquals(2.0, r.parameters()[0], 5 * r.standardErrors()[0]);
        assertEquals(0.8, r.parameters()[1], 5 * r.standardErrors()[1]);
    }

    /**
     * The other side of the same noise: at the minimum a Gauss–Newton step that predicts a
     * reduction of 10⁻¹⁸ can lower ‖f‖² by an ulp, a ratio of actual to predicted of 100 and
     * more. MINPACK's reduction test wants that ratio at most 2, so LM took the step as a
     * success and went on, two more passes here, until the noise came out as a loss (a fit of
     * 9 evaluations). It now ends at the first such step, accepted or not, and the refinement
     * takes one Gauss–Newton step from there: 8 evaluations, the same minimum to rounding.
     */
    @Test
    void aStepThatGainsOnlyRoundingEndsTheRunToo() {
        int n = 10_000;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1_000_003L * 2 + n);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double t = 10.0 * (i + 0.5) / n;
            x[i] = new double[] {t};
            y[i] = 3.0 / (Math.exp(-(1.8 * (t - 4.0))) + 1) + 0.1 + 0.05 * rnd.nextGaussian();
        }
        Model logistic = (p, row) -> p[0].div(dev.wengert.Wengert.exp(p[1].times(p[2].neg().plus(row[0])).neg()).plus(1))
                .plus(p[3]);
        FitResult r = dev.wengert.Wengert.fit(logistic, x, y, new double[] {2.5, 1.2, 3.5, 0.0});
        assertTrue(r.converged(), r.reason());
        assertEquals(8, r.evaluations(), r.reason());
        assertTrue(r.convergenceTolerance() < 1e-11, "relative offset " + r.convergenceTolerance());
        double[] truth = {3.0, 1.8, 4.0, 0.1};
        for (int j = 0; j < 4; j++) {
            assertEquals(truth[j], r.parameters()[j], 5 * r.standardErrors()[j], "p" + j);
        }
    }

    @Test
    void itStopsAtItsEvaluationBudgetWithTheLastAcceptedPoint() {
        Lm.Result r = new Lm(100, 1e-14, 1e-14, 1e-14).run(ours(ROSENBROCK), ROSENBROCK.start(), 3);
        assertEquals(Lm.Stop.EVALUATIONS, r.stop());
        assertEquals(3, r.evaluations());
    }
}
