package dev.wengert.fit;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows a fit uses, as plain arrays, after the checks: the predictors, the response and
 * the weights (all 1 when unweighted), with the original row numbers so residuals can be
 * matched back to the table.
 */
final class FitData {
    /** The predictors, row-major: row i's at [i·q, (i + 1)·q) (one array, not an array per row). */
    final double[] x;
    /** Predictors per row. */
    final int q;
    final double[] y;
    final double[] w;
    final boolean weighted;
    final String[] predictorNames;
    final String responseName;
    /** The original row number of each row kept, or null where no row was left out (row i is row i). */
    private final int[] rows;
    final int dropped;

    private FitData(double[] x, double[] y, double[] w, boolean weighted, String[] predictorNames,
                    String responseName, int[] rows, int dropped) {
        this.x = x;
        this.q = predictorNames.length;
        this.y = y;
        this.w = w;
        this.weighted = weighted;
        this.predictorNames = predictorNames;
        this.responseName = responseName;
        this.rows = rows;
        this.dropped = dropped;
    }

    int size() {
        return y.length;
    }

    /** Predictor j of row i. */
    double x(int i, int j) {
        return x[i * q + j];
    }

    /** The original row number (in the caller's table or arrays) of row i. */
    int rowNumber(int i) {
        return rows == null ? i : rows[i];
    }

    /**
     * The row numbers array as rows are read: null while every row so far was kept (no array
     * for the usual fit that leaves none out), made at the first row left out.
     */
    private static int[] keep(int[] rows, int k, int i, int n) {
        if (rows == null && k != i) {
            rows = new int[n];
            for (int j = 0; j < k; j++) {
                rows[j] = j;
            }
        }
        if (rows != null) {
            rows[k] = i;
        }
        return rows;
    }

    /** Row i's predictors (a copy). */
    double[] row(int i) {
        return Arrays.copyOfRange(x, i * q, (i + 1) * q);
    }

    /** How a weight column or array is to be read. */
    enum WeightKind {
        NONE, WEIGHT, SIGMA
    }

    /**
     * Reads the columns of a table. A missing value (tablesaw's missing marker, NaN) in any
     * used column drops the row or is refused, as {@code missing} says; an infinite value or a
     * weight that is not positive is always refused, since no option makes it meaningful.
     * Weights or sigmas come from a column or, when {@code weightArray} is given, from an array
     * with one value per row of the table (NaN counts as missing).
     */
    static FitData fromTable(Table t, String response, String[] predictors, String weightColumn, double[] weightArray,
                             WeightKind kind, MissingValues missing) {
        if (t == null) {
            throw new FitException("the table is null; pass a tablesaw Table");
        }
        if (response == null) {
            throw new FitException("the response column name is null; name the column to fit, e.g. \"y\"");
        }
        if (predictors == null || predictors.length == 0) {
            throw new FitException("no predictor columns given; name at least one, e.g. \"x\"");
        }
        NumericColumn<?> yc = numeric(t, response, "response");
        NumericColumn<?>[] xc = new NumericColumn<?>[predictors.length];
        for (int j = 0; j < predictors.length; j++) {
            if (predictors[j] == null) {
                throw new FitException("predictor column name " + (j + 1) + " is null");
            }
            xc[j] = numeric(t, predictors[j], "predictor");
        }
        NumericColumn<?> wc = kind == WeightKind.NONE || weightArray != null ? null
                : numeric(t, weightColumn, kind == WeightKind.SIGMA ? "sigma" : "weight");
        int n = t.rowCount();
        String arrayName = kind == WeightKind.SIGMA ? "sigma" : "weight";
        if (weightArray != null && weightArray.length != n) {
            throw new FitException("the " + (kind == WeightKind.SIGMA ? "sigmas" : "weights") + " have "
                    + weightArray.length + " values but table \"" + t.name() + "\" has " + n
                    + " rows; give one per row of the table, in its order");
        }
        int q = xc.length;
        double[] x = new double[n * q];
        double[] y = new double[n];
        double[] w = new double[n];
        int[] rows = null;
        int k = 0;
        for (int i = 0; i < n; i++) {
            String miss = missingIn(i, yc, xc, wc);
            if (miss == null && weightArray != null && Double.isNaN(weightArray[i])) {
                miss = "";
            }
            if (miss != null) {
                if (missing == MissingValues.REFUSE) {
                    throw new FitException("row " + i + " has a missing value "
                            + (miss.isEmpty() ? "(NaN) in the " + arrayName + " array" : "in column \"" + miss + "\"")
                            + "; fill or remove it, or use .missing(MissingValues.DROP) to leave such rows out");
                }
                continue;
            }
            for (int j = 0; j < q; j++) {
                x[k * q + j] = finite(xc[j].getDouble(i), xc[j].name(), i);
            }
            y[k] = finite(yc.getDouble(i), yc.name(), i);
            w[k] = weightArray != null ? weight(weightArray[i], arrayName, i, kind)
                    : wc == null ? 1.0 : weight(wc.getDouble(i), wc.name(), i, kind);
            rows = keep(rows, k++, i, n);
        }
        String[] names = new String[xc.length];
        for (int j = 0; j < xc.length; j++) {
            names[j] = xc[j].name();
        }
        return new FitData(k == n ? x : Arrays.copyOf(x, k * q), k == n ? y : Arrays.copyOf(y, k),
                k == n ? w : Arrays.copyOf(w, k), wc != null || weightArray != null,
                names, yc.name(), rows == null ? null : Arrays.copyOf(rows, k), n - k);
    }

