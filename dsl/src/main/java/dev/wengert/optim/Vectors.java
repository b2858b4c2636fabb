package dev.wengert.optim;

/** The few dense-vector operations the methods need; plain loops, no allocation beyond results. */
final class Vectors {
    private Vectors() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        // scaled so a gradient of 1e200 does not overflow to ∞ in the sum of squares
        double scale = 0;
        for (double v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double s = 0;
        for (double v : a) {
            double t = v / scale;
            s += t * t;
        }
        return scale * Math.sqrt(s);
    }

    /** a·x + y, as a new array. */
    static double[] axpy(double a, double[] x, double[] y) {
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = y[i] + a * x[i];
        }
        return r;
    }

    static double[] minus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    static double[] negate(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = -a[i];
        }
        return r;
    }

    static double distance(double[] a, double[] b) {
        return norm(minus(a, b));
    }

    static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
