package dev.wengert.bench;

import dev.wengert.compile.CompiledRows;
import dev.wengert.fit.FitResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import static dev.wengert.Wengert.fit;
import static dev.wengert.Wengert.fitColumns;

/**
 * The A/B harness behind some of bench/RESULTS.md's fitting figures: the best time over the
 * second half of {@code reps} repetitions of one job, in a JVM of its own, so two jars can be
 * alternated by hand on a machine too busy for JMH's averages. Four times, each the best of
 * its own: the calling thread's CPU time (user and system); the CPU time of every Java thread of
 * the JVM (the caller, the fit's worker threads in the common pool, the JIT's compiler threads:
 * so a fit that spreads its passes over threads does not look cheaper than it is), summed over
 * the threads by ThreadMXBean to the nanosecond; the whole process's CPU time, which adds the
 * GC's threads but which the OS counts in clock ticks (10 ms on Linux: too coarse for one fit of
 * a few ms, given for the large ones); and wall time. The jobs: a whole {@code fit} ({@code rows}) or {@code fitColumns} ({@code columns})
 * of a {@link FitModels} model, as {@link FitSpeedBench} runs them, or the first pass of the
 * model's compiled rows ({@code firstpass}: every row recorded once, the cost a fit pays before
 * its first replay), with its second evaluation (a replay) beside it.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp bench/target/benchmarks.jar dev.wengert.bench.FitHarness rows GAUSS2 100000 30
 * </pre>
 */
public final class FitHarness {
    private FitHarness() {
    }

    /** The ids of the live Java threads (even) and their CPU nanoseconds (odd). */
    static long[] threadCpu(ThreadMXBean cpu) {
        long[] ids = cpu.getAllThreadIds();
        long[] out = new long[2 * ids.length];
        for (int k = 0; k < ids.length; k++) {
            out[2 * k] = ids[k];
            out[2 * k + 1] = Math.max(0, cpu.getThreadCpuTime(ids[k]));
        }
        return out;
    }

    /** CPU nanoseconds every live Java thread spent since {@code before} (threads started since count from 0). */
    static long cpuSince(ThreadMXBean cpu, long[] before) {
        java.util.Map<Long, Long> at = new java.util.HashMap<>();
        for (int k = 0; k < before.length; k += 2) {
            at.put(before[k], before[k + 1]);
        }
        long sum = 0;
        for (long id : cpu.getAllThreadIds()) {
            long c = cpu.getThreadCpuTime(id);
            if (c > 0) {
                sum += c - at.getOrDefault(id, 0L);
            }
        }
        return sum;
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: FitHarness rows|columns|firstpass MODEL ROWS REPS (MODEL one of "
                    + Arrays.toString(FitModels.values()) + ")");
            System.exit(2);
        }
        String job = args[0];
        FitModels m = FitModels.valueOf(args[1]);
        int rows = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        double[][] d = m.data(rows);
        double[][] x = new double[rows][];
        for (int i = 0; i < rows; i++) {
            x[i] = new double[] {d[0][i]};
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long best = Long.MAX_VALUE;
        long bestProcess = Long.MAX_VALUE;
        long bestAll = Long.MAX_VALUE;
        long bestWall = Long.MAX_VALUE;
        long bestReplay = Long.MAX_VALUE;
        FitResult r = null;
        for (int k = 0; k < reps; k++) {
            long t;
            long replay = 0;
            long process = 0;
            long all = 0;
            long wall = 0;
            switch (job) {
                case "rows", "columns" -> {
                    long[] a0 = threadCpu(cpu);
                    long w0 = System.nanoTime();
                    long p0 = os.getProcessCpuTime();
                    long t0 = cpu.getCurrentThreadCpuTime();
                    r = job.equals("rows") ? fit(m.model, x, d[1], m.start) : fitColumns(m.columns, x, d[1], m.start);
                    t = cpu.getCurrentThreadCpuTime() - t0;
                    process = os.getProcessCpuTime() - p0;
                    wall = System.nanoTime() - w0;
                    all = cpuSince(cpu, a0);
                }
                case "firstpass" -> {
                    int p = m.start.length;
                    CompiledRows c = new CompiledRows(m.model, p, d[0], 0, 1, 1, rows);
                    double[] values = new double[rows];
                    double[] jacobian = new double[rows * p];
                    long t0 = cpu.getCurrentThreadCpuTime();
                    c.evaluate(m.start, values, jacobian);              // the first pass: every row recorded
                    long t1 = cpu.getCurrentThreadCpuTime();
                    c.evaluate(m.start, values, jacobian);              // a replay
                    replay = cpu.getCurrentThreadCpuTime() - t1;
                    t = t1 - t0;
                }
                default -> throw new IllegalArgumentException("job " + job + ": rows, columns or firstpass");
            }
            if (k >= reps / 2) {
                best = Math.min(best, t);
                bestProcess = Math.min(bestProcess, process);
                bestAll = Math.min(bestAll, all);
                bestWall = Math.min(bestWall, wall);
                bestReplay = Math.min(bestReplay, replay);
            }
        }
        if (job.equals("firstpass")) {
            System.out.printf("%s %s %d rows: first pass %.1f ns a row, replay %.1f ns a row (best CPU of the last %d of %d)%n",
                    job, m, rows, best / (double) rows, bestReplay / (double) rows, reps - reps / 2, reps);
        } else {
            System.out.printf("%s %s %d rows: %.2f ms (best CPU of this thread of the last %d of %d), %.2f ms CPU of all "
                            + "Java threads, %.0f ms process CPU, %.2f ms wall, %d iterations, %d evaluations, estimates %s%n",
                    job, m, rows, best / 1e6, reps - reps / 2, reps, bestAll / 1e6, bestProcess / 1e6, bestWall / 1e6,
                    r.iterations(),
                    r.evaluations(), Arrays.toString(r.parameters()));
        }
    }
}
