package dev.wengert.fit;

import dev.wengert.display.Displayable;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
 * r.parametersTable();          // estimates, std. errors, t, p, interval as a tablesaw Table
 * r.covariance();               // σ̂²·(JᵀWJ)⁻¹
 * r.correlation();
 * r.predict(2.5);
 * r.predictionBand(new double[][] {{2.5}}, 0.95);   // where a new observation at t = 2.5 falls
 * System.out.println(r);        // the summary table
 * }</pre>
 *
 * <p>Statistics follow R's {@code nls}: σ̂² = RSS/(n − p) with p the parameters not fixed;
 * covariance σ̂²·(JᵀWJ)⁻¹ with J the exact Jacobian of the model at the estimate and W the
 * weights; Student-t intervals; AIC and BIC from the Gaussian log-likelihood as R's
 * {@code logLik.nls} (σ counts as a parameter). A parameter held on a bound or fixed has no
 * standard error; the others' are those of the fit with it held. With
 * {@code absoluteSigma(true)} the σᵢ are known: the covariance is (JᵀWJ)⁻¹, and the tests and
 * intervals use the normal distribution (z values). With a robust loss, J and r are scaled per
 * row as scipy's {@code least_squares} does, and σ̂² = Σ C²ρ/(n − p), which is what
 * {@code curve_fit(…, loss=…)} reports.
 *
 * <p>A global fit ({@code Fitter.global(…)}) is one result over the rows of all its datasets;
 * {@link #dataset(int)} gives the view of one dataset (its rows, predictions and bands, with the
 * statistics of the whole fit).
 */
public final class FitResult implements Displayable {
    private final String[] names;
    private final double[] p;
    private final Statistics stats;
    private final int iterations;
    private final int evaluations;
    private final List<Part> parts;
    /** −1 for the whole fit, else the dataset this view shows. */
    private final int shown;
    /** Warnings found when first asked for (shared by the dataset views). */
    private final LateWarnings late;

    /**
     * Warnings that take a scan to find — the fitted curve passing a pole between the data,
     * which evaluates the model at 2,001 points, more than the rows of a small fit — found
     * the first time {@link #warnings()}, {@link #reason()} or the summary is asked for, and
     * kept: a fit whose result is only read for its estimates does not pay for them. They come
     * first, before the statistics' own warnings, as if found with the fit.
     */
    static final class LateWarnings {
        static final LateWarnings NONE = new LateWarnings(List::of);
        private Supplier<List<String>> scan;
        private List<String> found;

        LateWarnings(Supplier<List<String>> scan) {
            this.scan = scan;
        }

        synchronized List<String> get() {
            if (found == null) {
                found = List.copyOf(scan.get());
                scan = null;
            }
            return found;
        }
    }

    /**
     * One dataset: its names, how to predict, and (in memory) its rows and fitted values.
     * {@code data} is null when the rows are kept elsewhere.
     */
    record Part(String response, String[] predictors, boolean weighted, Predictor predictor, FitData data,
                double[] fitted) {
    }

    private FitResult(String[] names, double[] p, Statistics stats, int iterations, int evaluations, List<Part> parts,
                      int shown, LateWarnings late) {
        this.late = late;
        this.names = names;
        this.p = p;
        this.stats = stats;
        this.iterations = iterations;
        this.evaluations = evaluations;
        this.parts = parts;
        this.shown = shown;
    }

    /** The one way a result is made: the statistics from the row sums, whoever summed the rows. */
    static FitResult create(String[] names, double[] p, ParameterStatus[] status, RowSums sums, boolean absoluteSigma,
                            long dropped, int iterations, int evaluations, boolean converged, String reason,
                            List<String> warnings, List<Part> parts) {
        return create(names, p, status, sums, absoluteSigma, dropped, iterations, evaluations, converged, reason,
                warnings, parts, LateWarnings.NONE);
    }

    /** As {@link #create(String[], double[], ParameterStatus[], RowSums, boolean, long, int, int, boolean, String, List, List)}, with warnings found when first asked for. */
    static FitResult create(String[] names, double[] p, ParameterStatus[] status, RowSums sums, boolean absoluteSigma,
                            long dropped, int iterations, int evaluations, boolean converged, String reason,
                            List<String> warnings, List<Part> parts, LateWarnings late) {
        Statistics s = Statistics.of(names, p, status, sums, absoluteSigma, dropped, converged, reason, warnings);
        return new FitResult(names.clone(), p.clone(), s, iterations, evaluations, List.copyOf(parts), -1, late);
    }

