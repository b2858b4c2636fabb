package dev.wengert.rules;

import dev.wengert.core.Num;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.apache.commons.math3.special.Erf;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * One row per registered rule ({@link Rules}): where the rule is defined (its domain), the
 * points it is checked at, and its independent oracle — Commons Math's
 * {@link DerivativeStructure} where it has the function (null where it has none: those rules
 * are checked by Ridders' differences here and by the 50-digit mpmath table of
 * SecondDerivativeOracleTest). Every rule test iterates the registry and takes its row from
 * here: the rule table, the Taylor towers, the tensor test and the fuzz generator. A rule
 * without a row fails {@link RuleCoverageTest}, so adding a primitive is one rule and one row
 * (see CONTRIBUTING.md).
 */
public final class RuleRows {
    private RuleRows() {
    }

    /** Where a rule is defined, and a smooth map of any value into it (the fuzzer's programs use it). */
    public enum Domain {
        ANY, SMALL, POSITIVE, UNIT, ABOVE_ONE;

        public Num into(Num x) {
            return switch (this) {
                case POSITIVE -> x.square().plus(0.5);
                case UNIT -> x.tanh().times(0.9);
                case ABOVE_ONE -> x.square().plus(1.5);
                case SMALL -> x.tanh().times(3);
                case ANY -> x;
            };
        }

        public double into(double x) {
            return switch (this) {
                case POSITIVE -> x * x + 0.5;
                case UNIT -> Math.tanh(x) * 0.9;
                case ABOVE_ONE -> x * x + 1.5;
                case SMALL -> Math.tanh(x) * 3;
                case ANY -> x;
            };
        }
    }

    /** A one-argument rule's row: its oracle (null: none in Commons Math), its plain double function, its points. */
    public record Unary(String rule, Domain domain, Function<DerivativeStructure, DerivativeStructure> oracle,
                        DoubleUnaryOperator plain, double... points) {
    }

    /** A two-argument rule's row: the domains of its arguments, its oracle, its points. */
    public record Binary(String rule, Domain a, Domain b, BinaryOperator<DerivativeStructure> oracle,
                         DoubleBinaryOperator plain, double[]... points) {
    }

    /** An n-ary rule's row: its oracle over its arguments, and points (each an argument list). */
    public record Nary(String rule, Function<DerivativeStructure[], DerivativeStructure> oracle, double[]... points) {
    }

    public static final List<Unary> UNARY = List.of(
            new Unary("neg", Domain.ANY, DerivativeStructure::negate, x -> -x, -3, 0, 2),
            new Unary("square", Domain.SMALL, d -> d.multiply(d), x -> x * x, -3, 0, 0.5, 7),
            new Unary("reciprocal", Domain.POSITIVE, DerivativeStructure::reciprocal, x -> 1 / x, -3, -0.2, 0.5, 7),
            new Unary("exp", Domain.SMALL, DerivativeStructure::exp, Math::exp, -3, -0.5, 0, 0.7, 10),
            new Unary("expm1", Domain.SMALL, DerivativeStructure::expm1, Math::expm1, -2, -1e-8, 0, 1e-6, 3),
            new Unary("log", Domain.POSITIVE, DerivativeStructure::log, Math::log, 1e-3, 0.5, 1, 2.5, 1e4),
            new Unary("log1p", Domain.POSITIVE, DerivativeStructure::log1p, Math::log1p, -0.9, -1e-7, 0, 0.3, 50),
            new Unary("log10", Domain.POSITIVE, DerivativeStructure::log10, Math::log10, 0.01, 1, 7, 1e5),
            new Unary("log2", Domain.POSITIVE, d -> d.log().divide(Math.log(2)), Elementary::log2,
                    1e-3, 0.5, 1, 3, 8, 1e5),
            new Unary("sqrt", Domain.POSITIVE, DerivativeStructure::sqrt, Math::sqrt, 1e-4, 0.25, 2, 1e6),
            new Unary("cbrt", Domain.POSITIVE, DerivativeStructure::cbrt, Math::cbrt, -8, -0.1, 0.2, 27),
            new Unary("sin", Domain.ANY, DerivativeStructure::sin, Math::sin, -4, -1, 0, 0.5, 3),
            new Unary("cos", Domain.ANY, DerivativeStructure::cos, Math::cos, -4, -1, 0.3, 1.5, 3),
            new Unary("tan", Domain.UNIT, DerivativeStructure::tan, Math::tan, -1.4, -0.3, 0, 0.8, 1.2),
            new Unary("asin", Domain.UNIT, DerivativeStructure::asin, Math::asin, -0.99, -0.5, 0, 0.3, 0.9),
            new Unary("acos", Domain.UNIT, DerivativeStructure::acos, Math::acos, -0.99, -0.5, 0, 0.3, 0.9),
            new Unary("atan", Domain.ANY, DerivativeStructure::atan, Math::atan, -20, -1, 0, 0.4, 3),
            new Unary("sinh", Domain.SMALL, DerivativeStructure::sinh, Math::sinh, -5, -0.2, 0, 1, 4),
            new Unary("cosh", Domain.SMALL, DerivativeStructure::cosh, Math::cosh, -5, -0.2, 0.1, 1, 4),
            // DerivativeStructure's tanh cancels as |tanh| → 1: against mpmath its tower is 7e-12 off at
            // −2 (order 10) and its first derivative 3e-13 off at −5, where ours are exact to rounding;
            // SecondDerivativeOracleTest checks ours out to ±30 against mpmath
            new Unary("tanh", Domain.ANY, DerivativeStructure::tanh, Elementary::tanh, -1, -0.2, 0, 1, 4),
            new Unary("asinh", Domain.ANY, DerivativeStructure::asinh, Elementary::asinh, -30, -0.5, 0, 1e-5, 2, 1e5),
            new Unary("acosh", Domain.ABOVE_ONE, DerivativeStructure::acosh, Elementary::acosh, 1.01, 1.5, 3, 100),
            new Unary("atanh", Domain.UNIT, DerivativeStructure::atanh, Elementary::atanh, -0.99, -0.3, 0, 0.5, 0.95),
            new Unary("erf", Domain.ANY, null, Erf::erf, -3, -0.5, 0, 0.2, 1, 2.5),
            new Unary("erfc", Domain.ANY, null, Erf::erfc, -3, -0.5, 0, 0.2, 1, 2.5),
            new Unary("lgamma", Domain.POSITIVE, null, Special::lgamma, -2.5, -0.3, 0.1, 1, 1.5, 7.25, 40),
            // near 0, σ = (1 + tanh(x/2))/2: DerivativeStructure's own 1/(1 + e^−x) loses 1e-11 by
            // order 9 (checked against mpmath); far out, where 1 + tanh cancels, the exponential forms
            new Unary("sigmoid", Domain.ANY, d -> Math.abs(d.getValue()) < 5 ? d.divide(2).tanh().add(1).divide(2)
                    : d.getValue() < 0 ? d.exp().divide(d.exp().add(1)) : d.negate().exp().add(1).reciprocal(),
                    Special::sigmoid, -30, -2, 0, 1, 15),
            // softplus = x/2 + log 2 + log cosh(x/2) near 0, for the same reason; log(1 + eˣ) far out
            new Unary("softplus", Domain.ANY, d -> Math.abs(d.getValue()) < 5
                    ? d.divide(2).add(Math.log(2)).add(d.divide(2).cosh().log()) : d.exp().log1p(),
                    Special::softplus, -30, -2, 0, 1, 15),
            new Unary("relu", Domain.ANY, null, x -> Math.max(x, 0), -2, -0.1, 0.1, 3),
            new Unary("abs", Domain.ANY, DerivativeStructure::abs, Math::abs, -3, -1e-3, 2, 40));

