package dev.wengert.rules;

import dev.wengert.core.Num;

/**
 * The derivative rule of a two-argument primitive: its value and both local partials, over
 * double (first derivatives, fast) and over {@link Num} (nested derivatives).
 *
 * <pre>{@code
 * BinaryRule mul = BinaryRule.of("mul", (a, b) -> a * b, (a, b, y) -> b, (a, b, y) -> a,
 *                                (a, b, y) -> b, (a, b, y) -> a);
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

    /** (a, b, f(a, b)) ↦ a partial derivative as a differentiable value. */
    @FunctionalInterface
    public interface NumPartial {
        Num apply(Num a, Num b, Num y);
    }

    private final String name;
    private final Value value;
    private final Partial da;
    private final Partial db;
    private final NumPartial nda;
    private final NumPartial ndb;

    private BinaryRule(String name, Value value, Partial da, Partial db, NumPartial nda, NumPartial ndb) {
        this.name = name;
        this.value = value;
        this.da = da;
        this.db = db;
        this.nda = nda;
        this.ndb = ndb;
    }

    /** A rule from its value and its two partials ∂f/∂a and ∂f/∂b, over double and over Num. */
    public static BinaryRule of(String name, Value value, Partial da, Partial db, NumPartial nda, NumPartial ndb) {
        return new BinaryRule(name, value, da, db, nda, ndb);
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

    /** ∂f/∂a as a differentiable value. */
    public Num partialA(Num a, Num b, Num y) {
        return nda.apply(a, b, y);
    }

    /** ∂f/∂b as a differentiable value. */
    public Num partialB(Num a, Num b, Num y) {
        return ndb.apply(a, b, y);
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
