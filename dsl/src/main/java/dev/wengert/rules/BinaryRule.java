package dev.wengert.rules;

/**
 * The derivative rule of a two-argument primitive, in one place: its value, both local
 * partials over {@code double} and over {@link Real} (nested derivatives), and its Taylor
 * series. Arithmetic rules also carry {@link Source}: the same formulas as Java expressions,
 * from which compiled tapes generate their loops.
 *
 * <pre>{@code
 * BinaryRule mul = new BinaryRule("mul") {
 *     public double value(double a, double b) { return a * b; }
 *     public double partialA(double a, double b, double y) { return b; }
 *     public double partialB(double a, double b, double y) { return a; }
 *     public <T extends Real<T>> T partialA(T a, T b, T y) { return b; }
 *     public <T extends Real<T>> T partialB(T a, T b, T y) { return a; }
 *     public double[] series(double[] a, double[] b) { return Taylor.mul(a, b); }
 * };
 * mul.partialB(3, 4, 12);   // 3.0
 * }</pre>
 */
public abstract class BinaryRule {
    private final String name;

    protected BinaryRule(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** f(a, b). */
    public abstract double value(double a, double b);

    /** ∂f/∂a at (a, b), given y = f(a, b). */
    public abstract double partialA(double a, double b, double y);

    /** ∂f/∂b at (a, b), given y = f(a, b). */
    public abstract double partialB(double a, double b, double y);

    /** ∂f/∂a as a differentiable value. */
    public abstract <T extends Real<T>> T partialA(T a, T b, T y);

    /** ∂f/∂b as a differentiable value. */
    public abstract <T extends Real<T>> T partialB(T a, T b, T y);

    /** The Taylor coefficients of f(a(t), b(t)) from those of a(t) and b(t) (of equal length). */
    public abstract double[] series(double[] a, double[] b);

    /** The rule's formulas as Java source, for generated loops; null for rules that have none (they are called). */
    public Source source() {
        return null;
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
