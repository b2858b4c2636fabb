package dev.wengert.optim;

/**
 * A point tried along a line x + α·d: its value, gradient and the slope φ′(α) = ∇f·d.
 * Non-finite values are kept (not thrown) so a line search can treat them as "too far".
 */
record Trial(double alpha, double[] x, double f, double[] g, double slope) {

    boolean finite() {
        if (!Double.isFinite(f) || !Double.isFinite(slope)) {
            return false;
        }
        for (double v : g) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
