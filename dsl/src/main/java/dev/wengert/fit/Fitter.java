package dev.wengert.fit;

import dev.wengert.core.Mode;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fluent form of a fit: choose start values, names, weights, bounds, fixed parameters, a
 * loss and options, then fit to a table or arrays. A {@code Fitter} is a reusable recipe:
 * {@code to(...)} can be called again on other data.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x)), with a standard deviation per row in column "sd"
 * FitResult r = fit((p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1)))
 *         .start(500, 1e-4)
 *         .names("asymptote", "rate")
 *         .sigma("sd")
 *         .lower("rate", 0)                 // a bound
 *         .to(table, "y", "x");
 *
 * // Michaelis–Menten, both parameters non-negative, outliers down-weighted
 * fit1((p, s) -> p[0].times(s).div(p[1].plus(s))).start(200, 0.1).names("Vm", "K")
 *         .bounds(new double[] {0, 0}, new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY})
 *         .loss(Loss.SOFT_L1, 10)
 *         .to(conc, rate);
 *
 * // a global fit: two peaks that share their width w
 * Fitter.global("a1", "c1", "a2", "c2", "w").start(1, 0, 1, 1, 0.3)
 *         .dataset((p, x) -> p[0].times(exp(square(p[1].neg().plus(x[0]).div(p[4])).times(-0.5))), x, y1)
 *         .dataset((p, x) -> p[2].times(exp(square(p[3].neg().plus(x[0]).div(p[4])).times(-0.5))), x, y2)
 *         .fit();
 * }</pre>
 *
 * <p><b>Bounds</b> are kept by a projected Levenberg–Marquardt (see {@link BoundedLm} for why
 * rather than a transformation): the model is never evaluated outside them, and the result is
 * the bounded optimum, with a parameter that ends on a bound exactly there, reported so, and
 * without a standard error. <b>Fixed</b> parameters are constants of the model: they count in
 * no degree of freedom, as in R's {@code nls} with the parameter written as a number.
 */
public final class Fitter {
    /** Model evaluations (each with its Jacobian) allowed over all solver attempts. */
    public static final int DEFAULT_MAX_EVALUATIONS = 5000;

    private final Model model;
    private final ColumnModel columns;
    /** The datasets of a global fit; null for an ordinary one. */
    private final List<Pending> global;
    private double[] start;
    private String[] names;
    private String weightColumn;
    private double[] weightArray;
    private FitData.WeightKind weightKind = FitData.WeightKind.NONE;
    private MissingValues missing = MissingValues.DROP;
    private int maxEvaluations = DEFAULT_MAX_EVALUATIONS;
    private Mode mode;
    private final Map<String, double[]> namedBounds = new LinkedHashMap<>();
    private double[] lowerArray;
    private double[] upperArray;
    private final Map<String, Double> fixes = new LinkedHashMap<>();
    private Loss loss = Loss.LINEAR;
    private double lossScale = 1;
    private boolean absoluteSigma;

    /** A dataset of a global fit, read when {@link #fit()} runs. */
    private record Pending(Model model, Table table, String response, String[] predictors, double[][] x, double[] y,
                           double[] sigma) {
    }

    private Fitter(Model model, ColumnModel columns, List<Pending> global) {
        this.model = model;
        this.columns = columns;
        this.global = global;
    }

