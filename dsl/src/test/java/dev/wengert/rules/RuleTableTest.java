package dev.wengert.rules;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.Oracles;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule table: every elementary function, checked in forward and reverse mode at several
 * points against Commons Math's {@link DerivativeStructure} (where it has the function) and
 * against Ridders-extrapolated central differences.
 */
class RuleTableTest {

    /** One row: our function, the oracle (null where Commons Math has none), the points. */
    record Row(String name, UnaryOperator<Num> ours, Function<DerivativeStructure, DerivativeStructure> oracle,
               DoubleUnaryOperator plain, double... points) {
    }

    static DerivativeStructure ds(double x) {
        return new DerivativeStructure(1, 1, 0, x);
    }

    static final List<Row> TABLE = List.of(
            new Row("exp", Num::exp, DerivativeStructure::exp, Math::exp, -3, -0.5, 0, 0.7, 10),
            new Row("expm1", Num::expm1, DerivativeStructure::expm1, Math::expm1, -2, -1e-8, 0, 1e-6, 3),
            new Row("log", Num::log, DerivativeStructure::log, Math::log, 1e-3, 0.5, 1, 2.5, 1e4),
            new Row("log1p", Num::log1p, DerivativeStructure::log1p, Math::log1p, -0.9, -1e-7, 0, 0.3, 50),
            new Row("log10", Num::log10, DerivativeStructure::log10, Math::log10, 0.01, 1, 7, 1e5),
            new Row("sqrt", Num::sqrt, DerivativeStructure::sqrt, Math::sqrt, 1e-4, 0.25, 2, 1e6),
            new Row("cbrt", Num::cbrt, DerivativeStructure::cbrt, Math::cbrt, -8, -0.1, 0.2, 27),
            new Row("sin", Num::sin, DerivativeStructure::sin, Math::sin, -4, -1, 0, 0.5, 3),
            new Row("cos", Num::cos, DerivativeStructure::cos, Math::cos, -4, -1, 0.3, 1.5, 3),
            new Row("tan", Num::tan, DerivativeStructure::tan, Math::tan, -1.4, -0.3, 0, 0.8, 1.2),
            new Row("asin", Num::asin, DerivativeStructure::asin, Math::asin, -0.99, -0.5, 0, 0.3, 0.9),
            new Row("acos", Num::acos, DerivativeStructure::acos, Math::acos, -0.99, -0.5, 0, 0.3, 0.9),
            new Row("atan", Num::atan, DerivativeStructure::atan, Math::atan, -20, -1, 0, 0.4, 3),
            new Row("sinh", Num::sinh, DerivativeStructure::sinh, Math::sinh, -5, -0.2, 0, 1, 4),
            new Row("cosh", Num::cosh, DerivativeStructure::cosh, Math::cosh, -5, -0.2, 0.1, 1, 4),
            // DerivativeStructure's tanh′ is 1 − tanh², which cancels beyond |x| ≈ 4 (3e-13 off at −5);
            // SecondDerivativeOracleTest checks ours out to ±30 against mpmath
            new Row("tanh", Num::tanh, DerivativeStructure::tanh, Elementary::tanh, -3, -0.2, 0, 1, 4),
            new Row("asinh", Num::asinh, DerivativeStructure::asinh, Elementary::asinh, -30, -0.5, 0, 1e-5, 2, 1e5),
            new Row("acosh", Num::acosh, DerivativeStructure::acosh, Elementary::acosh, 1.01, 1.5, 3, 100),
            new Row("atanh", Num::atanh, DerivativeStructure::atanh, Elementary::atanh, -0.99, -0.3, 0, 0.5, 0.95),
            new Row("abs", Num::abs, DerivativeStructure::abs, Math::abs, -3, -1e-3, 2, 40),
            new Row("square", Num::square, d -> d.multiply(d), x -> x * x, -3, 0, 0.5, 7),
            new Row("reciprocal", Num::reciprocal, DerivativeStructure::reciprocal, x -> 1 / x, -3, -0.2, 0.5, 7),
            new Row("neg", Num::neg, DerivativeStructure::negate, x -> -x, -3, 0, 2),
            new Row("pow 3", x -> x.pow(3), d -> d.pow(3), x -> x * x * x, -2, -0.5, 0, 1.5),
            new Row("pow -2", x -> x.pow(-2), d -> d.pow(-2), x -> Math.pow(x, -2), -2, -0.5, 0.7, 3),
            new Row("pow 2.5", x -> x.pow(2.5), d -> d.pow(2.5), x -> Math.pow(x, 2.5), 0.1, 1, 4),
            new Row("sigmoid", Num::sigmoid, d -> d.negate().exp().add(1).reciprocal(), Special::sigmoid, -30, -2, 0, 1, 15),
            new Row("softplus", Num::softplus, d -> d.exp().log1p(), Special::softplus, -30, -2, 0, 1, 15),
            new Row("relu", Num::relu, null, x -> Math.max(x, 0), -2, -0.1, 0.1, 3),
            new Row("erf", Num::erf, null, x -> org.apache.commons.math3.special.Erf.erf(x), -3, -0.5, 0, 0.2, 1, 2.5),
            new Row("erfc", Num::erfc, null, x -> org.apache.commons.math3.special.Erf.erfc(x), -3, -0.5, 0, 0.2, 1, 2.5),
            new Row("lgamma", Num::lgamma, null, Special::lgamma, -2.5, -0.3, 0.1, 1, 1.5, 7.25, 40));