    /** Plain arrays: {@code x[i]} holds the predictors of row i. NaN counts as missing. */
    static FitData fromArrays(double[][] x, double[] y, double[] weightsOrSigmas, WeightKind kind,
                              MissingValues missing, String[] predictorNames, String responseName) {
        if (x == null || y == null) {
            throw new FitException("x or y is null; pass the predictors as double[rows][predictors] and the response as double[rows]");
        }
        if (x.length != y.length) {
            throw new FitException("x has " + x.length + " rows but y has " + y.length + "; give one response per row of x");
        }
        if (weightsOrSigmas != null && weightsOrSigmas.length != y.length) {
            throw new FitException("the " + (kind == WeightKind.SIGMA ? "sigmas" : "weights") + " have "
                    + weightsOrSigmas.length + " values but y has " + y.length + "; give one per row");
        }
        int m = x.length == 0 ? 1 : (x[0] == null ? 0 : x[0].length);
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != m) {
                throw new FitException("row " + i + " of x has " + (x[i] == null ? "no array" : x[i].length + " values")
                        + " but row 0 has " + m + "; every row needs the same predictors");
            }
        }
        if (m == 0) {
            throw new FitException("x has no predictor values; each row of x needs at least one");
        }
        String[] names = predictorNames != null ? predictorNames : defaultNames(m);
        if (names.length != m) {
            throw new FitException(names.length + " predictor names for " + m + " predictors");
        }
        double[][] rowsOfX = x;
        return fromCells((i, j) -> rowsOfX[i][j], m, y, weightsOrSigmas, kind, missing, names,
                responseName != null ? responseName : "y");
    }

    /**
     * A single predictor column: as {@link #fromArrays} with one predictor, without making an
     * array per row first (at 10⁷ rows those would take 28 bytes each).
     */
    static FitData fromColumn(double[] x, double[] y, double[] weightsOrSigmas, WeightKind kind, MissingValues missing) {
        if (x == null) {
            throw new FitException("x is null; pass the predictor values");
        }
        if (y == null) {
            throw new FitException("y is null; pass the response as double[rows], one value per value of x");
        }
        if (x.length != y.length) {
            throw new FitException("x has " + x.length + " rows but y has " + y.length + "; give one response per value of x");
        }
        if (weightsOrSigmas != null && weightsOrSigmas.length != y.length) {
            throw new FitException("the " + (kind == WeightKind.SIGMA ? "sigmas" : "weights") + " have "
                    + weightsOrSigmas.length + " values but y has " + y.length + "; give one per row");
        }
        return fromCells((i, j) -> x[i], 1, y, weightsOrSigmas, kind, missing, defaultNames(1), "y");
    }

    /** Predictor j of row i of the caller's arrays. */
    private interface Cells {
        double at(int i, int j);
    }

    private static FitData fromCells(Cells x, int m, double[] y, double[] weightsOrSigmas, WeightKind kind,
                                     MissingValues missing, String[] names, String yName) {
        int n = y.length;
        double[] xs = new double[n * m];
        double[] ys = new double[n];
        double[] ws = new double[n];
        int[] rows = null;
        int k = 0;
        for (int i = 0; i < n; i++) {
            String miss = Double.isNaN(y[i]) ? yName : null;
            // each cell read once, straight into its place (a row left out is overwritten by the next)
            int at = k * m;
            for (int j = 0; j < m; j++) {
                double v = x.at(i, j);
                xs[at + j] = v;
                if (miss == null && Double.isNaN(v)) {
                    miss = names[j];
                }
            }
            if (miss == null && weightsOrSigmas != null && Double.isNaN(weightsOrSigmas[i])) {
                miss = kind == WeightKind.SIGMA ? "sigma" : "weight";
            }
            if (miss != null) {
                if (missing == MissingValues.REFUSE) {
                    throw new FitException("row " + i + " has a missing value (NaN) in " + miss
                            + "; fill or remove it, or use .missing(MissingValues.DROP) to leave such rows out");
                }
                continue;
            }
            for (int j = 0; j < m; j++) {
                finite(xs[at + j], names[j], i);
            }
            ys[k] = finite(y[i], yName, i);
            ws[k] = weightsOrSigmas == null ? 1.0
                    : weight(weightsOrSigmas[i], kind == WeightKind.SIGMA ? "sigma" : "weight", i, kind);
            rows = keep(rows, k++, i, n);
        }
        return new FitData(k == n ? xs : Arrays.copyOf(xs, k * m), k == n ? ys : Arrays.copyOf(ys, k),
                k == n ? ws : Arrays.copyOf(ws, k), weightsOrSigmas != null, names, yName,
                rows == null ? null : Arrays.copyOf(rows, k), n - k);
    }

    private static String[] defaultNames(int m) {
        if (m == 1) {
            return new String[] {"x"};
        }
        String[] s = new String[m];
        for (int j = 0; j < m; j++) {
            s[j] = "x" + (j + 1);
        }
        return s;
    }

    private static NumericColumn<?> numeric(Table t, String name, String role) {
        if (name == null) {
            throw new FitException("the " + role + " column name is null");
        }
        if (!t.containsColumn(name)) {
            throw new FitException("no " + role + " column \"" + name + "\" in table \"" + t.name()
                    + "\"; its columns are: " + String.join(", ", t.columnNames()));
        }
        Column<?> c = t.column(name);
        if (!(c instanceof NumericColumn<?> nc)) {
            throw new FitException("the " + role + " column \"" + c.name() + "\" is " + c.type().name()
                    + ", not numeric; convert it (e.g. parse it to a DoubleColumn) or choose a numeric column. "
                    + "Numeric columns: " + String.join(", ", numericNames(t)));
        }
        return nc;
    }

    private static List<String> numericNames(Table t) {
        List<String> names = new ArrayList<>();
        for (Column<?> c : t.columns()) {
            if (c instanceof NumericColumn<?>) {
                names.add(c.name());
            }
        }
        return names;
    }

    private static String missingIn(int i, NumericColumn<?> yc, NumericColumn<?>[] xc, NumericColumn<?> wc) {
        if (yc.isMissing(i) || Double.isNaN(yc.getDouble(i))) {
            return yc.name();
        }
        for (NumericColumn<?> c : xc) {
            if (c.isMissing(i) || Double.isNaN(c.getDouble(i))) {
                return c.name();
            }
        }
        if (wc != null && (wc.isMissing(i) || Double.isNaN(wc.getDouble(i)))) {
            return wc.name();
        }
        return null;
    }

    private static double finite(double v, String column, int row) {
        if (!Double.isFinite(v)) {
            throw new FitException("row " + row + " of \"" + column + "\" is " + v
                    + "; a fit needs finite numbers (remove the row or fix the value)");
        }
        return v;
    }

    private static double weight(double v, String column, int row, WeightKind kind) {
        finite(v, column, row);
        if (v <= 0) {
            throw new FitException("row " + row + " of \"" + column + "\" is " + v + "; "
                    + (kind == WeightKind.SIGMA ? "a standard deviation" : "a weight")
                    + " must be positive (leave the row out instead of giving it weight 0)");
        }
        // a row with standard deviation σ has weight 1/σ² in the sum of squares
        return kind == WeightKind.SIGMA ? 1.0 / (v * v) : v;
    }
}
