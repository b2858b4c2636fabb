package dev.wengert.fit;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.Locale;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How the Jacobian of a column model is taken, measured (not a pass/fail test): run with
 * {@code mvn -B -ntp -pl dsl test -Dtest=ColumnModelSpeed -Dwengert.fit.speed}. Times are per
 * evaluation (values and the whole Jacobian) on a 10,000-row table, as ratios to the per-row
 * {@link Model} in forward mode, measured in the same run.
 */
class ColumnModelSpeed {
    // y = b1·(1 − exp(−b2·x1)) + b3·x2
    static final Model ROW = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1)).plus(p[2].times(x[1]));
    static final ColumnModel COL = (p, x) -> x[0].times(p[1]).neg().exp().neg().plus(1).times(p[0])
            .plus(x[1].times(p[2]));

    static FitData data(int n) {
        Random r = new Random(7);
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {10.0 * i / n, r.nextDouble()};
            y[i] = 5 * (1 - Math.exp(-0.3 * x[i][0])) + 2 * x[i][1] + 0.05 * r.nextGaussian();
        }
        return FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
    }

    static double msPerEval(Residuals f, double[] p, int reps) {
        for (int k = 0; k < Math.max(1, reps / 2); k++) {
            f.evaluate(p);
        }
        long t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) {
            f.evaluate(p);
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    @Test
    void measure() {
        assumeTrue(System.getProperty("wengert.fit.speed") != null, "set -Dwengert.fit.speed to measure");
        String[] names = {"b1", "b2", "b3"};
        double[] p = {4, 0.2, 1};
        FitData d = data(10_000);
        Residuals row = new Residuals(ROW, d, Mode.FORWARD, names);
        Residuals rowRev = new Residuals(ROW, d, Mode.REVERSE, names);
        Residuals colFwd = Residuals.ofColumns(Dataset.ofColumns(COL, d, names), Mode.FORWARD, names);
        double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        // alternate the candidates over rounds and keep each one's best round (JIT warm-up and GC noise)
        for (int round = 0; round < 6; round++) {
            best[0] = Math.min(best[0], msPerEval(row, p, 20));
            best[1] = Math.min(best[1], msPerEval(colFwd, p, 20));
            best[2] = Math.min(best[2], msPerEval(rowRev, p, 4));
        }
        System.out.printf(Locale.ROOT, "10,000 rows, 3 parameters, ms per evaluation (values + Jacobian), best of 6 rounds:%n");
        System.out.printf(Locale.ROOT, "  per-row Model, forward (dual numbers)         %8.2f  (1.00)%n", best[0]);
        System.out.printf(Locale.ROOT, "  per-row Model, reverse (a sweep per row)      %8.2f  (%.2f)%n", best[2], best[2] / best[0]);
        System.out.printf(Locale.ROOT, "  ColumnModel, forward (element path) (a)=(c)   %8.2f  (%.2f)%n", best[1], best[1] / best[0]);
        for (int n : new int[] {1_000, 2_000}) {
            double colRev = msPerEval(Residuals.ofColumns(Dataset.ofColumns(COL, data(n), names), Mode.REVERSE, names), p, 2);
            double colN = msPerEval(Residuals.ofColumns(Dataset.ofColumns(COL, data(n), names), Mode.FORWARD, names), p, 40);
            System.out.printf(Locale.ROOT, "  %,6d rows: ColumnModel reverse (block tape, a sweep per row) %8.2f ms, forward %6.2f ms (%.0f×)%n",
                    n, colRev, colN, colRev / colN);
        }
        // the refinement's exact Hessian pass (forward over reverse) against an evaluation
        double[] cw = new double[d.size()];
        java.util.Arrays.fill(cw, 0.01);
        for (Residuals f : new Residuals[] {row, colFwd}) {
            double h = Double.POSITIVE_INFINITY;
            double e = Double.POSITIVE_INFINITY;
            for (int round = 0; round < 4; round++) {
                long a = System.nanoTime();
                f.curvature(p, cw);
                h = Math.min(h, (System.nanoTime() - a) / 1e6);
                e = Math.min(e, msPerEval(f, p, 4));
            }
            System.out.printf(Locale.ROOT, "  %s: Hessian pass %.2f ms, evaluation %.2f ms%n",
                    f == row ? "per-row" : "column", h, e);
        }
        // the same Hessian by other mode pairs (per-row model)
        for (Mode[] mm : new Mode[][] {{Mode.FORWARD, Mode.REVERSE}, {Mode.FORWARD, Mode.FORWARD}}) {
            double h = Double.POSITIVE_INFINITY;
            for (int round = 0; round < 4; round++) {
                long a = System.nanoTime();
                hessian(mm[0], mm[1], par -> {
                    Num[] terms = new Num[d.size()];
                    for (int i = 0; i < terms.length; i++) {
                        terms[i] = ROW.apply(par, d.row(i)).times(cw[i]);
                    }
                    return sum(terms);
                }, p);
                h = Math.min(h, (System.nanoTime() - a) / 1e6);
            }
            System.out.printf(Locale.ROOT, "  per-row Hessian %s over %s: %.2f ms%n", mm[0], mm[1], h);
        }
        // plain values, no Jacobian: the block path on doubles
        Tensor[] xs = {tensor(col(d, 0)), tensor(col(d, 1))};
        Num[] cp = {constant(4), constant(0.2), constant(1)};
        long t0 = System.nanoTime();
        for (int k = 0; k < 200; k++) {
            COL.apply(cp, xs).values();
        }
        double colVal = (System.nanoTime() - t0) / 1e6 / 200;
        System.out.printf(Locale.ROOT, "  ColumnModel values only (constants, array ops) %7.2f%n", colVal);
        Table t = Table.create("t", DoubleColumn.create("x1", col(d, 0)), DoubleColumn.create("x2", col(d, 1)),
                DoubleColumn.create("y", d.y));
        for (int k = 0; k < 4; k++) {
            long a = System.nanoTime();
            FitResult r1 = fit(ROW, t, "y", new String[] {"x1", "x2"}, 1, 1, 1);
            long b = System.nanoTime();
            FitResult r2 = fitColumns(COL, t, "y", new String[] {"x1", "x2"}, 1, 1, 1);
            long c = System.nanoTime();
            System.out.printf(Locale.ROOT, "  whole fit: fit %.0f ms (%d evaluations), fitColumns %.0f ms (%d evaluations)%n",
                    (b - a) / 1e6, r1.evaluations(), (c - b) / 1e6, r2.evaluations());
        }
    }

    static double[] col(FitData d, int j) {
        double[] c = new double[d.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = d.x(i, j);
        }
        return c;
    }
}
