package dev.wengert.core;

/**
 * A scalar function of one variable, written over {@link Num}.
 *
 * <pre>{@code
 * UnaryFn f = x -> x.times(sin(x));
 * derivative(f, 1.0);   // sin(1) + cos(1)
 * }</pre>
 */
@FunctionalInterface
public interface UnaryFn {
    Num apply(Num x);
}
