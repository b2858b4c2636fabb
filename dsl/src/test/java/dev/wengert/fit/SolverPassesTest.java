package dev.wengert.fit;

import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.pow;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passes over the data a whole fit makes (start check, solver, refinement, statistics),
 * counted at the seam where the model is evaluated: no parameter vector is evaluated twice, and
 * every pass is one the result accounts for (its evaluations, plus the start's, which the start
 * check makes and the solver reuses).
 *
 * <p>LM usually ends by rejecting a last step whose change of the sum of squares is rounding,
 * and returns the point before it. That point's arrays were let go for the trial's, so the
 * refinement's first look at it was a pass over the data for a point already evaluated (not
 * counted in the result's evaluations). The refinement now starts from the trial where its
 * cost is within rounding of the accepted point's (Solver.continueFrom).
 */
class SolverPassesTest {
    private static final int ROWS = 1000;

    /** Counts the passes of the evaluator it wraps, and lists the points each evaluated. */
    private static final class Counting implements ModelEvaluator {
        final Residuals inner;
        final List<double[]> evaluated = new ArrayList<>();
        int curvatures;

        Counting(Residuals inner) {
            this.inner = inner;
        }

        @Override
        public int rows() {
            return inner.rows();
        }

        @Override
        public int parameters() {
            return inner.parameters();
        }

        @Override
        public Eval evaluate(double[] p) {
            int before = inner.passes();
            Eval e = inner.evaluate(p);
            if (inner.passes() > before) {
                evaluated.add(p.clone());
            }
            return e;
        }

        @Override
        public double[][] curvature(double[] p, double[] c) {
            curvatures++;
            return inner.curvature(p, c);
        }

        @Override
        public double[] values(double[] p) {
            return inner.values(p);
        }

        @Override
        public String jacobianKind() {
            return inner.jacobianKind();
        }

        @Override
        public int passes() {
            return inner.passes();
        }
    }

    private record Case(String name, Model model, double[] truth, double[] start, double from, double to, double noise) {
    }

