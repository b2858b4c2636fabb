package dev.wengert.fit;

import dev.wengert.core.Mode;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The fluent form of a fit: choose start values, names, weights and options, then fit to a
 * table or arrays. A {@code Fitter} is a reusable recipe: {@code to(...)} can be called again
 * on other data.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x)), with a standard deviation per row in column "sd"
 * FitResult r = fit((p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1)))
 *         .start(500, 1e-4)
 *         .names("asymptote", "rate")
 *         .sigma("sd")
 *         .to(table, "y", "x");
 * }</pre>
 */
public final class Fitter {
    /** Model evaluations (each with its Jacobian) allowed over all solver attempts. */
    public static final int DEFAULT_MAX_EVALUATIONS = 5000;

    private final Model model;
    private final ColumnModel columns;
    private double[] start;
    private String[] names;
    private String weightColumn;
    private double[] weightArray;
    private FitData.WeightKind weightKind = FitData.WeightKind.NONE;
    private MissingValues missing = MissingValues.DROP;
    private int maxEvaluations = DEFAULT_MAX_EVALUATIONS;
    private Mode mode;

    private Fitter(Model model) {
        if (model == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x[0]).plus(p[1])");
        }
        this.model = model;
        this.columns = null;
    }

    private Fitter(ColumnModel columns) {
        if (columns == null) {
            throw new FitException("the column model is null; give one, e.g. (p, x) -> x[0].times(p[0]).plus(p[1])");
        }
        this.model = null;
        this.columns = columns;
    }

    /** A fit of a model with predictors {@code x[0], x[1], …}. */
    public static Fitter of(Model model) {
        return new Fitter(model);
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
        return new Fitter(model);
    }

    /** A fit of a single-predictor model. */
    public static Fitter of1(Model1 model) {
        if (model == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x).plus(p[1])");
        }
        return new Fitter(Model.of1(model));
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

    /** Weights wᵢ, one per row of the data. */
    public Fitter weights(double[] w) {
        return weightsFrom(null, w, FitData.WeightKind.WEIGHT);
    }

    /** Per-row standard deviations σᵢ, one per row of the data. */
    public Fitter sigma(double[] sd) {
        return weightsFrom(null, sd, FitData.WeightKind.SIGMA);
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
     * Forces how the Jacobian is computed. By default forward mode (one pass with a tangent per
     * parameter) up to 24 parameters, reverse mode per row above (a recording and a backward
     * sweep per row). A column model uses forward mode at any number of parameters; reverse
     * mode records its tensor operations once but needs a backward sweep per row over all of
     * them (time quadratic in the rows), so it is for cross-checks on small data.
     */
    public Fitter mode(Mode m) {
        this.mode = m;
        return this;
    }

    /**
     * Fits the response column to the predictor columns of a table.
     *
     * <pre>{@code
     * fit(m).start(1, 0.1).to(table, "y", "x");
     * }</pre>
     */
    public FitResult to(Table table, String response, String... predictors) {
        if (weightArray != null) {
            throw new FitException("weights or sigmas were given as an array; for a table name their column, "
                    + "e.g. .sigma(\"sd\")");
        }
        return run(FitData.fromTable(table, response, predictors, weightColumn, weightKind, missing));
    }

    /** Fits arrays: {@code x[i]} holds the predictor values of row i, {@code y[i]} its response. */
    public FitResult to(double[][] x, double[] y) {
        return run(FitData.fromArrays(x, y, arrayWeights(), weightKind, missing, null, null));
    }

    /** Fits arrays with a single predictor. */
    public FitResult to(double[] x, double[] y) {
        if (x == null) {
            throw new FitException("x is null; pass the predictor values");
        }
        double[][] xs = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            xs[i] = new double[] {x[i]};
        }
        return to(xs, y);
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

    private FitResult run(FitData data) {
        double[] p0 = checkedStart(start);
        String[] pn = checkedNames(names, p0.length);
        if (model instanceof Model.SinglePredictor && data.predictorNames.length != 1) {
            throw new FitException("a single-predictor model (Model1) was given " + data.predictorNames.length
                    + " predictors " + Arrays.toString(data.predictorNames) + "; name one predictor column, "
                    + "or write a Model (p, x) -> … that reads x[0], x[1], …");
        }
        if (data.size() < p0.length) {
            throw new FitException(data.size() + " row" + (data.size() == 1 ? "" : "s")
                    + (data.dropped > 0 ? " (after leaving out " + data.dropped + " with missing values)" : "")
                    + " but " + p0.length + " parameters " + Arrays.toString(pn)
                    + "; a fit needs at least as many rows as parameters");
        }
        Residuals f = columns != null ? Residuals.ofColumns(columns, data, mode, pn)
                : new Residuals(model, data, mode, pn);
        f.checkStart(p0);
        Solver.Solution s = Solver.solve(f, p0, maxEvaluations);
        return FitResult.of(data, f, pn, s);
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
