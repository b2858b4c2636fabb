package dev.wengert.fit;

import dev.wengert.core.NonFiniteException;
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
        double[] sqrtW = f.sqrtW();
        for (int k = 0; k <= MAX_STEPS; k++) {
            Evaluation e;
            try {
                e = f.at(p);
            } catch (NonFiniteException ex) {
                return accepted;                    // checking mode: a step where the model is undefined
            }
            double rss = e.rss;
            if (!Double.isFinite(rss) || (k > 0 && !(rss <= acceptedRss + noise(f, e.wr)))) {
                return accepted;
            }
            accepted = p;
            acceptedRss = rss;
            if (k == MAX_STEPS || !e.finite) {
                break;
            }
            Factor qr = e.factor(sqrtW);
            if (!qr.fullRank()) {
                return accepted;
            }
            double[] norms = qr.columnNorms();
            double[] d = qr.gaussNewtonStep();      // the Gauss–Newton step, to gauge the distance
            double gn = scaledNorm(d, norms);
            double size = scaledNorm(p, norms);
            if (!(gn <= 1e-6 * size) || gn <= 4 * EPS * size) {
                return accepted;                    // not a refinement, or nothing left to refine
            }
            double[] newton = newtonStep(f, p, e, norms);
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
     * Whether p is within the refinement's reach of a minimum: the model and its Jacobian are
     * finite there, the Jacobian has full rank, and the Gauss–Newton step is at most 10⁻⁶ of
     * the parameters in the Jacobian's scaling (the evaluation at p is usually the solver's last,
     * reused).
     */
    static boolean nearMinimum(Residuals f, double[] p) {
        Evaluation e;
        try {
            e = f.at(p);
        } catch (NonFiniteException ex) {
            return false;
        }
        if (!e.finite) {
            return false;
        }
        Factor qr = e.factor(f.sqrtW());
        if (!qr.fullRank()) {
            return false;
        }
        double[] norms = qr.columnNorms();
        return scaledNorm(qr.gaussNewtonStep(), norms) <= 1e-6 * scaledNorm(p, norms);
    }

    /**
     * −H⁻¹g with g = −Jᵀr and H = JᵀJ − Σ √wᵢ·rᵢ·∇²mᵢ, the exact Hessian of ½·RSS (r = target −
     * model, weighted, J = √w·∂m/∂p); null if H is not finite or not positive definite. The
     * evaluation is read before the curvature pass, which may evaluate the model again.
     */
    private static double[] newtonStep(Residuals f, double[] p, Evaluation e, double[] norms) {
        int n = p.length;
        int m = e.n;
        double[] sqrtW = f.sqrtW();
        double[] g = new double[n];
        double[][] jtj = new double[n][n];
        double[] c = new double[m];
        double[] wj = new double[m];
        for (int i = 0; i < m; i++) {
            c[i] = -sqrtW[i] * e.wr[i];
        }
        for (int a = 0; a < n; a++) {
            double s = 0;
            for (int i = 0; i < m; i++) {
                wj[i] = sqrtW[i] * e.jac[a * m + i];
                s -= wj[i] * e.wr[i];
            }
            g[a] = s;
            for (int b = 0; b <= a; b++) {
                double t = 0;
                for (int i = 0; i < m; i++) {
                    t += wj[i] * sqrtW[i] * e.jac[b * m + i];
                }
                jtj[a][b] = t;
                jtj[b][a] = t;
            }
        }
        double[][] h = f.curvature(p, c);
        if (h == null) {
            return null;
        }
        // scale to unit diagonal of JᵀJ, symmetrise, and solve by Cholesky
        double[][] hs = new double[n][n];
        double[] gs = new double[n];
        for (int i = 0; i < n; i++) {
            gs[i] = -g[i] / norms[i];
            for (int j = 0; j < n; j++) {
                double hij = h[i][j] + jtj[i][j];
                double hji = h[j][i] + jtj[j][i];
                hs[i][j] = 0.5 * (hij + hji) / (norms[i] * norms[j]);
            }
        }
        try {
            double[] z = new CholeskyDecomposition(new Array2DRowRealMatrix(hs, false), 1e-12, 1e-14)
                    .getSolver().solve(new ArrayRealVector(gs, false)).toArray();
            for (int i = 0; i < n; i++) {
                z[i] /= norms[i];
            }
            return z;
        } catch (NonPositiveDefiniteMatrixException | org.apache.commons.math3.linear.NonSymmetricMatrixException e2) {
            return null;
        }
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
