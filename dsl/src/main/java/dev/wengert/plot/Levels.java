package dev.wengert.plot;

import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Where contour lines go. Linear levels sit on round numbers; logarithmic levels are
 * geometric, which suits cost surfaces: a quadratic bowl rises fast at the edges, and linear
 * levels would crowd there and leave the interesting middle, where the optimizer ends, blank.
 */
final class Levels {
    private Levels() {
    }

    /** Up to about {@code n} round levels strictly between min and max. */
    static double[] linear(double min, double max, int n) {
        if (!(max > min)) {
            return new double[] {min};
        }
        double step = nice((max - min) / (n + 1));
        TreeSet<Double> out = new TreeSet<>();
        for (double v = Math.ceil(min / step) * step; v < max; v += step) {
            if (v > min) {
                out.add(round(Math.abs(v) < step * 1e-9 ? 0.0 : v, 6));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@code n} geometric levels from {@code lo} to {@code hi} (both positive), to 2 significant digits. */
    static double[] log(double lo, double hi, int n) {
        if (!(lo > 0) || !(hi > lo)) {
            throw new IllegalArgumentException("logLevels: needs a positive range of values, got [" + lo + ", " + hi
                    + "]; use levels(n) for values that reach 0 or below");
        }
        TreeSet<Double> out = new TreeSet<>();
        double r = Math.log(hi / lo);
        for (int k = 0; k < n; k++) {
            out.add(round(lo * Math.exp(r * (k + 0.5) / n), 2));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Log levels when the values are non-negative and span more than three decades (a cost
     * surface), linear otherwise.
     */
    static double[] auto(double min, double max, int n) {
        if (min >= 0 && max > 0 && max > 1000 * Math.max(min, Double.MIN_NORMAL)) {
            return log(Math.max(min, max * 1e-4), max, n);
        }
        return linear(min, max, n);
    }

    /** Whether the automatic choice for this range is logarithmic. */
    static boolean autoIsLog(double min, double max) {
        return min >= 0 && max > 0 && max > 1000 * Math.max(min, Double.MIN_NORMAL);
    }

    /** 1, 2, 2.5 or 5 times a power of ten, the nearest at or above x. */
    static double nice(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        double f = x / p;
        double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return m * p;
    }

    /** x to {@code digits} significant digits. */
    static double round(double x, int digits) {
        if (x == 0 || !Double.isFinite(x)) {
            return x;
        }
        return Double.parseDouble(String.format(Locale.ROOT, "%." + (digits - 1) + "e", x));
    }

    /** A short label: up to 3 significant digits, no trailing zeros. */
    static String label(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        String s = a >= 1e-3 && a < 1e5 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.2e", v);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            return strip(parts[0]) + "e" + Integer.parseInt(parts[1]);
        }
        return strip(s);
    }

    private static String strip(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** Sorted, finite, distinct. */
    static double[] clean(double[] levels) {
        return Arrays.stream(levels).filter(Double::isFinite).sorted().distinct().toArray();
    }
}
