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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loss evaluated a million times inside minimize keeps the heap flat: every evaluation
 * records on a private tape that is rewound (the functional form) or on the implicit tape cut
 * back to where it was (the implicit form over plain parameters). Only the history grows, by
 * one small record per iteration. The heap is measured after a full GC at every 10 % of the run.
 */
class BoundedMemoryTest {

    static final long EVALUATIONS = Long.getLong("wengert.memory.evaluations", 1_000_000);
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Used heap after a full collection, in bytes. */
    static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Runs the optimizer until the evaluation budget, sampling the heap; returns the samples. */
    static List<Long> run(String what, AtomicLong count, Runnable minimize) {
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
        try {
            minimize.run();
        } finally {
            OptimizerEvents.remove(l);
        }
        System.out.printf("bounded memory, %s: %,d evaluations; used heap after GC at each 10%%: %s MB%n", what,
                count.get(), samples.stream().map(b -> String.format("%.1f", b / 1e6)).toList());
        return samples;
    }

    /**
     * The heap may grow only by the history: fixed-step gradient descent makes one iteration
     * per evaluation, and each keeps one record (its number, value, gradient norm, step and the
     * 2-element point: under 100 bytes). A tape node leaked per evaluation would be ~10 nodes of
     * 40-50 bytes, several times more.
     */
    static void assertFlat(List<Long> samples) {
        long allowed = 8_000_000L + 130L * EVALUATIONS;
        assertTrue(samples.size() >= 8, "sampled the whole run: " + samples.size());
        long first = samples.get(0);
        long max = samples.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(max - first < allowed, "heap grew by " + (max - first) / 1e6 + " MB: " + samples);
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
        assertTrue(tape().size() == tapeBefore, "the implicit tape did not grow: " + tape().size());
    }
}
