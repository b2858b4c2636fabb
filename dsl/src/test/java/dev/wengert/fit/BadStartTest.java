package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.fit1;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start on a plateau: T = k·aᵇ from k = −1, b = −5 predicts almost nothing for every planet,
 * so Levenberg–Marquardt finds no useful step and stops where it began. That must not be
 * reported as convergence (notebook 03 shows it).
 */
class BadStartTest {
    // distance from the Sun (10⁶ km) and orbital period (days), NASA's planetary fact sheet
    static final double[] A = {57.9, 108.2, 149.6, 228.0, 778.5, 1432.0, 2867.0, 4515.0, 5906.4};
    static final double[] T = {88.0, 224.7, 365.2, 687.0, 4331, 10747, 30589, 59800, 90560};

    @Test
    void aFitStuckAtItsStartIsNotConverged() {
        FitResult bad = fit1((p, a) -> p[0].times(dev.wengert.Wengert.pow(dev.wengert.core.Num.constant(a), p[1])))
                .start(-1, -5).to(A, T);
        assertFalse(bad.converged(), bad.toString());
        assertTrue(bad.reason().contains("NOT converged") && bad.reason().contains("relative offset"), bad.reason());
        assertTrue(bad.toString().contains("WARNING"), bad.toString());
        FitResult good = fit1((p, a) -> p[0].times(dev.wengert.Wengert.pow(dev.wengert.core.Num.constant(a), p[1])))
                .start(0.2, 1.5).to(A, T);
        assertTrue(good.converged(), good.toString());
        assertTrue(good.convergenceTolerance() < 1e-5, good.toString());
    }
}
