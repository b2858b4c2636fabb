package dev.wengert.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** The implicit API: parameters, backward, grad, d, modes, control flow, the chain rule. */
class CoreTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    @AfterEach
    void restore() {
        mode(Mode.REVERSE);
        checkNonFinite(false);
    }

    /** The seed's example: z(x(u, v), y(u, v)), ∂z/∂v = ∂x/∂v·∂z/∂x + ∂y/∂v·∂z/∂y. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void chainRuleSumsAllPaths(Mode m) {
        mode(m);
        var u = param("u", 0.8);
        var v = param("v", -1.3);
        Num x = u.times(v);             // x = u·v
        Num y = u.plus(v.square());     // y = u + v²
        Num z = x.times(y).plus(sin(x)); // z = x·y + sin x
        z.backward();
        double X = 0.8 * -1.3, Y = 0.8 + 1.69;
        double dzdx = Y + Math.cos(X), dzdy = X;
        double dxdv = 0.8, dydv = 2 * -1.3, dxdu = -1.3, dydu = 1;
        assertEquals(dxdv * dzdx + dydv * dzdy, v.grad(), 1e-15);
        assertEquals(dxdu * dzdx + dydu * dzdy, u.grad(), 1e-15);
        assertEquals(v.grad(), z.d(v), 0.0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ifElseTakesTheDerivativeOfTheBranchTaken(Mode m) {
        mode(m);
        for (double x0 : new double[] {-2, 3}) {
            var x = param("x", x0);
            Num y = x.gt(0) ? x.square() : x.times(-3);
            assertEquals(x0 > 0 ? 2 * x0 : -3, y.d(x));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void whileLoopWithReassignment(Mode m) {
        mode(m);
        var x = param("x", 1.1);
        Num y = x;
        int steps = 0;
        while (y.lt(100)) {        // y = x^(2^k) until it passes 100
            y = y.times(y);
            steps++;
        }
        double k = Math.pow(2, steps);
        assertEquals(k * Math.pow(1.1, k - 1), y.d(x), 1e-9 * y.d(x));
    }

    static Num power(Num x, int n) {
        return n == 0 ? constant(1) : x.times(power(x, n - 1));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void recursion(Mode m) {
        mode(m);
        var x = param("x", 1.7);
        assertEquals(7 * Math.pow(1.7, 6), power(x, 7).d(x), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void parameterUsedManyTimes(Mode m) {
        mode(m);
        var x = param("x", 0.3);
        Num s = constant(0);
        for (int i = 1; i <= 1000; i++) {
            s = s.plus(x.times(i));   // Σ i·x
        }
        s.backward();
        assertEquals(500500.0, x.grad(), 0.0);
    }

    @Test
    void forwardAndReverseAgreeOnRandomInputs() {
        Fn f = v -> {
            Num a = v[0].times(v[1]).plus(exp(v[2].times(0.3)));
            Num b = a.gt(1) ? log(a) : a.square();
            return b.times(tanh(v[1])).plus(hypot(v[0], v[2])).minus(atan2(v[1], v[0]).times(v[2]));
        };
        Random r = new Random(42);
        for (int k = 0; k < 200; k++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            assertArrayEquals(gradient(Mode.FORWARD, f, x), gradient(Mode.REVERSE, f, x), 1e-14, "at " + java.util.Arrays.toString(x));
        }
    }

    @Test
    void sameUserCodeUnderBothModes() {
        double[] grads = new double[2];
        for (Mode m : Mode.values()) {
            mode(m);
            var a = param("a", 2.0);
            var b = param("b", 0.5);
            Num z = a.times(b).plus(exp(b)).div(a);
            z.backward();
            if (m == Mode.FORWARD) {
                grads[0] = a.grad();
                grads[1] = b.grad();
            } else {
                assertEquals(grads[0], a.grad(), 1e-15);
                assertEquals(grads[1], b.grad(), 1e-15);
            }
        }
        assertEquals(-Math.exp(0.5) / 4, grads[0], 1e-15);
        assertEquals(1 + Math.exp(0.5) / 2, grads[1], 1e-15);
    }

    @Test
    void gradIsFromTheLastBackwardThatReachedTheParameter() {
        var x = param("x", 2.0);
        var y = param("y", 3.0);
        x.times(y).backward();
        assertEquals(3.0, x.grad());
        y.square().backward();            // does not reach x
        assertEquals(3.0, x.grad(), "x keeps the gradient of the last sweep that reached it");
        assertEquals(6.0, y.grad());
        assertEquals(0.0, y.square().d(x), "but d() of a value that does not depend on x is 0");
    }

    @Test
    void rerunningACellGivesTheSameAnswer() {
        var x = param("x", 1.5);
        double first = 0;
        for (int run = 0; run < 3; run++) {
            Num z = x.times(x).plus(sin(x));   // the same cell, run again
            z.backward();
            if (run == 0) {
                first = x.grad();
            }
            assertEquals(first, x.grad(), 0.0);
        }
        assertEquals(3 + Math.cos(1.5), first, 1e-15);
    }

    @Test
    void functionalApiDoesNotGrowTheImplicitTape() {
        var x = param("x", 1.0);
        int before = tape().size();
        for (int i = 0; i < 100; i++) {
            gradient(v -> v[0].times(v[1]).sin(), 1, 2);
            jacobian(v -> new Num[] {v[0].exp(), v[1]}, 1, 2);
        }
        assertEquals(before, tape().size());
        assertEquals(1.0, x.value());
    }

    @Test
    void jacobianJvpVjp() {
        VecFn polar = v -> new Num[] {v[0].times(cos(v[1])), v[0].times(sin(v[1])), v[0]};
        double r = 2, t = 0.5;
        double[][] want = {{Math.cos(t), -r * Math.sin(t)}, {Math.sin(t), r * Math.cos(t)}, {1, 0}};
        for (double[][] j : new double[][][] {jacobian(polar, r, t), jacobian(Mode.FORWARD, polar, r, t),
                jacobian(Mode.REVERSE, polar, r, t)}) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(want[i], j[i], 1e-15);
            }
        }
        VecFn wide = v -> new Num[] {v[0].times(v[1]).plus(v[2])};
        assertArrayEquals(new double[] {3, 2, 1}, jacobian(wide, 2, 3, 4)[0], 0.0);
        double[] jv = jvp(polar, new double[] {r, t}, new double[] {1, 2});
        assertArrayEquals(new double[] {want[0][0] + 2 * want[0][1], want[1][0] + 2 * want[1][1], 1}, jv, 1e-15);
        double[] uj = vjp(polar, new double[] {r, t}, new double[] {1, -1, 2});
        assertArrayEquals(new double[] {want[0][0] - want[1][0] + 2, want[0][1] - want[1][1]}, uj, 1e-15);
        ValueAndGradient vg = valueAndGradient(v -> v[0].times(v[1]), 3, 4);
        assertEquals(12, vg.value());
        assertArrayEquals(new double[] {4, 3}, vg.gradient());
        assertEquals(Math.cos(1.0) * 2, derivative(x -> sin(x.times(2)).div(2).times(2), 0.5), 1e-15);
    }

    @Test
    void customRulesWorkInBothModes() {
        UnaryFn cube = rule("cube", x -> x * x * x, x -> 3 * x * x);
        assertEquals(12.0, derivative(cube, 2.0));
        assertEquals(12.0, gradient(v -> cube.apply(v[0]), 2.0)[0]);
        Fn dist = rule("dist", 2, v -> Math.hypot(v[0], v[1]),
                v -> new double[] {v[0] / Math.hypot(v[0], v[1]), v[1] / Math.hypot(v[0], v[1])});
        assertArrayEquals(new double[] {0.6, 0.8}, gradient(dist, 3, 4), 1e-15);
        assertArrayEquals(new double[] {0.6, 0.8}, gradient(Mode.FORWARD, dist, 3, 4), 1e-15);
        var x = param("x", 2.0);
        Num y = cube.apply(x).plus(x);
        assertEquals(13.0, y.d(x));
        assertTrue(tape().toString().contains("cube"), "the tape names the rule");
    }

    @Test
    void stopGradientBlocksTheDerivative() {
        var x = param("x", 3.0);
        Num y = x.times(stopGradient(x));
        assertEquals(9.0, y.value());
        assertEquals(3.0, y.d(x), "only the first factor is differentiated");
    }

    @Test
    void toStringIsOneShortLine() {
        var x = param("x", 1.5);
        assertEquals("x = 1.5", x.toString());
        Num z = x.times(2);
        z.backward();
        assertEquals("x = 1.5 (grad 2.0)", x.toString());
        assertEquals("Num(3.0) (grad 1.0)", z.toString());
        assertEquals("Num(2.0)", constant(2).toString());
        mode(Mode.FORWARD);
        var a = param("a", 2.0);
        assertEquals("Num(4.0) (d/da 4.0)", a.square().toString());
    }

    @Test
    void tapePrintsTheWengertListAndExportsDot() {
        var x = param("x", 2.0);
        Num z = x.times(x).plus(sin(x));
        z.backward();
        String s = tape().toString();
        assertTrue(s.contains("param x"), s);
        assertTrue(s.contains("mul") && s.contains("#0, #0") && s.contains("sin") && s.contains("add"), s);
        assertEquals(4, tape().size());
        String dot = tape().toDot();
        assertTrue(dot.startsWith("digraph"));
        assertTrue(dot.contains("n0 -> n1") && dot.contains("n0 -> n2") && dot.contains("n2 -> n3"), dot);
        assertTrue(tape().mimeBundle().get("text/html").contains("<table>"));
    }

    @Test
    void gradCheckReportsEveryInput() {
        GradCheck ok = gradCheck(v -> v[0].times(v[1]).plus(sin(v[0])), 1.5, -0.5);
        assertTrue(ok.passed(), ok.toString());
        assertEquals(2, ok.rows().size());
        assertTrue(ok.toString().contains("PASSED"));
        // a rule with a wrong derivative is caught
        UnaryFn wrong = rule("wrongSin", Math::sin, x -> -Math.cos(x));
        GradCheck bad = gradCheck(v -> wrong.apply(v[0]), 0.3);
        assertFalse(bad.passed(), bad.toString());
        assertTrue(bad.toString().contains("FAIL"));
    }
}
