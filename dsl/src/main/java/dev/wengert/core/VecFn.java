package dev.wengert.core;

/**
 * A vector function of several variables, written over {@link Num}.
 *
 * <pre>{@code
 * VecFn polar = x -> new Num[] {x[0].times(cos(x[1])), x[0].times(sin(x[1]))};
 * jacobian(polar, 2.0, 0.5);
 * }</pre>
 */
@FunctionalInterface
public interface VecFn {
    Num[] apply(Num... x);
}