    /**
     * A result made from the sums of rows kept elsewhere (the {@code wengert-spark} module fits a
     * Spark Dataset this way): the rows go into a {@link RowSums} where they are, and the
     * statistics come from the same code as for an in-memory fit. The per-row views
     * ({@link #residuals()}, {@link #xData()}, {@link #yData()}, {@link #fitted()},
     * {@link #weights()}) are empty; {@link #predict}, the bands and the summary work as for any fit.
     *
     * <pre>{@code
     * RowSums s = new RowSums(2, Loss.LINEAR, 1);
     * for (…each row…) s.add(y, 1, m, gradient);
     * FitResult r = FitResult.fromSums(model, "y", new String[] {"x"}, new String[] {"b1", "b2"}, p, s, 0,
     *         iterations, evaluations, true, "converged: …");
     * }</pre>
     *
     * @param model       the model, for predictions and bands
     * @param response    the response's name
     * @param predictors  the predictors' names, one per value the model reads from x
     * @param names       the parameters' names, one per estimate (all estimated)
     * @param p           the estimates
     * @param sums        the rows at p, one column per parameter
     * @param dropped     rows left out (missing values)
     * @param iterations  solver iterations
     * @param evaluations passes over the rows (each with its Jacobian)
     * @param converged   whether the solver met its convergence tests
     * @param reason      why the solver stopped
     */
    public static FitResult fromSums(Model model, String response, String[] predictors, String[] names, double[] p,
                                     RowSums sums, long dropped, int iterations, int evaluations, boolean converged,
                                     String reason) {
        if (names.length != p.length) {
            throw new FitException("fromSums: " + p.length + " estimates and " + names.length
                    + " names; give one name per parameter");
        }
        ParameterStatus[] status = new ParameterStatus[p.length];
        Arrays.fill(status, ParameterStatus.ESTIMATED);
        Part part = new Part(response, predictors.clone(), false, Predictor.of(model), null, null);
        return create(names, p, status, sums, false, dropped, iterations, evaluations, converged, reason, List.of(),
                List.of(part));
    }

    // ---- estimates and uncertainty -------------------------------------------------------------

    /** The estimates, in the order of the start values (fixed parameters at their values). */
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

    /** How each parameter came out: estimated, fixed, held on a bound, or not determined by the data. */
    public ParameterStatus[] parameterStatus() {
        return stats.status.clone();
    }

