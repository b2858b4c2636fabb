package dev.wengert.core;

import dev.wengert.rules.Special;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Nesting without perturbation confusion, Hessians, Hessian–vector products, Taylor towers. */
class HigherOrderTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    // ---- perturbation confusion -------------------------------------------------------------------

    /** d/dx [ x · (d/dy (x + y))(y = 1) ] at x = 1 is 1; confusing the perturbations gives 2. */
    @TestFactory
    List<DynamicTest> noPerturbationConfusionInAnyPairingOfModes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Mode outer : Mode.values()) {
            for (Mode inner : Mode.values()) {
                tests.add(DynamicTest.dynamicTest(outer + " over " + inner, () -> {
                    Num d = derivative(outer, x -> x.times(derivative(inner, y -> x.plus(y), constant(1))), constant(1));
                    assertEquals(1.0, d.value(), 0.0);
                }));
            }
        }
        return tests;
    }

    @Test
    void noPerturbationConfusionWithTheImplicitTapeOutside() {
        var x = param("x", 1.0);
        for (Mode inner : Mode.values()) {
            Num z = x.times(derivative(inner, y -> x.plus(y), constant(1)));
            assertEquals(1.0, z.d(x), 0.0, inner.toString());
        }
        mode(Mode.FORWARD);
        var u = param("u", 1.0);
        Num w = u.times(derivative(Mode.REVERSE, y -> u.plus(y), constant(1)));
        assertEquals(1.0, w.d(u), 0.0);
    }

    @Test
    void innerDerivativesCloseOverOuterParameters() {
        var x = param("x", 2.0);
        // g(x) = d/dt [t² x] at t = 3 = 6x
        Num g = derivative(t -> t.square().times(x), constant(3));
        assertEquals(12.0, g.value(), 0.0);
        g.backward();
        assertEquals(6.0, x.grad(), 0.0);
        // and the same through the reverse-mode Num gradient
        Num[] gr = gradient(v -> v[0].square().times(x).plus(v[1].times(x.square())), constant(3), constant(5));
        assertEquals(12.0, gr[0].value(), 0.0);
        assertEquals(4.0, gr[1].value(), 0.0);
        assertEquals(2.0 * x.value(), gr[1].d(x), 0.0);
    }

    @Test
    void thirdDerivativeByNestingEqualsTaylor() {
        UnaryFn f = t -> sin(t).times(exp(t.times(0.5)));
        UnaryFn d1 = t -> derivative(f, t);
        UnaryFn d2 = t -> derivative(Mode.REVERSE, d1, t);
        double nested = derivative(d2, constant(0.7)).value();
        assertEquals(derivative(f, 0.7, 3), nested, 1e-13 * Math.abs(nested));
    }

    @Test
    void anEscapedInnerValueIsReportedWithBothLevels() {
        AtomicReference<Num> leaked = new AtomicReference<>();
        var x = param("x", 1.0);
        derivative(y -> {
            leaked.set(y.square());
            return y.times(x);
        }, constant(2));
        WengertException e = assertThrows(WengertException.class, () -> leaked.get().plus(x));
        assertTrue(e.getMessage().contains("derivative") && e.getMessage().contains("parameter 'x' of the implicit tape")
                && e.getMessage().contains("returned"), e.getMessage());
        AtomicReference<Num> leakedR = new AtomicReference<>();
        gradient(v -> {
            leakedR.set(v[0].square());
            return v[0];
        }, constant(1));
        WengertException r = assertThrows(WengertException.class, () -> leakedR.get().times(x));
        assertTrue(r.getMessage().contains("escaped") && r.getMessage().contains("parameter 'x'"), r.getMessage());
    }

    @Test
    void customRulesAreFirstOrderOnlyAndSaySo() {
        UnaryFn cube = rule("cube", q -> q * q * q, q -> 3 * q * q);
        assertEquals(12.0, derivative(cube, 2.0), 0.0, "first order works");
        WengertException e = assertThrows(WengertException.class, () -> hessian(v -> cube.apply(v[0]), 2.0));
        assertTrue(e.getMessage().contains("'cube' is first-order only"), e.getMessage());
        WengertException t = assertThrows(WengertException.class, () -> derivatives(cube, 2.0, 3));
        assertTrue(t.getMessage().contains("'cube' is first-order only"), t.getMessage());
    }

    // ---- Hessians ------------------------------------------------------------------------------------

    static final Fn ROSENBROCK = x -> {
        Num s = constant(0);
        for (int i = 0; i + 1 < x.length; i++) {
            s = s.plus(x[i + 1].minus(x[i].square()).square().times(100)).plus(constant(1).minus(x[i]).square());
        }
        return s;
    };

    static double[][] rosenbrockHessian(double[] x) {
        int n = x.length;
        double[][] h = new double[n][n];
        for (int i = 0; i + 1 < n; i++) {
            h[i][i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            h[i + 1][i + 1] += 200;
            h[i][i + 1] += -400 * x[i];
            h[i + 1][i] += -400 * x[i];
        }
        return h;
    }

    static void assertMatrix(double[][] want, double[][] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[i][j], got[i][j], tol * Math.max(1, Math.abs(want[i][j])), what + " [" + i + "][" + j + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 10, 100})
    void rosenbrockHessianInEveryPairingOfModes(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.5 + 0.01 * i - (i % 3) * 0.2;
        }
        double[][] want = rosenbrockHessian(x);
        assertMatrix(want, hessian(ROSENBROCK, x), 1e-14, "forward over reverse");
        if (n <= 10) {
            for (Mode o : Mode.values()) {
                for (Mode i : Mode.values()) {
                    assertMatrix(want, hessian(o, i, ROSENBROCK, x), 1e-14, o + " over " + i);
                }
            }
        }
        double[][] h = hessian(ROSENBROCK, x);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(h[i][j], h[j][i], 1e-15 * Math.max(1, Math.abs(h[i][j])), "symmetric");
            }
        }
    }

    @Test
    void logSumExpHessianIsDiagPMinusPPt() {
        double[] x = {0.3, -1.2, 2.0, 0.7};
        double[][] h = hessian(v -> logsumexp(v), x);
        double[] p = dev.wengert.rules.Arithmetic.softmax(x);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals((i == j ? p[i] : 0) - p[i] * p[j], h[i][j], 1e-15);
            }
        }
    }

    @Test
    void hessianThroughControlFlow() {
        // f = x²y if x > y, else x·y³ — the Hessian of the branch taken
        Fn f = v -> v[0].gt(v[1]) ? v[0].square().times(v[1]) : v[0].times(v[1].pow(3));
        assertMatrix(new double[][] {{2 * 1.0, 2 * 3.0}, {2 * 3.0, 0}}, hessian(f, 3.0, 1.0), 1e-15, "x > y");
        assertMatrix(new double[][] {{0, 3 * 4.0}, {3 * 4.0, 6 * 1.0 * 2.0}}, hessian(f, 1.0, 2.0), 1e-15, "x ≤ y");
        int[] steps = {0};
        Fn loop = v -> {                     // y ← y·x while y < 10: y = x^k
            Num y = v[0];
            while (y.lt(10)) {
                y = y.times(v[0]);
            }
            return y;
        };
        double k = 4;                        // 1.9^4 = 13.03 ≥ 10 after three products
        assertEquals(k * (k - 1) * Math.pow(1.9, k - 2), hessian(loop, 1.9)[0][0], 1e-12);
    }

    @Test
    void hvpEqualsHessianTimesV() {
        Random r = new Random(7);
        Fn f = v -> {
            Num s = logsumexp(v).times(v[0]);
            for (Num e : v) {
                s = s.plus(sin(e.times(e)));
            }
            return s.plus(ROSENBROCK.apply(v));
        };
        for (int trial = 0; trial < 20; trial++) {
            double[] x = new double[6];
            double[] v = new double[6];
            for (int i = 0; i < 6; i++) {
                x[i] = r.nextGaussian();
                v[i] = r.nextGaussian();
            }
            double[][] h = hessian(f, x);
            double[] hv = hvp(f, x, v);
            for (int i = 0; i < 6; i++) {
                double want = 0;
                for (int j = 0; j < 6; j++) {
                    want += h[i][j] * v[j];
                }
                assertEquals(want, hv[i], 1e-11 * Math.max(1, Math.abs(want)));
            }
        }
    }

    @Test
    void higherOrderFacadeErrors() {
        assertThrows(IllegalArgumentException.class, () -> derivatives(t -> t, 1.0, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> hvp(v -> v[0].times(v[1]), new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("v has 1 values but x has 2"));
        var x = param("x", 1.0);
        WengertException t = assertThrows(WengertException.class, () -> derivatives(s -> s.times(x), 1.0, 2));
        assertTrue(t.getMessage().contains("Taylor"), t.getMessage());
    }
}
