package dev.wengert.bench;

import dev.wengert.compile.CompiledRows;
import dev.wengert.core.RowFn;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static dev.wengert.Wengert.sum;

/**
 * The first pass of a quadratic row model written two ways: with binary operations
 * ({@code binary}: p0·x + p1 + p2·x²) and with one n-ary {@code sum} ({@code nary}), 10⁵ rows,
 * the best CPU time of the last 15 of 30 first passes. What an n-ary node costs a fit's first
 * pass against the same model in binary operations.
 *
 * <pre>
 * java -Dwengert.fit.threads=1 -cp bench/target/benchmarks.jar dev.wengert.bench.NaryFirstPass nary
 * </pre>
 */
public final class NaryFirstPass {
    private NaryFirstPass() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || !(args[0].equals("binary") || args[0].equals("nary"))) {
            System.err.println("usage: NaryFirstPass binary|nary");
            System.exit(2);
        }
        RowFn f = args[0].equals("nary")
                ? (p, x) -> sum(p[0].times(x[0]), p[1], p[2].times(x[0] * x[0]))
                : (p, x) -> p[0].times(x[0]).plus(p[1]).plus(p[2].times(x[0] * x[0]));
        int rows = 100_000;
        double[] xs = new double[rows];
        for (int i = 0; i < rows; i++) {
            xs[i] = 0.01 * i;
        }
        double[] values = new double[rows];
        double[] jacobian = new double[3 * rows];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int k = 0; k < 30; k++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            CompiledRows c = new CompiledRows(f, 3, xs, 0, 1, 1, rows);
            c.evaluate(new double[] {1, 2, 3}, values, jacobian);
            long t = cpu.getCurrentThreadCpuTime() - t0;
            if (k >= 15) {
                best = Math.min(best, t);
            }
            if (c.shapes() != 1 || !c.replayed()) {
                throw new IllegalStateException("expected one replayed shape, got " + c);
            }
        }
        System.out.printf("%s first pass %.1f ns a row (best CPU of the last 15 of 30)%n", args[0], best / (double) rows);
    }
}
