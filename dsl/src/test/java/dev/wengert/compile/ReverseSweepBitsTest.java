package dev.wengert.compile;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.CompiledRowsTest.forward;
import static dev.wengert.compile.CompiledRowsTest.reverse;
import static dev.wengert.compile.CompiledRowsTest.samePerRow;
import static dev.wengert.compile.WithThreads.withThreads;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The replay's Jacobian is a reverse sweep over each block ({@code RowShape.Work.reverse}): every
 * row's gradient must be that of a reverse pass of the row's own (a recording and
 * {@code Tape.backward}), to the raw bit, in the cases where the order and the zeros of the
 * sweep matter: signed zeros, a parameter several operations use, an operation with the same
 * operand twice (x·x recorded as × of a node with itself), n-ary rules with constant and
 * repeated arguments, a constant output, an output that is a parameter, a parameter the output
 * never reaches, NaN from 0·∞; and in global-fit layouts (offsets, a leading dimension), many
 * shapes, rows moving between shapes, several threads.
 */
class ReverseSweepBitsTest {

    static double bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    /** Row i's ∂/∂pⱼ from the compiled rows (column-major, m rows). */
    static double[] jacobianAt(CompiledRows c, double[] p) {
        double[] jac = new double[c.rows() * p.length];
        c.evaluate(p, new double[c.rows()], jac);
        return jac;
    }

    @Test
    void aNegativeZeroPartialGivesThePositiveZeroOfTheTapesSum() {
        // ∂(p0·x)/∂p0 at x = −0.0: the tape adds −0.0·1 to its zero-filled adjoint, 0.0 + −0.0 = +0.0;
        // forward mode carries the tangent −0.0 itself. The compiled rows give the tape's.
        RowFn f = (p, x) -> p[0].times(x[0]);
        double[] x = {-0.0, 0.0, 2.0};
        CompiledRows c = new CompiledRows(f, 1, x, 0, 1, 1, 3);
        double[] jac = jacobianAt(c, new double[] {1.5});
        assertEquals(bits(0.0), bits(jac[0]), "reverse: +0.0");
        assertEquals(bits(reverse(f, new double[] {1.5}, new double[] {-0.0})[1]), bits(jac[0]));
        assertEquals(bits(-0.0), bits(forward(f, new double[] {1.5}, new double[] {-0.0})[1]),
                "forward mode differs here (so the oracle can tell the two apart)");
        samePerRow(f, c, x, 1, new double[] {1.5});
        samePerRow(f, c, x, 1, new double[] {-0.0});
    }

    @Test
    void aParameterUsedSeveralTimesSumsItsContributionsInTheSweepsOrder() {
        // p0·a + p0·b + p0·c: the sweep adds c, then b, then a into p0's adjoint; forward mode
        // adds a + b, then c. With a = 1, b = 1e-16, c = −1 the two orders round differently.
        RowFn f = (p, x) -> p[0].times(x[0]).plus(p[0].times(x[1])).plus(p[0].times(x[2])).plus(p[1]);
        double[] data = {1.0, 1e-16, -1.0, 2.0, 3.0, 5.0};
        CompiledRows c = new CompiledRows(f, 2, data, 0, 3, 3, 2);
        double[] p = {0.7, 0.2};
        double[] jac = jacobianAt(c, p);
        assertEquals((-1.0 + 1e-16) + 1.0, jac[0], 0.0, "c + b + a, in the sweep's order");
        assertNotEquals((1.0 + 1e-16) + -1.0, jac[0], "not forward mode's a + b + c");
        assertNotEquals(bits(forward(f, p, new double[] {1.0, 1e-16, -1.0})[1]), bits(jac[0]));
        samePerRow(f, c, data, 3, p);
    }

