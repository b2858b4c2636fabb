package dev.wengert.optim;

import java.util.Arrays;

/**
 * One row of an optimizer's history: where it was after an iteration and how far it moved.
 *
 * <pre>{@code
 * OptimizationResult r = minimize(x -> square(x[0].minus(3)), 0.0);
 * Iteration first = r.history().get(0);   // iteration 0: the start point, step 0
 * }</pre>
 *
 * @param iteration    0 for the start point, then 1, 2, …
 * @param point        the point x after this iteration (empty when the optimizer was told not
 *                     to keep points, see {@link Optimizer#keepPoints(boolean)})
 * @param value        f(x)
 * @param gradientNorm ‖∇f(x)‖₂
 * @param step         ‖x − x_previous‖₂, the length of the step just taken (0 at iteration 0)
 */
public record Iteration(int iteration, double[] point, double value, double gradientNorm, double step) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Iteration it && it.iteration == iteration && Arrays.equals(it.point, point)
                && Double.compare(it.value, value) == 0 && Double.compare(it.gradientNorm, gradientNorm) == 0
                && Double.compare(it.step, step) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * iteration + Arrays.hashCode(point)) + Double.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("#%d f = %s, |g| = %s, step %s at %s", iteration, value, gradientNorm, step,
                Format.point(point, 6));
    }
}
