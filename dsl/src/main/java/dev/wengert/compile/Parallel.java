package dev.wengert.compile;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * How a fit splits its passes over rows between threads: the number of parts
 * ({@value #THREADS_PROPERTY}, by default one per core), and running the parts, part 0 on the
 * calling thread and the others on {@link ForkJoinPool#commonPool()}.
 *
 * <p>The parts of a pass are independent (each writes its own rows, or its own partial
 * result that the caller combines in a fixed order), so results never depend on how many
 * threads ran them. Set {@code -Dwengert.fit.threads=1} to run every pass on the calling
 * thread.
 *
 * <p>Why the common pool and not a pool of our own: its threads are daemons, made on demand
 * and sized to the machine, so a Jupyter kernel or JShell that fits once keeps no threads of
 * ours alive; and a fit called from a parallel stream (itself on the common pool) does not
 * multiply the threads: a worker that waits on a part runs queued parts itself, so nesting
 * neither deadlocks nor oversubscribes the cores. The parts run library code only (replays of
 * recorded rows, QR reductions), never the user's row function, so the pool threads' context
 * class loader does not matter.
 *
 * <pre>{@code
 * int parts = Parallel.parts(blocks, 8);                   // at most one part per 8 blocks
 * Parallel.run(parts, k -> work(k * blocks / parts, (k + 1) * blocks / parts));
 * }</pre>
 */
public final class Parallel {
    /**
     * The fewest rows a part of a fit's pass over rows gets: a fit of fewer than twice as many
     * rows runs each pass on the calling thread. On a 2-vCPU KVM guest (the machine of
     * bench/RESULTS.md), FitHarness with two threads against one, three JVMs each: at 10⁴ rows
     * the two threads saved no wall time for all three models tried and spent 0–35% more CPU
     * time in all (waking a worker is costly in a guest); at 2·10⁴ rows Michaelis–Menten lost
     * wall time, two Gaussians gained 10–20%; at 4·10⁴ rows the logistic and two Gaussians gained
     * 10–20% of wall time for 10–20% more CPU. With 4,096 rows a part (the threshold before),
     * every fit from 8,192 rows paid that overhead. JMH's means say the same more clearly (whole
     * fits of 10⁴ rows, all five benchmark models, three pairs of alternated JVMs): two threads
     * took 9–76% more CPU time in all 15 pairs, and more wall time in 11 of them
     * (bench/results/threads-ab-2026-12-07T1953Z/).
     */
    public static final int MIN_ROWS_PER_PART = 8192;

    /** The system property giving the number of threads a fit's passes use (1: the calling thread only). */
    public static final String THREADS_PROPERTY = "wengert.fit.threads";

    private Parallel() {
    }

    /**
     * The threads a pass may use: {@value #THREADS_PROPERTY} when set, otherwise the common
     * pool's parallelism plus the calling thread, at most the number of cores.
     *
     * @throws IllegalArgumentException when the property is set to anything but a whole number ≥ 1
     */
    public static int threads() {
        String s = System.getProperty(THREADS_PROPERTY);
        if (s == null || s.isBlank()) {
            return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
                    ForkJoinPool.getCommonPoolParallelism() + 1));
        }
        try {
            int t = Integer.parseInt(s.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // refused below with the fix
        }
        throw new IllegalArgumentException("the system property " + THREADS_PROPERTY + " is \"" + s
                + "\": give a whole number of threads, at least 1 (1 runs a fit's passes on the calling thread alone)");
    }

    /**
     * Into how many parts to split {@code units} independent units of work, each part at least
     * {@code minUnits} of them: 1 (run on the caller) for small work, at most {@link #threads()}.
     */
    public static int parts(int units, int minUnits) {
        return Math.max(1, Math.min(threads(), units / Math.max(1, minUnits)));
    }

    /**
     * Runs {@code part.accept(k)} for k in [0, parts): part 0 on the calling thread, the others
     * on the common pool, and returns once every part has finished. When parts throw, the
     * exception of the lowest-numbered one is rethrown as it is (the same object, so the same
     * message as when the parts run one after the other on one thread, which would stop at that
     * part first); the others' are added to it as suppressed.
     */
    public static void run(int parts, IntConsumer part) {
        if (parts <= 1) {
            if (parts == 1) {
                part.accept(0);
            }
            return;
        }
        Part[] tasks = new Part[parts];
        for (int k = 1; k < parts; k++) {
            tasks[k] = new Part(part, k);
            tasks[k].fork();
        }
        tasks[0] = new Part(part, 0);
        tasks[0].compute();
        // latest forked first: a caller outside the pool can take back a part no worker started
        for (int k = parts - 1; k >= 1; k--) {
            tasks[k].join();
        }
        Throwable first = null;
        for (Part t : tasks) {
            if (t.error != null) {
                if (first == null) {
                    first = t.error;
                } else if (first != t.error) {
                    first.addSuppressed(t.error);
                }
            }
        }
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first.getMessage(), first);   // a checked exception thrown sneakily
        }
    }

    /** One part; it keeps its exception rather than letting the pool wrap it (the caller rethrows it as it is). */
    private static final class Part extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient IntConsumer part;
        private final int k;
        private Throwable error;

        Part(IntConsumer part, int k) {
            this.part = part;
            this.k = k;
        }

        @Override
        protected void compute() {
            try {
                part.accept(k);
            } catch (Throwable t) {
                error = t;
            }
        }
    }
}
