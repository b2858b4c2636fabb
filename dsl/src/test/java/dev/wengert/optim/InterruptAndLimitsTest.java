package dev.wengert.optim;

import dev.wengert.core.Fn;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** An interrupted run returns its best point; maxIterations brings its evaluation budget along. */
class InterruptAndLimitsTest {

    @Test
    void anInterruptedRunReturnsItsBestPointWithTheReason() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<OptimizationResult> result = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        // a slow quadratic: gradient descent with a tiny rate never converges on its own
        Fn slow = x -> {
            started.countDown();
            return square(x[0].minus(3)).plus(square(x[1].plus(1)));
        };
        Thread t = new Thread(() -> {
            result.set(minimize(slow, new double[] {0, 0}, gradientDescent(1e-7).maxIterations(Integer.MAX_VALUE)
                    .progress(false)));
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        started.await();
        t.interrupt();
        t.join();
        OptimizationResult r = result.get();
        assertNotNull(r, "minimize returned instead of throwing");
        assertFalse(r.converged());
        assertTrue(r.reason().startsWith("interrupted after "), r.reason());
        assertTrue(r.reason().contains("r.x()"), r.reason());
        assertEquals(r.history().get(r.history().size() - 1).value(), r.value(), 0.0, "the best point is the last one");
        assertTrue(r.value() <= 10.0, "no worse than the start, f = 10");
        assertTrue(flagKept.get(), "the interrupt stays visible to whoever runs the cell");
    }

    @Test
    void maxIterationsRaisesTheEvaluationBudget() {
        Fn f = x -> square(x[0]);
        // 150,000 fixed steps, each one evaluation: past the default budget of 100,000 evaluations
        OptimizationResult r = minimize(f, new double[] {1}, gradientDescent(1e-9).maxIterations(150_000).progress(false));
        assertEquals(150_000, r.iterations(), r.reason());
        assertTrue(r.reason().startsWith("iteration limit 150000 reached"), r.reason());
        // an explicit evaluation budget still applies, and its message names the setting to raise
        OptimizationResult e = minimize(f, new double[] {1}, gradientDescent(1e-9).maxIterations(150_000)
                .maxEvaluations(1_000).progress(false));
        assertTrue(e.reason().startsWith("evaluation limit 1000 reached") && e.reason().contains(".maxEvaluations(n)"),
                e.reason());
    }
}
