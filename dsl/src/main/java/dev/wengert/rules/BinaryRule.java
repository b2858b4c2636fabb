package dev.wengert.rules;

/**
 * The derivative rule of a two-argument primitive: its value and both local partials.
 *
 * <pre>{@code
 * BinaryRule mul = BinaryRule.of("mul", (a, b) -> a * b, (a, b, y) -> b, (a, b, y) -> a);
 * mul.partialB(3, 4, 12);   // 3.0
 * }</pre>
 */
public final class BinaryRule {

    /** (a, b) ↦ f(a, b). */
    @FunctionalInterface
    public interface Value {
        double apply(double a, double b);
    }

    /** (a, b, f(a, b)) ↦ a partial derivative. */
    @FunctionalInterface
    public interface Partial {
        double apply(double a, double b, double y);
    }

    private final String name;
    private final Value value;
    private final Partial da;
    private final Partial db;

    private BinaryRule(String name, Value value, Partial da, Partial db) {
        this.name = name;
        this.value = value;
        this.da = da;
        this.db = db;
    }

    /** A rule from its value and its two partials ∂f/∂a and ∂f/∂b. */
    public static BinaryRule of(String name, Value value, Partial da, Partial db) {
        return new BinaryRule(name, value, da, db);
    }

    public String name() {
        return name;
    }

    public double value(double a, double b) {
        return value.apply(a, b);
    }

    /** ∂f/∂a at (a, b), given y = f(a, b). */
    public double partialA(double a, double b, double y) {
        return da.apply(a, b, y);
    }

    /** ∂f/∂b at (a, b), given y = f(a, b). */
    public double partialB(double a, double b, double y) {
        return db.apply(a, b, y);
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
