package dev.wengert.optim;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.conjugateGradient;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.nesterov;
import static dev.wengert.Wengert.newton;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every method (besides L-BFGS with its default line search: {@link LbfgsMghTest}) on all twenty
 * Moré–Garbow–Hillstrom problems from the standard starts, against {@link #EXPECTED}: per method
 * and problem, the outcome the run must have. Both directions are asserted, so a method that
 * gets better or worse on a problem fails until the table says so.
 *
 * <ul>
 *   <li>{@code M}: ends at a published minimum — within the method's {@code zero} of a minimum of
 *       0, within the problem's relative tolerance of another, at the minimiser where it is
 *       published ({@link Checks#reachesPublishedMinimum});</li>
 *   <li>{@code L}: stops short of every published minimum at its iteration or evaluation limit;</li>
 *   <li>{@code N}: stops short because the line search found no lower value (f flat to rounding
 *       along the direction: badly scaled problems);</li>
 *   <li>{@code O}: a fixed rate overshoots until f overflows; the run stops and keeps its best point;</li>
 *   <li>{@code F}: converges (gradient norm below the tolerance) on a flat region far from every
 *       minimum, where a fixed first step threw it (e.g. Jennrich–Sampson's plateau f = 2020).</li>
 * </ul>
 *
 * <p>First-order methods need thousands of iterations where L-BFGS needs tens, and a fixed rate
 * must suit the problem's curvature, so many of their runs end at their limit; the table is
 * where that is written down. Every run also keeps the bookkeeping of {@link Checks#consistent},
 * and the runs of methods whose f never rises are checked to be monotone.
 */
class MethodsMghTest {

    /** A method, its column in {@link #EXPECTED}, how tight a minimum of 0 must be reached, whether f may never rise. */
    record Case(String column, String label, Supplier<Optimizer<?>> method, double zero, boolean monotone) {
    }

    static final List<Case> CASES = List.of(
            new Case("CG-PR", "conjugate gradient, Polak–Ribière, Brent", () -> conjugateGradient().gradientTolerance(1e-10),
                    1e-14, true),
            new Case("CG-FR", "conjugate gradient, Fletcher–Reeves, Brent",
                    () -> conjugateGradient().fletcherReeves().gradientTolerance(1e-10), 1e-14, true),
            new Case("CG-PR-W", "conjugate gradient, Polak–Ribière, strong Wolfe",
                    () -> conjugateGradient().lineSearch(LineSearch.strongWolfe().c2(0.1)).gradientTolerance(1e-10), 1e-14,
                    true),
            new Case("LBFGS-A", "L-BFGS, Armijo backtracking",
                    () -> lbfgs().lineSearch(LineSearch.backtracking()).gradientTolerance(1e-8), 1e-14, true),
            new Case("GD-B", "gradient descent, Brent", () -> gradientDescent().gradientTolerance(1e-8).maxEvaluations(50_000),
                    1e-14, true),
            new Case("GD-W", "gradient descent, strong Wolfe",
                    () -> gradientDescent().lineSearch(LineSearch.strongWolfe()).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, true),
            new Case("GD-A", "gradient descent, Armijo",
                    () -> gradientDescent().lineSearch(LineSearch.backtracking()).gradientTolerance(1e-8), 1e-14, true),
            new Case("GD.005", "gradient descent, rate 0.005",
                    () -> gradientDescent(0.005).gradientTolerance(1e-8).maxIterations(20_000), 1e-14, false),
            new Case("GD.001", "gradient descent, rate 0.001",
                    () -> gradientDescent(0.001).gradientTolerance(1e-8).maxIterations(20_000), 1e-14, false),
            new Case("Mom", "momentum 0.001, 0.9", () -> momentum(0.001, 0.9).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, false),
            new Case("Nest", "Nesterov 0.001, 0.9", () -> nesterov(0.001, 0.9).gradientTolerance(1e-8).maxIterations(20_000),
                    1e-14, false),
            new Case("Newton", "Newton", () -> newton().gradientTolerance(1e-10), 1e-14, true),
            new Case("Adam", "Adam 0.01", () -> adam(0.01).gradientTolerance(1e-8).maxIterations(20_000), 1e-14, false));

    /** The expected outcome of every method (column) on every problem (row); the codes are in the class comment. */
    static final String EXPECTED = """
                                  CG-PR    CG-FR    CG-PR-W  LBFGS-A  GD-B     GD-W     GD-A     GD.005   GD.001   Mom      Nest     Newton   Adam
            Rosenbrock            M        M        M        M        L        M        L        L        L        M        M        M        M
            Freudenstein and Roth M        M        M        M        M        M        L        O        M        M        M        M        M
            Powell badly scaled   N        N        N        M        L        L        L        O        O        O        O        M        L
            Brown badly scaled    M        N        M        M        L        L        L        O        O        O        O        M        L
            Beale                 M        M        M        M        M        M        M        M        L        M        M        M        M
            Jennrich and Sampson  M        M        M        M        M        M        M        F        F        F        F        M        M
            helical valley        M        M        M        M        L        M        L        L        M        M        M        M        M
            Bard                  M        M        M        M        L        M        L        L        L        L        L        M        M
            Gaussian              M        M        M        M        M        M        M        M        L        M        M        M        M
            Meyer                 L        L        N        M        L        L        L        L        F        F        F        L        L
            Box three-dimensional M        M        M        M        L        L        L        L        L        L        L        M        M
            Powell singular       M        M        M        M        L        L        L        L        L        L        L        M        L
            Wood                  M        M        M        M        L        L        L        O        O        O        O        M        M
            Kowalik and Osborne   M        M        M        M        L        M        L        L        L        L        L        M        M
            Brown and Dennis      M        M        M        M        M        M        M        O        O        O        O        M        M
            Biggs EXP6            M        M        M        M        L        L        L        L        L        L        L        M        M
            Watson                M        M        M        M        L        L        L        L        L        L        L        M        M
            extended Rosenbrock   M        M        M        M        L        L        L        L        L        M        M        M        M
            trigonometric         M        M        M        M        M        M        M        L        L        M        M        M        M
            variably dimensioned  M        M        M        M        M        M        M        O        O        O        O        M        L
            """;

    /** problem → column → code, parsed from {@link #EXPECTED}. */
    static Map<String, Map<String, String>> expected() {
        List<String> lines = EXPECTED.lines().filter(l -> !l.isBlank()).toList();
        List<String> columns = List.of(lines.get(0).trim().split("\\s+"));
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] t = line.trim().split("\\s+");
            String problem = String.join(" ", List.of(t).subList(0, t.length - columns.size()));
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                row.put(columns.get(c), t[t.length - columns.size() + c]);
            }
            table.put(problem, row);
        }
        return table;
    }

    @Test
    void theTableHasEveryProblemAndEveryMethod() {
        Map<String, Map<String, String>> table = expected();
        assertEquals(Mgh.all().stream().map(Mgh.Problem::name).toList(), List.copyOf(table.keySet()),
                "one row per problem, in Mgh's order");
        for (Map<String, String> row : table.values()) {
            assertEquals(CASES.stream().map(Case::column).toList(), List.copyOf(row.keySet()), "one column per method");
            assertTrue(row.values().stream().allMatch(v -> v.matches("[MLNOF]")), "codes M, L, N, O, F: " + row);
        }
    }

    @TestFactory
    List<DynamicNode> everyMethodOnEveryProblem() {
        Map<String, Map<String, String>> table = expected();
        List<DynamicNode> methods = new ArrayList<>();
        for (Case c : CASES) {
            List<DynamicTest> runs = new ArrayList<>();
            for (Mgh.Problem p : Mgh.all()) {
                String want = table.get(p.name()).get(c.column());
                runs.add(DynamicTest.dynamicTest(p + ": " + want, () -> check(c, p, want)));
            }
            methods.add(DynamicContainer.dynamicContainer(c.label(), runs));
        }
        return methods;
    }

    static void check(Case c, Mgh.Problem p, String want) {
        // every iteration kept, so the bookkeeping checks see the whole run
        OptimizationResult r = c.method().get().relativeTolerance(0).historyLimit(100_000).progress(false)
                .minimize(p.f(), p.x0());
        Checks.consistent(r);
        if (c.monotone()) {
            Checks.monotone(r);
        }
        if (want.equals("M")) {
            Checks.reachesPublishedMinimum(p, r, c.zero());
            return;
        }
        if (atMinimum(p, r, c.zero())) {
            fail(c.label() + " on " + p + " now reaches a published minimum; the table expects " + want + ": " + r);
        }
        String reason = r.reason();
        boolean as = switch (want) {
            case "L" -> reason.startsWith("iteration limit") || reason.startsWith("evaluation limit");
            case "N" -> reason.startsWith("the line search found no lower value");
            case "O" -> reason.startsWith("f = ") && reason.contains("kept the best point");
            case "F" -> r.converged() && reason.startsWith("gradient norm");
            default -> throw new IllegalStateException(want);
        };
        assertTrue(as, () -> c.label() + " on " + p + ": expected to stop as " + want + ", but: " + r);
    }

    /** Whether the run ended at a published minimum, by {@link Checks#reachesPublishedMinimum}'s test. */
    static boolean atMinimum(Mgh.Problem p, OptimizationResult r, double zero) {
        try {
            Checks.reachesPublishedMinimum(p, r, zero);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
