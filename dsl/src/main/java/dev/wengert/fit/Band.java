package dev.wengert.fit;

/**
 * A band around a fitted curve on a grid: {@code lower[i] ≤ fit[i] ≤ upper[i]} at the i-th
 * grid point.
 *
 * <pre>{@code
 * Band b = r.confidenceBand(new double[][] {{0}, {1}, {2}}, 0.95);
 * b.upper()[1] - b.fit()[1];   // half-width at x = 1
 * }</pre>
 */
public record Band(double[] lower, double[] fit, double[] upper) {

    /** The number of grid points. */
    public int size() {
        return fit.length;
    }
}
