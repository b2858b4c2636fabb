package dev.wengert.fit;

import dev.wengert.core.Mode;
import dev.wengert.display.Displayable;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a least-squares fit: estimates, their uncertainties, goodness of fit, how
 * the solver got there, and the data as used (for plots). Printing it gives a table in the
 * style of R's {@code summary(nls)}; in a notebook it shows as an HTML table.
 *
 * <pre>{@code
 * Table t = Table.create("decay",
 *     DoubleColumn.create("t", 0, 1, 2, 3, 4, 5),
 *     DoubleColumn.create("y", 10.1, 6.0, 3.7, 2.2, 1.4, 0.8));
 * // y = a·exp(−k·t)
 * FitResult r = fit1((p, x) -> p[0].times(exp(p[1].times(-x))), t, "y", "t", 8, 0.3);
 * r.parameters();               // [a, k]
 * r.standardErrors();
 * r.confidenceIntervals(0.95);  // [[lower, upper] per parameter]
 * r.predict(2.5);
 * System.out.println(r);        // the summary table
 * }</pre>
 *
 * <p>Statistics follow R's {@code nls}: σ̂² = RSS/(n − p); covariance σ̂²·(JᵀWJ)⁻¹ with J the
 * exact Jacobian of the model at the estimate and W the weights; Student-t intervals; AIC and
 * BIC from the Gaussian log-likelihood as R's {@code logLik.nls} (σ counts as a parameter).
 */
public final class FitResult implements Displayable {
    private final FitData data;
    private final Residuals model;
    private final String[] names;
    private final double[] p;
    private final double[] fitted;
    private final double rss;
    private final double tss;
    private final double[][] cov;
    private final double relativeOffset;
    private final int iterations;
    private final int evaluations;
    private final boolean converged;
    private final String reason;
    // the row counts and Σ log wᵢ, kept apart from the rows: a result made from sums (see
    // fromNormalEquations) has them without holding the rows
    private final int n;
    private final int dropped;
    private final double sumLogW;

    private FitResult(FitData data, Residuals model, String[] names, double[] p, double[] fitted, double rss,
                      double tss, double[][] cov, double relativeOffset, int iterations, int evaluations,
                      boolean converged, String reason, int n, int dropped, double sumLogW) {
        this.n = n;
        this.dropped = dropped;
        this.sumLogW = sumLogW;
        this.data = data;
        this.model = model;
        this.names = names;
        this.p = p;
        this.fitted = fitted;
        this.rss = rss;
        this.tss = tss;
        this.cov = cov;
        this.relativeOffset = relativeOffset;
        this.iterations = iterations;
        this.evaluations = evaluations;
        this.converged = converged;
        this.reason = reason;
    }

