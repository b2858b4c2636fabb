package dev.wengert.fit;

import java.util.Arrays;

/**
 * The parameters of a fit as the solver sees them: names, start values, which are fixed, and
 * the bounds of the others. The solver works on the free parameters only (a vector q, in the
 * order of the names with the fixed ones left out); {@link #full} puts the fixed values back.
 */
final class ParameterSet {
    final String[] names;
    final double[] start;
    final boolean[] fixed;
    /** Bounds per parameter, ±∞ where there is none. */
    final double[] lower;
    final double[] upper;
    /** The indices of the free parameters. */
    final int[] free;

    ParameterSet(String[] names, double[] start, boolean[] fixed, double[] lower, double[] upper) {
        this.names = names;
        this.start = start;
        this.fixed = fixed;
        this.lower = lower;
        this.upper = upper;
        int k = 0;
        for (boolean f : fixed) {
            k += f ? 0 : 1;
        }
        this.free = new int[k];
        for (int j = 0, i = 0; j < fixed.length; j++) {
            if (!fixed[j]) {
                free[i++] = j;
            }
        }
    }

    /** All free, no bounds. */
    static ParameterSet unconstrained(String[] names, double[] start) {
        double[] lo = new double[start.length];
        double[] hi = new double[start.length];
        Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, Double.POSITIVE_INFINITY);
        return new ParameterSet(names, start, new boolean[start.length], lo, hi);
    }

    int size() {
        return names.length;
    }

    int freeCount() {
        return free.length;
    }

    /** Whether some free parameter has a finite bound. */
    boolean bounded() {
        for (int j : free) {
            if (lower[j] > Double.NEGATIVE_INFINITY || upper[j] < Double.POSITIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }

    /** The full parameter vector for free values q. */
    double[] full(double[] q) {
        double[] p = start.clone();
        for (int i = 0; i < free.length; i++) {
            p[free[i]] = q[i];
        }
        return p;
    }

    /** The free values of a full vector. */
    double[] freeOf(double[] p) {
        double[] q = new double[free.length];
        for (int i = 0; i < free.length; i++) {
            q[i] = p[free[i]];
        }
        return q;
    }

    /** The names of the free parameters. */
    String[] freeNames() {
        String[] s = new String[free.length];
        for (int i = 0; i < free.length; i++) {
            s[i] = names[free[i]];
        }
        return s;
    }

    /** The lower bounds of the free parameters. */
    double[] freeLower() {
        return freeOf(lower);
    }

    /** The upper bounds of the free parameters. */
    double[] freeUpper() {
        return freeOf(upper);
    }
}
