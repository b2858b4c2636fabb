package dev.wengert.fit;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;

import java.util.Arrays;

/**
 * One model with the rows it explains: the whole of an ordinary fit, one part of a global fit.
 * It calls the model (a per-row {@link Model} or a whole-column {@link ColumnModel}) and turns
 * what goes wrong inside into messages that name the model's inputs; predictions at new
 * predictor values (for {@code predict} and the bands) come from here too.
 */
final class Dataset implements Predictor {
    final Model model;
    final ColumnModel columns;
    final FitData data;
    /** The parameters' names (for messages). */
    final String[] names;
    /** "dataset 2" in a global fit, null in an ordinary one (for messages). */
    final String label;
    /** The predictor columns of a column model, as constant tensors (made once). */
    final Tensor[] columnData;
    /** Whether the column model predicts a lone row as it does inside the whole column; null until checked. */
    private Boolean rowWise;

    private Dataset(Model model, ColumnModel columns, FitData data, String[] names, String label) {
        this.model = model;
        this.columns = columns;
        this.data = data;
        this.names = names;
        this.label = label;
        this.columnData = columns == null ? null : columnsOf(data);
    }

    static Dataset of(Model model, FitData data, String[] names, String label) {
        return new Dataset(model, null, data, names, label);
    }

    static Dataset ofColumns(ColumnModel model, FitData data, String[] names) {
        return new Dataset(null, model, data, names, null);
    }

    int size() {
        return data.size();
    }

    /** Row i's prediction (a per-row model). */
    Num row(Num[] par, int i) {
        return call(par, data.row(i), i);
    }

    /** The model on one row's predictor values x, with its result checked; i names the row in messages (−1: none). */
    Num rowCall(Num[] par, double[] x, int i) {
        return call(par, x, i);
    }

    /** All rows' predictions at once (a column model). */
    Num[] all(Num[] par) {
        return columnCall(par, columnData, data.size()).toNums();
    }

    /** The whole-column prediction as a tensor (a column model). */
    Tensor allAsTensor(Num[] par) {
        return columnCall(par, columnData, data.size()).reshape(data.size());
    }

    /** The model at p for the given predictor values, as a plain number. */
    @Override
    public double predict(double[] p, double[] x) {
        Num[] par = constants(p);
        if (columns != null) {
            checkRowWise(p);
            return columnCall(par, columnsOf(new double[][] {x}, x.length), 1).values()[0];
        }
        return call(par, x, -1).value();
    }

    /**
     * A per-row model's prediction at x with the parameters given as constants (see
     * {@link #constants}): {@link #predict} without making them again, for a scan of many x.
     * The model must not keep x.
     */
    double predictRow(Num[] par, double[] x) {
        return call(par, x, -1).value();
    }

    /** ∇ₚ m(p, x), by one forward pass (for the delta method). */
    @Override
    public double[] gradient(double[] p, double[] x) {
        if (columns != null) {
            checkRowWise(p);
            Tensor[] one = columnsOf(new double[][] {x}, x.length);
            return Functional.jacobian(Mode.FORWARD, par -> columnCall(par, one, 1).toNums(), p)[0];
        }
        return Functional.jacobian(Mode.FORWARD, par -> new Num[] {call(par, x, -1)}, p)[0];
    }

    /** The rows' values at p, as plain numbers (no derivative). */
    double[] values(double[] p) {
        Num[] par = constants(p);
        int n = data.size();
        double[] v = new double[n];
        if (columns != null) {
            double[] all = columnCall(par, columnData, n).values();
            System.arraycopy(all, 0, v, 0, n);
            return v;
        }
        for (int i = 0; i < n; i++) {
            v[i] = call(par, data.row(i), i).value();
        }
        return v;
    }

    static Num[] constants(double[] p) {
        Num[] par = new Num[p.length];
        for (int j = 0; j < p.length; j++) {
            par[j] = Num.constant(p[j]);
        }
        return par;
    }

