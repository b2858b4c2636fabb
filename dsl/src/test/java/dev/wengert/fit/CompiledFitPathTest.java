package dev.wengert.fit;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Whole fits by the compiled path (compiled rows, {@link RowEngine}, as {@code fit} runs them)
 * against a per-row path (a reverse pass per row, a recording and a backward sweep, for the
 * values and Jacobian; a forward-over-reverse Hessian per row for the refinement's curvature),
 * both fed to the same solver, on random models: sums of random functions of p·x and x + p,
 * with a branch on a parameter against a predictor, so rows change branch as the parameters
 * move and are recorded again.
 *
 * <p>Every evaluation the solver asks for is equal to the bit (raw bits) on both paths (values
 * and Jacobian: the compiled rows replay the same operations, and their reverse sweep adds the
 * same products in the same order as the tape's), so
 * Levenberg–Marquardt takes the same steps; the refinement's curvature Σ cᵢ∇²mᵢ agrees only
 * within rounding (the second-order pass adds its terms in another order than per-row
 * Hessians), so the estimates agree within rounding: 10⁻¹² relative.
 */
class CompiledFitPathTest {
    static final int ROWS = 400;

    /** The unary functions the random models are made of. */
    private static final java.util.List<UnaryOperator<Num>> UNARY = java.util.List.of(
            u -> exp(u.neg()), u -> log1p(square(u)), u -> sin(u), u -> tanh(u), u -> sqrt(square(u).plus(1)),
            u -> atan(u), u -> square(u).plus(1).reciprocal(), u -> u.times(u).times(u));

    @Test
    void randomModelsFitAsByAReversePassPerRow() {
        int branched = 0;
        int converged = 0;
        double worst = 0;
        for (long seed = 1; seed <= 24; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            UnaryOperator<Num> f = UNARY.get(rnd.nextInt(UNARY.size()));
            UnaryOperator<Num> g = UNARY.get(rnd.nextInt(UNARY.size()));
            UnaryOperator<Num> h = UNARY.get(rnd.nextInt(UNARY.size()));
            // p0·f(p1·x0) + p2·g(x1 + p3), and beyond the breakpoint p4 (against x0) a hinge + h(x1)·(x0 − p4)
            Model model = (p, x) -> {
                Num m = p[0].times(f.apply(p[1].times(x[0]))).plus(p[2].times(g.apply(p[3].plus(x[1]))));
                return p[4].gt(x[0]) ? m : m.plus(h.apply(constant(x[1]).plus(1.5)).times(p[4].neg().plus(x[0])));
            };
            double[] truth = {1 + rnd.nextDouble(), 0.5 + rnd.nextDouble(), 1 + rnd.nextDouble(), rnd.nextDouble() - 0.5, 0.7};
            double[] x = new double[2 * ROWS];
            double[] y = new double[ROWS];
            double[] w = new double[ROWS];
            for (int i = 0; i < ROWS; i++) {
                x[2 * i] = 2.0 * i / ROWS - 0.5;
                x[2 * i + 1] = rnd.nextDouble() * 2 - 1;
                y[i] = valueAt(model, truth, x, i) + 0.01 * rnd.nextGaussian();
                w[i] = 1;
            }
            double[] start = truth.clone();
            for (int j = 0; j < 4; j++) {
                start[j] *= 1 + 0.2 * (rnd.nextDouble() - 0.5);
            }
            start[4] = 0.72;                                   // the breakpoint moves: rows change branch

            Compiled compiled = new Compiled(model, x, ROWS);
            PerRow perRow = new PerRow(model, x, ROWS);
            Solver.Solution a = solve(compiled, start, y, w);
            Solver.Solution b = solve(perRow, start, y, w);
            String where = "seed " + seed + ": compiled " + Arrays.toString(a.q()) + " (" + a.reason() + "), per row "
                    + Arrays.toString(b.q()) + " (" + b.reason() + ")";
            assertTrue(compiled.checked > 3, where);
            assertEquals(b.iterations(), a.iterations(), where);
            assertEquals(b.evaluations(), a.evaluations(), where);
            assertEquals(b.converged(), a.converged(), where);
            for (int j = 0; j < a.q().length; j++) {
                assertEquals(b.q()[j], a.q()[j], 1e-12 * Math.abs(b.q()[j]) + 1e-15, where);
                worst = Math.max(worst, Math.abs(a.q()[j] - b.q()[j]) / Math.abs(b.q()[j]));
            }
            converged += a.converged() ? 1 : 0;
            branched += compiled.engine.rows().recordings() > ROWS ? 1 : 0;
        }
        System.out.println("compiled fit path: " + converged + " of 24 fits converged, " + branched
                + " with rows recorded again, estimates within " + worst + " relative of the per-row path");
        assertTrue(branched >= 12, branched + " of 24 fits had rows recorded again on another branch");
        assertTrue(converged >= 20, converged + " of 24 fits converged");
    }

    /**
     * A fit's default Jacobian (compiled rows) is, entry for entry, the one {@code mode(REVERSE)}
     * computes by recording and sweeping each row on its own; the reason says "reverse-mode", and
     * "forward-mode" for a model whose rows cannot be replayed (a tensor inside), which takes one
     * forward pass over all rows.
     */
    @Test
    void theDefaultJacobianIsAReversePassPerRowAndTheReasonSaysWhichModeItTook() {
        double[][] d = FitBitsTest.mm(3_000, 7);
        String[] names = {"a", "b"};
        FitData data = FitData.fromColumn(d[0], d[1], null, FitData.WeightKind.NONE, MissingValues.DROP);
        Residuals compiled = new Residuals(FitBitsTest.MM, data, null, names);
        Residuals reverse = new Residuals(FitBitsTest.MM, data, Mode.REVERSE, names);
        assertEquals(Mode.FORWARD, compiled.mode(), "the default takes the compiled rows");
        for (double[] p : new double[][] {{1.5, 0.5}, {2.0, 0.8}, {-3.0, 1e-3}}) {
            ModelEvaluator.Eval a = compiled.evaluate(p);
            ModelEvaluator.Eval b = reverse.evaluate(p);
            for (int i = 0; i < a.jacobian().length; i++) {
                assertEquals(Double.doubleToRawLongBits(b.jacobian()[i]), Double.doubleToRawLongBits(a.jacobian()[i]),
                        "Jacobian entry " + i + " at " + Arrays.toString(p));
            }
            for (int i = 0; i < a.values().length; i++) {
                assertEquals(Double.doubleToRawLongBits(b.values()[i]), Double.doubleToRawLongBits(a.values()[i]));
            }
        }
        assertEquals("exact reverse-mode", compiled.jacobianKind());
        assertEquals("exact reverse-mode", reverse.jacobianKind());
        FitResult r = Fitter.of(FitBitsTest.MM).start(1.5, 0.5).to(d[0], d[1]);
        assertTrue(r.converged() && r.reason().contains("with the exact reverse-mode Jacobian"), r.reason());

        // a tensor inside the model: its rows cannot be replayed, one forward pass over all rows
        Model tensorInside = (p, x) -> tensor(p[0], p[1]).times(-x[0]).exp().sum();
        double[] x = new double[200];
        double[] y = new double[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.02 * i;
            y[i] = Math.exp(-0.5 * x[i]) + Math.exp(-2.0 * x[i]);
        }
        FitResult t = Fitter.of(tensorInside).start(0.4, 2.5).to(x, y);
        assertTrue(t.converged(), t.reason());
        assertTrue(t.reason().contains("with the exact forward-mode Jacobian"), t.reason());
    }

    /**
     * Above {@link Residuals#FORWARD_LIMIT} parameters the default still takes the compiled rows
     * (their cost does not grow with p): a global-style model of 30 parameters, ten groups of
     * rows each with its own a·exp(−b·x) + c, fits to exactly the bits of {@code mode(REVERSE)}
     * (a recording and sweep per row per pass; the refinement's curvature, above the limit, per
     * row in both); and a model of 30 parameters whose rows cannot be replayed (a tensor inside)
     * takes a reverse pass per row after the first pass, not a forward pass with 30 tangents.
     */
    @Test
    void manyParametersTakeTheCompiledRowsWithTheBitsOfAReversePassPerRow() {
        int groups = 10;
        int per = 400;
        double[][] x = new double[groups * per][];
        double[] y = new double[groups * per];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < per; i++) {
                double t = 4.0 * i / per;
                x[g * per + i] = new double[] {g, t};
                y[g * per + i] = (1.0 + 0.1 * g) * Math.exp(-(0.5 + 0.05 * g) * t) + 0.2 + 0.01 * rnd.nextGaussian();
            }
        }
        Model m = (p, row) -> {
            int g = (int) row[0];
            return p[3 * g].times(exp(p[3 * g + 1].times(-row[1]))).plus(p[3 * g + 2]);
        };
        double[] start = new double[3 * groups];
        for (int g = 0; g < groups; g++) {
            start[3 * g] = 1.2;
            start[3 * g + 1] = 0.6;
            start[3 * g + 2] = 0.1;
        }
        assertTrue(start.length > Residuals.FORWARD_LIMIT);
        FitResult compiled = Fitter.of(m).start(start).to(x, y);
        FitResult reverse = Fitter.of(m).start(start).mode(Mode.REVERSE).to(x, y);
        assertTrue(compiled.converged(), compiled.reason());
        assertTrue(compiled.reason().contains("with the exact reverse-mode Jacobian"), compiled.reason());
        assertEquals(reverse.evaluations(), compiled.evaluations());
        for (int j = 0; j < start.length; j++) {
            assertEquals(Double.doubleToRawLongBits(reverse.parameters()[j]), Double.doubleToRawLongBits(compiled.parameters()[j]),
                    "parameter " + j);
            assertEquals(Double.doubleToRawLongBits(reverse.standardErrors()[j]),
                    Double.doubleToRawLongBits(compiled.standardErrors()[j]), "standard error " + j);
        }
        for (int g = 0; g < groups; g++) {
            assertEquals(1.0 + 0.1 * g, compiled.parameters()[3 * g], 10 * compiled.standardErrors()[3 * g]);
        }

        // the compiled rows call the model on the first pass only; later passes replay
        FitData data = FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
        String[] names = new String[start.length];
        for (int j = 0; j < names.length; j++) {
            names[j] = "p" + j;
        }
        int[] calls = {0};
        Model counted = (p, row) -> {
            calls[0]++;
            return m.apply(p, row);
        };
        Residuals three = new Residuals(counted, data, null, names);
        assertEquals(Mode.FORWARD, three.mode());
        for (int k = 0; k < 3; k++) {
            double[] q = start.clone();
            q[k] += 0.01;
            three.evaluate(q);
        }
        // (once more for the first row of each group but the first: recorded lean after the
        // group before it, it leaves that shape and is recorded again in full)
        assertEquals(x.length + groups - 1, calls[0], "three passes, each row recorded once");

        // rows that cannot be replayed: the first pass finds it, then a reverse pass per row
        Model tensorInside = (p, row) -> {
            int g = (int) row[0];
            return tensor(p[3 * g], p[3 * g + 2]).sum().plus(p[3 * g].times(exp(p[3 * g + 1].times(-row[1]))));
        };
        Residuals r = new Residuals(tensorInside, data, null, names);
        Residuals perRow = new Residuals(tensorInside, data, Mode.REVERSE, names);
        r.evaluate(start);                             // the first pass: rows found not to replay
        double[] q = start.clone();
        q[4] += 0.01;
        ModelEvaluator.Eval a = r.evaluate(q);
        ModelEvaluator.Eval b = perRow.evaluate(q);
        for (int i = 0; i < a.jacobian().length; i++) {
            assertEquals(Double.doubleToRawLongBits(b.jacobian()[i]), Double.doubleToRawLongBits(a.jacobian()[i]),
                    "Jacobian entry " + i);
        }
        assertEquals("exact reverse-mode", r.jacobianKind());
    }

    private static Solver.Solution solve(ModelEvaluator e, double[] start, double[] y, double[] w) {
        ParameterSet ps = ParameterSet.unconstrained(new String[] {"p0", "p1", "p2", "p3", "p4"}, start);
        LeastSquares ls = new LeastSquares(e, ps, y, w, Loss.LINEAR, 1.0);
        return Solver.solve(ls, ps.freeOf(start), 1000);
    }

    private static double valueAt(Model m, double[] p, double[] x, int i) {
        double[] row = {x[2 * i], x[2 * i + 1]};
        return m.apply(Arrays.stream(p).mapToObj(v -> constant(v)).toArray(Num[]::new), row).value();
    }

    /** The compiled path, checking every evaluation against the per-row reverse pass to the bit. */
    private static final class Compiled extends PerRow {
        final RowEngine engine;
        int checked;

        Compiled(Model m, double[] x, int n) {
            super(m, x, n);
            engine = new RowEngine(m, x, 2, 5, i -> { });
        }

        @Override
        public Eval evaluate(double[] p) {
            passes++;
            double[] v = new double[n];
            double[] j = new double[5 * n];
            engine.evaluateNamingTheRow(p, v, 0, j, 0, n);
            Eval want = super.evaluate(p);
            passes--;
            for (int i = 0; i < v.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want.values()[i]), Double.doubleToRawLongBits(v[i]), "value of row " + i);
            }
            for (int i = 0; i < j.length; i++) {
                int row = i % n;
                int col = i / n;
                assertEquals(Double.doubleToRawLongBits(want.jacobian()[i]), Double.doubleToRawLongBits(j[i]),
                        () -> "∂m" + row + "/∂p" + col + " at " + Arrays.toString(p));
            }
            checked++;
            return new Eval(v, j);
        }

        @Override
        public double[][] curvature(double[] p, double[] c) {
            passes++;
            return engine.curvatureNamingTheRow(p, c);
        }
    }

    /** The per-row path: a reverse pass per row, a forward-over-reverse Hessian per row. */
    private static class PerRow implements ModelEvaluator {
        final Model model;
        final double[] x;
        final int n;
        int passes;

        PerRow(Model model, double[] x, int n) {
            this.model = model;
            this.x = x;
            this.n = n;
        }

        double[] row(int i) {
            return new double[] {x[2 * i], x[2 * i + 1]};
        }

        @Override
        public int rows() {
            return n;
        }

        @Override
        public int parameters() {
            return 5;
        }

        @Override
        public Eval evaluate(double[] p) {
            passes++;
            double[] v = new double[n];
            double[] j = new double[5 * n];
            for (int i = 0; i < n; i++) {
                double[] r = row(i);
                int at = i;
                double[][] jr = jacobian(Mode.REVERSE, q -> {
                    Num out = model.apply(q, r);
                    v[at] = out.value();
                    return new Num[] {out};
                }, p);
                for (int c = 0; c < 5; c++) {
                    j[c * n + i] = jr[0][c];
                }
            }
            return new Eval(v, j);
        }

        @Override
        public double[][] curvature(double[] p, double[] c) {
            passes++;
            double[][] s = new double[5][5];
            for (int i = 0; i < n; i++) {
                double[] r = row(i);
                double ci = c[i];
                double[][] hi = hessian(Mode.FORWARD, Mode.REVERSE, q -> model.apply(q, r).times(ci), p);
                for (int a = 0; a < 5; a++) {
                    for (int b = 0; b < 5; b++) {
                        s[a][b] += hi[a][b];
                    }
                }
            }
            for (double[] rowOfS : s) {
                for (double v : rowOfS) {
                    if (!Double.isFinite(v)) {
                        return null;
                    }
                }
            }
            return s;
        }

        @Override
        public double[] values(double[] p) {
            return evaluate(p).values();
        }

        @Override
        public String jacobianKind() {
            return "exact reverse-mode";
        }

        @Override
        public int passes() {
            return passes;
        }
    }
}
