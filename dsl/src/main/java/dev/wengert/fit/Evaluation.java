package dev.wengert.fit;

/**
 * The model at one parameter point over every row, as one pass gives it: the values mᵢ, the
 * Jacobian ∂mᵢ/∂pⱼ column-major (at j·n + i), the weighted residuals rᵢ = √wᵢ·(yᵢ − mᵢ), their
 * sum of squares, and whether all of these are finite. {@link Residuals#at} reuses one set of
 * arrays for the next point, so an evaluation is read before the next one is made.
 */
final class Evaluation {
    final int n;
    final int k;
    final double[] values;
    final double[] jac;
    final double[] wr;
    /** The point, or null while the arrays are being filled (or after the model threw). */
    double[] p;
    double rss;
    boolean finite;
    /** R of [√w·J | r] at this point, made on first use (see {@link #factor}). */
    private Factor factor;

    Evaluation(int n, int k) {
        this.n = n;
        this.k = k;
        this.values = new double[n];
        this.jac = new double[n * k];
        this.wr = new double[n];
    }

    /** Called when the arrays are refilled for another point. */
    void clear() {
        p = null;
        factor = null;
    }

    /** R of [√w·J | r] at this (finite) point: factored once, read by the solver, refinement and statistics. */
    Factor factor(double[] sqrtW) {
        if (factor == null) {
            factor = Factor.of(this, sqrtW);
        }
        return factor;
    }
}
