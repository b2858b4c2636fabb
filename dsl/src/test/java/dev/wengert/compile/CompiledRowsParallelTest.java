package dev.wengert.compile;

import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import dev.wengert.rules.UnaryRule;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;
import static dev.wengert.compile.WithThreads.withThreads;

/**
 * Compiled rows replayed over several threads ({@link Parallel}, {@code wengert.fit.threads}):
 * the same bits as one thread for every value, Jacobian entry and curvature sum, including
 * rows that change shape between evaluations; the property honoured; and an exception from a
 * block run by a worker the one the calling thread alone would have thrown.
 */
class CompiledRowsParallelTest {
    /** Enough rows that a shape has many blocks (parallel from 2·PART_BLOCKS blocks, 16,384 rows). */
    static final int M = 40_000;

    /** Values, Jacobians and curvature of a sequence of evaluations, all in one array, with the recordings and shapes at the end. */
    static double[] run(RowFn f, int params, double[] data, int width, double[][] points) {
        int m = data.length / width;
        CompiledRows c = new CompiledRows(f, params, data, 0, width, width, m);
        double[] weights = new double[m];
        for (int i = 0; i < m; i++) {
            weights[i] = Math.sin(0.37 * i);
        }
        int per = m + m * params + params * params;
        double[] out = new double[points.length * per + 2];
        for (int k = 0; k < points.length; k++) {
            double[] v = new double[m];
            double[] jac = new double[m * params];
            c.evaluate(points[k], v, jac);
            double[][] h = c.curvature(points[k], weights);
            System.arraycopy(v, 0, out, k * per, m);
            System.arraycopy(jac, 0, out, k * per + m, m * params);
            for (int a = 0; a < params; a++) {
                System.arraycopy(h[a], 0, out, k * per + m + m * params + a * params, params);
            }
        }
        out[out.length - 2] = c.recordings();
        out[out.length - 1] = c.shapes();
        return out;
    }

    static void sameBitsForAnyThreads(RowFn f, int params, double[] data, int width, double[]... points) {
        double[] one = withThreads("1", () -> run(f, params, data, width, points));
        for (String t : new String[] {"2", "3", "8"}) {
            double[] many = withThreads(t, () -> run(f, params, data, width, points));
            assertEquals(one.length, many.length);
            for (int i = 0; i < one.length; i++) {
                if (Double.doubleToRawLongBits(one[i]) != Double.doubleToRawLongBits(many[i])) {
                    fail("entry " + i + " of the results with " + t + " threads is " + many[i] + ", with one thread "
                            + one[i]);
                }
            }
        }
    }

