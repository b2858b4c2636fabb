package dev.wengert.fit;

import dev.wengert.core.Num;

/**
 * A model with a single predictor: the prediction from parameters {@code p} at {@code x}.
 *
 * <pre>{@code
 * // y = b1 / (1 + exp(b2 − b3·x))
 * Model1 logistic = (p, x) -> p[0].div(exp(p[1].minus(p[2].times(x))).plus(1));
 * FitResult r = fit1(logistic, table, "y", "x", 100, 1, 0.1);
 * }</pre>
 */
@FunctionalInterface
public interface Model1 {

    /** The model's prediction at predictor value {@code x}. */
    Num apply(Num[] p, double x);
}
