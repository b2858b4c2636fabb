package dev.wengert.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The statistics of every fit, in memory or on Spark, from one place: given the estimates, how
 * each parameter came out, and the {@link RowSums} of the rows at the estimate, the covariance,
 * the degrees of freedom, the goodness of fit, R's relative-offset convergence check and every
 * message about what limits them.
 *
 * <p>Following R's {@code nls}: σ̂² = RSS/(n − p) with p the parameters not fixed (a fixed one is
 * a constant of the model, as in {@code nls} with the parameter written as a number); covariance
 * σ̂²·(JᵀWJ)⁻¹ over the estimated parameters, from the triangular factor R (RᵀR = JᵀWJ, never
 * formed). With {@code absoluteSigma} the weights are 1/σᵢ² with σᵢ known, and the covariance
 * is (JᵀWJ)⁻¹ unscaled, as scipy's {@code curve_fit(absolute_sigma=True)}. With a robust loss,
 * J and r are scaled per row as scipy's {@code least_squares} does and σ̂² = Σ C²ρ/(n − p), which
 * is what {@code curve_fit(…, loss=…)} reports.
 */
final class Statistics {
    /** The relative offset above which a stopped fit is not a minimum (R's nls default tolerance). */
    static final double OFFSET_TOLERANCE = 1e-5;

    final ParameterStatus[] status;
    final double[][] cov;
    final int n;
    final int dropped;
    /** Parameters not fixed: the p of n − p, AIC and BIC. */
    final int free;
    final double rss;
    final double deviance;
    final double tss;
    final double sumLogW;
    /** σ̂², or 1 with absolute sigma. */
    final double scale2;
    final double offset;
    final boolean absoluteSigma;
    final Loss loss;
    final double lossScale;
    final boolean converged;
    final String reason;
    /** The reason before its warnings, so that warnings found later go in front of them (FitResult). */
    final String reasonHead;
    final List<String> warnings;

    private Statistics(ParameterStatus[] status, double[][] cov, int n, int dropped, int free, double rss,
                       double deviance, double tss, double sumLogW, double scale2, double offset, boolean absoluteSigma,
                       Loss loss, double lossScale, boolean converged, String reason, String reasonHead,
                       List<String> warnings) {
        this.status = status;
        this.cov = cov;
        this.n = n;
        this.dropped = dropped;
        this.free = free;
        this.rss = rss;
        this.deviance = deviance;
        this.tss = tss;
        this.sumLogW = sumLogW;
        this.scale2 = scale2;
        this.offset = offset;
        this.absoluteSigma = absoluteSigma;
        this.loss = loss;
        this.lossScale = lossScale;
        this.converged = converged;
        this.reason = reason;
        this.reasonHead = reasonHead;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @param given     per parameter: FIXED, AT_LOWER_BOUND, AT_UPPER_BOUND or ESTIMATED; the
     *                  estimated ones are the columns of {@code sums}, in order
     * @param warnings  what the caller found besides (e.g. a pole next to the fitted curve)
     */
    static Statistics of(String[] names, double[] p, ParameterStatus[] given, RowSums sums, boolean absoluteSigma,
                         long dropped, boolean solverConverged, String solverReason, List<String> warnings) {
        int total = p.length;
        int[] est = indices(given, ParameterStatus.ESTIMATED);
        if (est.length != sums.k) {
            throw new FitException("the row sums have " + sums.k + " columns but " + est.length
                    + " parameters are estimated; give one column per estimated parameter");
        }
        if (sums.n > Integer.MAX_VALUE || dropped > Integer.MAX_VALUE) {
            throw new FitException(sums.n + " rows; a FitResult counts at most " + Integer.MAX_VALUE
                    + " (fit a sample, or sum in groups)");
        }
        int n = (int) sums.n;
        ParameterStatus[] status = given.clone();
        int free = total - indices(given, ParameterStatus.FIXED).length;
        int dof = n - free;
        StringBuilder why = new StringBuilder(solverReason);
        List<String> warn = new ArrayList<>(warnings);
        boolean finite = sums.notFinite == 0 && Double.isFinite(sums.rss);

        // columns of J that are exactly zero: the model does not depend on that parameter
        int k = sums.k;
        double[] norm = new double[k];
        List<String> flat = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int i = 0; i <= c; i++) {
                s = Math.hypot(s, sums.factor(i, c));
            }
            norm[c] = s;
            if (finite && s == 0) {
                status[est[c]] = ParameterStatus.NOT_DETERMINED;
                flat.add(names[est[c]]);
            }
        }
        int[] live = new int[k];
        int m = 0;
        for (int c = 0; c < k; c++) {
            if (norm[c] > 0) {
                live[m++] = c;
            }
        }
        live = Arrays.copyOf(live, m);

