package dev.wengert.rules;

/**
 * The arithmetic a rule's differentiable partials are written in. {@code Num} implements it,
 * so a partial written once over {@code T} is itself differentiated by every mode, to any
 * order; the rules know nothing of tapes or tangents, and depend on nothing of the engine.
 *
 * <pre>{@code
 * // sin′(x) = cos x, as a value the outer differentiations see through
 * <T extends Real<T>> T partial(T x, T y) { return x.cos(); }
 * }</pre>
 *
 * @param <T> the implementing type itself
 */
public interface Real<T extends Real<T>> {

    /** The value. */
    double value();

    /** Whether this value depends on no parameter. */
    boolean isConstant();

    /** A constant c of the same type. */
    T newInstance(double c);

    T plus(T b);

    T plus(double c);

    T minus(T b);

    T minus(double c);

    T times(T b);

    T times(double c);

    T div(T b);

    T div(double c);

    T neg();

    T reciprocal();

    T square();

    T sqrt();

    T exp();

    T log();

    T sin();

    T cos();

    T sinh();

    T cosh();

    T sigmoid();

    T pow(T b);

    T hypot(T b);

    /** Applies a one-argument rule (so a partial may be another rule: lgamma′ is digamma). */
    T apply(UnaryRule r);
}
