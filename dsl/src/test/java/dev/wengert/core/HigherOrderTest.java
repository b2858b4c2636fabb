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

    // ---- Taylor towers -----------------------------------------------------------------------------

    record Row(String name, UnaryOperator<Num> ours, Function<DerivativeStructure, DerivativeStructure> oracle, double... points) {
    }

    static final List<Row> TABLE = List.of(
            new Row("exp", Num::exp, DerivativeStructure::exp, -1, 0.3, 2),
            new Row("expm1", Num::expm1, DerivativeStructure::expm1, -1, 1e-3, 2),
            new Row("log", Num::log, DerivativeStructure::log, 0.5, 1, 3),
            new Row("log1p", Num::log1p, DerivativeStructure::log1p, -0.5, 0.1, 3),
            new Row("log10", Num::log10, DerivativeStructure::log10, 0.5, 2),
            new Row("sqrt", Num::sqrt, DerivativeStructure::sqrt, 0.3, 2),
            new Row("cbrt", Num::cbrt, DerivativeStructure::cbrt, -2, 0.5, 3),
            new Row("sin", Num::sin, DerivativeStructure::sin, -1, 0, 0.7),
            new Row("cos", Num::cos, DerivativeStructure::cos, -1, 0, 0.7),
            new Row("tan", Num::tan, DerivativeStructure::tan, -0.5, 0.2, 1),
            new Row("asin", Num::asin, DerivativeStructure::asin, -0.5, 0, 0.3),
            new Row("acos", Num::acos, DerivativeStructure::acos, -0.5, 0, 0.3),
            new Row("atan", Num::atan, DerivativeStructure::atan, -2, 0, 0.5),
            new Row("sinh", Num::sinh, DerivativeStructure::sinh, -1, 0.4),
            new Row("cosh", Num::cosh, DerivativeStructure::cosh, -1, 0.4),
            new Row("tanh", Num::tanh, DerivativeStructure::tanh, -1, 0.4),
            new Row("asinh", Num::asinh, DerivativeStructure::asinh, -1, 0.4),
            new Row("acosh", Num::acosh, DerivativeStructure::acosh, 1.5, 3),
            new Row("atanh", Num::atanh, DerivativeStructure::atanh, -0.5, 0.2),
            new Row("abs", Num::abs, DerivativeStructure::abs, -2, 3),
            new Row("square", Num::square, d -> d.multiply(d), -1, 2),
            new Row("reciprocal", Num::reciprocal, DerivativeStructure::reciprocal, -1, 2),
            new Row("pow 3", x -> x.pow(3), d -> d.pow(3), -1.5, 2),
            new Row("pow 2.5", x -> x.pow(2.5), d -> d.pow(2.5), 0.5, 2),
            new Row("pow -1.5", x -> x.pow(-1.5), d -> d.pow(-1.5), 0.5, 2),
            new Row("pow x^x", x -> x.pow(x), d -> d.pow(d), 0.5, 2),
            // σ = (1 + tanh(x/2))/2 and softplus = x/2 + log 2 + log cosh(x/2): DerivativeStructure's
            // own 1/(1 + e^−x) loses 1e-11 by order 9 (checked against mpmath), these do not
            new Row("sigmoid", Num::sigmoid, d -> d.divide(2).tanh().add(1).divide(2), -2, 0, 1),
            new Row("softplus", Num::softplus, d -> d.divide(2).add(Math.log(2)).add(d.divide(2).cosh().log()), -2, 0, 1),
            new Row("atan2(x, 2)", x -> atan2(x, constant(2)), d -> DerivativeStructure.atan2(d, d.getField().getOne().multiply(2)), -1, 0.5),
            new Row("atan2(1, x)", x -> atan2(constant(1), x), d -> DerivativeStructure.atan2(d.getField().getOne(), d), -1, 0.5),
            new Row("hypot(x, 2)", x -> hypot(x, constant(2)), d -> DerivativeStructure.hypot(d, d.getField().getOne().multiply(2)), -1, 0.5),
            new Row("div", x -> x.sin().div(x.plus(2)), d -> d.sin().divide(d.add(2)), -1, 0.5),
            new Row("logsumexp", x -> logsumexp(x, x.square(), constant(0.5)),
                    d -> d.exp().add(d.multiply(d).exp()).add(Math.exp(0.5)).log(), -1, 0.5));

    @TestFactory
    List<DynamicTest> derivativeTowersAgainstDerivativeStructure() {
        int k = 10;
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : TABLE) {
            for (double x : r.points) {
                tests.add(DynamicTest.dynamicTest(r.name + " at " + x, () -> {
                    double[] ours = derivatives(t -> r.ours.apply(t), x, k);
                    DerivativeStructure d = r.oracle.apply(new DerivativeStructure(1, k, 0, x));
                    for (int j = 0; j <= k; j++) {
                        double want = d.getPartialDerivative(j);
                        double scale = Math.max(1, Math.abs(want));
                        // rounding grows with the order for both sides; 1e-12 relative up to order 10
                        assertEquals(want, ours[j], 1e-12 * scale + 1e-13 * Math.pow(4, j) * Math.ulp(scale) * 1e3,
                                r.name + " derivative " + j + " at " + x);
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void towersOfErfAndLgammaAgainstNestedDerivativesAndPolygamma() {
        // lgamma⁽ᵏ⁺¹⁾ = ψ⁽ᵏ⁾ (polygamma), the reference for the lgamma tower
        for (double x : new double[] {0.7, 2.5, 9.0, -1.5}) {
            double[] d = derivatives(t -> lgamma(t), x, 8);
            assertEquals(Special.lgamma(x), d[0], 1e-15 * Math.max(1, Math.abs(d[0])));
            for (int j = 1; j <= 8; j++) {
                double want = Special.polygamma(j - 1, x);
                assertEquals(want, d[j], 1e-12 * Math.max(1, Math.abs(want)), "lgamma^(" + j + ")(" + x + ")");
            }
        }
        // erf′ = 2/√π e^(−x²): the tower of erf from order 1 on is that of the closed form
        for (double x : new double[] {-1.1, 0, 0.4}) {
            double[] e = derivatives(t -> erf(t), x, 8);
            double[] g = derivatives(t -> exp(t.square().neg()).times(2 / Math.sqrt(Math.PI)), x, 7);
            for (int j = 1; j <= 8; j++) {
                assertEquals(g[j - 1], e[j], 1e-13 * Math.max(1, Math.abs(g[j - 1])));
            }
            double[] c = derivatives(t -> erfc(t), x, 8);
            for (int j = 1; j <= 8; j++) {
                assertEquals(-e[j], c[j], 1e-13 * Math.max(1, Math.abs(e[j])));
            }
        }
    }

    @Test
    void polygammaAgainstReferenceValues() {
        // mpmath psi(n, x) at 30 digits
        double[][] ref = {{2, 1, -2.4041138063191886}, {3, 1, 6.4939394022668291}, {2, 10, -0.011049834970802067},
                {2, 0.5, -16.82879664423432}, {5, -1.5, 15381.648528026304}, {7, 3.3, 0.4126258656709193}};
        for (double[] r : ref) {
            assertEquals(r[2], Special.polygamma((int) r[0], r[1]), 2e-15 * Math.abs(r[2]), "ψ(" + r[0] + ", " + r[1] + ")");
        }
    }

    @Test
    void knownSeries() {
        double[] e = taylor(t -> exp(t), 0.0, 12);
        double f = 1;
        for (int k = 0; k <= 12; k++) {
            f *= Math.max(1, k);
            assertEquals(1 / f, e[k], 1e-16 / f * 4);
        }
        double[] s = taylor(t -> sin(t), 0.0, 11);
        double[] geo = taylor(t -> constant(1).div(constant(1).minus(t)), 0.0, 15);
        double[] l = taylor(t -> log1p(t), 0.0, 15);
        f = 1;
        for (int k = 0; k <= 15; k++) {
            f *= Math.max(1, k);
            if (k <= 11) {
                double want = k % 2 == 0 ? 0 : ((k / 2) % 2 == 0 ? 1 : -1) / f;
                assertEquals(want, s[k], 1e-16, "sin coefficient " + k);
            }
            assertEquals(1.0, geo[k], 0.0, "1/(1−x) coefficient " + k);
            assertEquals(k == 0 ? 0 : (k % 2 == 1 ? 1.0 : -1.0) / k, l[k], 1e-16, "log(1+x) coefficient " + k);
        }
        assertEquals(-1.0, derivative(t -> sin(t), 0.0, 3), 0.0);
        assertEquals(24.0, derivative(t -> t.pow(4), 5.0, 4), 0.0);
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
