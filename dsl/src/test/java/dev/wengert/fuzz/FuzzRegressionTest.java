package dev.wengert.fuzz;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Programs the long fuzzing run flagged (RELIABILITY.md; written out in FoundPrograms), kept as
 * regression tests. None was a wrong rule; each showed a limit of an oracle, and the fuzzer now
 * tells those apart.
 */
class FuzzRegressionTest {

    /**
     * atan2(y, x − x): the partial with respect to the exactly-zero x − x is −1/y ≈ −1e14, so
     * reverse mode adds ±1e14 into one adjoint and keeps only ~1e-2 of absolute accuracy, while
     * forward mode multiplies the exact zero tangent and stays exact. Both are right to rounding.
     */
    @Test
    void reverseModeCancellationIsRoundingNotADefect() {
        Fn p = FoundPrograms.CANCELLATION;
        double[] x = {-2.3274741532505385};
        double f = gradient(Mode.FORWARD, p, x)[0];
        double r = gradient(Mode.REVERSE, p, x)[0];
        assertNotEquals(f, r, "the case still shows the cancellation");
        double scale = gradientScale(p, x)[0];
        assertTrue(scale > 1e9, "the terms summed are huge: " + scale);
        assertTrue(Math.abs(f - r) <= 256 * Math.ulp(1.0) * scale, "within the rounding bound: " + f + " vs " + r);
    }

    /**
     * cos of a value whose derivative is 1.2e5: a central difference with step 1e-3 spans many
     * oscillations. Ridders' own error estimate reports it cannot tell, so no verdict is drawn.
     */
    @Test
    void finiteDifferencesOfFastOscillationsAreInconclusive() {
        Fn p = FoundPrograms.OSCILLATION;
        double[] x = {-2.097891568156241, 1.0173343203351108, 0.2566260776488225};
        double g = gradient(p, x)[2];
        assertEquals(g, gradient(Mode.FORWARD, p, x)[2], 1e-9 * Math.abs(g));
        double[] fd = dev.wengert.core.Oracles.riddersWithError(t -> p.apply(DifferentialFuzzTest.constants(
                new double[] {x[0], x[1], t})).value(), x[2], 1e-3);
        assertFalse(fd[1] <= 1e-8 * Math.max(1, Math.abs(fd[0])), "a step of 1e-3 is inconclusive here");
    }

    /**
     * atan2(erfc(10), sinh(x − x)): the reverse sweep adds ±1e44 into the adjoint of x, so the
     * forward-over-reverse Hessian keeps no digits (it came out 0.0) while forward over forward
     * is exact. gradientScale shows the loss; the fuzzer does not compare Hessians there.
     */
    @Test
    void forwardOverReverseHessianInheritsTheCancellation() {
        Fn p = FoundPrograms.HESSIAN_CANCELLATION;
        double[] x = {1.7768333651806465};
        double g = gradient(p, x)[0];
        assertTrue(gradientScale(p, x)[0] > 1e30 * Math.max(1, Math.abs(g)), "over 30 digits lost");
        double exact = hessian(Mode.FORWARD, Mode.FORWARD, p, x)[0][0];
        // d²/dx² [cos(r10) + r10/6] only: the atan2 term is the constant π/2
        double[] d = derivatives(t -> p.apply(t), x[0], 2);
        assertEquals(d[2], exact, 1e-12 * Math.max(1, Math.abs(d[2])));
    }

    /**
     * x₁ − r₆ with r₆ ≈ 5e7: the derivative in x₁ is exactly 1, and a central difference of a
     * value of 5e7 with step 1e-3 carries rounding of |f|·ε/h ≈ 1e-5, which Ridders' estimate
     * does not see. The fuzzer now allows for that floor.
     */
    @Test
    void finiteDifferencesOfALargeValueHaveARoundingFloor() {
        Fn p = FoundPrograms.LARGE_VALUE;
        double[] x = {0.9523350979619047, 0.021080158408079305};
        assertEquals(1.0, gradient(p, x)[1], 0.0);
        double f = p.apply(DifferentialFuzzTest.constants(x)).value();
        assertTrue(Math.abs(f) > 1e7, "a large value: " + f);
    }

    /**
     * Finding 6: a softmax weight next to 1. softmax[0] of two values 31 apart is 1 − 3.4e-14,
     * and its derivative p(1 − p) was formed from the rounded p in both modes (y·(g − Σ gⱼyⱼ) in
     * the pullback, exp(x − logsumexp x) in the element path), 3 of 16 digits lost differently in
     * each; a pow after it multiplied the difference past the fuzzer's floor. Both now form
     * 1 − p from the small weights, and agree with the closed form to rounding.
     */
    @Test
    void aSoftmaxWeightNextToOneKeepsItsDerivativeDigits() {
        double e31 = Math.exp(-31);
        double p = 1 / (1 + e31);
        double q = e31 / (1 + e31);                              // 1 − p, without cancellation
        Fn first = v -> tensor(v).softmax().get(0);
        // two weights read together (gₖ = gₘ): y₀ + y₁ = 1 − y₂
        double s = 1 + Math.exp(-1) + e31;
        double y0 = 1 / s;
        double y2 = e31 / s;
        Fn firstTwo = v -> {
            Tensor y = tensor(v).softmax();
            return y.get(0).plus(y.get(1));
        };
        for (Mode m : Mode.values()) {
            double[] g = gradient(m, first, 31, 0);
            assertEquals(p * q, g[0], 1e-15 * p * q, m + ": ∂y₀/∂x₀ = p(1 − p)");
            assertEquals(-p * q, g[1], 1e-15 * p * q, m + ": ∂y₀/∂x₁");
        }
        // the one node's pullback sees both adjoints at once, so (g₁ − g₀) = 0 exactly; forward mode
        // carries y₀′ and y₁′ apart (±0.2) and their sum cancels to 1.8e-14 in any implementation
        double[] h = gradient(Mode.REVERSE, firstTwo, 31, 30, 0);
        assertEquals(y0 * y2, h[0], 1e-15 * y0 * y2, "∂(y₀ + y₁)/∂x₀ = y₀·y₂");
        assertEquals(-y2 * (1 - y2), h[2], 1e-15 * y2, "∂(y₀ + y₁)/∂x₂ = −y₂(1 − y₂)");
    }
}
