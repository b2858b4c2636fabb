package dev.wengert.rules;

import dev.wengert.core.Num;

/**
 * The derivative rule of a primitive of any number of arguments (logsumexp, sum, user rules):
 * its value and the gradient of the value with respect to every argument.
 *
 * <pre>{@code
 * NaryRule sum = NaryRule.of("sum3", x -> x[0] + x[1] + x[2], (x, y) -> new double[] {1, 1, 1});
 * }</pre>
 */
public final class NaryRule {

    /** x ↦ f(x). */
    @FunctionalInterface
    public interface Value {
        double apply(double[] x);
    }

    /** (x, f(x)) ↦ ∇f(x), one partial per argument. */
    @FunctionalInterface
    public interface Partials {
        double[] apply(double[] x, double y);
    }

    /** (x, f(x)) ↦ ∇f(x) as differentiable values. */
    @FunctionalInterface
    public interface NumPartials {
        Num[] apply(Num[] x, Num y);
    }

    private final String name;
    private final Value value;
    private final Partials partials;
    private final NumPartials numPartials;

    private NaryRule(String name, Value value, Partials partials, NumPartials numPartials) {
        this.name = name;
        this.value = value;
        this.partials = partials;
        this.numPartials = numPartials;
    }

    /** A first-order rule (user rules). */
    public static NaryRule of(String name, Value value, Partials partials) {
        return new NaryRule(name, value, partials, null);
    }

    /** A rule whose partials are differentiable too. */
    public static NaryRule of(String name, Value value, Partials partials, NumPartials numPartials) {
        return new NaryRule(name, value, partials, numPartials);
    }

    public String name() {
        return name;
    }

    public double value(double[] x) {
        return value.apply(x);
    }

    /**
     * The partials at x, checked: a rule that returns the wrong number of them is a bug in the
     * rule, reported with its name rather than turned into a wrong derivative.
     */
    public double[] partials(double[] x, double y) {
        double[] p = partials.apply(x, y);
        if (p == null || p.length != x.length) {
            throw new IllegalStateException("rule '" + name + "' returned "
                    + (p == null ? "null" : p.length + " partials") + " for " + x.length
                    + " arguments; its partials function must return exactly one partial per argument");
        }
        return p;
    }

    /** The partials as differentiable values, for nested derivatives. */
    public Num[] partials(Num[] x, Num y) {
        if (numPartials == null) {
            throw UnaryRule.firstOrderOnly(name);
        }
        return numPartials.apply(x, y);
    }

    public boolean isHigherOrder() {
        return numPartials != null;
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