    @TestFactory
    List<DynamicTest> everyRuleInBothModesAgainstOracles() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : TABLE) {
            for (double x : r.points) {
                tests.add(DynamicTest.dynamicTest(r.name + " at " + x, () -> check(r, x)));
            }
        }
        return tests;
    }

    /**
     * Each rule's partial over Num (used when derivatives nest) is the same formula as its
     * partial over double: second derivatives by nesting, in both orders of modes, match
     * DerivativeStructure of order 2.
     */
    @TestFactory
    List<DynamicTest> secondDerivativesByNestingMatchDerivativeStructure() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : TABLE) {
            if (r.oracle == null) {
                continue;
            }
            for (double x : r.points) {
                if (r.name.equals("abs") && x == 0 || r.name.equals("cbrt") && x == 0) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(r.name + "'' at " + x, () -> {
                    DerivativeStructure d = r.oracle.apply(new DerivativeStructure(1, 2, 0, x));
                    double want = d.getPartialDerivative(2);
                    for (Mode outer : Mode.values()) {
                        for (Mode inner : Mode.values()) {
                            double got = derivative(outer, t -> derivative(inner, s -> r.ours.apply(s), t), constant(x)).value();
                            assertTrue(Oracles.relErr(got, want) <= 1e-12 || Math.abs(got - want) < 1e-13,
                                    r.name + "''(" + x + ") " + outer + " over " + inner + ": " + got + " vs " + want);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    private static void check(Row r, double x) {
        Fn f = v -> r.ours.apply(v[0]);
        double fwd = gradient(Mode.FORWARD, f, x)[0];
        double rev = gradient(Mode.REVERSE, f, x)[0];
        assertEquals(fwd, rev, 0.0, r.name + ": forward and reverse must be identical");
        assertEquals(r.plain.applyAsDouble(x), f.apply(constant(x)).value(), 0.0, r.name + ": value");
        if (r.oracle != null) {
            DerivativeStructure d = r.oracle.apply(ds(x));
            // DerivativeStructure's own values lose a few digits where its formulas cancel
            // (acosh near 1); ours are checked against the C library in EdgeCasesTest
            assertEquals(d.getValue(), f.apply(constant(x)).value(), 1e-12 * Math.abs(d.getValue()) + 1e-300,
                    r.name + " value vs DerivativeStructure");
            double want = d.getPartialDerivative(1);
            assertTrue(Oracles.relErr(rev, want) <= 1e-13 || Math.abs(rev - want) < 1e-300,
                    r.name + "'(" + x + "): ours " + rev + " vs DerivativeStructure " + want);
        }
        double h = 1e-3 * Math.max(1e-3, Math.abs(x));
        if (r.name.equals("acosh")) {
            h = Math.min(h, (x - 1) / 4);       // stay inside the domain
        }
        if (r.name.equals("abs") || r.name.equals("relu")) {
            h = Math.min(h, Math.abs(x) / 4);   // stay on one side of the kink
        }
        double fd = Oracles.ridders(r.plain, x, h);
        assertTrue(Oracles.relErr(rev, fd) <= 1e-9 || Math.abs(rev - fd) <= 1e-12,
                r.name + "'(" + x + "): ours " + rev + " vs Ridders " + fd);
    }

    /** Two-argument rules against DerivativeStructure with two free parameters. */
    @TestFactory
    List<DynamicTest> binaryRulesAgainstDerivativeStructure() {
        record B(String name, Fn ours, java.util.function.BinaryOperator<DerivativeStructure> oracle, double[][] points) {
        }
        double[][] pts = {{0.7, 1.3}, {2.0, -0.5}, {3.0, 4.0}, {0.25, 0.125}};
        double[][] pos = {{0.7, 1.3}, {2.0, -0.5}, {3.0, 4.0}, {0.25, 0.125}, {1.5, 2.0}};
        List<B> table = List.of(
                new B("add", v -> v[0].plus(v[1]), DerivativeStructure::add, pts),
                new B("sub", v -> v[0].minus(v[1]), DerivativeStructure::subtract, pts),
                new B("mul", v -> v[0].times(v[1]), DerivativeStructure::multiply, pts),
                new B("div", v -> v[0].div(v[1]), DerivativeStructure::divide, pts),
                new B("pow", v -> v[0].pow(v[1]), DerivativeStructure::pow, pos),
                new B("atan2", v -> atan2(v[0], v[1]), (a, b) -> DerivativeStructure.atan2(a, b), pts),
                new B("hypot", v -> hypot(v[0], v[1]), (a, b) -> DerivativeStructure.hypot(a, b), pts),
                new B("max", v -> max(v[0], v[1]), (a, b) -> a.getValue() >= b.getValue() ? a : b, pts),
                new B("min", v -> min(v[0], v[1]), (a, b) -> a.getValue() <= b.getValue() ? a : b, pts));
        List<DynamicTest> tests = new ArrayList<>();
        for (B b : table) {
            for (double[] p : b.points) {
                tests.add(DynamicTest.dynamicTest(b.name + " at " + p[0] + ", " + p[1], () -> {
                    double[] fwd = gradient(Mode.FORWARD, b.ours, p);
                    double[] rev = gradient(Mode.REVERSE, b.ours, p);
                    DerivativeStructure d = b.oracle.apply(new DerivativeStructure(2, 1, 0, p[0]),
                            new DerivativeStructure(2, 1, 1, p[1]));
                    double[] want = {d.getPartialDerivative(1, 0), d.getPartialDerivative(0, 1)};
                    for (int i = 0; i < 2; i++) {
                        assertEquals(fwd[i], rev[i], 0.0, b.name + " forward = reverse");
                        assertTrue(Oracles.relErr(rev[i], want[i]) <= 1e-13 || Math.abs(rev[i] - want[i]) < 1e-15,
                                b.name + " ∂/∂x" + i + ": ours " + rev[i] + " vs " + want[i]);
                    }
                }));
            }
        }
        return tests;
    }
}
