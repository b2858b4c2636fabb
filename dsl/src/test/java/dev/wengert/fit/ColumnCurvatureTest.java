package dev.wengert.fit;

import dev.wengert.compile.SecondOrder;
import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static dev.wengert.Wengert.exp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The curvature term Σᵢ cᵢ·∇²mᵢ(p) of a column model (the refinement's exact Hessian in
 * {@code fitColumns}) is taken by the sweeps over its recorded tensor nodes; it must equal, within
 * rounding, the same term of the equivalent per-row model (the compiled rows' second-order pass)
 * and the nested forward-over-reverse Hessian of the weighted sum, the independent oracle.
 */
class ColumnCurvatureTest {
    // two Gaussian peaks on a decay (exp, square, div, neg, plus, times): NIST Gauss1's shape
    static final Model ROW = (p, x) -> p[0].times(exp(p[1].times(-x[0])))
            .plus(p[2].times(exp(p[3].neg().plus(x[0]).square().div(p[4].square()).neg())))
            .plus(p[5].times(exp(p[6].neg().plus(x[0]).square().div(p[7].square()).neg())));
    static final ColumnModel COL = (p, x) -> x[0].times(p[1]).neg().exp().times(p[0])
            .plus(x[0].minus(p[3]).square().div(p[4].square()).neg().exp().times(p[2]))
            .plus(x[0].minus(p[6]).square().div(p[7].square()).neg().exp().times(p[5]));
    static final String[] NAMES = {"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"};

    /** One of SecondOrder's counters (package-private in dev.wengert.compile, which tests of this package cannot name). */
    static long counter(String name) {
        try {
            Field f = SecondOrder.class.getDeclaredField(name);
            f.setAccessible(true);
            return ((AtomicLong) f.get(null)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("SecondOrder." + name + ": " + e, e);
        }
    }

    @Test
    void columnCurvatureEqualsThePerRowOneAndTheNestedHessian() {
        int n = 400;
        Random r = new Random(11);
        double[][] x = new double[n][];
        double[] y = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {250.0 * i / n};
            y[i] = r.nextGaussian();
            c[i] = r.nextDouble() - 0.5;          // weights of both signs, as residuals are
        }
        FitData d = FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
        double[] p = {94, 0.0105, 99, 63, 25, 71, 180, 20};
        long swept = counter("HESSIANS_BY_SWEEPS");
        long fallbacks = counter("FALLBACKS");
        double[][] byColumns = Residuals.ofColumns(Dataset.ofColumns(COL, d, NAMES), Mode.FORWARD, NAMES).curvature(p, c);
        // taken by the sweeps over the tensor nodes, once, none of them falling back to nested values
        assertEquals(swept + 1, counter("HESSIANS_BY_SWEEPS"), "the column curvature was not taken by the sweeps");
        assertEquals(fallbacks, counter("FALLBACKS"), "a sweep fell back to nested values");
        double[][] byRows = new Residuals(ROW, d, Mode.FORWARD, NAMES).curvature(p, c);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = x[i][0];
        }
        double[][] nested = Functional.hessian(Mode.FORWARD, Mode.REVERSE,
                par -> COL.apply(par, new Tensor[] {Tensor.of(xs)}).dot(Tensor.of(c)), p);
        assertNotNull(byColumns);
        assertNotNull(byRows);
        for (int a = 0; a < p.length; a++) {
            for (int b = 0; b < p.length; b++) {
                // rounding: the terms are added in other orders; scale by the largest of the row
                double scale = 0;
                for (int k = 0; k < p.length; k++) {
                    scale = Math.max(scale, Math.abs(nested[a][k]));
                }
                double tol = 1e-11 * scale;
                assertEquals(nested[a][b], byColumns[a][b], tol, "column curvature [" + a + "][" + b + "]");
                assertEquals(nested[a][b], byRows[a][b], tol, "per-row curvature [" + a + "][" + b + "]");
            }
        }
        // symmetric to rounding, as a Hessian is
        for (int a = 0; a < p.length; a++) {
            for (int b = 0; b < a; b++) {
                assertEquals(byColumns[a][b], byColumns[b][a], 1e-11 * (Math.abs(byColumns[a][b]) + Math.abs(byColumns[a][a])),
                        "symmetry [" + a + "][" + b + "]");
            }
        }
    }
}