    /**
     * √ of the covariance's diagonal; NaN for a parameter that is not estimated (fixed, on a
     * bound, not determined) and when the covariance is undefined (see {@link #reason()}).
     */
    public double[] standardErrors() {
        double[] se = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            se[j] = Math.sqrt(stats.cov[j][j]);
        }
        return se;
    }

    /**
     * σ̂²·(JᵀWJ)⁻¹, the asymptotic covariance of the estimates (unscaled (JᵀWJ)⁻¹ with absolute
     * sigma); rows and columns of parameters that are not estimated are NaN.
     */
    public double[][] covariance() {
        double[][] c = new double[p.length][];
        for (int j = 0; j < p.length; j++) {
            c[j] = stats.cov[j].clone();
        }
        return c;
    }

    /** The correlation matrix of the estimates; strong correlations (|r| near 1) mean a poorly determined model. */
    public double[][] correlation() {
        double[] se = standardErrors();
        double[][] c = new double[p.length][p.length];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                c[i][j] = i == j ? (Double.isNaN(se[i]) ? Double.NaN : 1.0) : stats.cov[i][j] / (se[i] * se[j]);
            }
        }
        return c;
    }

    /** t = estimate / standard error, per parameter (a z value with absolute sigma). */
    public double[] tValues() {
        double[] se = standardErrors();
        double[] t = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            t[j] = p[j] / se[j];
        }
        return t;
    }

    /**
     * Two-sided p-values of the t statistics: 2·P(T > |t|), T Student's t with n − p degrees of
     * freedom (standard normal with absolute sigma).
     */
    public double[] pValues() {
        double[] t = tValues();
        double[] pv = new double[p.length];
        int dof = degreesOfFreedom();
        for (int j = 0; j < p.length; j++) {
            boolean defined = !Double.isNaN(t[j]) && (stats.absoluteSigma || dof > 0);
            pv[j] = defined ? 2 * reference().cumulativeProbability(-Math.abs(t[j])) : Double.NaN;
        }
        return pv;
    }

    /** Whether the standard errors assume the given σᵢ are exact ({@code absoluteSigma(true)}). */
    public boolean absoluteSigma() {
        return stats.absoluteSigma;
    }

    /** The loss the fit minimised ({@link Loss#LINEAR} for least squares). */
    public Loss loss() {
        return stats.loss;
    }

    /**
     * Student-t confidence intervals: {@code [j] = {lower, upper}} for parameter j (normal
     * quantiles with absolute sigma; NaN for a parameter that is not estimated).
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

    /**
     * The estimates as a table: one row per parameter with its estimate, standard error, t (or
     * z) value, two-sided p-value, 95 % interval and status, ready for tablesaw's sorting,
     * filtering and CSV export.
     *
     * <pre>{@code
     * r.parametersTable().write().csv("estimates.csv");
     * }</pre>
     */
    public Table parametersTable() {
        double[] se = standardErrors();
        double[] t = tValues();
        double[] pv = pValues();
        double[][] ci = confidenceIntervals(0.95);
        double[] lo = new double[p.length];
        double[] hi = new double[p.length];
        String[] st = new String[p.length];
        for (int j = 0; j < p.length; j++) {
            lo[j] = ci[j][0];
            hi[j] = ci[j][1];
            st[j] = stats.status[j].label();
        }
        String z = stats.absoluteSigma ? "z" : "t";
        return Table.create("parameters",
                StringColumn.create("parameter", names.clone()),
                DoubleColumn.create("estimate", p.clone()),
                DoubleColumn.create("std. error", se),
                DoubleColumn.create(z + " value", t),
                DoubleColumn.create("Pr(>|" + z + "|)", pv),
                DoubleColumn.create("2.5 %", lo),
                DoubleColumn.create("97.5 %", hi),
                StringColumn.create("status", st));
    }

    // ---- goodness of fit ----------------------------------------------------------------------

    /** Σ wᵢ (yᵢ − m(p, xᵢ))², the (weighted) residual sum of squares. */
    public double residualSumOfSquares() {
        return stats.rss;
    }

    /**
     * The cost the fit minimised, ½·Σ C²·ρ(rᵢ²/C²) (½·RSS for least squares): scipy's
     * {@code least_squares(…).cost}.
     */
    public double cost() {
        return 0.5 * stats.deviance;
    }

    /** σ̂ = √(RSS / (n − p)) (√(Σ C²ρ / (n − p)) for a robust loss). */
    public double residualStandardError() {
        int dof = degreesOfFreedom();
        return dof > 0 ? Math.sqrt(stats.deviance / dof) : Double.NaN;
    }

    /** n − p: rows used minus the parameters that are not fixed. */
    public int degreesOfFreedom() {
        return stats.degreesOfFreedom();
    }

    /** The number of rows used in the fit (over all datasets). */
    public int observations() {
        return stats.n;
    }

    /** Rows left out because of missing values. */
    public int rowsDropped() {
        return stats.dropped;
    }

    /** 1 − RSS/TSS (weighted, around the weighted mean); for a nonlinear model only a rough guide. */
    public double rSquared() {
        return 1 - stats.rss / stats.tss;
    }

    /**
     * The Gaussian log-likelihood at the estimate: R's {@code logLik.nls}, σ estimated,
     * −n/2·(log 2π + 1 − log n − Σ log wᵢ / n + log RSS); with absolute sigma the σᵢ are known,
     * −½·(n log 2π − Σ log wᵢ + RSS). Not defined (NaN) for a robust loss.
     */
    public double logLikelihood() {
        int n = stats.n;
        if (stats.loss != Loss.LINEAR) {
            return Double.NaN;
        }
        if (stats.absoluteSigma) {
            return -0.5 * (n * Math.log(2 * Math.PI) - stats.sumLogW + stats.rss);
        }
        return -0.5 * n * (Math.log(2 * Math.PI) + 1 - Math.log(n) - stats.sumLogW / n + Math.log(stats.rss));
    }

    /** The number of parameters the likelihood counts: those not fixed, plus σ unless it is known. */
    private int likelihoodParameters() {
        return stats.free + (stats.absoluteSigma ? 0 : 1);
    }

    /** Akaike's information criterion, −2 log L + 2(p + 1) (σ counts as a parameter, as in R; p + 0 with absolute sigma). */
    public double aic() {
        return -2 * logLikelihood() + 2 * likelihoodParameters();
    }

    /** The Bayesian information criterion, −2 log L + log(n)·(p + 1). */
    public double bic() {
        return -2 * logLikelihood() + Math.log(stats.n) * likelihoodParameters();
    }

    // ---- predictions and bands ----------------------------------------------------------------

    /** The fitted model at predictor values x (one per predictor). */
    public double predict(double... x) {
        Part part = single("predict(x)");
        return part.predictor().predict(p, checkX(part, x));
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
     * Pointwise prediction band for a new observation of unit weight: fit ± t·√(gᵀ C g + σ̂²),
     * where it falls with the given probability.
     *
     * <pre>{@code
     * Band b = r.predictionBand(new double[][] {{0.5}, {1.0}}, 0.95);
     * System.out.println(b);   // Band[2 points: lower …, fit …, upper …]
     * }</pre>
     */
    public Band predictionBand(double[][] xs, double level) {
        return band(xs, level, true);
    }

    private Band band(double[][] xs, double level, boolean newObservation) {
        if (xs == null) {
            throw new IllegalArgumentException("the grid is null; pass double[points][predictors]");
        }
        Part part = single(newObservation ? "predictionBand" : "confidenceBand");
        double t = quantile(level);
        double s2 = newObservation ? stats.scale2 : 0;
        int[] est = Statistics.indices(stats.status, ParameterStatus.ESTIMATED);
        double[] lo = new double[xs.length];
        double[] mid = new double[xs.length];
        double[] hi = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double[] x = checkX(part, xs[i]);
            mid[i] = part.predictor().predict(p, x);
            double[] g = part.predictor().gradient(p, x);
            double var = s2;
            for (int a : est) {
                for (int b : est) {
                    var += g[a] * stats.cov[a][b] * g[b];
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
     * residuals √wᵢ·(yᵢ − ŷᵢ) for a weighted fit); {@code row} is the row in the input. A global
     * fit's table starts with the dataset (0, 1, …) of each row.
     */
    public Table residuals() {
        List<Part> ps = inView();
        Part first = ps.get(0);
        Table t = Table.create("residuals of " + responseName());
        boolean several = ps.size() > 1;
        List<Integer> dataset = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int k = 0; k < ps.size(); k++) {
            FitData d = ps.get(k).data();
            if (d != null) {
                for (int r = 0; r < d.size(); r++) {
                    dataset.add(k + firstIndex());
                    rows.add(d.rowNumber(r));
                }
            }
        }
        if (several) {
            t.addColumns(IntColumn.create("dataset", dataset.stream().mapToInt(Integer::intValue).toArray()));
        }
        t.addColumns(IntColumn.create("row", rows.stream().mapToInt(Integer::intValue).toArray()));
        double[][] x = xData();
        String[] pn = first.predictors();
        for (int j = 0; j < pn.length; j++) {
            double[] c = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                c[i] = j < x[i].length ? x[i][j] : Double.NaN;
            }
            t.addColumns(DoubleColumn.create(unique(t, pn[j]), c));
        }
        double[] y = yData();
        double[] f = fitted();
        double[] w = weights();
        double[] r = new double[y.length];
        double[] wr = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = y[i] - f[i];
            wr[i] = Math.sqrt(w[i]) * r[i];
        }
        t.addColumns(DoubleColumn.create(unique(t, first.response()), y));
        t.addColumns(DoubleColumn.create(unique(t, "fitted"), f));
        t.addColumns(DoubleColumn.create(unique(t, "residual"), r));
        if (weighted()) {
            t.addColumns(DoubleColumn.create(unique(t, "weight"), w));
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

    // ---- datasets of a global fit ---------------------------------------------------------------

    /** The number of datasets: 1 for an ordinary fit, one per {@code dataset(…)} for a global fit. */
    public int datasets() {
        return parts.size();
    }

    /**
     * Dataset k (0-based) of a global fit: its rows, fitted values, residuals, predictions and
     * bands, with the estimates and statistics of the whole fit.
     *
     * <pre>{@code
     * FitResult peaks = Fitter.global("a1", "c1", "a2", "c2", "w").start(…).dataset(…).dataset(…).fit();
     * peaks.dataset(1).predict(0.5);
     * fitPlot(peaks, 1);
     * }</pre>
     */
    public FitResult dataset(int k) {
        if (k < 0 || k >= parts.size()) {
            throw new IllegalArgumentException("dataset(" + k + "): this fit has " + parts.size() + " dataset"
                    + (parts.size() == 1 ? " (index 0)" : "s (0 to " + (parts.size() - 1) + ")"));
        }
        return new FitResult(names, p, stats, iterations, evaluations, parts, k, late);
    }

    /** Which dataset this view shows (0-based), or −1 for the whole fit. */
    public int datasetShown() {
        return shown;
    }

    private List<Part> inView() {
        return shown < 0 ? parts : List.of(parts.get(shown));
    }

    private int firstIndex() {
        return Math.max(shown, 0);
    }

    private Part single(String what) {
        if (shown < 0 && parts.size() > 1) {
            throw new IllegalArgumentException(what + ": this global fit has " + parts.size() + " datasets, each with "
                    + "its own model; choose one: dataset(k)." + what + (what.endsWith(")") ? "" : "(grid, 0.95)")
                    + ", k from 0 to " + (parts.size() - 1));
        }
        return parts.get(firstIndex());
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
        return stats.converged;
    }

    /** Why the solver stopped, what it tried on the way, anything that limits the statistics, and the warnings. */
    public String reason() {
        List<String> l = late.get();
        if (l.isEmpty()) {
            return stats.reason;
        }
        StringBuilder why = new StringBuilder(stats.reasonHead);
        for (String w : l) {
            why.append("; WARNING: ").append(w);
        }
        return why.append(stats.reason, stats.reasonHead.length(), stats.reason.length()).toString();
    }

    /**
     * What is wrong with this fit even if the solver converged: a negative R², a pole of the
     * model next to the fitted curve, a parameter the model does not depend on. Empty for a
     * sound fit; each also appears in {@link #reason()} and the summary.
     */
    public List<String> warnings() {
        List<String> l = late.get();
        if (l.isEmpty()) {
            return stats.warnings;
        }
        List<String> all = new ArrayList<>(l);
        all.addAll(stats.warnings);
        return List.copyOf(all);
    }

    /** R's relative-offset convergence measure at the estimate ("Achieved convergence tolerance"). */
    public double convergenceTolerance() {
        return stats.offset;
    }

    // ---- the data as used (for plots) ---------------------------------------------------------

    /** Predictor values of the rows used, {@code [row][predictor]}. */
    public double[][] xData() {
        List<double[]> x = new ArrayList<>();
        for (Part part : inView()) {
            if (part.data() != null) {
                for (int i = 0; i < part.data().size(); i++) {
                    x.add(part.data().row(i));
                }
            }
        }
        return x.toArray(new double[0][]);
    }

    /** The response of the rows used. */
    public double[] yData() {
        return concat(part -> part.data().y);
    }

    /** The fitted values ŷᵢ = m(p̂, xᵢ) of the rows used. */
    public double[] fitted() {
        return concat(Part::fitted);
    }

    /** The weights wᵢ of the rows used (1/σᵢ² for a sigma column; all 1 when unweighted). */
    public double[] weights() {
        return concat(part -> part.data().w);
    }

    private double[] concat(java.util.function.Function<Part, double[]> f) {
        List<double[]> all = new ArrayList<>();
        int n = 0;
        for (Part part : inView()) {
            if (part.data() != null) {
                double[] v = f.apply(part);
                all.add(v);
                n += v.length;
            }
        }
        double[] out = new double[n];
        int o = 0;
        for (double[] v : all) {
            System.arraycopy(v, 0, out, o, v.length);
            o += v.length;
        }
        return out;
    }

    /** Whether the fit was weighted. */
    public boolean weighted() {
        for (Part part : inView()) {
            if (part.weighted()) {
                return true;
            }
        }
        return false;
    }

    /** The predictor names (column names, or x / x1, x2, … for arrays); a global fit's first dataset's. */
    public String[] predictorNames() {
        return inView().get(0).predictors().clone();
    }

    /** The response's name (a global fit's first dataset's). */
    public String responseName() {
        return inView().get(0).response();
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

    private org.apache.commons.math3.distribution.RealDistribution reference() {
        return stats.absoluteSigma ? new NormalDistribution(null, 0, 1) : new TDistribution(null, degreesOfFreedom());
    }

    double quantile(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level " + level + ": give a probability between 0 and 1, e.g. 0.95");
        }
        if (!stats.absoluteSigma && degreesOfFreedom() <= 0) {
            return Double.NaN;
        }
        return reference().inverseCumulativeProbability(0.5 + level / 2);
    }

    private static double[] checkX(Part part, double[] x) {
        int m = part.predictors().length;
        if (x == null || x.length != m) {
            throw new IllegalArgumentException("give " + m + " predictor value" + (m == 1 ? "" : "s") + " "
                    + Arrays.toString(part.predictors()) + ", got " + (x == null ? "null" : x.length));
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
