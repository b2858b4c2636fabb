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
 * differentiation, still points the way. Newton steps H·δ = −g finish the job, with H the
 * exact Hessian of ½·RSS: Gauss–Newton's JᵀJ alone converges only linearly on large-residual
 * problems (ENSO contracts by 0.64 a step), so H = JᵀJ − Σ √wᵢ·rᵢ·∇²mᵢ adds the
 * residual-curvature term, by automatic differentiation (forward over reverse: one pass over
 * the rows carrying p tangents, instead of the 2p gradient passes of a central difference,
 * whose truncation error slowed the convergence).
 *
 * <p>Only small steps (at most 10⁻⁶ of the parameters, in the Jacobian's scaling) that keep
 * shrinking and do not raise the sum of squares beyond its rounding noise are taken, so this
 * never leaves LM's minimum.
 */
final class Refinement {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_STEPS = 4;

    private Refinement() {
    }

    static double[] refine(Residuals f, double[] start) {
        double[] accepted = start.clone();
        double acceptedRss = Double.NaN;
        double[] p = accepted;
        double lastStep = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= MAX_STEPS; k++) {
            Residuals.Eval e = f.evaluate(p);
            double[] wr = f.weightedResiduals(e);
            double rss = 0;
            for (double r : wr) {
                rss += r * r;
            }
            if (!Double.isFinite(rss) || (k > 0 && !(rss <= acceptedRss + noise(f, wr)))) {
                return accepted;
            }
            accepted = p;
            acceptedRss = rss;
            if (k == MAX_STEPS) {
                break;
            }
            double[][] jw = f.weightedJacobian(e);
            Qr qr = new Qr(jw);
            if (!qr.fullRank()) {
                return accepted;
            }
            double[] norms = qr.columnNorms();
            double[] d = qr.solve(wr);              // the Gauss–Newton step, to gauge the distance
            double gn = scaledNorm(d, norms);
            double size = scaledNorm(p, norms);
            if (!(gn <= 1e-6 * size) || gn <= 4 * EPS * size) {
                return accepted;                    // not a refinement, or nothing left to refine
            }
            double[] newton = newtonStep(f, p, jw, wr, norms);
            if (newton != null) {
                d = newton;
            }
            double step = scaledNorm(d, norms);
            if (!(step <= 1e-6 * size) || step >= lastStep) {
                return accepted;
            }
            lastStep = step;
            p = accepted.clone();
            for (int j = 0; j < p.length; j++) {
                p[j] += d[j];
            }
        }
        return accepted;
    }

    /**
     * −H⁻¹g with g = −Jᵀr and H = JᵀJ − Σ √wᵢ·rᵢ·∇²mᵢ, the exact Hessian of ½·RSS (r = target −
     * model, weighted); null if H is not finite or not positive definite.
     */
    private static double[] newtonStep(Residuals f, double[] p, double[][] jw, double[] wr, double[] norms) {
        int n = p.length;
        double[] g = gradient(jw, wr);
        double[] sqrtW = f.sqrtWeights();
        double[] c = new double[wr.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = -sqrtW[i] * wr[i];
        }
        double[][] h = f.curvature(p, c);
        if (h == null) {
            return null;
        }
        for (double[] row : jw) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    h[i][j] += row[i] * row[j];
                }
            }
        }
        // scale to unit diagonal of JᵀJ, symmetrise, and solve by Cholesky
        double[][] hs = new double[n][n];
        double[] gs = new double[n];
        for (int i = 0; i < n; i++) {
            gs[i] = -g[i] / norms[i];
            for (int j = 0; j < n; j++) {
                hs[i][j] = 0.5 * (h[i][j] + h[j][i]) / (norms[i] * norms[j]);
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

    /** g = −Jᵀr, the gradient of ½·Σ rᵢ² with r = target − model. */
    private static double[] gradient(double[][] jw, double[] wr) {
        int n = jw.length == 0 ? 0 : jw[0].length;
        double[] g = new double[n];
        for (int i = 0; i < jw.length; i++) {
            for (int j = 0; j < n; j++) {
                g[j] -= jw[i][j] * wr[i];
            }
        }
        return g;
    }

    /** How much the sum of squares can move from rounding alone: each residual is exact to a few ulps of its terms. */
    private static double noise(Residuals f, double[] wr) {
        double[] t = f.target();
        double s = 0;
        for (int i = 0; i < wr.length; i++) {
            double model = t[i] - wr[i];
            s += 2 * Math.abs(wr[i]) * 16 * EPS * (Math.abs(t[i]) + Math.abs(model));
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
