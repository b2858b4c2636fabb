package dev.wengert.rules;

import dev.wengert.forward.Taylor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The derivative rule of a one-argument primitive, in one place: its value, its local partial
 * over {@code double} (the fast path of first derivatives), the same partial over
 * {@link Real} (so it is itself differentiable and derivatives nest to any order), and its
 * Taylor series (for {@code derivatives(f, x, k)}).
 *
 * <p>This is the only place a primitive's calculus lives. Forward mode multiplies the partial
 * into the incoming tangent; reverse mode stores it on the tape and multiplies it into the
 * outgoing adjoint; nested modes use the partial over {@code Real}; Taylor mode the series.
 * The partial receives the output too, so rules like {@code exp} reuse it. A built-in rule is
 * a constant of {@link Arithmetic}, {@link Elementary} or {@link Special}, which makes it part
 * of the registry ({@link Rules}) that every rule test iterates. The JIT sees a rule constant's
 * exact class, so {@code Elementary.TANH.partial(x, y)} in a loop is inlined: the tensor
 * kernels and the replay call the rules themselves rather than copies of their formulas.
 *
 * <pre>{@code
 * UnaryRule sin = new UnaryRule("sin") {
 *     public double value(double x) { return Math.sin(x); }
 *     public double partial(double x, double y) { return Math.cos(x); }
 *     public <T extends Real<T>> T partial(T x, T y) { return x.cos(); }
 *     public double[] series(double[] x) { return Taylor.sinCos(x)[0]; }
 * };
 * sin.partial(0.0, sin.value(0.0));   // 1.0
 * }</pre>
 * The two partials are the same function, each written in the form that keeps its digits
 * where it is used (tanh′ over {@code Real} is 1 − y² near 0, where the derivative of
 * (1 − y)(1 + y) would cancel). {@code SecondDerivativeOracleTest} checks every built-in rule's
 * value, partial, the partial over {@code Real} differentiated in both modes, the second
 * derivative in every pairing of modes and the Taylor series to second order against 50-digit
 * mpmath values, to 1e-13 relative.
 *
 * <p>A user's rule made with {@code rule(name, f, df)} is {@link #firstOrder}: it has only the
 * first two, and says so when nested.
 */
public abstract class UnaryRule {
    private final String name;

    protected UnaryRule(String name) {
        this.name = name;
    }

    /**
     * A first-order rule (a user's {@code rule(name, f, df)}): value and partial over double;
     * nesting it or asking for its series is an error that names it.
     */
    public static UnaryRule firstOrder(String name, DoubleUnaryOperator value, DoubleBinaryOperator partial) {
        return new UnaryRule(name) {
            @Override
            public double value(double x) {
                return value.applyAsDouble(x);
            }

            @Override
            public double partial(double x, double y) {
                return partial.applyAsDouble(x, y);
            }

            @Override
            public <T extends Real<T>> T partial(T x, T y) {
                throw firstOrderOnly(name());
            }

            @Override
            public double[] series(double[] x) {
                throw firstOrderOnly(name());
            }

            @Override
            public boolean isHigherOrder() {
                return false;
            }
        };
    }

    /** The operation's name, e.g. {@code "sin"}. */
    public final String name() {
        return name;
    }

    /** f(x). */
    public abstract double value(double x);

    /** f′(x), given y = f(x). */
    public abstract double partial(double x, double y);

    /** f′(x) as a differentiable value, for nested derivatives. */
    public abstract <T extends Real<T>> T partial(T x, T y);

    /** The Taylor coefficients of f(x(t)) from those of x(t) ({@link Taylor}). */
    public abstract double[] series(double[] x);

    /** The rule's formulas as Java source (value and partialA over a and y), for generated loops; null if none. */
    public Source source() {
        return null;
    }

    /** Whether derivatives of this rule nest (its partial is differentiable and it has a series). */
    public boolean isHigherOrder() {
        return true;
    }

    /** Why a first-order rule cannot be nested: the message the engine reports. */
    public static String firstOrderOnlyMessage(String name) {
        return "rule '" + name + "' is first-order only: it was defined with a partial over "
                + "double, which cannot itself be differentiated, so it cannot be used inside a nested derivative, "
                + "a Hessian or derivatives(f, x, k). Write the function with the built-in operations instead, "
                + "or use it only for first derivatives.";
    }

    static RuntimeException firstOrderOnly(String name) {
        return new RuleException(firstOrderOnlyMessage(name));
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
