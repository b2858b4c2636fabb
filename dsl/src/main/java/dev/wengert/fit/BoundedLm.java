package dev.wengert.fit;

/**
 * Levenberg–Marquardt inside a box lo ≤ q ≤ hi: a projected, active-set method.
 *
 * <p>Each iteration holds a parameter that sits on a bound with the gradient pushing it
 * outward, takes the damped Gauss–Newton step (J_Fᵀ J_F + μ·D²)·δ = −J_Fᵀ r over the others
 * (by the block QR of [J_F; √μ·D], never forming JᵀJ), and clips the new point into the box. The step
 * is judged by the actual over the predicted reduction of the cost along the clipped step, so
 * a clipped step that does not help is rejected and μ grows; as μ grows the step turns into a
 * projected scaled gradient step, which always lowers the cost. A parameter that reaches its
 * bound lands on it exactly; when the gradient turns to pull it inward it is released.
 *
 * <p>Why this and not a transformation (MINUIT and lmfit map a bounded parameter through
 * sin or √): the answer is the bounded optimum itself, with active parameters exactly on their
 * bounds (as scipy's trust-region-reflective {@code least_squares(method='trf')} gives), the
 * model is never evaluated outside the box (bounds often keep a model away from a pole), and the
 * statistics of the parameters inside are those of the untransformed problem; a transformation
 * reaches a bound only asymptotically, where its derivative vanishes and Gauss–Newton stalls.
 * μ follows Nielsen's update; D holds the largest column norms of J seen (MINPACK's scaling).
 */
final class BoundedLm {
    /** Relative reduction, step and gradient tolerances: a little above rounding, as the unbounded LM's. */
    static final double TOLERANCE = 1e-14;

    private BoundedLm() {
    }

    record Result(double[] q, int iterations, int evaluations, boolean converged, String how) {
    }

    static Result solve(LeastSquares f, double[] start, double[] lo, double[] hi, int budget) {
        // the current point is held here (held[0]); a trial is released when rejected, the
        // point before it when it is accepted, and the current one when the run ends
        LeastSquares.Point[] held = new LeastSquares.Point[1];
        try {
            return solve(f, start, lo, hi, budget, held);
        } finally {
            if (held[0] != null) {
                held[0].release();
            }
        }
    }

