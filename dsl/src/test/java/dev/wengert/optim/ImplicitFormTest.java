package dev.wengert.optim;

import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static dev.wengert.Wengert.*;
import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.params;
import static dev.wengert.Wengert.square;
import static dev.wengert.Wengert.tape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The implicit form minimize(() -> loss, params): parameters of a holder, moved in place. */
class ImplicitFormTest {

    @Test
    void movesTheHoldersParametersToTheMinimum() {
        var p = params("a", 0.0, "b", 0.0);
        // J(a, b) = (a − 3)² + 10 (b + 1)²
        Supplier<Num> J = () -> square(p.get("a").minus(3)).plus(square(p.get("b").plus(1)).times(10));
        OptimizationResult r = minimize(J, p);
        assertTrue(r.converged(), r::toString);
        assertEquals(3, p.value("a"), 1e-7);
        assertEquals(-1, p.value("b"), 1e-7);
        assertEquals(java.util.List.of("a", "b"), r.names());
        assertTrue(r.toString().contains("a = "), r::toString);
        // afterwards p.get is a parameter at the optimum, ready for the core API
        Num a = p.get("a");
        assertTrue(a.isParameter());
        assertEquals(p.value("a"), a.value());
        assertSame(a, p.get("a"), "the same parameter while its value is unchanged");
        Num loss = J.get();
        loss.backward();
        assertEquals(2 * (p.value("a") - 3), a.grad(), 1e-12);
    }

    @Test
    void theVarargsFormMovesOnlyTheNamedParameters() {
        var p = params("a", 0.0, "b", 5.0);
        Supplier<Num> J = () -> square(p.get("a").minus(p.get("b")));
        OptimizationResult r = minimize(J, p.get("a"));
        assertEquals(1, r.x().length);
        assertEquals(5, p.value("a"), 1e-7);
        assertEquals(5, p.value("b"), 0.0, "b was not named, so it stays");
    }

    @Test
    void aParameterFetchedBeforeAnEarlierRunStillNamesItsSlot() {
        var p = params("a", 0.0);
        Num before = p.get("a");
        Supplier<Num> J = () -> square(p.get("a").minus(2));
        minimize(J, p);
        assertTrue(p.get("a") != before, "a new parameter at the new value");
        p.set("a", 10.0);
        minimize(J, before);   // the old handle still means "a of p"
        assertEquals(2, p.value("a"), 1e-7);
    }

    @Test
    void anyMethodRunsTheImplicitForm() {
        var p = params("w", 1.0);
        OptimizationResult r = minimize(() -> square(p.get("w").minus(0.5)), p, adam(0.05).gradientTolerance(1e-8));
        assertEquals(0.5, p.value("w"), 1e-6);
        assertTrue(r.method().startsWith("Adam"));
    }

    @Test
    void neverGrowsTheImplicitTape() {
        var p = params("a", 0.0, "b", 0.0);
        p.all();   // issue the parameters first: they are the only implicit-tape nodes we make
        int before = tape().size();
        minimize(() -> square(p.get("a").minus(1)).plus(square(p.get("b").minus(2))), p);
        assertEquals(before, tape().size());
    }

    @Test
    void plainParamsAreMovedInPlaceAndTheTapeDoesNotGrow() {
        resetTape();
        Num a = param("a", 1.0);
        Num b = param("b", -1.0);
        int before = tape().size();
        // J(a, b) = (a − 3)² + 10 (b − a²)²
        OptimizationResult r = minimize(() -> square(a.minus(3)).plus(square(b.minus(square(a))).times(10)), a, b);
        assertTrue(r.converged(), r.toString());
        assertEquals(3.0, a.value(), 1e-5);
        assertEquals(9.0, b.value(), 1e-4);
        assertEquals(before, tape().size(), "every evaluation was cut back off the implicit tape");
        Num z = a.times(b);                 // the parameters stay usable at their new values
        z.backward();
        assertEquals(b.value(), a.grad(), 0.0);
        for (Optimizer<?> m : new Optimizer<?>[] {gradientDescent(), conjugateGradient(), adam(0.05).maxIterations(5000)}) {
            Num c = param("c", 0.0);
            m.minimize(() -> square(c.minus(2)), c);
            assertEquals(2.0, c.value(), 1e-3, m.name());
        }
    }

    @Test
    void aPlainParameterLossOverAStaleValueIsReported() {
        Num a = param("a", 1.0);
        Num twice = a.times(2);            // computed before minimize, from the old value
        var e = assertThrows(RuntimeException.class, () -> minimize(() -> square(twice.minus(3)), a));
        assertTrue(e.getMessage().contains("before minimize"), e.getMessage());
        var n = assertThrows(IllegalArgumentException.class, () -> newton().minimize(() -> square(a.minus(3)), a));
        assertTrue(n.getMessage().contains("second derivatives"), n.getMessage());
    }

    @Test
    void aLossThatReadsItsParametersOutsideTheLambdaIsRefused() {
        var p = params("a", 1.0);
        Num a = p.get("a");   // fetched once, outside: the loss would never see new values
        var e = assertThrows(IllegalArgumentException.class, () -> minimize(() -> square(a.minus(3)), p));
        assertTrue(e.getMessage().contains("inside the lambda"), e.getMessage());
    }

    @Test
    void holderErrorsNameTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> params("a"));
        assertThrows(IllegalArgumentException.class, () -> params("a", 1.0, "a", 2.0));
        assertThrows(IllegalArgumentException.class, () -> params(1.0, "a"));
        assertThrows(IllegalArgumentException.class, () -> params("a", Double.NaN));
        var p = params("a", 1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> p.get("b"));
        assertTrue(e.getMessage().contains("[a]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> minimize(() -> p.get("a"), p.get("a"), p.get("a")));
        assertThrows(IllegalArgumentException.class, () -> minimize(() -> p.get("a")));
    }
}