    private static final double[][] PLANE = {{0.7, 1.3}, {2.0, -0.5}, {3.0, 4.0}, {0.25, 0.125}};
    private static final double[][] POSITIVE_BASE = {{0.7, 1.3}, {2.0, -0.5}, {3.0, 4.0}, {0.25, 0.125}, {1.5, 2.0}};

    public static final List<Binary> BINARY = List.of(
            new Binary("add", Domain.ANY, Domain.ANY, DerivativeStructure::add, Double::sum, PLANE),
            new Binary("sub", Domain.ANY, Domain.ANY, DerivativeStructure::subtract, (a, b) -> a - b, PLANE),
            new Binary("mul", Domain.ANY, Domain.ANY, DerivativeStructure::multiply, (a, b) -> a * b, PLANE),
            new Binary("div", Domain.ANY, Domain.POSITIVE, DerivativeStructure::divide, (a, b) -> a / b, PLANE),
            new Binary("pow", Domain.POSITIVE, Domain.SMALL, DerivativeStructure::pow, Math::pow, POSITIVE_BASE),
            new Binary("atan2", Domain.ANY, Domain.ANY, (a, b) -> DerivativeStructure.atan2(a, b), Math::atan2, PLANE),
            new Binary("hypot", Domain.ANY, Domain.ANY, (a, b) -> DerivativeStructure.hypot(a, b), Math::hypot, PLANE),
            new Binary("max", Domain.ANY, Domain.ANY, (a, b) -> a.getValue() >= b.getValue() ? a : b, Math::max, PLANE),
            new Binary("min", Domain.ANY, Domain.ANY, (a, b) -> a.getValue() <= b.getValue() ? a : b, Math::min, PLANE),
            new Binary("xlogy", Domain.ANY, Domain.POSITIVE, (a, b) -> a.multiply(b.log()),
                    (a, b) -> a == 0 ? 0 : a * Math.log(b), new double[][] {{0.7, 1.3}, {-2.0, 0.5}, {3.0, 4.0}, {0.25, 1e-3}}));

    public static final List<Nary> NARY = List.of(
            new Nary("logsumexp", x -> {
                DerivativeStructure s = x[0].exp();
                for (int i = 1; i < x.length; i++) {
                    s = s.add(x[i].exp());
                }
                return s.log();
            }, new double[] {0.1, -2, 3}, new double[] {500, 499, -1000}, new double[] {-1, -1, -1}),
            new Nary("sum", x -> {
                DerivativeStructure s = x[0];
                for (int i = 1; i < x.length; i++) {
                    s = s.add(x[i]);
                }
                return s;
            }, new double[] {0.1, -2, 3}, new double[] {1e300, -1e300, 1}));

    /** The row of a one-argument rule; a rule without one fails, naming the step to take. */
    public static Unary of(UnaryRule r) {
        return find(UNARY.stream().filter(u -> u.rule.equals(r.name())).findFirst().orElse(null), r.name());
    }

    public static Binary of(BinaryRule r) {
        return find(BINARY.stream().filter(u -> u.rule.equals(r.name())).findFirst().orElse(null), r.name());
    }

    public static Nary of(NaryRule r) {
        return find(NARY.stream().filter(u -> u.rule.equals(r.name())).findFirst().orElse(null), r.name());
    }

    private static <R> R find(R row, String name) {
        if (row == null) {
            throw new AssertionError("rule '" + name + "' has no row in RuleRows (dsl/src/test/java/dev/wengert/rules): "
                    + "add one with its domain, points and an independent oracle (CONTRIBUTING.md)");
        }
        return row;
    }
}
