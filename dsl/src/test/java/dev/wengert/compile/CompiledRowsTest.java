package dev.wengert.compile;

import dev.wengert.core.Mode;
import dev.wengert.core.NonFiniteException;
import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Compiled rows: every replayed row's value and gradient equal to a per-row reverse pass (to the
 * bit; a function that cannot be replayed: a forward pass, to the bit),
 * with each row recorded once, rows that change branch recorded again, constants kept once
 * when all rows share them, and a function that cannot be replayed evaluated row by row.
 * (Random models: {@code fuzz.CompiledRowsFuzzTest}.)
 */
class CompiledRowsTest {
    // y = a·x/(b + x)
    static final RowFn MM = (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0]));

    @AfterEach
    void checkingOff() {
        checkNonFinite(false);
    }

    static double[] column(int m) {
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 0.02 + 5.0 * (i + 0.5) / m;
        }
        return x;
    }

    /** Row i's value and gradient by a forward pass of its own. */
    static double[] forward(RowFn f, double[] p, double[] x) {
        return perRow(Mode.FORWARD, f, p, x);
    }

    /** Row i's value and gradient by a reverse pass of its own (a recording and a backward sweep). */
    static double[] reverse(RowFn f, double[] p, double[] x) {
        return perRow(Mode.REVERSE, f, p, x);
    }

    static double[] perRow(Mode mode, RowFn f, double[] p, double[] x) {
        double[] out = new double[1 + p.length];
        double[][] j = jacobian(mode, q -> {
            Num y = f.apply(q, x);
            out[0] = y.value();
            return new Num[] {y};
        }, p);
        System.arraycopy(j[0], 0, out, 1, p.length);
        return out;
    }

    /**
     * Evaluates every row at p and checks each against a pass of its own, to the bit (raw bits:
     * signed zeros and NaN payloads count): a replayed row against a reverse pass, the rows of a
     * function that cannot be replayed against a forward pass.
     */
    static void samePerRow(RowFn f, CompiledRows c, double[] data, int width, double[] p) {
        int m = c.rows();
        double[] v = new double[m];
        double[] jac = new double[m * p.length];
        c.evaluate(p, v, jac);
        boolean replayed = c.replayed();
        for (int i = 0; i < m; i++) {
            double[] x = java.util.Arrays.copyOfRange(data, i * width, (i + 1) * width);
            double[] want = replayed ? reverse(f, p, x) : forward(f, p, x);
            assertEquals(Double.doubleToRawLongBits(want[0]), Double.doubleToRawLongBits(v[i]), "value of row " + i);
            for (int j = 0; j < p.length; j++) {
                if (replayed && Double.isNaN(want[1 + j]) && !Double.isNaN(jac[j * m + i])) {
                    // the reverse pass's 0·∞ where the replay's zeros are strong: forward mode's value
                    want[1 + j] = forward(f, p, x)[1 + j];
                }
                int row = i;
                int col = j;
                assertEquals(Double.doubleToRawLongBits(want[1 + j]), Double.doubleToRawLongBits(jac[j * m + i]),
                        () -> "∂/∂p" + col + " of row " + row + ": " + (replayed ? "reverse" : "forward") + " pass "
                                + want[1 + col] + ", compiled " + jac[col * m + row]);
            }
        }
    }

    @Test
    void michaelisMentenRecordedOnceThenReplayed() {
        double[] x = column(1000);
        CompiledRows c = new CompiledRows(MM, 2, x, 0, 1, 1, 1000);
        samePerRow(MM, c, x, 1, new double[] {2.0, 0.8});
        samePerRow(MM, c, x, 1, new double[] {1.5, 0.3});
        samePerRow(MM, c, x, 1, new double[] {-4.0, 12.0});
        assertEquals(1000, c.recordings(), "each row recorded once");
        assertEquals(1, c.shapes());
        // x is used twice (p0·x and p1 + x): two varying constants, one column of 8 bytes per row
        assertEquals(8.0, c.bytesPerRow(), 0.5);
        assertTrue(c.replayed());
    }

    @Test
    void curvatureIsTheWeightedSumOfTheRowsHessians() {
        // f = a·x/(b + x): f_aa = 0, f_ab = −x/(b + x)², f_bb = 2a·x/(b + x)³
        double[] x = column(300);
        double[] c = new double[300];
        for (int i = 0; i < 300; i++) {
            c[i] = Math.sin(i);
        }
        CompiledRows rows = new CompiledRows(MM, 2, x, 0, 1, 1, 300);
        double a = 2.0;
        double b = 0.8;
        double[][] h = rows.curvature(new double[] {a, b}, c);
        double ab = 0;
        double bb = 0;
        double scale = 0;
        for (int i = 0; i < 300; i++) {
            double u = b + x[i];
            ab += c[i] * -x[i] / (u * u);
            bb += c[i] * 2 * a * x[i] / (u * u * u);
            scale += Math.abs(2 * a * x[i] / (u * u * u));
        }
        assertEquals(0.0, h[0][0], 0.0);
        assertEquals(ab, h[0][1], 1e-14 * scale);
        assertEquals(h[0][1], h[1][0], 0.0);
        assertEquals(bb, h[1][1], 1e-14 * scale);
    }

    /** Issue 19, item 1: once recorded, a pass allocates nothing per row or per operation (counted, not timed). */
    @Test
    void aReplayAllocatesNothingPerRow() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // two exponentials and an offset: 8 operations per row, 5 parameters
        RowFn exp2 = (p, x) -> p[0].times(exp(p[1].times(-x[0]))).plus(p[2].times(exp(p[3].times(-x[0])))).plus(p[4]);
        int m = 20_000;
        double[] x = column(m);
        CompiledRows rows = new CompiledRows(exp2, 5, x, 0, 1, 1, m);
        double[] v = new double[m];
        double[] jac = new double[5 * m];
        double[] c = new double[m];
        java.util.Arrays.fill(c, 1.0);
        double[] p = {3, 1.5, 1.5, 0.2, 0.5};
        for (int k = 0; k < 5; k++) {
            rows.evaluate(p, v, jac);                  // records every row once, then warms up
            rows.curvature(p, c);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 10; k++) {
            p[0] += 1e-3;
            rows.evaluate(p, v, jac);
            rows.evaluate(p, v, null);
            rows.curvature(p, c);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 30 passes over 20,000 rows of 8 operations: one 16-byte object per row would be 9.6 MB
        assertTrue(allocated < 64 * 1024, "30 passes over " + m + " rows allocated " + allocated + " bytes");
        assertEquals(m, rows.recordings());
    }

    /**
     * jacobianFinite(): true when every gradient the replay wrote is finite, false when one is
     * infinite (∂√(p₀ − x)/∂p₀ where p₀ = x) or NaN, when no Jacobian was asked for, and when
     * the rows were evaluated by the forward pass instead: the fit skips its own check only when
     * true. Each evaluation tells of its own Jacobian.
     */
    @Test
    void theReplayTellsWhetherItsJacobianIsFinite() {
        RowFn f = (p, x) -> p[0].minus(x[0]).sqrt().plus(p[1].times(x[0]));
        double[] x = column(300);                   // 0.02 … 5.01
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 300);
        double[] values = new double[300];
        double[] jac = new double[600];
        c.evaluate(new double[] {6.0, 0.5}, values, jac);
        assertTrue(java.util.Arrays.stream(jac).allMatch(Double::isFinite));
        assertTrue(c.jacobianFinite());
        c.evaluate(new double[] {x[299], 0.5}, values, jac);     // the last row: √0, an infinite gradient
        assertEquals(Double.POSITIVE_INFINITY, jac[299]);
        assertTrue(java.util.Arrays.stream(jac, 0, 299).allMatch(Double::isFinite));
        assertFalse(c.jacobianFinite());
        c.evaluate(new double[] {x[10], 0.5}, values, jac);      // rows 11 … : √ of a negative number, NaN
        assertTrue(Double.isNaN(jac[200]));
        assertFalse(c.jacobianFinite());
        c.evaluate(new double[] {6.5, 0.5}, values, jac);
        assertTrue(c.jacobianFinite(), "finite again");
        c.evaluate(new double[] {6.6, 0.5}, values, null);
        assertFalse(c.jacobianFinite(), "values alone: no Jacobian to tell of");
        CompiledRows t = new CompiledRows((p, r) -> tensor(p[0], p[1]).times(r[0]).exp().sum(), 2, x, 0, 1, 1, 300);
        t.evaluate(new double[] {0.1, 0.2}, values, jac);
        assertFalse(t.replayed());
        assertTrue(java.util.Arrays.stream(jac).allMatch(Double::isFinite));
        assertFalse(t.jacobianFinite(), "rows evaluated by the forward pass: not known");
    }

    @Test
    void constantsSharedByAllRowsAreKeptOnce() {
        // y = 3·p0 + p1·x + 1: the 3 and the 1 are the same in every row, only x varies
        RowFn f = (p, x) -> p[0].times(3).plus(p[1].times(x[0])).plus(1);
        double[] x = column(500);
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 500);
        samePerRow(f, c, x, 1, new double[] {0.5, 2.0});
        assertEquals(8.0, c.bytesPerRow(), 0.5);
    }

    @Test
    void rowsThatChangeBranchAreRecordedAgain() {
        // a broken stick: slope p1 below the breakpoint p2, slope p3 above it
        RowFn stick = (p, x) -> p[2].gt(x[0]) ? p[0].plus(p[1].times(x[0]))
                : p[0].plus(p[1].times(p[2])).plus(p[3].times(p[2].neg().plus(x[0])));
        double[] x = column(400);
        CompiledRows c = new CompiledRows(stick, 4, x, 0, 1, 1, 400);
        samePerRow(stick, c, x, 1, new double[] {1, 2, 2.5, -1});
        assertEquals(400, c.recordings());
        assertEquals(2, c.shapes(), "one shape per side of the breakpoint");
        // moving the breakpoint from 2.5 to 3.0 moves the rows in between to the other branch
        samePerRow(stick, c, x, 1, new double[] {1, 2, 3.0, -1});
        int between = 0;
        for (double v : x) {
            between += v >= 2.5 && v < 3.0 ? 1 : 0;
        }
        assertEquals(400 + between, c.recordings(), "only the rows that changed side were recorded again");
        samePerRow(stick, c, x, 1, new double[] {1, 2, 0.5, -1});
    }

    /**
     * xᵖ with the row's x as base: the exponent's partial xᵖ·log x takes log x kept per row
     * since the row was added (RowShape.logBase), the same bits as the rule computing it, in
     * rows that stay, rows that move to the other branch's shape (and grow its arrays) and
     * back, at x = 0 (log 0 = −∞, the partial 0 by the rule's convention) and for a base shared
     * by every row (a uniform slot).
     */
    @Test
    void aConstantPowersBaseKeepsItsLogPerRow() {
        RowFn f = (p, x) -> p[2].gt(x[0]) ? pow(x[0], p[0]).plus(pow(3.0, p[1]))
                : pow(x[0], p[1]).times(2).plus(pow(3.0, p[0]));
        double[] x = column(500);
        x[7] = 0.0;
        CompiledRows c = new CompiledRows(f, 3, x, 0, 1, 1, 500);
        samePerRow(f, c, x, 1, new double[] {1.5, 0.7, 2.5});
        assertEquals(2, c.shapes());
        samePerRow(f, c, x, 1, new double[] {0.3, 2.2, 4.5});         // rows 2.5 … 4.5 move below
        samePerRow(f, c, x, 1, new double[] {-1.2, 0.4, 0.1});        // nearly every row moves above
        samePerRow(f, c, x, 1, new double[] {2.0, 1.0, 2.5});
        assertTrue(c.recordings() > 900, c.recordings() + " recordings: rows moved both ways");
    }

    @Test
    void columnsThatWereEqualSplitWhenARowDiffers() {
        // on the first pass the rows below the breakpoint have x0 = x1, so the two constants of
        // their shape share one column; rows moving there later have x0 ≠ x1
        RowFn f = (p, x) -> p[2].gt(x[2]) ? p[0].times(x[0]).plus(p[1].times(x[1])) : p[0].times(x[0]).plus(p[1].times(x[1]));
        int m = 200;
        double[] data = new double[3 * m];
        for (int i = 0; i < m; i++) {
            double t = i / (double) m;
            data[3 * i] = 1 + t;
            data[3 * i + 1] = t < 0.5 ? 1 + t : 3 - t;
            data[3 * i + 2] = t;
        }
        CompiledRows c = new CompiledRows(f, 3, data, 0, 3, 3, m);
        samePerRow(f, c, data, 3, new double[] {2, 3, 0.5});
        samePerRow(f, c, data, 3, new double[] {2, 3, 0.9});     // rows 100–179 join the first shape
        samePerRow(f, c, data, 3, new double[] {2, 3, 0.1});
    }

    @Test
    void aValueReadInPlainJavaIsGuarded() {
        // the model reads a value and branches on it in plain Java: every replay must check it
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]);
            double cap = a.value() > 2 ? 2 : a.value();
            return a.plus(cap);
        };
        double[] x = column(50);
        CompiledRows c = new CompiledRows(f, 1, x, 0, 1, 1, 50);
        samePerRow(f, c, x, 1, new double[] {0.7});
        samePerRow(f, c, x, 1, new double[] {0.9});
    }

    @Test
    void nAryRulesWithRowConstantsPowersAndConstantOutputs() {
        RowFn f = (p, x) -> sum(p[0], constant(x[0]), p[1].times(x[1]), constant(2.0))
                .plus(logsumexp(p[0], constant(x[1]))).plus(pow(x[0], p[1])).plus(p[0].pow(2.5));
        double[] data = {0.5, 1.5, 1.0, 0.25, 2.0, 3.0, 0.75, 0.1};
        CompiledRows c = new CompiledRows(f, 2, data, 0, 2, 2, 4);
        samePerRow(f, c, data, 2, new double[] {0.3, 1.7});
        samePerRow(f, c, data, 2, new double[] {1.3, -0.7});
        // a model that returns a constant (or a parameter) for some rows
        RowFn g = (p, x) -> x[0] > 1 ? constant(x[0] * 2) : x[0] > 0.6 ? p[1] : p[0].times(x[0]);
        CompiledRows d = new CompiledRows(g, 2, data, 0, 2, 2, 4);
        samePerRow(g, d, data, 2, new double[] {0.3, 1.7});
        assertEquals(3, d.shapes());
    }

    @Test
    void aFunctionThatCannotBeReplayedIsEvaluatedRowByRow() {
        // tensor operations inside a row model: array nodes, which a row replay does not run
        RowFn f = (p, x) -> tensor(p[0], p[1]).times(x[0]).exp().sum();
        double[] x = column(20);
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 20);
        samePerRow(f, c, x, 1, new double[] {1.2, 0.4});
        assertFalse(c.replayed());
        assertTrue(c.toString().contains("row by row"), c.toString());
    }

    @Test
    void checkingModeStopsWhereAForwardPassWould() {
        RowFn f = (p, x) -> p[0].minus(x[0]).log();
        double[] x = {0.5, 1.0, 2.0};
        CompiledRows c = new CompiledRows(f, 1, x, 0, 1, 1, 3);
        double[] v = new double[3];
        c.evaluate(new double[] {3.0}, v, new double[3]);
        checkNonFinite(true);
        // at p = 1.5 the third row takes the log of −0.5
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> c.evaluate(new double[] {1.5}, v, new double[3]));
        assertEquals("log", e.operation());
        assertEquals(2, c.rowInProgress(), "the row it stopped at");
        // nothing was lost: back where every row is defined, every row is there
        samePerRow(f, c, x, 1, new double[] {3.5});
    }

    @Test
    void aFirstPassThatThrowsResumesAtTheRowItStoppedAt() {
        boolean[] fail = {true};
        RowFn f = (p, x) -> {
            if (x[0] > 2 && fail[0]) {
                throw new IllegalStateException("not yet");
            }
            return MM.apply(p, x);
        };
        double[] x = column(100);
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 100);
        assertThrows(IllegalStateException.class, () -> c.evaluate(new double[] {2, 0.8}, new double[100], null));
        int stopped = c.rowInProgress();
        assertTrue(x[stopped] > 2 && x[stopped - 1] <= 2, "row " + stopped);
        fail[0] = false;
        samePerRow(f, c, x, 1, new double[] {2.0, 0.8});
        assertEquals(100, c.recordings(), "each row recorded once: the rows before it were not recorded twice");
    }

    @Test
    void anotherThreadRecordsOnItsOwnTape() throws Exception {
        double[] x = column(300);
        CompiledRows c = new CompiledRows(MM, 2, x, 0, 1, 1, 300);
        samePerRow(MM, c, x, 1, new double[] {2.0, 0.8});
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                samePerRow(MM, c, x, 1, new double[] {2.5, 0.6});
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertNull(failure.get());
    }

    @Test
    void badArgumentsAreNamed() {
        double[] x = column(10);
        assertThrows(IllegalArgumentException.class, () -> new CompiledRows(null, 2, x, 0, 1, 1, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CompiledRows(MM, 2, x, 0, 1, 1, 11));
        assertTrue(e.getMessage().contains("11 rows"), e.getMessage());
        CompiledRows c = new CompiledRows(MM, 2, x, 0, 1, 1, 10);
        e = assertThrows(IllegalArgumentException.class, () -> c.evaluate(new double[] {1}, new double[10], null));
        assertTrue(e.getMessage().contains("1 parameter values for a function of 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.evaluate(new double[] {1, 2}, new double[10], new double[10]));
        assertTrue(e.getMessage().contains("10×2"), e.getMessage());
        RowFn nul = (p, r) -> null;
        CompiledRows n = new CompiledRows(nul, 1, x, 0, 1, 1, 10);
        e = assertThrows(IllegalArgumentException.class, () -> n.evaluate(new double[] {1}, new double[10], null));
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
        assertEquals(0, n.rowInProgress());
    }
}