    @Test
    void anOperationWithTheSameOperandTwice() {
        // x·x and x + x record the node as both operands; square(x) once; and a node used by two
        // later operations of its own
        RowFn f = (p, x) -> {
            Num u = p[0].times(x[0]).plus(p[1]);
            Num v = u.times(u).plus(u.plus(u)).minus(square(u)).plus(u.div(u));
            return v.times(v).plus(p[2].times(p[2]).times(x[1]));
        };
        double[] data = new double[2 * 300];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextDouble(-2, 2);
        }
        CompiledRows c = new CompiledRows(f, 3, data, 0, 2, 2, 300);
        samePerRow(f, c, data, 2, new double[] {0.3, -1.1, 0.8});
        samePerRow(f, c, data, 2, new double[] {-2.5, 0.4, 1e-3});
        assertEquals(1, c.shapes());
    }

    @Test
    void nAryRulesWithConstantAndRepeatedArguments() {
        // sum and logsumexp with the same node twice, constants first, last and in between, and
        // a parameter that only an n-ary rule reaches
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]);
            Num s = sum(constant(x[1]), a, p[1], a, constant(2.0), p[1].times(x[0]), constant(x[0]));
            Num l = logsumexp(a, constant(x[1]), a, p[2]);
            return s.times(l).plus(sum(p[0], p[0])).plus(logsumexp(constant(1.0), s));
        };
        double[] data = new double[2 * 200];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextDouble(-1, 1.5);
        }
        CompiledRows c = new CompiledRows(f, 3, data, 0, 2, 2, 200);
        samePerRow(f, c, data, 2, new double[] {0.3, 1.7, -0.4});
        samePerRow(f, c, data, 2, new double[] {1.3, -0.7, 2.0});
        assertTrue(c.replayed());
    }

    @Test
    void constantOutputsParameterOutputsAndUnreachedParameters() {
        // by row: a constant (no gradient), p1 itself (∂/∂p1 = 1, the tape's seed), p0·x (p1 and
        // p2 unreached: 0.0), p2 alone through a dead branch of work (computed, not used)
        RowFn f = (p, x) -> {
            if (x[0] > 2) {
                return constant(x[0] * 2);
            }
            if (x[0] > 1) {
                return p[1];
            }
            if (x[0] > 0) {
                p[1].times(p[2]).exp();                   // recorded, never reaching the output
                return p[0].times(x[0]);
            }
            return p[2].times(p[0]).times(p[0]).plus(x[0]);
        };
        double[] x = {2.5, 1.5, 0.5, -0.5, 3.0, 0.25, -2.0, 1.25};
        CompiledRows c = new CompiledRows(f, 3, x, 0, 1, 1, x.length);
        double[] p = {0.3, 1.7, -0.2};
        double[] jac = jacobianAt(c, p);
        int m = x.length;
        assertEquals(4, c.shapes());
        for (int j = 0; j < 3; j++) {
            assertEquals(bits(0.0), bits(jac[j * m]), "a constant output: no gradient");
            assertEquals(bits(j == 1 ? 1.0 : 0.0), bits(jac[j * m + 1]), "the output p1 itself");
        }
        assertEquals(bits(0.0), bits(jac[m + 2]), "p1 does not reach p0·x");
        samePerRow(f, c, x, 1, p);
        samePerRow(f, c, x, 1, new double[] {-1.0, 0.0, 4.0});
    }

    @Test
    void infinitePartialsAndNaNAsTheTapeMakesThem() {
        // √(p0 − x) at p0 = x has an infinite partial: times 0 the sweep makes 0·∞ = NaN, as the
        // tape's does; a node the output does not reach with an infinite partial is skipped
        RowFn f = (p, x) -> {
            Num r = sqrt(p[0].minus(x[0]));
            sqrt(p[1].minus(x[0])).times(3);              // not reached: no NaN from it
            return r.times(0.0).plus(p[1].times(x[0]));
        };
        double[] x = {0.5, 0.25, 0.125, 0.375};
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 4);
        samePerRow(f, c, x, 1, new double[] {1.0, 0.5});
        samePerRow(f, c, x, 1, new double[] {0.5, 1.0});
        double[] jac = jacobianAt(c, new double[] {0.5, 1.0});
        assertTrue(Double.isNaN(jac[0]), "0·∞ at the row where p0 = x: " + jac[0]);
        assertEquals(0.0, jac[1], 0.0, "elsewhere 0·finite: " + jac[1]);
        assertEquals(0.5, jac[4], 0.0, "p1's gradient is x, with no NaN from the node not reached");
    }

    @Test
    void aZeroPartialTimesAnInfiniteAdjointIsZeroAsInForwardMode() {
        // √(p0·x) at x = 0: the row's value does not move with p0, but √ has an infinite partial at
        // 0, and a reverse pass of the row multiplies it by ∂(p0·x)/∂p0 = x = 0: NaN. The replay
        // counts that product as zero (forward mode's zero tangent, the true derivative); every
        // other row keeps the reverse pass's bits. Before this rule, a fit of √(b·x) over data
        // with x = 0 failed at every b.
        RowFn f = (p, x) -> sqrt(p[0].times(x[0])).plus(p[1]);
        double[] x = {0.0, 1.0, 2.0, 0.0, 4.0};
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, 5);
        double[] p = {1.5, 0.25};
        double[] jac = jacobianAt(c, p);
        assertTrue(Double.isNaN(reverse(f, p, new double[] {0.0})[1]), "a reverse pass of the row gives 0·∞");
        assertEquals(bits(forward(f, p, new double[] {0.0})[1]), bits(jac[0]), "forward mode's 0");
        assertEquals(0.0, jac[3], 0.0);
        for (int i : new int[] {1, 2, 4}) {
            assertEquals(bits(reverse(f, p, new double[] {x[i]})[1]), bits(jac[i]), "row " + i);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(1.0, jac[5 + i], 0.0, "∂/∂p1 of row " + i);
        }
        samePerRow(f, c, x, 1, p);

        // and a whole fit over such data converges to the least-squares b (Σ√x·y / Σx)
        double[][] rows = {{0.0}, {1.0}, {2.0}, {3.0}, {4.0}};
        double[] y = {0.1, 1.2, 1.3, 1.8, 2.1};
        dev.wengert.fit.FitResult r = fit((dev.wengert.fit.Model) (q, row) -> sqrt(q[0].times(row[0])), rows, y,
                new double[] {1.0});
        assertTrue(r.converged(), r.reason());
        double sxy = 0;
        double sx = 0;
        for (int i = 0; i < 5; i++) {
            sxy += Math.sqrt(rows[i][0]) * y[i];
            sx += rows[i][0];
        }
        double b = (sxy / sx) * (sxy / sx);
        assertEquals(b, r.parameters()[0], 1e-12 * b);
    }

    @Test
    void globalFitLayoutsWriteOnlyTheirRowsAtTheirOffsets() {
        // rows of one dataset among others: value at vOff + i, ∂/∂pⱼ at jOff + j·ld + i; the rest untouched
        RowFn f = (p, x) -> p[0].times(exp(p[1].times(-x[0]))).plus(p[2]).plus(p[0].times(p[1]).times(x[0]));
        int m = 700;
        double[] x = CompiledRowsTest.column(m);
        CompiledRows c = new CompiledRows(f, 3, x, 0, 1, 1, m);
        int vOff = 123;
        int jOff = 45;
        int ld = 1000;
        double[] values = new double[vOff + m + 7];
        double[] jac = new double[jOff + 2 * ld + m + 11];
        java.util.Arrays.fill(values, 99.0);
        java.util.Arrays.fill(jac, 99.0);
        double[] p = {1.3, 0.6, -0.2};
        c.evaluate(p, values, vOff, jac, jOff, ld);
        for (int i = 0; i < m; i++) {
            double[] want = reverse(f, p, new double[] {x[i]});
            assertEquals(bits(want[0]), bits(values[vOff + i]), "value of row " + i);
            for (int j = 0; j < 3; j++) {
                assertEquals(bits(want[1 + j]), bits(jac[jOff + j * ld + i]), "∂/∂p" + j + " of row " + i);
            }
        }
        int written = 0;
        for (double v : jac) {
            written += v == 99.0 ? 0 : 1;
        }
        assertEquals(3 * m, written, "only the dataset's entries");
        for (int i = 0; i < values.length; i++) {
            assertEquals(i >= vOff && i < vOff + m, values[i] != 99.0, "value " + i);
        }
    }

    @Test
    void manyShapesRowsMovingBetweenThemAndSeveralThreads() {
        // branches on the predictor (five shapes from the start) and on the parameters (rows
        // move as p moves), over enough rows for parallel parts; every row against its own
        // reverse pass, with one thread and with three
        RowFn f = (p, x) -> {
            int k = (int) Math.floor(x[1] * 5);
            Num y = switch (k) {
                case 0 -> p[0].times(x[0]).plus(p[1]);
                case 1 -> p[0].times(exp(p[1].times(x[0]).neg()));
                case 2 -> sum(p[0], p[1].times(x[0]), constant(x[1]), p[2].times(p[2]));
                case 3 -> p[2].times(p[2]).div(p[1].times(x[0]).plus(1.5)).plus(p[0]);
                default -> logsumexp(p[0].times(x[0]), p[1], constant(x[1]));
            };
            return p[2].gt(x[0]) ? y : y.plus(p[3].times(p[2].neg().plus(x[0]))).times(y);
        };
        // most rows on the first branch, so that its shapes have enough rows to be split into
        // parallel parts (two parts of Parallel.MIN_ROWS_PER_PART rows at least), the rest spread
        int m = 90_000;
        double[] data = new double[2 * m];
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < m; i++) {
            data[2 * i] = 4.0 * i / m;
            data[2 * i + 1] = rnd.nextDouble() < 0.85 ? 0.1 : rnd.nextDouble();
        }
        double[][] points = {{1.1, 0.4, 2.0, -0.5}, {0.9, 0.45, 2.6, 0.3}, {1.2, 0.3, 1.1, -0.1}};
        for (double[] p : points) {
            // the rows of the first branch on one side of p[2] form one shape: the larger side
            int below = 0;
            int above = 0;
            for (int i = 0; i < m; i++) {
                if (data[2 * i + 1] < 0.2) {
                    below += p[2] > data[2 * i] ? 1 : 0;
                    above += p[2] > data[2 * i] ? 0 : 1;
                }
            }
            assertTrue(Math.max(below, above) >= 2 * Parallel.MIN_ROWS_PER_PART,
                    "a shape of " + Math.max(below, above) + " rows is not split into parts");
        }
        for (String threads : new String[] {"1", "3"}) {
            CompiledRows c = new CompiledRows(f, 4, data, 0, 2, 2, m);
            withThreads(threads, () -> {
                for (double[] p : points) {
                    samePerRow(f, c, data, 2, p);
                }
                return null;
            });
            assertTrue(c.shapes() >= 10, c.shapes() + " shapes");
            assertTrue(c.recordings() > m + 1000, c.recordings() + " recordings: rows moved between shapes");
        }
    }

    @Test
    void randomModelsOfEightParameters() {
        // random expressions of eight parameters and two predictors, each node reused by later
        // ones at random (so parameters and nodes feed several operations, sometimes as both
        // operands), with n-ary rules among them
        for (long seed = 1; seed <= 40; seed++) {
            long s = seed;
            RowFn f = (p, x) -> {
                SplittableRandom r = new SplittableRandom(s);
                java.util.List<Num> nodes = new java.util.ArrayList<>(java.util.Arrays.asList(p));
                int ops = 6 + r.nextInt(20);
                for (int k = 0; k < ops; k++) {
                    Num a = nodes.get(r.nextInt(nodes.size()));
                    Num b = nodes.get(r.nextInt(nodes.size()));
                    double c = x[r.nextInt(2)];
                    nodes.add(switch (r.nextInt(12)) {
                        case 0 -> a.plus(b);
                        case 1 -> a.minus(b);
                        case 2 -> a.times(b);
                        case 3 -> a.div(b.times(b).plus(1));
                        case 4 -> a.times(c);
                        case 5 -> a.plus(c);
                        case 6 -> sin(a).times(b);
                        case 7 -> exp(a.times(-0.1 * c * c));
                        case 8 -> a.times(a);
                        case 9 -> sum(a, constant(c), b, a);
                        case 10 -> logsumexp(a, b, constant(c));
                        default -> tanh(a).minus(c);
                    });
                }
                return nodes.get(nodes.size() - 1).plus(nodes.get(8 + r.nextInt(nodes.size() - 8)));
            };
            int m = 260;
            double[] data = new double[2 * m];
            SplittableRandom rnd = new SplittableRandom(100 + seed);
            for (int i = 0; i < data.length; i++) {
                data[i] = rnd.nextDouble(-1.5, 1.5);
            }
            CompiledRows c = new CompiledRows(f, 8, data, 0, 2, 2, m);
            for (int k = 0; k < 2; k++) {
                double[] p = new double[8];
                for (int j = 0; j < 8; j++) {
                    p[j] = rnd.nextDouble(-1, 1);
                }
                samePerRow(f, c, data, 2, p);
            }
            assertTrue(c.replayed());
            assertEquals(1, c.shapes(), "seed " + seed);
        }
    }
}
