package dev.wengert.forward;

import dev.wengert.core.Num;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Truncated Taylor arithmetic ({@link Taylor}) through {@code derivatives(f, x, k)}: the tower
 * of every rule of the registry to order 10, against DerivativeStructure of the same order,
 * and series known in closed form.
 */
class TaylorTest {
    private static final int K = 10;
    /**
     * Compositions of two arguments (pow(t² + ½, t/2 + 1.5)) are compared to order 8: the
     * oracle forms them through exp∘log and its own rounding reaches 3e-12 at orders 9 and 10.
     */
    private static final int BINARY_ORDER = 8;

    /** One tower: our function of t, its oracle, the highest order compared, the points. */
    record Tower(String name, UnaryOperator<Num> ours, Function<DerivativeStructure, DerivativeStructure> oracle,
                 int order, double... points) {
    }

    /**
     * Every rule with a DerivativeStructure oracle: one-argument rules at the points of their
     * row, inside a moderate range (order-10 derivatives of tan near π/2 or of exp at 10 grow
     * beyond what a relative test in doubles can compare); two-argument rules with the other
     * argument a function of t too (so both series are non-constant) and as a constant; n-ary
     * rules over (t, t², ½).
     */
    static List<Tower> towers() {
        List<Tower> t = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            RuleRows.Unary row = RuleRows.of(r);
            if (row.oracle() != null) {
                double[] pts = java.util.Arrays.stream(row.points()).filter(x -> Math.abs(x) <= 3 && Math.abs(x) >= 1e-2
                        || x == 0 && !r.name().equals("abs") && !r.name().equals("log1p")).toArray();
                t.add(new Tower(r.name(), x -> x.apply(r), row.oracle(), K, pts));
            }
        }
        for (BinaryRule r : Rules.binary()) {
            RuleRows.Binary row = RuleRows.of(r);
            if (r.name().equals("max") || r.name().equals("min")) {
                continue;                        // piecewise: their towers are their arguments', below
            }
            // b = t/2 + 1.5 keeps b in every rule's domain for t in [−1, 1]
            t.add(new Tower(r.name() + "(t, t/2 + 1.5)", x -> row.a().into(x).apply(r, x.times(0.5).plus(1.5)),
                    d -> row.oracle().apply(intoDs(row.a(), d), d.multiply(0.5).add(1.5)), BINARY_ORDER, -0.5, 0.4));
            t.add(new Tower(r.name() + "(t, 2.5)", x -> row.a().into(x).apply(r, constant(2.5)),
                    d -> row.oracle().apply(intoDs(row.a(), d), d.getField().getOne().multiply(2.5)), BINARY_ORDER, -0.5, 0.4));
        }
        for (NaryRule r : Rules.nary()) {
            RuleRows.Nary row = RuleRows.of(r);
            t.add(new Tower(r.name() + "(t, t², ½)", x -> Num.apply(r, new Num[] {x, x.square(), constant(0.5)}),
                    d -> row.oracle().apply(new DerivativeStructure[] {d, d.multiply(d), d.getField().getOne().divide(2)}),
                    BINARY_ORDER, -1, 0.5));
        }
        t.add(new Tower("pow t^2.5", x -> x.pow(2.5), d -> d.pow(2.5), K, 0.5, 2));
        t.add(new Tower("pow t^-1.5", x -> x.pow(-1.5), d -> d.pow(-1.5), K, 0.5, 2));
        t.add(new Tower("pow t^t", x -> x.pow(x), d -> d.pow(d), K, 0.5, 2));
        t.add(new Tower("max(t, t²)", x -> max(x, x.square()), d -> d.getValue() >= d.getValue() * d.getValue() ? d
                : d.multiply(d), K, -0.5, 2));
        t.add(new Tower("min(t, t²)", x -> min(x, x.square()), d -> d.getValue() <= d.getValue() * d.getValue() ? d
                : d.multiply(d), K, -0.5, 2));
        return t;
    }

    /** The row's domain map, over DerivativeStructure (the same formula as over Num). */
    private static DerivativeStructure intoDs(RuleRows.Domain dom, DerivativeStructure d) {
        return switch (dom) {
            case POSITIVE -> d.multiply(d).add(0.5);
            case UNIT -> d.tanh().multiply(0.9);
            case ABOVE_ONE -> d.multiply(d).add(1.5);
            case SMALL -> d.tanh().multiply(3);
            case ANY -> d;
        };
    }

    @TestFactory
    List<DynamicTest> derivativeTowersAgainstDerivativeStructure() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Tower r : towers()) {
            for (double x : r.points) {
                tests.add(DynamicTest.dynamicTest(r.name + " at " + x, () -> {
                    double[] ours = derivatives(t -> r.ours.apply(t), x, r.order);
                    DerivativeStructure d = r.oracle.apply(new DerivativeStructure(1, r.order, 0, x));
                    for (int j = 0; j <= r.order; j++) {
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

}
