package dev.wengert.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.conjugateGradient;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.nesterov;
import static dev.wengert.Wengert.newton;

/**
 * Every other method on a smaller set of Moré–Garbow–Hillstrom problems, each at its own
 * reasonable tolerance: first-order methods need thousands of iterations where L-BFGS needs
 * tens, and a fixed rate must suit the problem's curvature, so each method gets the problems
 * it can solve from the standard start in a bounded number of iterations.
 */
class MethodsMghTest {

    /** A method, how tight a minimum of 0 must be reached, and the problems it must solve. */
    record Case(String label, Supplier<Optimizer<?>> method, double zero, boolean monotone, List<String> problems) {
    }

    static final List<Case> CASES = List.of(
            new Case("conjugate gradient, Polak–Ribière, Brent", () -> conjugateGradient().gradientTolerance(1e-10),
                    1e-14, true, List.of("Rosenbrock", "Beale", "helical valley", "Bard", "Box three-dimensional", "Wood",
                            "Kowalik and Osborne", "Brown and Dennis", "extended Rosenbrock", "trigonometric",
                            "variably dimensioned")),
            new Case("conjugate gradient, Fletcher–Reeves, Brent",
                    () -> conjugateGradient().fletcherReeves().gradientTolerance(1e-10), 1e-14, true,
                    List.of("Rosenbrock", "Beale", "helical valley", "Box three-dimensional", "Wood", "extended Rosenbrock")),
            new Case("conjugate gradient, Polak–Ribière, strong Wolfe",
                    () -> conjugateGradient().lineSearch(LineSearch.strongWolfe().c2(0.1)).gradientTolerance(1e-10), 1e-14,
                    true, List.of("Rosenbrock", "Freudenstein and Roth", "Beale", "helical valley", "Wood",
                            "Kowalik and Osborne", "extended Rosenbrock")),
            new Case("L-BFGS, Armijo backtracking", () -> lbfgs().lineSearch(LineSearch.backtracking()).gradientTolerance(1e-8),
                    1e-14, true, List.of("Rosenbrock", "Powell badly scaled", "Brown badly scaled", "Beale", "helical valley",
                            "Bard", "Meyer", "Wood", "Biggs EXP6", "Watson", "extended Rosenbrock")),
            new Case("gradient descent, Brent", () -> gradientDescent().gradientTolerance(1e-8).maxEvaluations(50_000), 1e-14,
                    true, List.of("Freudenstein and Roth", "Beale", "Jennrich and Sampson", "Gaussian", "Brown and Dennis",
                            "trigonometric", "variably dimensioned")),
            new Case("gradient descent, strong Wolfe",
                    () -> gradientDescent().lineSearch(LineSearch.strongWolfe()).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, true, List.of("Rosenbrock", "Beale", "helical valley", "Gaussian", "trigonometric",
                            "variably dimensioned")),
            new Case("gradient descent, Armijo", () -> gradientDescent().lineSearch(LineSearch.backtracking())
                    .gradientTolerance(1e-8), 1e-14, true, List.of("Beale", "Gaussian", "trigonometric")),
            new Case("gradient descent, rate 0.005", () -> gradientDescent(0.005).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, false, List.of("Beale", "Gaussian")),
            new Case("gradient descent, rate 0.001", () -> gradientDescent(0.001).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, false, List.of("Freudenstein and Roth", "helical valley")),
            new Case("momentum 0.001, 0.9", () -> momentum(0.001, 0.9).gradientTolerance(1e-8).maxIterations(20_000), 1e-14,
                    false, List.of("Rosenbrock", "Freudenstein and Roth", "Beale", "helical valley", "Gaussian")),
            new Case("Nesterov 0.001, 0.9", () -> nesterov(0.001, 0.9).gradientTolerance(1e-8).maxIterations(20_000), 1e-14,
                    false, List.of("Rosenbrock", "Freudenstein and Roth", "Beale", "helical valley", "Gaussian")),
            new Case("Newton", () -> newton().gradientTolerance(1e-10), 1e-14, true,
                    List.of("Rosenbrock", "Freudenstein and Roth", "Powell badly scaled", "Brown badly scaled", "Beale",
                            "helical valley", "Box three-dimensional", "Powell singular", "Wood", "Biggs EXP6",
                            "variably dimensioned", "trigonometric")),
            new Case("Adam 0.01", () -> adam(0.01).gradientTolerance(1e-8).maxIterations(20_000), 1e-14, false,
                    List.of("Rosenbrock", "Beale", "Jennrich and Sampson", "helical valley", "Bard", "Gaussian",
                            "Kowalik and Osborne", "Brown and Dennis", "Biggs EXP6")));

    static Stream<Arguments> cases() {
        Map<String, Mgh.Problem> byName = new java.util.HashMap<>();
        for (Mgh.Problem p : Mgh.all()) {
            byName.put(p.name(), p);
        }
        List<Arguments> args = new ArrayList<>();
        for (Case c : CASES) {
            for (String name : c.problems()) {
                Mgh.Problem p = byName.get(name);
                if (p == null) {
                    throw new IllegalStateException("no problem named " + name);
                }
                args.add(Arguments.of(c.label(), p, c));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void reachesThePublishedMinimum(String label, Mgh.Problem p, Case c) {
        OptimizationResult r = c.method().get().relativeTolerance(0).minimize(p.f(), p.x0());
        Checks.reachesPublishedMinimum(p, r, c.zero());
        Checks.consistent(r);
        if (c.monotone()) {
            Checks.monotone(r);
        }
    }
}
