package dev.wengert.core;

import java.util.Arrays;

/**
 * A function's value and its gradient at one point, from one evaluation.
 *
 * <pre>{@code
 * ValueAndGradient vg = valueAndGradient(x -> x[0].times(x[1]), 3, 4);
 * vg.value();      // 12.0
 * vg.gradient();   // [4.0, 3.0]
 * }</pre>
 *
 * @param value    f(x)
 * @param gradient ∇f(x)
 */
public record ValueAndGradient(double value, double[] gradient) {
    @Override
    public String toString() {
        return "value " + value + ", gradient " + Arrays.toString(gradient);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueAndGradient vg && Double.compare(vg.value, value) == 0
                && Arrays.equals(vg.gradient, gradient);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(value) + Arrays.hashCode(gradient);
    }
}
