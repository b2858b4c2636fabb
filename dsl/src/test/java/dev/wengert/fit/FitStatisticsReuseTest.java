package dev.wengert.fit;

import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.pow;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics of a least-squares fit come from the QR factor of [√w·J | r] at the answer.
 * The solver's refinement has usually just made that factor, at that point, over those columns
 * and with those weights ({@link LeastSquares.Point#factor}); {@link FitAssembly} now takes it
 * instead of a second QR over every row (9% of a 1,000-row fit), and a bounded fit's statistics
 * take the solver's gradient at the answer instead of a second pass over the Jacobian.
 *
 * <p>Counted, not timed: once the solver has finished, the estimated parameters' columns of the
 * model's Jacobian at the answer are overwritten with NaN. Statistics that factor the rows again
 * have no standard errors; these must equal, bit for bit, those of the same fit left alone, and
 * the assembly makes no pass over the data. (A held parameter's column stays: where the
 * refinement moved a bounded fit, its gradient at the answer was never made, and the assembly
 * makes it to tell which parameters the bounds hold.) Against the assembly as it was (a fresh
 * {@link RowSums#addRows} QR of all rows, kept here as the oracle), everything but what
 * depends on R is the same bits; what does differs by rounding: both are Householder factors of
 * the same rows, grouped differently into blocks (and above {@link BlockQr#CHUNK} rows chunked
 * as a TSQR), each backward stable, so the covariance agrees to about cond(J·D⁻¹)·ε — within
 * 10⁻¹¹ relative on these well-posed models. Where all rows fit in one block (n + k + 1 ≤ 64)
 * the groupings coincide and so do the bits. A robust loss scales the statistics' rows
 * unlike the solver's, so it still factors them, exactly as before.
 */
class FitStatisticsReuseTest {
    private static final Model MM = (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0]));

    /** A fit to make: model, truth, start, x range, noise, rows, and what is fixed, bounded or weighted. */
    private record Case(String name, Model model, double[] truth, double[] start, double from, double to,
                        double noise, int rows, boolean[] fixed, double[] lower, boolean weighted, Loss loss) {
        Case(String name, Model model, double[] truth, double[] start, double from, double to, double noise, int rows) {
            this(name, model, truth, start, from, to, noise, rows, null, null, false, Loss.LINEAR);
        }
    }

    private static final List<Case> LEAST_SQUARES = List.of(
            new Case("Michaelis–Menten", MM, new double[] {2.0, 0.8}, new double[] {1.5, 0.5}, 0.02, 5.0, 0.02, 1000),
            new Case("Michaelis–Menten, 10⁴ rows (a TSQR)", MM, new double[] {2.0, 0.8}, new double[] {1.5, 0.5},
                    0.02, 5.0, 0.02, 10_000),
            new Case("power, weighted", (p, x) -> p[0].times(pow(x[0], p[1])).plus(p[2]),
                    new double[] {1.5, 0.7, 0.5}, new double[] {1.0, 0.5, 0.0}, 0.1, 10.0, 0.05, 1000, null, null,
                    true, Loss.LINEAR),
            new Case("logistic, offset fixed", (p, x) -> p[0].div(exp(p[1].times(p[2].neg().plus(x[0])).neg()).plus(1))
                    .plus(p[3]), new double[] {3.0, 1.8, 4.0, 0.1}, new double[] {2.5, 1.2, 3.5, 0.1}, 0.0, 10.0, 0.05,
                    1000, new boolean[] {false, false, false, true}, null, false, Loss.LINEAR),
            new Case("two Gaussians on a decay", (p, x) -> p[0].times(exp(p[1].times(-x[0])))
                    .plus(p[2].times(exp(square(p[3].neg().plus(x[0])).div(square(p[4])).neg())))
                    .plus(p[5].times(exp(square(p[6].neg().plus(x[0])).div(square(p[7])).neg()))),
                    new double[] {98.8, 0.0105, 100.5, 67.5, 23.1, 72.0, 179.0, 18.4},
                    new double[] {94.0, 0.0105, 99.0, 63.0, 25.0, 71.0, 180.0, 20.0}, 1.0, 250.0, 2.5, 1000),
            // the offset's truth is below its bound: it ends held at 0, the others estimated
            new Case("Michaelis–Menten + offset ≥ 0, held on its bound",
                    (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0])).plus(p[2]), new double[] {2.0, 0.8, -0.3},
                    new double[] {1.5, 0.5, 0.1}, 0.02, 5.0, 0.02, 1000, null,
                    new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0}, false, Loss.LINEAR),
            new Case("Michaelis–Menten, 30 rows (one block)", MM, new double[] {2.0, 0.8}, new double[] {1.5, 0.5},
                    0.02, 5.0, 0.02, 30));

    /** A fit made up to the assembly, and what its assembly did. */
    private record Made(LeastSquares ls, Residuals f, Solver.Solution s, FitResult result, int passesInAssembly) {
    }

    private static Made fit(Case c, ParameterStatus[] poison) {
        SplittableRandom rnd = new SplittableRandom(c.name().length());
        double[][] x = new double[c.rows()][];
        double[] y = new double[c.rows()];
        double[] sigma = c.weighted() ? new double[c.rows()] : null;
        for (int i = 0; i < c.rows(); i++) {
            x[i] = new double[] {c.from() + (c.to() - c.from()) * (i + 0.5) / c.rows()};
            double sd = c.weighted() ? c.noise() * (0.5 + (i % 7) * 0.25) : c.noise();
            if (sigma != null) {
                sigma[i] = sd;
            }
            y[i] = value(c.model(), c.truth(), x[i]) + sd * rnd.nextGaussian();
        }
        int k = c.start().length;
        String[] names = new String[k];
        for (int j = 0; j < k; j++) {
            names[j] = "b" + (j + 1);
        }
        FitData data = FitData.fromArrays(x, y, sigma, c.weighted() ? FitData.WeightKind.SIGMA : FitData.WeightKind.NONE,
                MissingValues.REFUSE, null, null);
        Residuals f = new Residuals(c.model(), data, null, names);
        double[] lo = new double[k];
        double[] hi = new double[k];
        Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, Double.POSITIVE_INFINITY);
        if (c.lower() != null) {
            lo = c.lower().clone();
        }
        ParameterSet ps = new ParameterSet(names, c.start(), c.fixed() != null ? c.fixed() : new boolean[k], lo, hi);
        f.checkStart(c.start());
        LeastSquares ls = new LeastSquares(f, ps, f.responses(), f.weights(), c.loss(), c.loss() == Loss.LINEAR ? 1.0 : 0.05);
        Solver.Solution s = Solver.solve(ls, ps.freeOf(c.start()), Fitter.DEFAULT_MAX_EVALUATIONS);
        int before = f.passes();
        if (poison != null) {
            LeastSquares.Point end = ls.at(s.q());
            assertEquals(before, f.passes(), c.name() + ": the answer is not the solver's last point");
            int n = c.rows();
            for (int j = 0; j < k; j++) {
                if (poison[j] == ParameterStatus.ESTIMATED) {
                    Arrays.fill(end.eval().jacobian(), j * n, (j + 1) * n, Double.NaN);
                }
            }
        }
        FitResult r = FitAssembly.assemble(ls, f, s, false, 0);
        return new Made(ls, f, s, r, f.passes() - before);
    }

    /** The assembly as it was: the statistics from a fresh QR of all rows at the answer ({@link RowSums#addRows}). */
    private static FitResult freshFactor(Made m) {
        LeastSquares ls = m.ls();
        ParameterSet ps = ls.parameters();
        LeastSquares.Point at = ls.at(m.s().q());
        double[] p = at.p();
        ParameterStatus[] status = new ParameterStatus[ps.size()];
        for (int j = 0; j < status.length; j++) {
            status[j] = ps.fixed[j] ? ParameterStatus.FIXED : ParameterStatus.ESTIMATED;
        }
        if (ps.bounded()) {
            double[] g = at.gradient();
            for (int c = 0; c < ps.free.length; c++) {
                int j = ps.free[c];
                if (p[j] <= ps.lower[j] && g[c] > 0) {
                    status[j] = ParameterStatus.AT_LOWER_BOUND;
                } else if (p[j] >= ps.upper[j] && g[c] < 0) {
                    status[j] = ParameterStatus.AT_UPPER_BOUND;
                }
            }
        }
        int[] est = Statistics.indices(status, ParameterStatus.ESTIMATED);
        RowSums sums = new RowSums(est.length, ls.loss(), ls.scale());
        sums.addRows(m.f().responses(), m.f().weights(), at.eval().values(), at.eval().jacobian(), est);
        return FitResult.create(ps.names, p, status, sums, false, 0, m.s().iterations(), m.s().evaluations(),
                m.s().converged(), m.s().reason(), List.of(), List.of());
    }

    @Test
    void theStatisticsReadNeitherTheRowsJacobianNorTheDataAgain() {
        for (Case c : LEAST_SQUARES) {
            Made left = fit(c, null);
            Made poisoned = fit(c, left.result().parameterStatus());
            FitResult a = left.result();
            FitResult b = poisoned.result();
            String where = c.name() + ": " + b.reason();
            assertTrue(a.converged() && b.converged(), where);
            assertEquals(0, poisoned.passesInAssembly(), where + ": passes over the data in the assembly");
            assertEquals(0, left.passesInAssembly(), where + ": passes over the data in the assembly");
            // NaN here on main: its assembly factored the rows (and took the gradient) again
            for (int j = 0; j < c.start().length; j++) {
                if (b.parameterStatus()[j] == ParameterStatus.ESTIMATED) {
                    assertTrue(Double.isFinite(b.standardErrors()[j]), where + ": " + Arrays.toString(b.standardErrors()));
                }
            }
            assertArrayEquals(a.parameters(), b.parameters(), where);
            assertArrayEquals(a.parameterStatus(), b.parameterStatus(), where);
            assertArrayEquals(a.standardErrors(), b.standardErrors(), 0.0, where);
            assertEquals(a.convergenceTolerance(), b.convergenceTolerance(), 0.0, where);
            assertEquals(a.rSquared(), b.rSquared(), 0.0, where);
        }
    }

    @Test
    void theBoundedCaseHoldsItsParameterOnTheBound() {
        Case c = LEAST_SQUARES.get(5);
        FitResult r = fit(c, null).result();
        assertEquals(ParameterStatus.AT_LOWER_BOUND, r.parameterStatus()[2], r.reason());
        assertEquals(0.0, r.parameters()[2], 0.0);
        assertEquals(ParameterStatus.FIXED, fit(LEAST_SQUARES.get(3), null).result().parameterStatus()[3]);
    }

    @Test
    void theStatisticsAreThoseOfAFreshFactorWithinRounding() {
        for (Case c : LEAST_SQUARES) {
            Made m = fit(c, null);
            FitResult now = m.result();
            FitResult then = freshFactor(m);
            String where = c.name();
            // from the counts and sums, made as before: the same bits (R² within rounding)
            assertArrayEquals(then.parameters(), now.parameters(), 0.0, where);
            assertArrayEquals(then.parameterStatus(), now.parameterStatus(), where);
            assertEquals(then.residualSumOfSquares(), now.residualSumOfSquares(), 0.0, where);
            assertEquals(then.residualStandardError(), now.residualStandardError(), 0.0, where);
            // R²'s total sum of squares: Welford's update row by row there, two passes here
            assertEquals(then.rSquared(), now.rSquared(), 1e-14, where);
            assertEquals(then.aic(), now.aic(), 0.0, where);
            assertEquals(then.bic(), now.bic(), 0.0, where);
            assertEquals(then.degreesOfFreedom(), now.degreesOfFreedom(), where);
            assertEquals(then.observations(), now.observations(), where);
            // from R: rounding, or the same bits where one block holds every row
            boolean oneBlock = c.rows() + c.start().length + 1 <= BlockQr.BLOCK;
            double[][] cv = then.covariance();
            double[][] nv = now.covariance();
            for (int i = 0; i < cv.length; i++) {
                for (int j = 0; j < cv.length; j++) {
                    if (Double.isNaN(cv[i][j])) {
                        assertTrue(Double.isNaN(nv[i][j]), where);
                        continue;
                    }
                    double tol = oneBlock ? 0.0 : 1e-11 * Math.sqrt(cv[i][i] * cv[j][j]);
                    assertEquals(cv[i][j], nv[i][j], tol, where + " covariance " + i + "," + j);
                }
            }
            // R's relative offset is rounding over noise at a minimum (Qᵀr is rounding there), so
            // its own digits are not reproducible across groupings: both far below 10⁻⁵, or equal
            if (oneBlock) {
                assertEquals(then.convergenceTolerance(), now.convergenceTolerance(), 0.0, where);
            } else {
                assertTrue(then.convergenceTolerance() < 1e-9 && now.convergenceTolerance() < 1e-9,
                        where + ": " + then.convergenceTolerance() + " vs " + now.convergenceTolerance());
            }
        }
    }

    /** A robust loss scales the statistics' rows as scipy does, not as the solver's: factored as before, the same bits. */
    @Test
    void aRobustLossFactorsItsRowsAsBefore() {
        Case c = new Case("Michaelis–Menten, Huber", MM, new double[] {2.0, 0.8}, new double[] {1.5, 0.5}, 0.02, 5.0,
                0.02, 1000, null, null, false, Loss.HUBER);
        Made m = fit(c, null);
        FitResult now = m.result();
        FitResult then = freshFactor(m);
        assertTrue(now.converged(), now.reason());
        assertArrayEquals(then.standardErrors(), now.standardErrors(), 0.0);
        assertArrayEquals(then.covariance()[0], now.covariance()[0], 0.0);
        assertEquals(then.convergenceTolerance(), now.convergenceTolerance(), 0.0);
        assertEquals(then.residualStandardError(), now.residualStandardError(), 0.0);
        assertTrue(Double.isFinite(now.standardErrors()[1]));
    }

    /** A factor made for other rows (other weights) is not taken: equal arrays are checked, not assumed. */
    @Test
    void rowsOfOtherWeightsAreNotTheSolversRows() {
        Case c = LEAST_SQUARES.get(0);
        Made m = fit(c, null);
        double[] w = m.f().weights().clone();
        assertTrue(m.ls().hasRows(m.f().responses(), w));
        w[17] = 2.0;
        assertTrue(!m.ls().hasRows(m.f().responses(), w));
        double[] y = m.f().responses().clone();
        y[3] += Math.ulp(y[3]);
        assertTrue(!m.ls().hasRows(y, m.f().weights()));
    }

    private static double value(Model m, double[] p, double[] x) {
        Num[] par = new Num[p.length];
        for (int j = 0; j < p.length; j++) {
            par[j] = Num.constant(p[j]);
        }
        return m.apply(par, x).value();
    }
}
