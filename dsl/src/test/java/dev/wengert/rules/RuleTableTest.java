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
 * The rule table: every rule of the registry ({@link Rules}), with its row of {@link RuleRows},
 * checked in forward and reverse mode at several points against Commons Math's
 * {@link DerivativeStructure} (where it has the function) and against Ridders-extrapolated
 * central differences; n-ary rules at several argument lists.
 */
class RuleTableTest {

    /** One check: our function, the oracle (null where Commons Math has none), the plain function, the points. */
    record Row(String name, UnaryOperator<Num> ours, Function<DerivativeStructure, DerivativeStructure> oracle,
               DoubleUnaryOperator plain, double... points) {
    }

    static DerivativeStructure ds(double x) {
        return new DerivativeStructure(1, 1, 0, x);
    }

    /**
     * Every one-argument rule of the registry, through the Num method users call (x.sin()), with
     * its row of oracles; and a constant exponent, which Num.pow(double) records as the binary
     * rule with one constant operand.
     */
    static final List<Row> TABLE = table();

    private static List<Row> table() {
        List<Row> t = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            RuleRows.Unary u = RuleRows.of(r);
            t.add(new Row(r.name(), numMethod(r.name()), u.oracle(), u.plain(), u.points()));
        }
        t.add(new Row("pow 3", x -> x.pow(3), d -> d.pow(3), x -> x * x * x, -2, -0.5, 0, 1.5));
        t.add(new Row("pow -2", x -> x.pow(-2), d -> d.pow(-2), x -> Math.pow(x, -2), -2, -0.5, 0.7, 3));
        t.add(new Row("pow 2.5", x -> x.pow(2.5), d -> d.pow(2.5), x -> Math.pow(x, 2.5), 0.1, 1, 4));
        return t;
    }

    /** The Num method of a one-argument rule: x.sin() for sin. */
    static UnaryOperator<Num> numMethod(String name) {
        try {
            java.lang.reflect.Method m = Num.class.getMethod(name);
            return x -> {
                try {
                    return (Num) m.invoke(x);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Num has no method " + name + "() for the rule '" + name + "'", e);
        }
    }

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
        List<B> table = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            RuleRows.Binary row = RuleRows.of(r);
            table.add(new B(r.name(), v -> v[0].apply(r, v[1]), row.oracle(), row.points()));
        }
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

    /** Rules of any number of arguments, against DerivativeStructure with one free parameter per argument. */
    @TestFactory
    List<DynamicTest> naryRulesAgainstDerivativeStructure() {
        List<DynamicTest> tests = new ArrayList<>();
        for (NaryRule r : Rules.nary()) {
            RuleRows.Nary row = RuleRows.of(r);
            for (double[] p : row.points()) {
                tests.add(DynamicTest.dynamicTest(r.name() + " at " + java.util.Arrays.toString(p), () -> {
                    Fn f = v -> Num.apply(r, v);
                    double[] fwd = gradient(Mode.FORWARD, f, p);
                    double[] rev = gradient(Mode.REVERSE, f, p);
                    DerivativeStructure[] d = new DerivativeStructure[p.length];
                    for (int i = 0; i < p.length; i++) {
                        d[i] = new DerivativeStructure(p.length, 1, i, p[i]);
                    }
                    DerivativeStructure y = row.oracle().apply(d);
                    assertEquals(y.getValue(), f.apply(constants(p)).value(), 1e-14 * Math.max(1, Math.abs(y.getValue())));
                    for (int i = 0; i < p.length; i++) {
                        int[] order = new int[p.length];
                        order[i] = 1;
                        double want = y.getPartialDerivative(order);
                        assertEquals(fwd[i], rev[i], 0.0, r.name() + " forward = reverse");
                        assertTrue(Oracles.relErr(rev[i], want) <= 1e-13 || Math.abs(rev[i] - want) < 1e-15,
                                r.name() + " ∂/∂x" + i + ": ours " + rev[i] + " vs " + want);
                    }
                }));
            }
        }
        return tests;
    }

    private static Num[] constants(double[] p) {
        Num[] c = new Num[p.length];
        for (int i = 0; i < p.length; i++) {
            c[i] = constant(p[i]);
        }
        return c;
    }
}
