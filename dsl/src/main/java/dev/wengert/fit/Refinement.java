package dev.wengert.fit;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * The last digits, after Levenberg–Marquardt has converged.
 *
 * <p>LM accepts or rejects a step by comparing sums of squares, and near the minimum those
 * differ only in rounding noise, so it stops up to about 10⁻⁷ standard errors short (NIST's ENSO,
 * Lanczos3 and MGH17 lose digits there). The gradient g = −Jᵀr, exact from automatic
 * differentiation, still points the way.
 *
 * <p><b>Gauss–Newton first, Newton where it is slow.</b> The first step is Gauss–Newton's, from
 * the factor of J the point already has: it needs no pass beyond the evaluation of where it
 * lands. Gauss–Newton's JᵀJ leaves out the residual-curvature term S = Σ √wᵢ·rᵢ·∇²mᵢ, so it
 * converges linearly, each step shrinking by about ‖(JᵀJ)⁻¹S‖: on most data (small residuals
 * against the model's curvature, many rows) that is 10⁻³ or less, and two such steps reach the
 * step tolerance. On large-residual problems it is not (ENSO contracts by 0.64 a step): where a
 * step did not shrink to at most {@link #GAUSS_NEWTON_CONTRACTION} of the one before it, the
 * refinement turns to Newton steps H·δ = −g with the exact Hessian H = JᵀJ − S of ½·RSS, by
 * automatic differentiation (forward over reverse: one pass over the rows carrying p tangents,
 * instead of the 2p gradient passes of a central difference, whose truncation error slowed the
 * convergence). A Newton step costs that second-order pass (for a column model a third of a
 * whole fit, more than an evaluation), which the Gauss–Newton steps save where they suffice.
 *
 * <p>Only small steps (at most 10⁻⁶ of the parameters, in the Jacobian's scaling) that keep
 * shrinking and do not raise the sum of squares beyond its rounding noise are taken, so this
 * never leaves LM's minimum; and only where the Gauss–Newton step is beyond LM's own step
 * tolerance ({@link Solver#TOLERANCE}), below which a step only measures rounding. With a robust loss the same holds for its cost, whose exact
 * Hessian {@link LeastSquares#hessian} gives. Parameters held on a bound stay there, and a step
 * that would leave the bounds is not taken.
 */
final class Refinement {
    private static final int MAX_STEPS = 4;
    /**
     * A Gauss–Newton step that is at most this fraction of the one before it: the linear rate is
     * fast enough that the next Gauss–Newton step, an evaluation, finishes sooner than a Newton
     * step, a second-order pass and an evaluation.
     */
    static final double GAUSS_NEWTON_CONTRACTION = 1e-2;

    private Refinement() {
    }

    /** Where the refinement ended, and the steps it tried of each kind (each an evaluation; a Newton step also a second-order pass). */
    record Refined(double[] q, int gaussNewtonSteps, int newtonSteps) {
        /** What it did, for a fit's reason, e.g. "1 Gauss–Newton step"; empty when it took none. */
        String steps() {
            String gn = gaussNewtonSteps == 0 ? "" : gaussNewtonSteps + " Gauss–Newton step" + (gaussNewtonSteps == 1 ? "" : "s");
            String nt = newtonSteps == 0 ? "" : newtonSteps + " Newton step" + (newtonSteps == 1 ? "" : "s")
                    + " with the exact Hessian";
            return gn.isEmpty() ? nt : nt.isEmpty() ? gn : gn + " and " + nt;
        }
    }

    static double[] refine(LeastSquares f, double[] start, boolean[] held) {
        return refined(f, start, held).q();
    }

    static Refined refined(LeastSquares f, double[] start, boolean[] held) {
        double[] lo = f.parameters().freeLower();
        double[] hi = f.parameters().freeUpper();
        int[] cols = columns(held);
        if (cols.length == 0) {
            return new Refined(start.clone(), 0, 0);
        }
        double[] accepted = start.clone();
        double acceptedCost = Double.NaN;
        double[] q = accepted;
        double lastStep = Double.POSITIVE_INFINITY;
        double lastGaussNewton = Double.NaN;     // the last Gauss–Newton step taken, in the Jacobian's scaling
        boolean newton = false;
        int gaussNewtonSteps = 0;
        int newtonSteps = 0;
        for (int k = 0; k <= MAX_STEPS; k++) {
            LeastSquares.Point at = f.at(q);
            try {
                if (!at.finite() || (k > 0 && !(at.cost() <= acceptedCost + f.noise(at)))) {
                    return new Refined(accepted, gaussNewtonSteps, newtonSteps);
                }
                accepted = q;
                acceptedCost = at.cost();
                if (k == MAX_STEPS) {
                    break;
                }
                Factor qr = at.factor(cols, -1.0);
                if (!qr.fullRank()) {
                    return new Refined(accepted, gaussNewtonSteps, newtonSteps);
                }
                double[] norms = qr.columnNorms();
                double[] d = qr.gaussNewtonStep();      // the Gauss–Newton step (J·d ≈ −r̃), to gauge the distance
                double[] qc = pick(q, cols);
                double gn = scaledNorm(d, norms);
                double size = scaledNorm(qc, norms);
                // not a refinement, or nothing left to refine: a Gauss–Newton step within LM's own step
                // tolerance (50 ulps) is the rounding of the gradient Jᵀr, which a Newton step (a
                // curvature pass and an evaluation) would only measure. Below 4 ulps, the floor this
                // test had, 10⁴-row fits took such a step for a change of 2·10⁻¹⁵ in the parameters
                if (!(gn <= 1e-6 * size) || gn <= Solver.TOLERANCE * size) {
                    return new Refined(accepted, gaussNewtonSteps, newtonSteps);
                }
                // Gauss–Newton while it contracts fast (first step: no rate known, and none needed for
                // the small-residual case, whose rate the second step then shows); then Newton for good
                newton |= k > 0 && !(gn <= GAUSS_NEWTON_CONTRACTION * lastGaussNewton);
                double[] full = newton ? newtonStep(f, at, cols, norms) : null;
                if (full != null) {
                    d = full;
                } else {
                    lastGaussNewton = gn;
                }
                double step = scaledNorm(d, norms);
                if (!(step <= 1e-6 * size) || step >= lastStep) {
                    return new Refined(accepted, gaussNewtonSteps, newtonSteps);
                }
                lastStep = step;
                q = accepted.clone();
                for (int c = 0; c < cols.length; c++) {
                    int j = cols[c];
                    q[j] += d[c];
                    if (!(q[j] >= lo[j] && q[j] <= hi[j])) {
                        return new Refined(accepted, gaussNewtonSteps, newtonSteps);
                    }
                }
                if (full != null) {                   // a step tried: the next turn evaluates it
                    newtonSteps++;
                } else {
                    gaussNewtonSteps++;
                }
            } finally {
                at.release();
            }
        }
        return new Refined(accepted, gaussNewtonSteps, newtonSteps);
    }

    /**
     * Whether q is within the refinement's reach of a minimum: the model and its Jacobian are
     * finite there, the Jacobian has full rank, and the Gauss–Newton step is at most 10⁻⁶ of the
     * parameters in the Jacobian's scaling (the model's evaluation at q is usually the solver's
     * last, reused).
     */
    static boolean nearMinimum(LeastSquares f, double[] q) {
        LeastSquares.Point at = f.at(q);
        if (!at.finite()) {
            at.release();
            return false;
        }
        Factor qr = at.factor(null, -1.0);
        at.release();                             // the factor is the point's own copy of what it needs
        if (!qr.fullRank()) {
            return false;
        }
        double[] norms = qr.columnNorms();
        return scaledNorm(qr.gaussNewtonStep(), norms) <= 1e-6 * scaledNorm(q, norms);
    }

    /** −H⁻¹g over the given columns, H the exact Hessian of the cost; null if H is not finite or not positive definite. */
    private static double[] newtonStep(LeastSquares f, LeastSquares.Point at, int[] cols, double[] norms) {
        double[][] full = f.hessian(at);
        if (full == null) {
            return null;
        }
        double[] gAll = at.gradient();
        int n = cols.length;
        // scale to unit diagonal of JᵀJ, symmetrise, and solve by Cholesky
        double[][] hs = new double[n][n];
        double[] gs = new double[n];
        for (int i = 0; i < n; i++) {
            gs[i] = -gAll[cols[i]] / norms[i];
            for (int j = 0; j < n; j++) {
                hs[i][j] = 0.5 * (full[cols[i]][cols[j]] + full[cols[j]][cols[i]]) / (norms[i] * norms[j]);
            }
        }
        try {
            double[] z = new CholeskyDecomposition(new Array2DRowRealMatrix(hs, false), 1e-12, 1e-14)
                    .getSolver().solve(new ArrayRealVector(gs, false)).toArray();
            for (int i = 0; i < n; i++) {
                z[i] /= norms[i];
            }
            return z;
        } catch (NonPositiveDefiniteMatrixException | org.apache.commons.math3.linear.NonSymmetricMatrixException e) {
            return null;
        }
    }

    private static int[] columns(boolean[] held) {
        int m = 0;
        for (boolean h : held) {
            m += h ? 0 : 1;
        }
        int[] c = new int[m];
        for (int j = 0, i = 0; j < held.length; j++) {
            if (!held[j]) {
                c[i++] = j;
            }
        }
        return c;
    }

    private static double[] pick(double[] v, int[] cols) {
        double[] s = new double[cols.length];
        for (int c = 0; c < cols.length; c++) {
            s[c] = v[cols[c]];
        }
        return s;
    }

    private static double scaledNorm(double[] v, double[] norms) {
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            s = Math.hypot(s, norms[j] * v[j]);
        }
        return s;
    }
}