    private static final List<Case> CASES = List.of(
            new Case("Michaelis–Menten", (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0])),
                    new double[] {2.0, 0.8}, new double[] {1.5, 0.5}, 0.02, 5.0, 0.02),
            new Case("power", (p, x) -> p[0].times(pow(x[0], p[1])).plus(p[2]),
                    new double[] {1.5, 0.7, 0.5}, new double[] {1.0, 0.5, 0.0}, 0.1, 10.0, 0.05),
            new Case("logistic", (p, x) -> p[0].div(exp(p[1].times(p[2].neg().plus(x[0])).neg()).plus(1)).plus(p[3]),
                    new double[] {3.0, 1.8, 4.0, 0.1}, new double[] {2.5, 1.2, 3.5, 0.0}, 0.0, 10.0, 0.05),
            new Case("two Gaussians on a decay", (p, x) -> p[0].times(exp(p[1].times(-x[0])))
                    .plus(p[2].times(exp(square(p[3].neg().plus(x[0])).div(square(p[4])).neg())))
                    .plus(p[5].times(exp(square(p[6].neg().plus(x[0])).div(square(p[7])).neg()))),
                    new double[] {98.8, 0.0105, 100.5, 67.5, 23.1, 72.0, 179.0, 18.4},
                    new double[] {94.0, 0.0105, 99.0, 63.0, 25.0, 71.0, 180.0, 20.0}, 1.0, 250.0, 2.5));

    @Test
    void aFitEvaluatesNoPointTwiceAndAccountsForEveryPass() {
        for (Case c : CASES) {
            SplittableRandom rnd = new SplittableRandom(c.name().length());
            double[][] x = new double[ROWS][];
            double[] y = new double[ROWS];
            for (int i = 0; i < ROWS; i++) {
                x[i] = new double[] {c.from() + (c.to() - c.from()) * (i + 0.5) / ROWS};
                y[i] = value(c.model(), c.truth(), x[i]) + c.noise() * rnd.nextGaussian();
            }
            String[] names = new String[c.start().length];
            for (int j = 0; j < names.length; j++) {
                names[j] = "b" + (j + 1);
            }
            FitData data = FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
            Residuals f = new Residuals(c.model(), data, null, names);
            Counting counting = new Counting(f);
            ParameterSet ps = ParameterSet.unconstrained(names, c.start());
            f.checkStart(c.start());
            counting.evaluated.add(c.start().clone());
            LeastSquares ls = new LeastSquares(counting, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
            Solver.Solution s = Solver.solve(ls, ps.freeOf(c.start()), Fitter.DEFAULT_MAX_EVALUATIONS);
            FitResult r = FitAssembly.assemble(ls, f, s, false, 0);

            String where = c.name() + ": " + r.reason();
            assertTrue(r.converged(), where);
            for (int a = 0; a < counting.evaluated.size(); a++) {
                for (int b = a + 1; b < counting.evaluated.size(); b++) {
                    assertTrue(!Arrays.equals(counting.evaluated.get(a), counting.evaluated.get(b)),
                            where + ": passes " + (a + 1) + " and " + (b + 1) + " both evaluate "
                                    + Arrays.toString(counting.evaluated.get(a)));
                }
            }
            assertEquals(1 + r.evaluations(), f.passes(), where + ": passes over the data beyond those accounted for");
            assertEquals(counting.evaluated.size() + counting.curvatures, f.passes(), where);
            for (int j = 0; j < names.length; j++) {
                assertEquals(c.truth()[j], r.parameters()[j], 5 * r.standardErrors()[j], where + " " + names[j]);
            }
        }
    }

    /**
     * The refinement takes a step (an evaluation) only where the Gauss–Newton step is beyond LM's
     * own step tolerance, 10⁻¹⁴ relative: below it, the step is the rounding of the gradient. Its
     * floor was 4 ulps (9·10⁻¹⁶), and fits of 10⁴ rows paid passes to move their parameters by
     * 2·10⁻¹⁵. On small-residual data, Gauss–Newton steps alone bring a point 10⁻¹⁰ off back to
     * the minimum, with no second-order pass.
     */
    @Test
    void theRefinementLeavesAPointWithinTheStepToleranceAlone() {
        Case c = CASES.get(0);
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] x = new double[ROWS][];
        double[] y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            x[i] = new double[] {c.from() + (c.to() - c.from()) * (i + 0.5) / ROWS};
            y[i] = value(c.model(), c.truth(), x[i]) + c.noise() * rnd.nextGaussian();
        }
        String[] names = {"a", "b"};
        FitData data = FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
        Residuals f = new Residuals(c.model(), data, null, names);
        ParameterSet ps = ParameterSet.unconstrained(names, c.start());
        LeastSquares solved = new LeastSquares(f, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
        double[] best = Solver.solve(solved, c.start(), Fitter.DEFAULT_MAX_EVALUATIONS).q();
        boolean[] none = new boolean[2];

        // 3·10⁻¹⁵ off along the parameters: a Gauss–Newton step of about that size, above 4 ulps
        double[] near = {best[0] * (1 + 3e-15), best[1] * (1 - 3e-15)};
        Counting counting = new Counting(f);
        LeastSquares ls = new LeastSquares(counting, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
        double[] kept = Refinement.refine(ls, near, none);
        assertEquals(0, counting.curvatures, "a curvature pass for a step within the tolerance");
        assertEquals(1, counting.evaluated.size(), "the point itself, and no trial");
        assertTrue(Arrays.equals(near, kept), Arrays.toString(kept));

        // 10⁻¹⁰ off: the refinement does its work, back to the minimum, by Gauss–Newton steps alone
        double[] off = {best[0] * (1 + 1e-10), best[1] * (1 - 1e-10)};
        counting = new Counting(f);
        ls = new LeastSquares(counting, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
        double[] back = Refinement.refine(ls, off, none);
        assertEquals(0, counting.curvatures, "a second-order pass where Gauss–Newton converges fast");
        assertTrue(counting.evaluated.size() >= 2 && counting.evaluated.size() <= 3,
                counting.evaluated.size() + " passes: the point, and one or two Gauss–Newton steps");
        for (int j = 0; j < 2; j++) {
            assertEquals(best[j], back[j], 1e-13 * Math.abs(best[j]), names[j]);
        }
    }

    /**
     * Where Gauss–Newton converges slowly — a large-residual problem, NIST's ENSO, whose steps
     * shrink by about 0.64 each — the refinement turns to Newton steps with the exact Hessian
     * after its first Gauss–Newton step, and gets back to the minimum from 10⁻⁹ off.
     */
    @Test
    void aSlowGaussNewtonStepTurnsTheRefinementToNewton() {
        NistFile enso = NistFile.read("ENSO");
        Model m = NistModels.model("ENSO");
        String[] names = new String[enso.certified().length];
        for (int j = 0; j < names.length; j++) {
            names[j] = "b" + (j + 1);
        }
        FitData data = FitData.fromArrays(enso.x(), enso.y(), null, FitData.WeightKind.NONE, MissingValues.REFUSE, null,
                null);
        Residuals f = new Residuals(m, data, null, names);
        double[] start = enso.starts()[1];
        ParameterSet ps = ParameterSet.unconstrained(names, start);
        double[] best = Solver.solve(new LeastSquares(f, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0), start,
                Fitter.DEFAULT_MAX_EVALUATIONS).q();

        double[] off = best.clone();
        for (int j = 0; j < off.length; j++) {
            off[j] *= 1 + (j % 2 == 0 ? 1e-9 : -1e-9);
        }
        Counting counting = new Counting(f);
        LeastSquares ls = new LeastSquares(counting, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
        double[] back = Refinement.refine(ls, off, new boolean[off.length]);
        assertTrue(counting.curvatures >= 1, "no Newton step where Gauss–Newton contracts by 0.64");
        for (int j = 0; j < off.length; j++) {
            assertEquals(best[j], back[j], 1e-11 * Math.abs(best[j]), names[j]);
        }
    }

    private static double value(Model m, double[] p, double[] x) {
        Num[] par = new Num[p.length];
        for (int j = 0; j < p.length; j++) {
            par[j] = Num.constant(p[j]);
        }
        return m.apply(par, x).value();
    }
}
