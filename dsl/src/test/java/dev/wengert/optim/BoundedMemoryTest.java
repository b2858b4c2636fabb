package dev.wengert.optim;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loss evaluated a million times inside minimize keeps the heap flat: every evaluation
 * records on a private tape that is rewound (the functional form) or on the implicit tape cut
 * back to where it was (the implicit form over plain parameters), and the history keeps at
 * most {@link Optimizer#DEFAULT_HISTORY_LIMIT} rows, thinned evenly past that (full by the
 * first sample). The heap is measured after a full GC at every 10 % of the run; from the first
 * sample to the largest it may grow by less than {@link #ALLOWED_GROWTH} bytes, under one byte
 * per evaluation, where any object leaked per evaluation (16 bytes at least) would add 14 MB.
 */
class BoundedMemoryTest {

    static final long EVALUATIONS = Long.getLong("wengert.memory.evaluations", 1_000_000);
    /** Growth allowed over the last 90 % of the run: the jitter of "used after GC" measured 0.3 MB. */
    static final long ALLOWED_GROWTH = 1_000_000;
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Used heap after a full collection, in bytes. */
    static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Runs the optimizer until the evaluation budget, sampling the heap; returns the samples. */
    static List<Long> run(String what, AtomicLong count, java.util.function.Supplier<OptimizationResult> minimize) {
        List<Long> samples = new ArrayList<>();
        long[] next = {EVALUATIONS / 10};
        Thread sampler = Thread.currentThread();
        OptimizerListener l = (method, it) -> {
            if (count.get() >= next[0]) {
                samples.add(usedAfterGc());
                next[0] += EVALUATIONS / 10;
            }
        };
        OptimizerEvents.add(l);
        OptimizationResult r;
        try {
            r = minimize.get();
        } finally {
            OptimizerEvents.remove(l);
        }
        // what the heap holds for the run is bounded by construction: the history's rows
        assertTrue(r.iterations() >= EVALUATIONS - 1, "one iteration per evaluation: " + r);
        assertTrue(r.history().size() <= Optimizer.DEFAULT_HISTORY_LIMIT, "history rows: " + r.history().size());
        assertEquals(r.iterations(), r.history().get(r.history().size() - 1).iteration(), "the last row is the last iteration");
        System.out.printf("bounded memory, %s: %,d evaluations; used heap after GC at each 10%%: %s MB%n", what,
                count.get(), samples.stream().map(b -> String.format("%.1f", b / 1e6)).toList());
        return samples;
    }

    /**
     * From the first sample (10 % of the run, when the history is already full) to the largest,
     * the heap may grow by less than {@link #ALLOWED_GROWTH}: nothing is kept per evaluation.
     */
    static void assertFlat(List<Long> samples) {
        assertTrue(samples.size() >= 9, "sampled the whole run: " + samples.size());
        long first = samples.get(0);
        long max = samples.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(max - first < ALLOWED_GROWTH, "heap grew by " + (max - first) / 1e6 + " MB over "
                + EVALUATIONS * 9 / 10 + " evaluations: " + samples);
    }

    /** Σ softplus(xᵢ): no minimum at finite x, so the run goes on to the evaluation budget. */
    static Num loss(Num a, Num b) {
        return softplus(a).plus(softplus(b.times(0.5))).plus(square(a.minus(b)).times(1e-3));
    }

    @Test
    void aMillionEvaluationsOfAFunctionKeepTheHeapFlat() {
        AtomicLong count = new AtomicLong();
        Fn f = x -> {
            count.incrementAndGet();
            return loss(x[0], x[1]);
        };
        assertFlat(run("minimize(f, x0)", count, () -> minimize(f, new double[] {1, 2},
                gradientDescent(1e-6).maxEvaluations(EVALUATIONS).maxIterations(Integer.MAX_VALUE)
                        .gradientTolerance(0).relativeTolerance(0).progress(false))));
    }

    @Test
    void aMillionEvaluationsOverPlainParametersKeepTheHeapAndTheTapeFlat() {
        resetTape();
        var a = param("a", 1.0);
        var b = param("b", 2.0);
        int tapeBefore = tape().size();
        AtomicLong count = new AtomicLong();
        assertFlat(run("minimize(() -> loss, a, b)", count, () -> gradientDescent(1e-6).maxEvaluations(EVALUATIONS)
                .maxIterations(Integer.MAX_VALUE).gradientTolerance(0).relativeTolerance(0).progress(false)
                .minimize(() -> {
                    count.incrementAndGet();
                    return loss(a, b);
                }, a, b)));
        assertEquals(tapeBefore, tape().size(), "the implicit tape did not grow");
    }
}