    static double[] column(int m) {
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 0.02 + 5.0 * (i + 0.5) / m;
        }
        return x;
    }

    @Test
    void michaelisMentenLogisticAndTwoExponentials() {
        double[] x = column(M);
        RowFn mm = (p, r) -> p[0].times(r[0]).div(p[1].plus(r[0]));
        sameBitsForAnyThreads(mm, 2, x, 1, new double[] {2.0, 0.8}, new double[] {1.5, 0.3});
        RowFn logistic = (p, r) -> p[0].div(exp(p[1].times(p[2].neg().plus(r[0])).neg()).plus(1)).plus(p[3]);
        sameBitsForAnyThreads(logistic, 4, x, 1, new double[] {3, 1.2, 0.4, 0.5}, new double[] {2.5, 0.9, 0.1, 0.7});
        RowFn exp2 = (p, r) -> p[0].times(exp(p[1].times(-r[0]))).plus(p[2].times(exp(p[3].times(-r[0])))).plus(p[4]);
        sameBitsForAnyThreads(exp2, 5, x, 1, new double[] {3, 1.5, 1.5, 0.2, 0.5}, new double[] {2, 1.1, 1.7, 0.3, 0.4});
    }

    @Test
    void nAryRulesAndTwoPredictors() {
        double[] data = new double[2 * M];
        for (int i = 0; i < M; i++) {
            data[2 * i] = 0.1 + (i % 97) / 50.0;
            data[2 * i + 1] = 0.5 + (i % 13) / 7.0;
        }
        RowFn f = (p, r) -> sum(p[0], constant(r[0]), p[1].times(r[1]), constant(2.0))
                .plus(logsumexp(p[0], constant(r[1]))).plus(pow(r[0], p[1])).plus(p[0].pow(2.5));
        sameBitsForAnyThreads(f, 2, data, 2, new double[] {0.3, 1.7}, new double[] {1.3, -0.7});
    }

    @Test
    void rowsThatChangeShapeBetweenEvaluations() {
        // a broken stick: rows move between the two shapes as the breakpoint p2 moves, in both
        // directions, and a value read in plain Java (a cap) moves them between two more
        RowFn stick = (p, r) -> {
            Num y = p[2].gt(r[0]) ? p[0].plus(p[1].times(r[0]))
                    : p[0].plus(p[1].times(p[2])).plus(p[3].times(p[2].neg().plus(r[0])));
            return y.value() > 4 ? y.times(0.5).plus(2) : y;
        };
        double[] x = column(M);
        double[][] points = {{1, 2, 2.5, -1}, {1, 2, 3.0, -1}, {1, 2, 0.5, -1}, {1, 0.5, 4.0, 0.7}, {1, 2, 2.5, -1}};
        sameBitsForAnyThreads(stick, 4, x, 1, points);
        double[] one = withThreads("1", () -> run(stick, 4, x, 1, points));
        assertTrue(one[one.length - 2] > M + 1000, "rows moved between shapes: " + one[one.length - 2] + " recordings");
        assertTrue(one[one.length - 1] >= 3, "shapes: " + one[one.length - 1]);
        // and each row is what a reverse pass of its own gives (the serial path's own guarantee)
        CompiledRows c = new CompiledRows(stick, 4, x, 0, 1, 1, M);
        withThreads("4", () -> {
            for (double[] p : points) {
                CompiledRowsTest.samePerRow(stick, c, x, 1, p);
            }
            return null;
        });
    }

    @Test
    void oneThreadMeansTheCallingThreadAlone() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        UnaryRule spy = UnaryRule.firstOrder("spy", v -> {
            seen.add(Thread.currentThread());
            return v * v;
        }, (v, y) -> 2 * v);
        RowFn f = (p, r) -> p[0].times(r[0]).apply(spy).plus(p[1]);
        double[] x = column(M);
        withThreads("1", () -> {
            CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, M);
            for (int k = 0; k < 4; k++) {
                c.evaluate(new double[] {1.0 + k, 0.5}, new double[M], new double[2 * M]);
            }
            return null;
        });
        assertEquals(Set.of(Thread.currentThread()), seen, "every replay on the calling thread");
    }

    @Test
    void anExceptionFromAWorkerIsTheOneTheCallingThreadAloneThrows() {
        // a rule that refuses large arguments: at p0 = 1 every row is fine (the first pass
        // records them all); at p0 = 1.7 the replay of the rows with x > 3.53 throws: the last
        // third of the rows, none of them in the first part (the calling thread's), so the
        // exception comes from a worker. The first such row in row order names itself.
        UnaryRule capped = UnaryRule.firstOrder("capped", v -> {
            if (v > 6) {
                throw new IllegalArgumentException("capped: argument " + v + " is above 6");
            }
            return Math.sqrt(v);
        }, (v, y) -> 0.5 / y);
        RowFn f = (p, r) -> p[0].times(r[0]).apply(capped).times(p[1]);
        double[] x = column(M);
        Supplier<String> message = () -> {
            CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, M);
            c.evaluate(new double[] {1.0, 2.0}, new double[M], new double[2 * M]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.evaluate(new double[] {1.7, 2.0}, new double[M], new double[2 * M]));
            // the compiled rows still work afterwards, in every part
            double[] v = new double[M];
            c.evaluate(new double[] {1.1, 2.0}, v, null);
            assertEquals(Math.sqrt(1.1 * x[M - 1]) * 2.0, v[M - 1], 0.0);
            return e.getMessage();
        };
        String serial = withThreads("1", message);
        int first = 0;
        while (1.7 * x[first] <= 6) {
            first++;
        }
        assertEquals("capped: argument " + 1.7 * x[first] + " is above 6", serial);
        assertTrue(first > M / 2 + RowShape.BLOCK, "row " + first + " is in the last part of two, three or four");
        for (String t : new String[] {"2", "4"}) {
            assertEquals(serial, withThreads(t, message), t + " threads");
        }
    }

    @Test
    void aBadThreadCountIsRefusedWithTheFix() {
        double[] x = column(M);
        CompiledRows c = new CompiledRows((p, r) -> p[0].times(r[0]), 1, x, 0, 1, 1, M);
        for (String bad : new String[] {"0", "-2", "two"}) {
            IllegalArgumentException e = withThreads(bad, () -> assertThrows(IllegalArgumentException.class,
                    () -> c.evaluate(new double[] {1.0}, new double[M], null)));
            assertTrue(e.getMessage().contains("wengert.fit.threads") && e.getMessage().contains("\"" + bad + "\"")
                    && e.getMessage().contains("at least 1"), e.getMessage());
        }
    }
}
