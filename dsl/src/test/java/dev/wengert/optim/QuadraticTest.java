package dev.wengert.optim;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.conjugateGradient;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.nesterov;
import static dev.wengert.Wengert.newton;
import static dev.wengert.Wengert.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every method on a convex quadratic with a known minimum: f(x) = ½ (x − x*)ᵀA(x − x*), with
 * x* = A⁻¹b from an independent oracle (Commons Math's LU solve) and f(x*) = 0. Written around
 * x* rather than as ½ xᵀAx − bᵀx so that f has full relative accuracy near the minimum: the
 * expanded form cancels to rounding (|Δf| ≈ 1e-16 once ‖∇f‖ ≈ 1e-8), which no method can
 * resolve. The methods whose value cannot rise (line searches, and a fixed rate below
 * 2/λmax(A)) must have monotone histories.
 */
class QuadraticTest {
    static final double[][] A = {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}};
    static final double[] B = {1, 2, 3};

    static final double[] X_STAR = minimiser();

    // f(x) = ½ dᵀAd with d = x − x*
    static final Fn QUADRATIC = x -> {
        Num[] d = new Num[3];
        for (int i = 0; i < 3; i++) {
            d[i] = x[i].minus(X_STAR[i]);
        }
        Num[] terms = new Num[3];
        for (int i = 0; i < 3; i++) {
            Num ad = d[0].times(A[i][0]).plus(d[1].times(A[i][1])).plus(d[2].times(A[i][2]));
            terms[i] = d[i].times(ad).times(0.5);
        }
        return sum(terms);
    };

    static double[] minimiser() {
        return new LUDecomposition(new Array2DRowRealMatrix(A)).getSolver().solve(new ArrayRealVector(B)).toArray();
    }

    static Stream<Arguments> methods() {
        // λmax(A) ≈ 4.6, so 2/λmax ≈ 0.43: rate 0.2 descends monotonically
        return Stream.of(
                Arguments.of("gradient descent, rate 0.2", (Supplier<Optimizer<?>>) () -> gradientDescent(0.2), true),
                Arguments.of("gradient descent, Brent", (Supplier<Optimizer<?>>) () -> gradientDescent(), true),
                Arguments.of("gradient descent, Armijo",
                        (Supplier<Optimizer<?>>) () -> gradientDescent().lineSearch(LineSearch.backtracking()), true),
                Arguments.of("gradient descent, strong Wolfe",
                        (Supplier<Optimizer<?>>) () -> gradientDescent().lineSearch(LineSearch.strongWolfe()), true),
                Arguments.of("momentum", (Supplier<Optimizer<?>>) () -> momentum(0.05, 0.9), false),
                Arguments.of("Nesterov", (Supplier<Optimizer<?>>) () -> nesterov(0.05, 0.9), false),
                Arguments.of("Adam", (Supplier<Optimizer<?>>) () -> adam(0.05), false),
                Arguments.of("CG Polak–Ribière", (Supplier<Optimizer<?>>) () -> conjugateGradient(), true),
                Arguments.of("CG Fletcher–Reeves", (Supplier<Optimizer<?>>) () -> conjugateGradient().fletcherReeves(), true),
                Arguments.of("L-BFGS", (Supplier<Optimizer<?>>) () -> lbfgs(), true),
                Arguments.of("L-BFGS, m = 1, Armijo",
                        (Supplier<Optimizer<?>>) () -> lbfgs().memory(1).lineSearch(LineSearch.backtracking()), true),
                Arguments.of("L-BFGS, Brent", (Supplier<Optimizer<?>>) () -> lbfgs().lineSearch(LineSearch.brent()), true),
                Arguments.of("Newton", (Supplier<Optimizer<?>>) () -> newton(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void findsTheKnownMinimum(String label, Supplier<Optimizer<?>> method, boolean monotone) {
        OptimizationResult r = method.get().gradientTolerance(1e-10).relativeTolerance(0).maxIterations(20_000)
                .minimize(QUADRATIC, 5, -4, 3);
        assertTrue(r.converged(), r::toString);
        assertTrue(r.reason().startsWith("gradient norm"), r::toString);
        // ‖x − x*‖ ≤ ‖∇f‖ / λmin(A), λmin ≈ 1.6
        assertArrayEquals(X_STAR, r.x(), 1e-10, r::toString);
        assertEquals(0, r.value(), 1e-20);
        assertTrue(r.gradientNorm() <= 1e-10);
        Checks.consistent(r);
        if (monotone) {
            Checks.monotone(r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void quasiNewtonAndCgNeedFewIterationsOnAQuadratic(String label, Supplier<Optimizer<?>> method, boolean monotone) {
        // a sanity bound on work: an exact CG or L-BFGS solves a 3-d quadratic in a handful of steps
        Optimizer<?> m = method.get();
        if (m instanceof ConjugateGradient || (m instanceof Lbfgs && !label.contains("m = 1"))) {
            OptimizationResult r = m.gradientTolerance(1e-9).minimize(QUADRATIC, 5, -4, 3);
            assertTrue(r.iterations() <= 12, r::toString);
        }
        if (m instanceof Newton) {
            // the exact Hessian of a quadratic makes the full Newton step land on the minimum
            OptimizationResult r = m.gradientTolerance(1e-9).minimize(QUADRATIC, 5, -4, 3);
            assertEquals(1, r.iterations(), r::toString);
        }
    }
}
