package dev.wengert.rules;

import dev.wengert.core.Num;
import dev.wengert.core.WengertException;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The derivative rule of a one-argument primitive: its value and its local partial.
 *
 * <p>This is the only place a primitive's calculus lives. Forward mode multiplies the partial
 * into the incoming tangent; reverse mode stores it on the tape and multiplies it into the
 * outgoing adjoint. The partial receives the output too, so rules like {@code exp} reuse it.
 *
 * <p>A built-in rule states its partial twice: over {@code double} (the fast path of first
 * derivatives) and over {@link Num} (so the partial is itself differentiable and derivatives
 * nest to any order), the same function in a form that keeps its digits where it is used
 * (tanh′ over {@code Num}, for one, is 1 − y² near 0, where the derivative of (1 − y)(1 + y)
 * would cancel). It also states its Taylor propagation, for {@code derivatives(f, x, k)}.
 * {@code SecondDerivativeOracleTest} checks every built-in rule's value, partial, the partial
 * over {@code Num} differentiated in both modes, the second derivative in every pairing of
 * modes and the Taylor series to second order against 50-digit mpmath values, to 1e-13
 * relative. A user's rule made with {@code rule(name, f, df)} has only the first: it is
 * first-order, and says so if nested.
 *
 * <pre>{@code
 * UnaryRule sin = new UnaryRule("sin", Math::sin, (x, y) -> Math.cos(x));
 * sin.partial(0.0, sin.value(0.0));   // 1.0
 * }</pre>
 */
public final class UnaryRule {

    /** The partial over Num: (x, y = f(x)) ↦ f′(x), itself differentiable. */
    @FunctionalInterface
    public interface NumPartial {
        Num apply(Num x, Num y);
    }

    /** Taylor propagation: the coefficients of x(t) ↦ those of f(x(t)). */
    @FunctionalInterface
    public interface Series {
        double[] apply(double[] x);
    }

    private final String name;
    private final DoubleUnaryOperator value;
    private final DoubleBinaryOperator partial;
    private final NumPartial numPartial;
    private final Series series;

    /** A first-order rule (user rules): value and partial over double. */
    public UnaryRule(String name, DoubleUnaryOperator value, DoubleBinaryOperator partial) {
        this(name, value, partial, null, null);
    }

    /** A rule of any order: the partial over double and over Num, and the Taylor propagation. */
    public UnaryRule(String name, DoubleUnaryOperator value, DoubleBinaryOperator partial,
                     NumPartial numPartial, Series series) {
        this.name = name;
        this.value = value;
        this.partial = partial;
        this.numPartial = numPartial;
        this.series = series;
    }

    /** The operation's name, e.g. {@code "sin"}. */
    public String name() {
        return name;
    }

    /** f(x). */
    public double value(double x) {
        return value.applyAsDouble(x);
    }

    /** f'(x), given y = f(x). */
    public double partial(double x, double y) {
        return partial.applyAsDouble(x, y);
    }

    /** f′(x) as a differentiable value, for nested derivatives. */
    public Num partial(Num x, Num y) {
        if (numPartial == null) {
            throw firstOrderOnly(name);
        }
        return numPartial.apply(x, y);
    }

    /** The Taylor coefficients of f(x(t)). */
    public double[] series(double[] x) {
        if (series == null) {
            throw firstOrderOnly(name);
        }
        return series.apply(x);
    }

    /** Whether derivatives of this rule nest (its partial is differentiable). */
    public boolean isHigherOrder() {
        return numPartial != null && series != null;
    }

    static WengertException firstOrderOnly(String name) {
        return new WengertException("rule '" + name + "' is first-order only: it was defined with a partial over "
                + "double, which cannot itself be differentiated, so it cannot be used inside a nested derivative, "
                + "a Hessian or derivatives(f, x, k). Write the function with the built-in operations instead, "
                + "or use it only for first derivatives.");
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
