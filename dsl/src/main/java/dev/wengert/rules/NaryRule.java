package dev.wengert.rules;

/**
 * The derivative rule of a primitive of any number of arguments (logsumexp, user rules):
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

    private final String name;
    private final Value value;
    private final Partials partials;

    private NaryRule(String name, Value value, Partials partials) {
        this.name = name;
        this.value = value;
        this.partials = partials;
    }

    public static NaryRule of(String name, Value value, Partials partials) {
        return new NaryRule(name, value, partials);
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

    @Override
    public String toString() {
        return "rule " + name;
    }
}