    /** The statistics at the solver's answer, from one more pass for the exact Jacobian there. */
    static FitResult of(FitData data, Residuals model, String[] names, Solver.Solution s) {
        double[] p = s.p();
        // the solver's last evaluation, when it ended where it evaluated last: no new pass
        Evaluation e = model.at(p);
        int n = data.size();
        int k = p.length;
        double[] fitted = e.values.clone();
        double rss = e.rss;
        double sw = 0;
        double swy = 0;
        for (int i = 0; i < n; i++) {
            sw += data.w[i];
            swy += data.w[i] * data.y[i];
        }
        double mean = swy / sw;
        double tss = 0;
        for (int i = 0; i < n; i++) {
            double d = data.y[i] - mean;
            tss += data.w[i] * d * d;
        }
        int dof = n - k;
        StringBuilder reason = new StringBuilder(s.reason());
        Factor qr = e.finite ? e.factor(model.sqrtW()) : null;
        double[][] cov = new double[k][k];
        if (qr == null || !qr.fullRank()) {
            for (double[] row : cov) {
                Arrays.fill(row, Double.NaN);
            }
            reason.append(qr == null
                    ? "; the model or its Jacobian is not finite at the result, so there are no standard errors"
                    : "; the Jacobian is rank-deficient at the result (a parameter the model does not use, or "
                            + "parameters the data cannot tell apart), so there are no standard errors");
        } else {
            double s2 = dof > 0 ? rss / dof : Double.NaN;
            double[][] inv = qr.inverseOfNormalMatrix();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    cov[i][j] = s2 * inv[i][j];
                }
            }
            if (dof == 0) {
                reason.append("; as many rows as parameters (0 degrees of freedom): the curve interpolates "
                        + "the data and standard errors are undefined");
            }
        }
        // R's relative-offset criterion (Bates & Watts): the part of the residual the model
        // could still explain, relative to the part it cannot; small at a true minimum
        double offset = Double.NaN;
        if (qr != null && dof > 0) {
            // ‖Q₁ᵀr‖² and ‖Q₂ᵀr‖², read off R of [J | r]
            offset = Math.sqrt(qr.explained() / k) / Math.sqrt(qr.unexplained() / dof);
        }
        if (data.dropped > 0) {
            reason.append("; ").append(data.dropped).append(" row").append(data.dropped == 1 ? "" : "s")
                    .append(" with missing values left out");
        }
        double sumLogW = 0;
        for (double w : data.w) {
            sumLogW += Math.log(w);
        }
        // The solver can stop where its steps no longer help without being at a minimum (a bad
        // start whose Jacobian is degenerate). R's nls refuses such a point by the relative
        // offset; so do we, except for an exact fit, where the offset is rounding over rounding.
        boolean converged = s.converged();
        boolean exactFit = rss <= 1e-20 * Math.max(tss, Double.MIN_NORMAL);
        if (converged && !exactFit && offset > OFFSET_TOLERANCE) {
            converged = false;
            reason.insert(0, String.format(java.util.Locale.ROOT, "NOT converged: the solver stopped, but the relative "
                    + "offset %.3g exceeds %.0e, so this is not a minimum — the model could still explain more of the "
                    + "residual along the parameters (a poor start? try another). The solver's own account: ", offset, OFFSET_TOLERANCE));
        }
        return new FitResult(data, model, names.clone(), p.clone(), fitted, rss, tss, cov, offset,
                s.iterations(), s.evaluations(), converged, reason.toString(), n, data.dropped, sumLogW);
    }

    /** The relative offset above which a stopped fit is not a minimum (R's nls default tolerance). */
    static final double OFFSET_TOLERANCE = 1e-5;

    /**
     * A result made from sums over the rows instead of the rows themselves, for an engine that
     * keeps the data elsewhere (the {@code wengert-spark} module fits a Spark Dataset this way).
     * The statistics are those of an unweighted {@code fit(...)}: covariance σ̂²·(JᵀJ)⁻¹ with
     * σ̂² = RSS/(n − p), t and p values, intervals, R², AIC and BIC, and R's relative offset
     * √(gᵀ(JᵀJ)⁻¹g / p) / √((RSS − gᵀ(JᵀJ)⁻¹g) / (n − p)) with g = Jᵀr. (JᵀJ)⁻¹ comes from a
     * Cholesky factorisation of JᵀJ scaled to unit diagonal, which loses more digits than the
     * QR factorisation of J that an in-memory fit uses when J is ill-conditioned.
     *
     * <p>The per-row views ({@link #residuals()}, {@link #xData()}, {@link #yData()},
     * {@link #fitted()}, {@link #weights()}) are empty; {@link #predict}, the bands and the
     * summary work as for any fit.
     *
     * <pre>{@code
     * FitResult r = FitResult.fromNormalEquations(model, "y", new String[] {"x"}, new String[] {"b1", "b2"},
     *         p, jtj, jtr, rss, tss, n, 0, iterations, evaluations, true, "converged: …");
     * }</pre>
     *
     * @param model       the model, for predictions and bands
     * @param response    the response's name
     * @param predictors  the predictors' names, one per value the model reads from x
     * @param names       the parameters' names, one per estimate
     * @param p           the estimates
     * @param jtj         JᵀJ at p, J the exact Jacobian of the model over the rows (p×p)
     * @param jtr         Jᵀr at p, r = y − m(p, x) the residuals
     * @param rss         Σ rᵢ²
     * @param tss         Σ (yᵢ − ȳ)²
     * @param observations the rows used (at most 2³¹ − 1)
     * @param dropped     rows left out (missing values)
     * @param iterations  solver iterations
     * @param evaluations passes over the rows (each with its Jacobian)
     * @param converged   whether the solver met its convergence tests
     * @param reason      why the solver stopped
     */
    public static FitResult fromNormalEquations(Model model, String response, String[] predictors, String[] names,
                                                double[] p, double[][] jtj, double[] jtr, double rss, double tss,
                                                long observations, long dropped, int iterations, int evaluations,
                                                boolean converged, String reason) {
        int k = p.length;
        if (names.length != k || jtj.length != k || jtr.length != k) {
            throw new FitException("fromNormalEquations: " + k + " estimates, " + names.length + " names, a "
                    + jtj.length + "×" + jtj.length + " JᵀJ and " + jtr.length + " values of Jᵀr; give one per parameter");
        }
        if (observations > Integer.MAX_VALUE || dropped > Integer.MAX_VALUE) {
            throw new FitException("fromNormalEquations: " + observations + " rows; a FitResult counts at most "
                    + Integer.MAX_VALUE + " (fit a sample, or sum in groups)");
        }
        int n = (int) observations;
        int dof = n - k;
        StringBuilder why = new StringBuilder(reason);
        // scale JᵀJ to unit diagonal first: the parameters' units then no longer matter to Cholesky
        double[] d = new double[k];
        boolean finite = Double.isFinite(rss);
        for (int j = 0; j < k; j++) {
            d[j] = Math.sqrt(jtj[j][j]);
            finite &= Double.isFinite(d[j]) && Double.isFinite(jtr[j]);
        }
        double[][] inv = null;
        if (finite) {
            double[][] a = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] = d[i] > 0 && d[j] > 0 ? jtj[i][j] / (d[i] * d[j]) : (i == j ? 0 : jtj[i][j]);
                }
            }
            try {
                double[][] ai = new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-14, 1e-14)
                        .getSolver().getInverse().getData();
                inv = new double[k][k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        inv[i][j] = ai[i][j] / (d[i] * d[j]);
                    }
                }
            } catch (NonPositiveDefiniteMatrixException | org.apache.commons.math3.linear.NonSymmetricMatrixException e) {
                inv = null;
            }
        }
        double[][] cov = new double[k][k];
        double offset = Double.NaN;
        if (inv == null) {
            for (double[] row : cov) {
                Arrays.fill(row, Double.NaN);
            }
            why.append(!finite
                    ? "; the model or its Jacobian is not finite at the result, so there are no standard errors"
                    : "; the Jacobian is rank-deficient at the result (a parameter the model does not use, or "
                            + "parameters the data cannot tell apart), so there are no standard errors");
        } else {
            double s2 = dof > 0 ? rss / dof : Double.NaN;
            double explained = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    cov[i][j] = s2 * inv[i][j];
                    explained += jtr[i] * inv[i][j] * jtr[j];
                }
            }
            if (dof == 0) {
                why.append("; as many rows as parameters (0 degrees of freedom): the curve interpolates "
                        + "the data and standard errors are undefined");
            } else {
                offset = Math.sqrt(Math.max(0, explained) / k) / Math.sqrt(Math.max(0, rss - explained) / dof);
            }
        }
        if (dropped > 0) {
            why.append("; ").append(dropped).append(" row").append(dropped == 1 ? "" : "s")
                    .append(" with missing values left out");
        }
        // no rows here: an empty table with the columns' names gives the names to the summary and plots
        Table empty = Table.create("rows kept elsewhere");
        empty.addColumns(DoubleColumn.create(response));
        for (String x : predictors) {
            empty.addColumns(DoubleColumn.create(x));
        }
        FitData data = FitData.fromTable(empty, response, predictors, null, FitData.WeightKind.NONE, MissingValues.DROP);
        return new FitResult(data, new Residuals(model, data, Mode.FORWARD, names.clone()), names.clone(), p.clone(),
                new double[0], rss, tss, cov, offset, iterations, evaluations, converged, why.toString(), n,
                (int) dropped, 0);
    }

    // ---- estimates and uncertainty -------------------------------------------------------------

    /** The estimates, in the order of the start values. */
    public double[] parameters() {
        return p.clone();
    }

    /** The parameters' names (b1, b2, … unless given). */
    public String[] parameterNames() {
        return names.clone();
    }

    /** The estimate of the named parameter. */
    public double parameter(String name) {
        return p[index(name)];
    }

    /** √ of the covariance's diagonal; NaN when the covariance is undefined (see {@link #reason()}). */
    public double[] standardErrors() {
        double[] se = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            se[j] = Math.sqrt(cov[j][j]);
        }
        return se;
    }

    /** σ̂²·(JᵀWJ)⁻¹, the asymptotic covariance of the estimates. */
    public double[][] covariance() {
        double[][] c = new double[p.length][];
        for (int j = 0; j < p.length; j++) {
            c[j] = cov[j].clone();
        }
        return c;
    }

    /** The correlation matrix of the estimates; strong correlations (|r| near 1) mean a poorly determined model. */
    public double[][] correlation() {
        double[] se = standardErrors();
        double[][] c = new double[p.length][p.length];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                c[i][j] = i == j ? (Double.isNaN(se[i]) ? Double.NaN : 1.0) : cov[i][j] / (se[i] * se[j]);
            }
        }
        return c;
    }

    /** t = estimate / standard error, per parameter. */
    public double[] tValues() {
        double[] se = standardErrors();
        double[] t = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            t[j] = p[j] / se[j];
        }
        return t;
    }

    /** Two-sided p-values of the t statistics (Student t with n − p degrees of freedom). */
    public double[] pValues() {
        double[] t = tValues();
        double[] pv = new double[p.length];
        int dof = degreesOfFreedom();
        for (int j = 0; j < p.length; j++) {
            pv[j] = dof > 0 && !Double.isNaN(t[j])
                    ? 2 * new TDistribution(null, dof).cumulativeProbability(-Math.abs(t[j]))
                    : Double.NaN;
        }
        return pv;
    }

    /**
     * Student-t confidence intervals: {@code [j] = {lower, upper}} for parameter j.
     *
     * <pre>{@code
     * double[][] ci = r.confidenceIntervals(0.95);
     * ci[0][0]; ci[0][1];   // the 95 % interval of the first parameter
     * }</pre>
     */
    public double[][] confidenceIntervals(double level) {
        double t = quantile(level);
        double[] se = standardErrors();
        double[][] ci = new double[p.length][];
        for (int j = 0; j < p.length; j++) {
            ci[j] = new double[] {p[j] - t * se[j], p[j] + t * se[j]};
        }
        return ci;
    }

    // ---- goodness of fit ----------------------------------------------------------------------

    /** Σ wᵢ (yᵢ − m(p, xᵢ))², the (weighted) residual sum of squares. */
    public double residualSumOfSquares() {
        return rss;
    }

    /** σ̂ = √(RSS / (n − p)). */
    public double residualStandardError() {
        int dof = degreesOfFreedom();
        return dof > 0 ? Math.sqrt(rss / dof) : Double.NaN;
    }

    /** n − p: rows used minus parameters. */
    public int degreesOfFreedom() {
        return n - p.length;
    }

    /** The number of rows used in the fit. */
    public int observations() {
        return n;
    }

    /** Rows left out because of missing values. */
    public int rowsDropped() {
        return dropped;
    }

    /** 1 − RSS/TSS (weighted, around the weighted mean); for a nonlinear model only a rough guide. */
    public double rSquared() {
        return 1 - rss / tss;
    }

    /** The Gaussian log-likelihood at the estimate, as R's {@code logLik.nls}. */
    public double logLikelihood() {
        return -0.5 * n * (Math.log(2 * Math.PI) + 1 - Math.log(n) - sumLogW / n + Math.log(rss));
    }

    /** Akaike's information criterion, −2 log L + 2(p + 1) (σ counts as a parameter, as in R). */
    public double aic() {
        return -2 * logLikelihood() + 2 * (p.length + 1);
    }

    /** The Bayesian information criterion, −2 log L + log(n)·(p + 1). */
    public double bic() {
        return -2 * logLikelihood() + Math.log(n) * (p.length + 1);
    }

    // ---- predictions and bands ----------------------------------------------------------------

    /** The fitted model at predictor values x (one per predictor). */
    public double predict(double... x) {
        return model.predict(p, checkX(x));
    }

    /**
     * Pointwise confidence band of the fitted curve on a grid ({@code xs[i]} = predictor values
     * of point i): fit ± t·√(gᵀ C g), g = ∇ₚ m(p̂, x) the exact gradient (delta method).
     *
     * <pre>{@code
     * Band b = r.confidenceBand(new double[][] {{0.5}, {1.0}, {1.5}}, 0.95);
     * }</pre>
     */
    public Band confidenceBand(double[][] xs, double level) {
        return band(xs, level, false);
    }

    /**
     * Pointwise prediction band for a new observation of unit weight: fit ± t·√(gᵀ C g + σ̂²).
     */
    public Band predictionBand(double[][] xs, double level) {
        return band(xs, level, true);
    }

    private Band band(double[][] xs, double level, boolean newObservation) {
        if (xs == null) {
            throw new IllegalArgumentException("the grid is null; pass double[points][predictors]");
        }
        double t = quantile(level);
        double s2 = newObservation ? rss / degreesOfFreedom() : 0;
        double[] lo = new double[xs.length];
        double[] mid = new double[xs.length];
        double[] hi = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double[] x = checkX(xs[i]);
            mid[i] = model.predict(p, x);
            double[] g = model.gradient(p, x);
            double var = s2;
            for (int a = 0; a < p.length; a++) {
                for (int b = 0; b < p.length; b++) {
                    var += g[a] * cov[a][b] * g[b];
                }
            }
            double half = t * Math.sqrt(var);
            lo[i] = mid[i] - half;
            hi[i] = mid[i] + half;
        }
        return new Band(lo, mid, hi);
    }

    /**
     * The rows used, with fitted values and residuals yᵢ − ŷᵢ (and the weights and weighted
     * residuals √wᵢ·(yᵢ − ŷᵢ) for a weighted fit); {@code row} is the row in the input.
     */
    public Table residuals() {
        int n = data.size();
        Table t = Table.create("residuals of " + data.responseName);
        t.addColumns(IntColumn.create("row", data.rows.clone()));
        for (int j = 0; j < data.predictorNames.length; j++) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = data.x(i, j);
            }
            t.addColumns(DoubleColumn.create(unique(t, data.predictorNames[j]), c));
        }
        double[] r = new double[n];
        double[] wr = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = data.y[i] - fitted[i];
            wr[i] = Math.sqrt(data.w[i]) * r[i];
        }
        t.addColumns(DoubleColumn.create(unique(t, data.responseName), data.y.clone()));
        t.addColumns(DoubleColumn.create(unique(t, "fitted"), fitted.clone()));
        t.addColumns(DoubleColumn.create(unique(t, "residual"), r));
        if (data.weighted) {
            t.addColumns(DoubleColumn.create(unique(t, "weight"), data.w.clone()));
            t.addColumns(DoubleColumn.create(unique(t, "weighted residual"), wr));
        }
        return t;
    }

    /** A column name not yet in t (a predictor may be called "fitted", or be the response itself). */
    private static String unique(Table t, String name) {
        String n = name;
        for (int k = 2; t.containsColumn(n); k++) {
            n = name + " " + k;
        }
        return n;
    }

    // ---- how the solver did -------------------------------------------------------------------

    /** Levenberg–Marquardt iterations, over all attempts. */
    public int iterations() {
        return iterations;
    }

    /** Evaluations of the model over all rows (each with its exact Jacobian), over all attempts. */
    public int evaluations() {
        return evaluations;
    }

    /** Whether the solver met its convergence tests; when false the parameters are not a minimum. */
    public boolean converged() {
        return converged;
    }

    /** Why the solver stopped, what it tried on the way, and anything that limits the statistics. */
    public String reason() {
        return reason;
    }

    /** R's relative-offset convergence measure at the estimate ("Achieved convergence tolerance"). */
    public double convergenceTolerance() {
        return relativeOffset;
    }

    // ---- the data as used (for plots) ---------------------------------------------------------

    /** Predictor values of the rows used, {@code [row][predictor]}. */
    public double[][] xData() {
        double[][] x = new double[data.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = data.row(i);
        }
        return x;
    }

    /** The response of the rows used. */
    public double[] yData() {
        return data.y.clone();
    }

    /** The fitted values ŷᵢ = m(p̂, xᵢ) of the rows used. */
    public double[] fitted() {
        return fitted.clone();
    }

    /** The weights wᵢ of the rows used (1/σᵢ² for a sigma column; all 1 when unweighted). */
    public double[] weights() {
        return data.w.clone();
    }

    /** Whether the fit was weighted. */
    public boolean weighted() {
        return data.weighted;
    }

    /** The predictor names (column names, or x / x1, x2, … for arrays). */
    public String[] predictorNames() {
        return data.predictorNames.clone();
    }

    /** The response's name. */
    public String responseName() {
        return data.responseName;
    }

    // ---- display ------------------------------------------------------------------------------

    /** The summary table, as R's {@code summary(nls)} prints it, with confidence intervals. */
    @Override
    public String toString() {
        return Summary.text(this);
    }

    /** An HTML table for notebooks, then the same summary as text. */
    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/html", Summary.html(this));
        m.put("text/plain", toString());
        return m;
    }

    // ---- helpers ------------------------------------------------------------------------------

    double quantile(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level " + level + ": give a probability between 0 and 1, e.g. 0.95");
        }
        int dof = degreesOfFreedom();
        return dof > 0 ? new TDistribution(null, dof).inverseCumulativeProbability(0.5 + level / 2) : Double.NaN;
    }

    private double[] checkX(double[] x) {
        int m = data.predictorNames.length;
        if (x == null || x.length != m) {
            throw new IllegalArgumentException("give " + m + " predictor value" + (m == 1 ? "" : "s") + " "
                    + Arrays.toString(data.predictorNames) + ", got " + (x == null ? "null" : x.length));
        }
        return x;
    }

    private int index(String name) {
        for (int j = 0; j < names.length; j++) {
            if (names[j].equals(name)) {
                return j;
            }
        }
        throw new IllegalArgumentException("no parameter \"" + name + "\"; the parameters are " + Arrays.toString(names));
    }
}
