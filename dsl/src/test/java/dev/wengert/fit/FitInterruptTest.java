package dev.wengert.fit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * An interrupted fit (Jupyter's interrupt, Ctrl-C in the console) returns the best point found
 * so far, with its statistics and the reason "interrupted", and leaves the interrupt visible to
 * whoever runs the cell. The model interrupts its own thread at a chosen call, so the test is
 * the same on any machine.
 */
class FitInterruptTest {
    private static final double[] T = {0, 1, 2, 3, 4};
    private static final double[] Y = {1.0, 2.7, 7.4, 20.1, 54.6};

    @AfterEach
    void clearFlag() {
        Thread.interrupted();
    }

    @Test
    void anInterruptDuringTheFitReturnsTheBestPointSoFarWithItsStatistics() {
        int[] calls = {0};
        // reading p[0]'s value makes every new point record the rows again, so the model's Java
        // code runs on every pass over the data and can interrupt its thread in the fifth one
        FitResult r = fit1((p, t) -> {
            if (++calls[0] == 4 * T.length + 1) {
                Thread.currentThread().interrupt();
            }
            double read = p[0].value();
            assertTrue(Double.isFinite(read));
            return p[0].times(exp(p[1].times(t)));
        }, T, Y, 0.5, 0.5);
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays visible to the caller");
        Thread.interrupted();
        assertFalse(r.converged());
        assertTrue(r.reason().startsWith("interrupted after "), r.reason());
        assertTrue(r.reason().contains("best point found so far"), r.reason());
        double startCost = cost(0.5, 0.5);
        assertTrue(r.cost() < startCost, r.cost() + " < " + startCost + ": the best point is better than the start");
        // the statistics belong to the returned point
        assertEquals(cost(r.parameter("b1"), r.parameter("b2")), r.cost(), 1e-12 * startCost);
        assertEquals(2, r.standardErrors().length);
        assertTrue(Double.isFinite(r.standardErrors()[0]), "standard errors computed at the best point");
        // and the same fit without the interrupt goes on to the minimum
        FitResult done = fit1((p, t) -> p[0].times(exp(p[1].times(t))), T, Y, 0.5, 0.5);
        assertTrue(done.converged(), done.reason());
        assertTrue(done.cost() < r.cost());
    }

    @Test
    void anInterruptBeforeTheFirstStepReturnsTheStart() {
        FitResult r = fit1((p, t) -> {
            Thread.currentThread().interrupt();
            return p[0].times(t).plus(p[1]);
        }, T, Y, 1, 1);
        assertTrue(Thread.interrupted());
        assertFalse(r.converged());
        assertTrue(r.reason().startsWith("interrupted after "), r.reason());
        assertArrayEquals(new double[] {1, 1}, r.parameters());
    }

    private static double cost(double a, double b) {
        double c = 0;
        for (int i = 0; i < T.length; i++) {
            double e = Y[i] - a * Math.exp(b * T[i]);
            c += 0.5 * e * e;
        }
        return c;
    }
}