        double[][] cov = new double[total][total];
        for (double[] row : cov) {
            Arrays.fill(row, Double.NaN);
        }
        double[][] inv = finite ? inverse(sums, live, norm) : null;
        double scale2 = absoluteSigma ? 1.0 : dof > 0 ? sums.deviance / dof : Double.NaN;
        double offset = Double.NaN;
        if (!finite) {
            why.append("; the model or its Jacobian is not finite at the result, so there are no standard errors");
        } else if (inv == null) {
            why.append("; the Jacobian is rank-deficient at the result (parameters the data cannot tell apart), "
                    + "so there are no standard errors");
        } else {
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    cov[est[live[a]]][est[live[b]]] = scale2 * inv[a][b];
                }
            }
            if (dof <= 0) {
                why.append("; as many rows as parameters (0 degrees of freedom): the curve interpolates "
                        + "the data and standard errors are undefined");
            }
        }
        if (!flat.isEmpty()) {
            String list = String.join(", ", flat);
            String msg = "the model does not depend on " + list + ": the derivative with respect to "
                    + (flat.size() == 1 ? "it" : "each") + " is exactly 0 on every row, so the data say nothing about "
                    + (flat.size() == 1 ? "it" : "them") + " and no standard error is given. If " + list
                    + " should matter, check that the model does not pass "
                    + (flat.size() == 1 ? "it" : "them") + " through value() or a Math.* function, which drop the "
                    + "derivative (write exp(p[1]), not Math.exp(p[1].value()))";
            warn.add(msg);
        }
        // R's relative-offset criterion (Bates & Watts): the part of the residual the model
        // could still explain, relative to the part it cannot; small at a true minimum
        if (finite && m > 0 && dof > 0) {
            double explained = 0;
            for (int c : live) {
                double z = sums.factor(c, k);
                explained += z * z;
            }
            double rest = sums.factor(k, k);
            offset = Math.sqrt(explained / m) / Math.sqrt(rest * rest / dof);
        }
        if (dropped > 0) {
            why.append("; ").append(dropped).append(" row").append(dropped == 1 ? "" : "s")
                    .append(" with missing values left out");
        }
        double tss = sums.m2Y;
        // The solver can stop where its steps no longer help without being at a minimum (a bad
        // start whose Jacobian is degenerate). R's nls refuses such a point by the relative
        // offset; so do we, except for an exact fit, where the offset is rounding over rounding.
        boolean converged = solverConverged;
        boolean exactFit = sums.rss <= 1e-20 * Math.max(tss, Double.MIN_NORMAL);
        if (converged && !exactFit && offset > OFFSET_TOLERANCE) {
            converged = false;
            why.insert(0, String.format(Locale.ROOT, "NOT converged: the solver stopped, but the relative "
                    + "offset %.3g exceeds %.0e, so this is not a minimum — the model could still explain more of the "
                    + "residual along the parameters (a poor start? try another). The solver's own account: ", offset,
                    OFFSET_TOLERANCE));
        }
        double r2 = 1 - sums.rss / tss;
        if (r2 < 0) {
            warn.add(String.format(Locale.ROOT, "R² = %.3g is negative: the curve fits the data worse than a horizontal "
                    + "line at their mean, so this is no useful fit (a poor start, a wrong model, or a parameter that "
                    + "needs bounds)", r2));
        }
        String head = why.toString();
        for (String w : warn) {
            why.append("; WARNING: ").append(w);
        }
        return new Statistics(status, cov, n, (int) dropped, free, sums.rss, sums.deviance, tss, sums.sumLogW,
                scale2, offset, absoluteSigma, sums.loss, sums.scale, converged, why.toString(), head, warn);
    }

    /**
     * (JᵀWJ)⁻¹ over the live columns, from R scaled to unit columns (so the parameters' units do
     * not matter to the rank test), or null when it is rank-deficient to working precision.
     */
    private static double[][] inverse(RowSums sums, int[] live, double[] norm) {
        int m = live.length;
        double[][] s = new double[m][m];
        double max = 0;
        for (int a = 0; a < m; a++) {
            for (int b = a; b < m; b++) {
                s[a][b] = sums.factor(live[a], live[b]) / norm[live[b]];
            }
            max = Math.max(max, Math.abs(s[a][a]));
        }
        double tiny = 1e-15 * Math.max((double) sums.n, m) * max;
        for (int a = 0; a < m; a++) {
            if (!(Math.abs(s[a][a]) > tiny)) {
                return null;
            }
        }
        // S⁻¹ by back substitution, then (SᵀS)⁻¹ = S⁻¹S⁻ᵀ, unscaled by the column norms
        double[][] sinv = new double[m][m];
        for (int c = 0; c < m; c++) {
            for (int r = c; r >= 0; r--) {
                double v = r == c ? 1.0 : 0.0;
                for (int q = r + 1; q <= c; q++) {
                    v -= s[r][q] * sinv[q][c];
                }
                sinv[r][c] = v / s[r][r];
            }
        }
        double[][] out = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int q = Math.max(i, j); q < m; q++) {
                    v += sinv[i][q] * sinv[j][q];
                }
                v /= norm[live[i]] * norm[live[j]];
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return out;
    }

    static int[] indices(ParameterStatus[] s, ParameterStatus which) {
        int[] out = new int[s.length];
        int m = 0;
        for (int j = 0; j < s.length; j++) {
            if (s[j] == which) {
                out[m++] = j;
            }
        }
        return Arrays.copyOf(out, m);
    }

    int degreesOfFreedom() {
        return n - free;
    }
}