    /** The predictor columns of the rows, as constant tensors. */
    private static Tensor[] columnsOf(FitData d) {
        Tensor[] t = new Tensor[d.q];
        int n = d.size();
        if (n == 0) {
            return t;
        }
        for (int j = 0; j < d.q; j++) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = d.x(i, j);
            }
            t[j] = Tensor.of(c);
        }
        return t;
    }

    /** Column j of row-major predictor rows, for each j, as constant tensors. */
    private static Tensor[] columnsOf(double[][] x, int m) {
        Tensor[] t = new Tensor[m];
        if (x.length == 0) {
            return t;
        }
        for (int j = 0; j < m; j++) {
            double[] c = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                c[i] = x[i][j];
            }
            t[j] = Tensor.of(c);
        }
        return t;
    }

    /** The column model on the given columns of {@code n} rows, with its result's shape checked. */
    private Tensor columnCall(Num[] par, Tensor[] x, int n) {
        Tensor v;
        try {
            v = columns.apply(par, x);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new FitException("the column model read past its arrays: it is given " + par.length
                    + " parameter" + (par.length == 1 ? "" : "s") + " " + Arrays.toString(names) + " and " + x.length
                    + " predictor column" + (x.length == 1 ? "" : "s") + " " + Arrays.toString(data.predictorNames)
                    + " (" + e.getMessage() + "); give one start value per parameter the model uses and name "
                    + "every predictor column it reads", e);
        } catch (FitException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a tensor operation refused its operands (shapes): say it happened in the model, on which columns
            throw new FitException("the column model failed on " + x.length + " predictor column"
                    + (x.length == 1 ? "" : "s") + " " + Arrays.toString(data.predictorNames) + " of " + n + " row"
                    + (n == 1 ? "" : "s") + ": " + e.getMessage(), e);
        }
        if (v == null) {
            throw new FitException("the column model returned null; it must return a Tensor of predictions, "
                    + "one per row, computed from p and the columns x[0], x[1], …");
        }
        int[] s = v.shape();
        boolean ok = s[0] == n && (s.length == 1 || s[1] == 1);
        if (!ok) {
            throw new FitException("the column model returned a tensor of shape " + shape(s) + " but "
                    + (n == data.size() ? "the fit has " : "it was given ") + n + " row" + (n == 1 ? "" : "s")
                    + "; it must return one prediction per row, shape (" + n + ",) or (" + n + ", 1)"
                    + (v.size() == 1 && n > 1 ? " — a scalar such as p[0] alone is not spread over the rows; "
                    + "build the prediction from a predictor column, e.g. x[0].times(0).plus(p[0])" : "")
                    + (v.size() != n && v.size() != 1 ? " — did the model sum or reduce over the rows, or use a "
                    + "matrix product of the wrong orientation?" : ""));
        }
        return v;
    }

    private static String shape(int[] s) {
        return s.length == 1 ? "(" + s[0] + ",)" : "(" + s[0] + ", " + s[1] + ")";
    }

    /**
     * predict(x) and the bands evaluate a column model on one row; that is only its prediction
     * if each row's prediction depends on that row alone. Checked once, on the first and last
     * rows of the data, against the whole-column prediction.
     */
    private void checkRowWise(double[] p) {
        if (rowWise != null) {
            if (!rowWise) {
                throw notRowWise();
            }
            return;
        }
        int n = data.size();
        double[] all = columnCall(constants(p), columnData, n).values();
        rowWise = true;
        for (int i : new int[] {0, n - 1}) {
            double one = columnCall(constants(p), columnsOf(new double[][] {data.row(i)}, data.q), 1).values()[0];
            double tol = 1e-12 * Math.max(Math.abs(all[i]), Math.abs(one));
            if (!(Math.abs(all[i] - one) <= tol) && !(Double.isNaN(all[i]) && Double.isNaN(one))) {
                rowWise = false;
                throw notRowWise();
            }
        }
    }

    private FitException notRowWise() {
        return new FitException("the column model's prediction for a row depends on other rows (e.g. a sum() or "
                + "mean() over a column inside the model): on row " + rowName(0) + " alone it gives another value "
                + "than in the whole column, so predict(x) and the bands cannot evaluate it at a new x; the fit "
                + "itself is valid. Compute such constants outside the model (e.g. double m = table.numberColumn(\"x\")"
                + ".mean()) and use them in it");
    }

    private Num call(Num[] par, double[] x, int i) {
        Num v;
        try {
            v = model.apply(par, x);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new FitException("the model" + (label == null ? "" : " of " + label) + " read past its arrays"
                    + at(i) + ": it is given " + par.length
                    + " parameter" + (par.length == 1 ? "" : "s") + " " + Arrays.toString(names) + " and " + x.length
                    + " predictor value" + (x.length == 1 ? "" : "s") + " " + Arrays.toString(data.predictorNames)
                    + " (" + e.getMessage() + "); give one start value per parameter the model uses and name "
                    + "every predictor column it reads", e);
        }
        if (v == null) {
            throw new FitException("the model" + (label == null ? "" : " of " + label) + " returned null" + at(i)
                    + "; it must return a Num computed from p and x");
        }
        return v;
    }

    private static String at(int i) {
        return i >= 0 ? " at row " + i : "";
    }

    /** A row by its number in the input and its predictor values, e.g. "3 (x = 0.5)". */
    String rowName(int i) {
        if (i < 0) {
            return "?";
        }
        StringBuilder s = new StringBuilder().append(data.rowNumber(i));
        if (label != null) {
            s.append(" of ").append(label);
        }
        s.append(" (");
        for (int j = 0; j < data.predictorNames.length; j++) {
            s.append(j > 0 ? ", " : "").append(data.predictorNames[j]).append(" = ").append(data.x(i, j));
        }
        return s.append(')').toString();
    }
}
