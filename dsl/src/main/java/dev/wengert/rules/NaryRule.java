package dev.wengert.rules;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The derivative rule of a primitive of any number of arguments (logsumexp, sum, user rules),
 * in one place: its value, the gradient of the value with respect to every argument over
 * {@code double} and over {@link Real}, and its Taylor series.
 *
 * <pre>{@code
 * NaryRule sum3 = NaryRule.firstOrder("sum3", x -> x[0] + x[1] + x[2], x -> new double[] {1, 1, 1});
 * }</pre>
 */
public abstract class NaryRule {
    private final String name;

    protected NaryRule(String name) {
        this.name = name;
    }

    /** A first-order rule (a user's {@code rule(name, arity, f, partials)}). */
    public static NaryRule firstOrder(String name, ToDoubleFunction<double[]> value, Function<double[], double[]> partials) {
        return new NaryRule(name) {
            @Override
            public double value(double[] x) {
                return value.applyAsDouble(x);
            }

            @Override
            protected double[] gradient(double[] x, double y) {
                return partials.apply(x);
            }

            @Override
            public <T extends Real<T>> T[] partials(T[] x, T y) {
                throw UnaryRule.firstOrderOnly(name());
            }

            @Override
            public double[] series(double[][] x) {
                throw UnaryRule.firstOrderOnly(name());
            }

            @Override
            public boolean isHigherOrder() {
                return false;
            }
        };
    }

    public final String name() {
        return name;
    }

    public abstract double value(double[] x);

    /** The partials at x, one per argument, given y = f(x); {@link #partials(double[], double)} checks them. */
    protected abstract double[] gradient(double[] x, double y);

    /**
     * The partials at x, checked: a rule that returns the wrong number of them is a bug in the
     * rule, reported with its name rather than turned into a wrong derivative.
     */
    public final double[] partials(double[] x, double y) {
        double[] p = gradient(x, y);
        if (p == null || p.length != x.length) {
            throw new RuleException("rule '" + name + "' returned "
                    + (p == null ? "null" : p.length + " partials") + " for " + x.length
                    + " arguments; its partials function must return exactly one partial per argument");
        }
        return p;
    }

    /** The partials as differentiable values (an array of x's type, one per argument), for nested derivatives. */
    public abstract <T extends Real<T>> T[] partials(T[] x, T y);

    /** The Taylor coefficients of f(x₁(t), …) from those of each argument (all of one length). */
    public abstract double[] series(double[][] x);

    public boolean isHigherOrder() {
        return true;
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