    /** A fit of a model with predictors {@code x[0], x[1], …}. */
    public static Fitter of(Model model) {
        if (model == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x[0]).plus(p[1])");
        }
        return new Fitter(model, null, null);
    }

    /**
     * A fit of a model over whole columns: {@code x[j]} is predictor column j as a tensor, and
     * the model returns the predictions of all rows.
     *
     * <pre>{@code
     * // y = b1·exp(−b2·x)
     * Fitter.ofColumns((p, x) -> x[0].times(p[1]).neg().exp().times(p[0])).start(10, 0.5).to(table, "y", "x");
     * }</pre>
     */
    public static Fitter ofColumns(ColumnModel model) {
        if (model == null) {
            throw new FitException("the column model is null; give one, e.g. (p, x) -> x[0].times(p[0]).plus(p[1])");
        }
        return new Fitter(null, model, null);
    }

    /** A fit of a single-predictor model. */
    public static Fitter of1(Model1 model) {
        if (model == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x).plus(p[1])");
        }
        return new Fitter(Model.of1(model), null, null);
    }

    /**
     * A global fit: several datasets, each with its own model, fitted at once. Every model sees
     * the whole parameter vector named here, so a parameter used by several models is shared.
     * Add the datasets with {@code dataset(...)}, then {@link #fit()}; the result is one fit over
     * all rows, with each dataset's rows, predictions and plots by {@link FitResult#dataset(int)}.
     *
     * <pre>{@code
     * // y = a·exp(−k·t) measured at two temperatures: amplitudes apart, the rate shared
     * FitResult r = Fitter.global("a1", "a2", "k").start(10, 5, 0.3)
     *         .dataset((p, x) -> p[0].times(exp(p[2].times(-x[0]))), t1, y1)
     *         .dataset((p, x) -> p[1].times(exp(p[2].times(-x[0]))), t2, y2)
     *         .fit();
     * }</pre>
     */
    public static Fitter global(String... names) {
        if (names == null || names.length == 0) {
            throw new FitException("global(): name the parameters that the datasets' models share and use, "
                    + "e.g. Fitter.global(\"a1\", \"a2\", \"k\")");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || names[i].isBlank()) {
                throw new FitException("global(…): parameter name " + i + " is " + (names[i] == null ? "null" : "blank")
                        + "; give every shared parameter a name, e.g. Fitter.global(\"a1\", \"a2\", \"k\")");
            }
            if (!seen.add(names[i])) {
                throw new FitException("global(…): the name '" + names[i] + "' appears twice; a parameter several "
                        + "datasets share is named once");
            }
        }
        Fitter f = new Fitter(null, null, new ArrayList<>());
        f.names = names.clone();
        return f;
    }

    /** The start values, one per parameter; their count is the number of parameters. */
    public Fitter start(double... values) {
        this.start = values == null ? null : values.clone();
        return this;
    }

    /** Names of the parameters, in order (default b1, b2, …). */
    public Fitter names(String... names) {
        this.names = names == null ? null : names.clone();
        return this;
    }

    /** Weights wᵢ from a column: row i counts wᵢ times in the sum of squares (wᵢ = 1/σᵢ²). */
    public Fitter weights(String column) {
        return weightsFrom(column, null, FitData.WeightKind.WEIGHT);
    }

    /** Per-row standard deviations σᵢ from a column: weights 1/σᵢ². */
    public Fitter sigma(String column) {
        return weightsFrom(column, null, FitData.WeightKind.SIGMA);
    }

    /** Weights wᵢ, one per row of the data (of the table's rows, in order, when fitting a table). */
    public Fitter weights(double[] w) {
        return weightsFrom(null, w, FitData.WeightKind.WEIGHT);
    }

    /** Per-row standard deviations σᵢ, one per row of the data (of the table's rows, in order, when fitting a table). */
    public Fitter sigma(double[] sd) {
        return weightsFrom(null, sd, FitData.WeightKind.SIGMA);
    }

    /**
     * Whether the σᵢ (or weights 1/σᵢ²) are exact standard deviations: then the covariance is
     * (JᵀWJ)⁻¹, not rescaled by the residual variance, as scipy's
     * {@code curve_fit(absolute_sigma=True)}; tests and intervals use the normal distribution.
     * By default (false) only the σᵢ's ratios matter, as in R's {@code nls}.
     */
    public Fitter absoluteSigma(boolean on) {
        this.absoluteSigma = on;
        return this;
    }

    /** What to do with rows with missing values: leave them out (the default, counted in the result) or refuse. */
    public Fitter missing(MissingValues policy) {
        if (policy == null) {
            throw new FitException("missing(null): choose MissingValues.DROP or MissingValues.REFUSE");
        }
        this.missing = policy;
        return this;
    }

    /** The most model evaluations (each with its Jacobian) the solver may use over all attempts. */
    public Fitter maxEvaluations(int n) {
        if (n < 1) {
            throw new FitException("maxEvaluations(" + n + "): give a positive number");
        }
        this.maxEvaluations = n;
        return this;
    }

    /**
     * Forces how the Jacobian is computed. By default ({@code Mode.FORWARD}) a per-row model is
     * compiled, at any number of parameters: each row recorded once, then replayed over blocks
     * of rows with a reverse sweep per row, each row's gradient that of a reverse pass of its own
     * to the bit; a model whose rows cannot be replayed (tensors inside, rows sharing work like an
     * ODE) takes one forward pass over all rows (a tangent per parameter) up to 24 parameters,
     * and a reverse pass per row above. With {@code Mode.REVERSE}, each row is recorded and swept
     * on its own every pass (the same Jacobian as the compiled rows', at a recording per row). A column model uses forward mode
     * at any number of parameters; reverse mode records its tensor operations once but needs a
     * backward sweep per row over all of them (time quadratic in the rows), so it is for
     * cross-checks on small data. The fit's {@code reason()} names the mode the Jacobian took.
     */
    public Fitter mode(Mode m) {
        this.mode = m;
        return this;
    }

    // ---- bounds, fixed parameters, loss ---------------------------------------------------------

    /** A lower bound for the named parameter: the fit keeps it ≥ value. */
    public Fitter lower(String name, double value) {
        return bound(name, value, Double.NaN, "lower");
    }

    /** An upper bound for the named parameter: the fit keeps it ≤ value. */
    public Fitter upper(String name, double value) {
        return bound(name, Double.NaN, value, "upper");
    }

    /**
     * Both bounds of the named parameter: lo ≤ it ≤ hi (±infinity for none).
     *
     * <pre>{@code
     * fit1(m).start(200, 0.1).names("Vm", "K").bounds("K", 0, 1).to(conc, rate);
     * }</pre>
     */
    public Fitter bounds(String name, double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            throw new FitException("bounds(\"" + name + "\", " + lo + ", " + hi + "): a bound is NaN; "
                    + "use Double.NEGATIVE_INFINITY or POSITIVE_INFINITY for no bound");
        }
        bound(name, lo, Double.NaN, "lower");
        return bound(name, Double.NaN, hi, "upper");
    }

    /**
     * Bounds for every parameter, in order (as scipy's {@code bounds=(lo, hi)}); use
     * {@code Double.NEGATIVE_INFINITY}/{@code POSITIVE_INFINITY} where there is none.
     */
    public Fitter bounds(double[] lo, double[] hi) {
        if (lo == null || hi == null) {
            throw new FitException("bounds(lo, hi): give two arrays, one value per parameter (±infinity for none)");
        }
        if (lo.length != hi.length) {
            throw new FitException("bounds(lo, hi): " + lo.length + " lower and " + hi.length
                    + " upper bounds; give one of each per parameter");
        }
        for (int j = 0; j < lo.length; j++) {
            if (Double.isNaN(lo[j]) || Double.isNaN(hi[j])) {
                throw new FitException("bounds(lo, hi): bound " + (j + 1) + " is NaN; use ±infinity for no bound");
            }
        }
        this.lowerArray = lo.clone();
        this.upperArray = hi.clone();
        return this;
    }

    private Fitter bound(String name, double lo, double hi, String which) {
        if (name == null) {
            throw new FitException(which + "(null, …): name the parameter");
        }
        double v = which.equals("lower") ? lo : hi;
        if (Double.isNaN(v)) {
            throw new FitException(which + "(\"" + name + "\", NaN): give a number (±infinity for no bound)");
        }
        double[] b = namedBounds.computeIfAbsent(name, n -> new double[] {Double.NaN, Double.NaN});
        b[which.equals("lower") ? 0 : 1] = v;
        return this;
    }

    /** Holds the named parameter at a value: a constant of the model, not estimated. */
    public Fitter fix(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new FitException("fix(\"" + name + "\", " + value + "): give a finite value");
        }
        return fixAt(name, value);
    }

    /** Holds the named parameter at its start value. */
    public Fitter fix(String name) {
        return fixAt(name, Double.NaN);
    }

    private Fitter fixAt(String name, double value) {
        if (name == null) {
            throw new FitException("fix(null): name the parameter to hold");
        }
        fixes.put(name, value);
        return this;
    }

    /**
     * A robust loss: the fit minimises ½·Σ C²·ρ(rᵢ²/C²) with C = scale, as scipy's
     * {@code least_squares(loss=…, f_scale=C)}; residuals much larger than C count less.
     *
     * <pre>{@code
     * fit1(m).start(1, 1).loss(Loss.HUBER, 0.5).to(x, y);
     * }</pre>
     */
    public Fitter loss(Loss loss, double scale) {
        if (loss == null) {
            throw new FitException("loss(null, …): choose Loss.LINEAR, SOFT_L1, HUBER, CAUCHY or ARCTAN");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new FitException("loss(" + loss + ", " + scale + "): the scale C (residuals below it count as in "
                    + "least squares) must be positive and finite, e.g. the typical size of a good residual");
        }
        this.loss = loss;
        this.lossScale = scale;
        return this;
    }

    // ---- running ---------------------------------------------------------------------------------

    /**
     * Fits the response column to the predictor columns of a table.
     *
     * <pre>{@code
     * fit(m).start(1, 0.1).to(table, "y", "x");
     * }</pre>
     */
    public FitResult to(Table table, String response, String... predictors) {
        notGlobal("to(table, …)");
        FitData d = FitData.fromTable(table, response, predictors, weightColumn, weightArray, weightKind, missing);
        return runSingle(d);
    }

    /** Fits arrays: {@code x[i]} holds the predictor values of row i, {@code y[i]} its response. */
    public FitResult to(double[][] x, double[] y) {
        notGlobal("to(x, y)");
        return runSingle(FitData.fromArrays(x, y, arrayWeights(), weightKind, missing, null, null));
    }

    /** Fits arrays with a single predictor. */
    public FitResult to(double[] x, double[] y) {
        notGlobal("to(x, y)");
        return runSingle(FitData.fromColumn(x, y, arrayWeights(), weightKind, missing));
    }

    static double[][] column(double[] x) {
        if (x == null) {
            throw new FitException("x is null; pass the predictor values");
        }
        double[][] xs = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            xs[i] = new double[] {x[i]};
        }
        return xs;
    }

    /** A dataset of a global fit: a model of the whole parameter vector, and its rows. */
    public Fitter dataset(Model m, double[][] x, double[] y) {
        return addDataset(m, null, null, null, x, y, null);
    }

    /** A dataset of a global fit with one standard deviation σᵢ per row (weights 1/σᵢ²). */
    public Fitter dataset(Model m, double[][] x, double[] y, double[] sigma) {
        if (sigma == null) {
            throw new FitException("dataset(model, x, y, sigma): sigma is null; give one σ per row or leave it out");
        }
        return addDataset(m, null, null, null, x, y, sigma);
    }

    /** A dataset of a global fit with a single predictor. */
    public Fitter dataset(Model m, double[] x, double[] y) {
        return addDataset(m, null, null, null, column(x), y, null);
    }

    /**
     * A dataset of a global fit from a table: the response column and the predictor columns
     * the model reads as {@code x[0], x[1], …}; a weight or sigma column named by
     * {@code weights(…)}/{@code sigma(…)} is read from each table.
     */
    public Fitter dataset(Model m, Table table, String response, String... predictors) {
        if (table == null) {
            throw new FitException("dataset(model, table, …): the table is null");
        }
        return addDataset(m, table, response, predictors, null, null, null);
    }

    private Fitter addDataset(Model m, Table t, String response, String[] predictors, double[][] x, double[] y,
                              double[] sigma) {
        if (global == null) {
            throw new FitException("dataset(…) belongs to a global fit; start one with Fitter.global(\"a\", \"b\", …) "
                    + "naming all parameters, or fit this model with .to(…)");
        }
        if (m == null) {
            throw new FitException("dataset " + global.size() + ": the model is null; give one, e.g. "
                    + "(p, x) -> p[0].times(x[0]).plus(p[1])");
        }
        global.add(new Pending(m, t, response, predictors == null ? null : predictors.clone(),
                x, y == null ? null : y.clone(), sigma == null ? null : sigma.clone()));
        return this;
    }

    /** Runs a global fit over the datasets added with {@code dataset(...)}. */
    public FitResult fit() {
        if (global == null) {
            throw new FitException("fit() runs a global fit (Fitter.global(…).dataset(…)); this fitter has one model: "
                    + "call .to(table, \"y\", \"x\") or .to(x, y)");
        }
        if (global.isEmpty()) {
            throw new FitException("a global fit needs datasets: add each with .dataset(model, x, y) before .fit()");
        }
        if (weightArray != null) {
            throw new FitException("a global fit takes weights per dataset: give each σ with "
                    + ".dataset(model, x, y, sigma), or name a column with .sigma(\"sd\") for tables");
        }
        List<FitData> data = new ArrayList<>();
        for (int k = 0; k < global.size(); k++) {
            Pending d = global.get(k);
            try {
                data.add(d.table() != null
                        ? FitData.fromTable(d.table(), d.response(), d.predictors(), weightColumn, null, weightKind, missing)
                        : FitData.fromArrays(d.x(), d.y(), d.sigma(), d.sigma() == null ? FitData.WeightKind.NONE
                                : FitData.WeightKind.SIGMA, missing, null, null));
            } catch (FitException e) {
                throw new FitException("dataset " + k + ": " + e.getMessage(), e);
            }
        }
        double[] p0 = checkedStart(start);
        String[] pn = checkedNames(names, p0.length);
        List<Dataset> parts = new ArrayList<>();
        for (int k = 0; k < data.size(); k++) {
            parts.add(Dataset.of(global.get(k).model(), data.get(k), pn, "dataset " + k));
        }
        return run(parts, Residuals.of(parts, mode, pn), p0, pn);
    }

    private void notGlobal(String what) {
        if (global != null) {
            throw new FitException(what + ": this is a global fit (Fitter.global); add its datasets with "
                    + ".dataset(model, x, y) and run it with .fit()");
        }
    }

    private double[] arrayWeights() {
        if (weightColumn != null) {
            throw new FitException("the weights name a column (\"" + weightColumn + "\") but the data are arrays; "
                    + "pass them as an array, e.g. .sigma(new double[] {…})");
        }
        return weightArray;
    }

    private Fitter weightsFrom(String column, double[] array, FitData.WeightKind kind) {
        if (column == null && array == null) {
            throw new FitException((kind == FitData.WeightKind.SIGMA ? "sigma" : "weights")
                    + "(null): name a column or pass an array");
        }
        this.weightColumn = column;
        this.weightArray = array == null ? null : array.clone();
        this.weightKind = kind;
        return this;
    }

    private FitResult runSingle(FitData data) {
        double[] p0 = checkedStart(start);
        String[] pn = checkedNames(names, p0.length);
        if (model instanceof Model.SinglePredictor && data.predictorNames.length != 1) {
            throw new FitException("a single-predictor model (Model1) was given " + data.predictorNames.length
                    + " predictors " + Arrays.toString(data.predictorNames) + "; name one predictor column, "
                    + "or write a Model (p, x) -> … that reads x[0], x[1], …");
        }
        if (columns != null) {
            Dataset part = Dataset.ofColumns(columns, data, pn);
            return run(List.of(part), Residuals.ofColumns(part, mode, pn), p0, pn);
        }
        List<Dataset> parts = List.of(Dataset.of(model, data, pn, null));
        return run(parts, Residuals.of(parts, mode, pn), p0, pn);
    }

    private FitResult run(List<Dataset> parts, Residuals f, double[] p0, String[] pn) {
        ParameterSet ps = parameterSet(pn, p0);
        int n = 0;
        int dropped = 0;
        for (Dataset d : parts) {
            n += d.size();
            dropped += d.data.dropped;
        }
        if (n < ps.freeCount()) {
            throw new FitException(n + " row" + (n == 1 ? "" : "s")
                    + (dropped > 0 ? " (after leaving out " + dropped + " with missing values)" : "")
                    + " but " + ps.freeCount() + " parameters to estimate " + Arrays.toString(ps.freeNames())
                    + "; a fit needs at least as many rows as parameters");
        }
        double[] p = ps.start.clone();
        LeastSquares ls = new LeastSquares(f, ps, f.responses(), f.weights(), loss, lossScale);
        ModelEvaluator.Eval e = ls.checkStart(f, p);
        refuseUnused(f, ps, p, e);
        Solver.Solution s = Solver.solve(ls, ps.freeOf(p), maxEvaluations);
        FitResult result = FitAssembly.assemble(ls, f, s, absoluteSigma, dropped);
        if (s.interrupted()) {
            // the flag goes back once the statistics are computed: whoever runs the cell sees the interrupt too
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /**
     * A parameter whose Jacobian column is exactly zero at the start and that changes no
     * prediction even when NaN is never read by the model: usually a start vector one entry too
     * long. No fit can estimate it, so it is refused by name.
     */
    private static void refuseUnused(Residuals f, ParameterSet ps, double[] p, ModelEvaluator.Eval e) {
        List<String> unused = new ArrayList<>();
        for (int j : ps.free) {
            boolean zero = true;
            int n = e.values().length;
            for (int i = 0; i < n && zero; i++) {
                zero = e.d(i, j) == 0;
            }
            if (zero && !f.reads(p, j)) {
                unused.add(ps.names[j]);
            }
        }
        if (!unused.isEmpty()) {
            int used = ps.size() - unused.size();
            throw new FitException("the model never reads " + String.join(", ", unused) + ": no prediction changes "
                    + "when " + (unused.size() == 1 ? "it is" : "they are") + " NaN, so the data cannot determine "
                    + (unused.size() == 1 ? "it" : "them") + ". " + ps.size() + " start values were given; give one per "
                    + "parameter the model uses (" + used + "?), or hold " + (unused.size() == 1 ? "it" : "them")
                    + " with .fix(\"" + unused.get(0) + "\")");
        }
    }

    private ParameterSet parameterSet(String[] pn, double[] p0) {
        int k = p0.length;
        double[] lo = new double[k];
        double[] hi = new double[k];
        Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, Double.POSITIVE_INFINITY);
        if (lowerArray != null) {
            if (lowerArray.length != k) {
                throw new FitException("bounds(lo, hi) gives " + lowerArray.length + " bounds of each kind for " + k
                        + " parameters " + Arrays.toString(pn) + "; give one per parameter (±infinity for none)");
            }
            lo = lowerArray.clone();
            hi = upperArray.clone();
        }
        for (Map.Entry<String, double[]> b : namedBounds.entrySet()) {
            int j = index(pn, b.getKey(), "a bound");
            if (!Double.isNaN(b.getValue()[0])) {
                lo[j] = b.getValue()[0];
            }
            if (!Double.isNaN(b.getValue()[1])) {
                hi[j] = b.getValue()[1];
            }
        }
        double[] start = p0.clone();
        boolean[] fixed = new boolean[k];
        for (Map.Entry<String, Double> f : fixes.entrySet()) {
            int j = index(pn, f.getKey(), "fix");
            fixed[j] = true;
            if (!Double.isNaN(f.getValue())) {
                start[j] = f.getValue();
            }
        }
        int free = 0;
        for (int j = 0; j < k; j++) {
            if (fixed[j]) {
                continue;
            }
            free++;
            if (lo[j] > hi[j]) {
                throw new FitException("the bounds of " + pn[j] + " are empty: lower " + lo[j] + " > upper " + hi[j]
                        + "; give lower ≤ upper");
            }
            if (lo[j] == hi[j]) {
                throw new FitException("the lower and upper bound of " + pn[j] + " are both " + lo[j] + "; to hold it "
                        + "there use .fix(\"" + pn[j] + "\", " + lo[j] + ")");
            }
            if (start[j] < lo[j] || start[j] > hi[j]) {
                throw new FitException("the start value " + pn[j] + " = " + start[j] + " is "
                        + (start[j] < lo[j] ? "below its lower bound " + lo[j] : "above its upper bound " + hi[j])
                        + "; give a start value inside the bounds");
            }
        }
        if (free == 0) {
            throw new FitException("every parameter is fixed " + Arrays.toString(pn) + "; leave at least one free to fit");
        }
        return new ParameterSet(pn, start, fixed, lo, hi);
    }

    private static int index(String[] names, String name, String what) {
        for (int j = 0; j < names.length; j++) {
            if (names[j].equals(name)) {
                return j;
            }
        }
        throw new FitException(what + " names \"" + name + "\", which is not a parameter; the parameters are "
                + Arrays.toString(names) + (names.length > 0 && names[0].equals("b1") ? " (name them with .names(…))" : ""));
    }

    /**
     * The start values, checked (present and finite) and copied. Shared with the Spark fitter,
     * so both say the same about a bad start.
     */
    public static double[] checkedStart(double[] start) {
        if (start == null || start.length == 0) {
            throw new FitException("no start values; give one per parameter, e.g. .start(1, 0.1)");
        }
        for (int j = 0; j < start.length; j++) {
            if (!Double.isFinite(start[j])) {
                throw new FitException("start value " + (j + 1) + " is " + start[j] + "; start values must be finite");
            }
        }
        return start.clone();
    }

    /** The parameter names for p parameters: b1, b2, … when none are given, else checked (one each, distinct). */
    public static String[] checkedNames(String[] names, int p) {
        if (names == null) {
            String[] s = new String[p];
            for (int j = 0; j < p; j++) {
                s[j] = "b" + (j + 1);
            }
            return s;
        }
        if (names.length != p) {
            throw new FitException(names.length + " parameter names " + Arrays.toString(names) + " for " + p
                    + " start values; give one name per parameter");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new FitException("a parameter name is empty: " + Arrays.toString(names));
            }
            if (!seen.add(n)) {
                throw new FitException("the parameter name \"" + n + "\" is used twice: " + Arrays.toString(names));
            }
        }
        return names.clone();
    }
}