    private static Result solve(LeastSquares f, double[] start, double[] lo, double[] hi, int budget,
                                LeastSquares.Point[] held) {
        int k = start.length;
        double[] x = clip(start, lo, hi);
        int before = f.passes();
        LeastSquares.Point at = f.at(x);
        held[0] = at;
        if (!at.finite()) {
            return new Result(x, 0, f.passes() - before, false, "the model is not finite at the start");
        }
        double[] d = columnNorms(at.jt(), at.n(), k);
        for (int j = 0; j < k; j++) {
            if (d[j] == 0) {
                d[j] = 1;
            }
        }
        double mu = 1e-3;
        double nu = 2;
        int iterations = 0;
        while (f.passes() - before < budget) {
            double[] g = at.gradient();
            boolean[] hold = new boolean[k];
            int freeCount = 0;
            for (int j = 0; j < k; j++) {
                hold[j] = (x[j] <= lo[j] && g[j] > 0) || (x[j] >= hi[j] && g[j] < 0);
                freeCount += hold[j] ? 0 : 1;
            }
            if (freeCount == 0) {
                return new Result(x, iterations, f.passes() - before, true,
                        "(every parameter is on a bound with the gradient pointing out of the box)");
            }
            double rNorm = norm(at.rt());
            if (rNorm == 0) {
                return new Result(x, iterations, f.passes() - before, true, "(the residuals are zero)");
            }
            double[] cn = columnNorms(at.jt(), at.n(), k);
            double angle = 0;
            for (int j = 0; j < k; j++) {
                if (!hold[j] && cn[j] > 0) {
                    angle = Math.max(angle, Math.abs(g[j]) / (cn[j] * rNorm));
                }
            }
            if (angle <= TOLERANCE) {
                return new Result(x, iterations, f.passes() - before, true,
                        "(the residuals are orthogonal to the Jacobian's free columns to " + TOLERANCE + ")");
            }
            double[] delta = dampedStep(at, hold, d, mu);
            double[] xn = x.clone();
            double[] s = new double[k];
            if (delta != null) {
                for (int j = 0; j < k; j++) {
                    xn[j] = Math.min(hi[j], Math.max(lo[j], x[j] + delta[j]));
                    s[j] = xn[j] - x[j];
                }
            }
            double ds = scaledNorm(s, d);
            double dx = scaledNorm(x, d);
            if (delta != null && ds <= TOLERANCE * dx) {
                return new Result(x, iterations, f.passes() - before, true,
                        "(the scaled step fell below " + TOLERANCE + " of the parameters)");
            }
            // the reduction the linear model predicts along the clipped step: −(gᵀs + ½‖J s‖²)
            double predicted = 0;
            double js2 = 0;
            for (int j = 0; j < k; j++) {
                predicted -= g[j] * s[j];
            }
            int rows = at.n();
            double[] jt = at.jt();
            for (int i = 0; i < rows; i++) {
                double v = 0;
                for (int j = 0; j < k; j++) {
                    v += jt[j * rows + i] * s[j];
                }
                js2 += v * v;
            }
            predicted -= 0.5 * js2;
            LeastSquares.Point trial = delta == null || ds == 0 ? null : f.at(xn);
            double actual = trial != null && trial.finite() ? at.cost() - trial.cost() : Double.NEGATIVE_INFINITY;
            if (predicted > 0 && actual > 1e-4 * predicted) {
                double before2 = at.cost();
                x = xn;
                at.release();
                at = trial;
                held[0] = at;
                iterations++;
                double[] nn = columnNorms(at.jt(), at.n(), k);
                for (int j = 0; j < k; j++) {
                    d[j] = Math.max(d[j], nn[j]);
                }
                double rho = actual / predicted;
                mu *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
                nu = 2;
                if (actual <= TOLERANCE * before2 && predicted <= TOLERANCE * before2) {
                    return new Result(x, iterations, f.passes() - before, true,
                            "(the relative reduction of the cost fell below " + TOLERANCE + ")");
                }
            } else {
                if (trial != null) {
                    trial.release();
                }
                mu *= nu;
                nu *= 2;
                if (!(mu < 1e300) || !(nu < 1e300)) {
                    return new Result(x, iterations, f.passes() - before, false,
                            "no step inside the bounds lowers the cost (damping μ = " + mu + ")");
                }
            }
        }
        return new Result(x, iterations, f.passes() - before, false,
                "used " + (f.passes() - before) + " evaluations without converging");
    }

    /** δ over the parameters not held (0 for the held ones), or null if the system is singular. */
    private static double[] dampedStep(LeastSquares.Point at, boolean[] hold, double[] d, double mu) {
        int k = hold.length;
        int[] cols = new int[k];
        int m = 0;
        for (int j = 0; j < k; j++) {
            if (!hold[j]) {
                cols[m++] = j;
            }
        }
        // [J_F; √μ·D] δ ≈ [−r; 0] by the block QR: J's rows straight from its columns, then D's
        int n = at.n();
        BlockQr q = new BlockQr(m + 1);
        q.addColumns(at.jt(), n, java.util.Arrays.copyOf(cols, m), 1.0, at.rt(), -1.0, 0, n);
        double sq = Math.sqrt(mu);
        for (int c = 0; c < m; c++) {
            double[] row = new double[m + 1];
            row[c] = sq * d[cols[c]];
            q.addRow(row);
        }
        Factor qr = Factor.of(q);
        if (!qr.fullRank()) {
            return null;
        }
        double[] z = qr.gaussNewtonStep();
        double[] delta = new double[k];
        for (int c = 0; c < m; c++) {
            if (!Double.isFinite(z[c])) {
                return null;
            }
            delta[cols[c]] = z[c];
        }
        return delta;
    }

    static double[] clip(double[] x, double[] lo, double[] hi) {
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = Math.min(hi[j], Math.max(lo[j], x[j]));
        }
        return y;
    }

    /** The norms of the columns of a column-major matrix of n rows. */
    private static double[] columnNorms(double[] j, int n, int k) {
        double[] c = new double[k];
        for (int u = 0; u < k; u++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double v = j[u * n + i];
                s += v * v;
            }
            c[u] = Math.sqrt(s);
        }
        return c;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double scaledNorm(double[] v, double[] d) {
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            s = Math.hypot(s, d[j] * v[j]);
        }
        return s;
    }
}
