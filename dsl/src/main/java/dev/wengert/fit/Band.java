package dev.wengert.fit;

import java.util.Locale;

/**
 * A band around a fitted curve on a grid: {@code lower[i] ≤ fit[i] ≤ upper[i]} at the i-th
 * grid point.
 *
 * <pre>{@code
 * Band b = r.confidenceBand(new double[][] {{0}, {1}, {2}}, 0.95);
 * b.upper()[1] - b.fit()[1];   // half-width at x = 1
 * System.out.println(b);       // Band[3 points: lower [9.81, 5.93, 3.52], fit [10.1, 6.12, 3.71], upper [10.4, 6.31, 3.9]]
 * }</pre>
 */
public record Band(double[] lower, double[] fit, double[] upper) {
    /** Values printed per array before "…". */
    private static final int SHOWN = 6;

    /** The number of grid points. */
    public int size() {
        return fit.length;
    }

    /** The point count and the three arrays (the first few values of each, to 3 significant digits). */
    @Override
    public String toString() {
        return "Band[" + size() + " point" + (size() == 1 ? "" : "s") + ": lower " + list(lower) + ", fit " + list(fit)
                + ", upper " + list(upper) + "]";
    }

    private static String list(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
            s.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.3g", v[i]));
        }
        if (v.length > SHOWN) {
            s.append(", … (").append(v.length - SHOWN).append(" more)");
        }
        return s.append(']').toString();
    }
}
