package dev.wengert.optim;

import dev.wengert.core.Fn;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.conjugateGradient;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.log;
import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.nesterov;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input fails loudly; a run that meets a NaN stops and keeps its best point; every stop says why. */
class BadInputTest {
    static final Fn BOWL = x -> square(x[0].minus(1)).plus(square(x[1].plus(2)));

    private static void refused(String expected, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + e.getMessage());
    }

    @Test
    void emptyOrNullOrNonFiniteStartIsRefused() {
        refused("empty", () -> minimize(BOWL));
        refused("null", () -> minimize(BOWL, (double[]) null));
        refused("x0[1] = NaN", () -> minimize(BOWL, 1.0, Double.NaN));
        refused("f is null", () -> minimize(null, 1.0));
        refused("choose a method", () -> minimize(BOWL, new double[] {1, 2}, null));
    }

    @Test
    void aNonFiniteValueOrGradientAtTheStartIsRefused() {
        // log of a negative number: f = NaN at the start
        refused("finite value and gradient", () -> minimize(x -> log(x[0]), -1.0));
        // √ at 0: finite value, infinite derivative
        refused("finite value and gradient", () -> minimize(x -> x[0].sqrt(), 0.0));
    }

    @Test
    void aDimensionMismatchIsRefused() {
        // BOWL reads x[1]; one coordinate is too few
        refused("read past them", () -> minimize(BOWL, 1.0));
    }

    @Test
    void badSettingsAreRefused() {
        refused("positive", () -> gradientDescent(0));
        refused("positive", () -> gradientDescent(-0.1));
        refused("positive", () -> adam(Double.NaN));
        refused("[0, 1)", () -> momentum(0.1, 1.0));
        refused("[0, 1)", () -> nesterov(0.1, -0.5));
        refused("at least one pair", () -> lbfgs().memory(0));
        refused("at least one iteration", () -> lbfgs().maxIterations(0));
        refused("≥ 0", () -> lbfgs().gradientTolerance(-1));
        refused("strictly between", () -> LineSearch.strongWolfe().c2(1.5));
        refused("strictly between", () -> LineSearch.backtracking().shrink(1));
        refused("2·ulp(1)", () -> LineSearch.brent().relativeTolerance(0));
        refused("lineSearch(null)", () -> conjugateGradient().lineSearch(null));
    }

    @Test
    void divergingRunStopsOnTheFirstNonFiniteValueAndKeepsTheBestPoint() {
        // rate 10 on a bowl of curvature 2: each step multiplies the error by −19, until f overflows
        OptimizationResult r = gradientDescent(10).minimize(BOWL, 0.0, 0.0);
        assertFalse(r.converged());
        assertTrue(r.reason().contains("kept the best point"), r.reason());
        assertTrue(Double.isFinite(r.value()));
        assertEquals(5.0, r.value(), 0.0, "the start, f(0, 0) = 1 + 4, was the best point");
        Checks.consistent(r);
    }

    @Test
    void lineSearchesBackOffFromNonFiniteRegions() {
        // f = x − log x is NaN for x < 0; from x = 0.01 the first trial steps land there
        OptimizationResult r = lbfgs().minimize(x -> x[0].minus(log(x[0])), 0.01);
        assertTrue(r.converged(), r::toString);
        assertEquals(1, r.x()[0], 1e-6);
        OptimizationResult g = gradientDescent().minimize(x -> x[0].minus(log(x[0])), 0.01);
        assertEquals(1, g.x()[0], 1e-5, g::toString);
    }

    @Test
    void newtonStillGoesDownhillWhereTheHessianIsIndefinite() {
        // f = x⁴ − 2x² + y²: at (0.1, 1) ∂²f/∂x² = 12x² − 4 < 0, so the raw Newton step climbs
        OptimizationResult r = dev.wengert.Wengert.newton()
                .minimize(x -> x[0].pow(4).minus(x[0].square().times(2)).plus(x[1].square()), 0.1, 1.0);
        assertTrue(r.converged(), r::toString);
        assertEquals(1, Math.abs(r.x()[0]), 1e-8, r::toString);
        assertEquals(-1, r.value(), 1e-12);
        Checks.monotone(r);
    }

    @Test
    void eachStopSaysWhy() {
        Fn rosen = Mgh.ROSENBROCK;
        OptimizationResult it = lbfgs().maxIterations(3).minimize(rosen, -1.2, 1.0);
        assertEquals(3, it.iterations());
        assertFalse(it.converged());
        assertTrue(it.reason().startsWith("iteration limit 3"), it.reason());

        OptimizationResult ev = lbfgs().maxEvaluations(10).minimize(rosen, -1.2, 1.0);
        assertEquals(10, ev.evaluations());
        assertFalse(ev.converged());
        assertTrue(ev.reason().startsWith("evaluation limit 10"), ev.reason());

        OptimizationResult gn = lbfgs().minimize(rosen, -1.2, 1.0);
        assertTrue(gn.converged());
        assertTrue(gn.reason().startsWith("gradient norm"), gn.reason());
        assertTrue(gn.gradientNorm() <= 1e-6);

        // Bard's minimum is not 0, so f's relative change shrinks as the run converges
        OptimizationResult rel = lbfgs().gradientTolerance(0).relativeTolerance(1e-6).minimize(Mgh.BARD, 1, 1, 1);
        assertTrue(rel.converged());
        assertTrue(rel.reason().startsWith("relative change of f"), rel.reason());

        OptimizationResult start = lbfgs().minimize(BOWL, 1.0, -2.0);
        assertTrue(start.converged());
        assertEquals(0, start.iterations());
        assertTrue(start.reason().contains("at the start point"), start.reason());
    }
}
