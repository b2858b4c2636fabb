package dev.wengert.core;

/**
 * A scalar function of several variables, written over {@link Num}.
 *
 * <pre>{@code
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * gradient(rosenbrock, -1.2, 1.0);
 * }</pre>
 */
@FunctionalInterface
public interface Fn {
    Num apply(Num... x);
}
