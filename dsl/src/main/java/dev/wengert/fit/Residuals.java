package dev.wengert.fit;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.NonFiniteException;
import dev.wengert.core.Num;
import dev.wengert.core.ValueAndGradient;
import dev.wengert.tensor.Tensor;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import java.util.Arrays;

/**
 * The model over all rows with its exact Jacobian with respect to the parameters, and the
 * weighted form Levenberg–Marquardt minimises: values √wᵢ·m(p, xᵢ), target √wᵢ·yᵢ.
 *
 * <p><b>Why forward mode by default.</b> A fit has many rows and few parameters. Forward mode
 * carries one tangent per parameter through a single pass over the rows, giving every value
 * and the whole n×p Jacobian at once, at about (1 + p) times the cost of the plain model and
 * with no tape. Reverse mode needs a backward sweep per row (one per residual), which only pays
 * once p is large, so above {@link #FORWARD_LIMIT} parameters each row is recorded and swept
 * on its own (a per-row gradient), which keeps the cost linear in the rows.
 *
 * <p><b>Column models.</b> A {@link ColumnModel} is called once per evaluation on whole
 * predictor columns. Its Jacobian is taken in forward mode too: the parameters are dual
 * numbers with p tangents, so the tensor operations take their element path (exact; the same
 * work per row as a per-row model). Reverse mode would record each operation as one block node,
 * but the Jacobian of n outputs then needs n backward sweeps over the whole tape (quadratic in
 * the rows), and block operations have no tangent (forward) sweep; so reverse is used only when
 * asked for with {@code mode(Mode.REVERSE)}, e.g. as a cross-check on small data.
 */
final class Residuals implements MultivariateJacobianFunction {
    /**
     * Up to this many parameters, forward mode. A forward pass costs about p plain passes; a
     * per-row reverse recording and sweep costs a fixed multiple of one, independent of p, so
     * reverse wins only for many parameters. 24 is a conservative crossover, not a tuned one.
     */
    static final int FORWARD_LIMIT = 24;

    /** A residual where the model is not finite: large, so the step is rejected, yet its square sums safely. */
    private static final double NOT_FINITE_RESIDUAL = 1e50;

    private final Model model;
    private final ColumnModel columns;
    /** The predictor columns of a column model, as constant tensors (made once). */
    private final Tensor[] columnData;
    /** Whether the column model predicts a lone row as it does inside the whole column; null until checked. */
    private Boolean rowWise;
    private final FitData data;
    private final Mode mode;
    private final String[] names;
    private final double[] sqrtW;
    private final double[] target;

    private int passes;
    private int notFinitePoints;
    private double[] bestP;
    private double bestCost = Double.POSITIVE_INFINITY;
    private int row = -1;
    // LM re-evaluates the last accepted point after a rejected step: answer that from memory
    private final double[][] cachedPoint = new double[2][];
    private final Pair<?, ?>[] cachedValue = new Pair<?, ?>[2];
    private int cacheNext;

    Residuals(Model model, FitData data, Mode mode, String[] names) {
        this(model, null, data, mode != null ? mode : names.length <= FORWARD_LIMIT ? Mode.FORWARD : Mode.REVERSE,
                names);
    }

    /** The residuals of a column model; forward mode unless another mode is asked for (see the class comment). */
    static Residuals ofColumns(ColumnModel model, FitData data, Mode mode, String[] names) {
        return new Residuals(null, model, data, mode != null ? mode : Mode.FORWARD, names);
    }

    private Residuals(Model model, ColumnModel columns, FitData data, Mode mode, String[] names) {
        this.model = model;
        this.columns = columns;
        this.data = data;
        this.mode = mode;
        this.names = names;
        this.columnData = columns == null ? null : columnsOf(data.x, data.predictorNames.length);
        int n = data.size();
        sqrtW = new double[n];
        target = new double[n];
        for (int i = 0; i < n; i++) {
            sqrtW[i] = Math.sqrt(data.w[i]);
            target[i] = sqrtW[i] * data.y[i];
        }
    }

    Mode mode() {
        return mode;
    }

    double[] target() {
        return target;
    }

    /** √wᵢ per row (a copy). */
    double[] sqrtWeights() {
        return sqrtW.clone();
    }

    /** Passes over the data so far (each gives values and the Jacobian). */
    int passes() {
        return passes;
    }

    /** Trial points where the model was NaN or infinite (rejected as steps). */
    int notFinitePoints() {
        return notFinitePoints;
    }

    /** The finite point with the lowest weighted sum of squares seen so far, or null. */
    double[] bestPoint() {
        return bestP == null ? null : bestP.clone();
    }

    /** The model's values and Jacobian (unweighted) at p: the one place the model is called. */
    record Eval(double[] values, double[][] jacobian) {
    }

    Eval evaluate(double[] p) {
        passes++;
        int n = data.size();
        double[] vals = new double[n];
        if (columns != null && mode == Mode.FORWARD) {
            // forward-mode tensors carry a tangent column per parameter: the Jacobian's columns
            double[][] jac = new double[n][p.length];
            Functional.forward(p, "the column model's Jacobian", par -> {
                Tensor t = columnCall(par, columnData, n);
                System.arraycopy(t.values(), 0, vals, 0, n);
                for (int j = 0; j < par.length; j++) {
                    double[] c = t.d(par[j]);
                    for (int i = 0; i < n; i++) {
                        jac[i][j] = c[i];
                    }
                }
                return null;
            });
            return new Eval(vals, jac);
        }
        if (columns != null) {
            double[][] jac = Functional.jacobian(mode, par -> {
                Num[] out = columnCall(par, columnData, n).toNums();
                for (int i = 0; i < n; i++) {
                    vals[i] = out[i].value();
                }
                return out;
            }, p);
            return new Eval(vals, jac);
        }
        if (mode == Mode.FORWARD) {
            double[][] jac = Functional.jacobian(Mode.FORWARD, par -> {
                Num[] out = new Num[n];
                for (int i = 0; i < n; i++) {
                    out[i] = row(par, i);
                    vals[i] = out[i].value();
                }
                return out;
            }, p);
            row = -1;
            return new Eval(vals, jac);
        }
        double[][] jac = new double[n][];
        for (int i = 0; i < n; i++) {
            int r = i;
            ValueAndGradient vg = Functional.valueAndGradient(Mode.REVERSE, par -> row(par, r), p, "valueAndGradient(REVERSE, f, x)");
            vals[i] = vg.value();
            jac[i] = vg.gradient();
        }
        row = -1;
        return new Eval(vals, jac);
    }

    /**
     * The exact Hessian ∇²ₚ Σᵢ cᵢ·m(p, xᵢ) (forward over reverse, one pass over the rows with
     * p tangents), or null if it is not finite; counted as one pass. With cᵢ = −√wᵢ·rᵢ this is
     * the residual-curvature term of the Hessian of ½·RSS.
     */
    double[][] curvature(double[] p, double[] c) {
        passes++;
        int n = data.size();
        double[][] h;
        try {
            if (columns != null) {
                Tensor weights = Tensor.of(c);
                h = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> columnCall(par, columnData, n).reshape(n).dot(weights), p);
            } else {
                h = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> {
                    Num[] terms = new Num[n];
                    for (int i = 0; i < n; i++) {
                        terms[i] = row(par, i).times(c[i]);
                    }
                    return Num.sum(terms);
                }, p);
            }
        } catch (NonFiniteException ex) {
            return null;
        } finally {
            row = -1;
        }
        for (double[] r : h) {
            for (double v : r) {
                if (!Double.isFinite(v)) {
                    return null;
                }
            }
        }
        return h;
    }

    /** √wᵢ·(yᵢ − m(p, xᵢ)) at an evaluation. */
    double[] weightedResiduals(Eval e) {
        double[] r = new double[data.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = target[i] - sqrtW[i] * e.values[i];
        }
        return r;
    }

    /** √wᵢ·∂m(p, xᵢ)/∂pⱼ at an evaluation. */
    double[][] weightedJacobian(Eval e) {
        double[][] j = new double[data.size()][];
        for (int i = 0; i < j.length; i++) {
            j[i] = e.jacobian[i].clone();
            for (int k = 0; k < j[i].length; k++) {
                j[i][k] *= sqrtW[i];
            }
        }
        return j;
    }

    /** The model at p for the given predictor values, as a plain number. */
    double predict(double[] p, double[] x) {
        Num[] par = constants(p);
        if (columns != null) {
            checkRowWise(p);
            return columnCall(par, columnsOf(new double[][] {x}, x.length), 1).values()[0];
        }
        return call(par, x, -1).value();
    }

    /** ∇ₚ m(p, x), by one forward pass (for the delta method). */
    double[] gradient(double[] p, double[] x) {
        if (columns != null) {
            checkRowWise(p);
            Tensor[] one = columnsOf(new double[][] {x}, x.length);
            return Functional.jacobian(Mode.FORWARD, par -> columnCall(par, one, 1).toNums(), p)[0];
        }
        return Functional.jacobian(Mode.FORWARD, par -> new Num[] {call(par, x, -1)}, p)[0];
    }

    private static Num[] constants(double[] p) {
        Num[] par = new Num[p.length];
        for (int j = 0; j < p.length; j++) {
            par[j] = Num.constant(p[j]);
        }
        return par;
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
            double one = columnCall(constants(p), columnsOf(new double[][] {data.x[i]}, data.x[i].length), 1).values()[0];
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

    private Num row(Num[] par, int i) {
        row = i;
        return call(par, data.x[i], i);
    }

    private Num call(Num[] par, double[] x, int i) {
        Num v;
        try {
            v = model.apply(par, x);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new FitException("the model read past its arrays" + at(i) + ": it is given " + par.length
                    + " parameter" + (par.length == 1 ? "" : "s") + " " + Arrays.toString(names) + " and " + x.length
                    + " predictor value" + (x.length == 1 ? "" : "s") + " " + Arrays.toString(data.predictorNames)
                    + " (" + e.getMessage() + "); give one start value per parameter the model uses and name "
                    + "every predictor column it reads", e);
        }
        if (v == null) {
            throw new FitException("the model returned null" + at(i) + "; it must return a Num computed from p and x");
        }
        return v;
    }

    private static String at(int i) {
        return i >= 0 ? " at row " + i : "";
    }

    /**
     * Refuses a start point where the model or its derivative is not finite, naming the row,
     * its predictor values and the parameter values, since no solver can start from there.
     */
    void checkStart(double[] p) {
        Eval e;
        try {
            e = evaluate(p);
        } catch (NonFiniteException ex) {
            throw new FitException("the model is not finite at the start point"
                    + (columns == null ? " at row " + rowName(row) : "") + " with " + params(p) + ": " + ex.getMessage()
                    + "; choose start values where the model is defined", ex);
        }
        for (int i = 0; i < data.size(); i++) {
            if (!Double.isFinite(e.values[i])) {
                throw new FitException("the model is " + e.values[i] + " at the start point, at row " + rowName(i)
                        + " with " + params(p) + "; choose start values where the model is defined for every row");
            }
        }
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < p.length; j++) {
                if (!Double.isFinite(e.jacobian[i][j])) {
                    throw new FitException("the derivative of the model with respect to " + names[j] + " is "
                            + e.jacobian[i][j] + " at the start point, at row " + rowName(i) + " with " + params(p)
                            + " (e.g. √ or log at 0, or a power of a negative number); choose other start values");
                }
            }
        }
    }

    private String rowName(int i) {
        if (i < 0) {
            return "?";
        }
        StringBuilder s = new StringBuilder().append(data.rows[i]).append(" (");
        for (int j = 0; j < data.predictorNames.length; j++) {
            s.append(j > 0 ? ", " : "").append(data.predictorNames[j]).append(" = ").append(data.x[i][j]);
        }
        return s.append(')').toString();
    }

    String params(double[] p) {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < p.length; j++) {
            s.append(j > 0 ? ", " : "").append(names[j]).append(" = ").append(p[j]);
        }
        return s.toString();
    }

    /**
     * What Levenberg–Marquardt sees. A point where the model is not finite (a trial step into a
     * region where it is undefined) gets huge finite residuals, so the step is rejected and the
     * trust region shrinks, instead of NaN poisoning the solver's comparisons.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Pair<RealVector, RealMatrix> value(RealVector point) {
        double[] p = point.toArray();
        for (int c = 0; c < 2; c++) {
            if (Arrays.equals(cachedPoint[c], p)) {
                Pair<RealVector, RealMatrix> hit = (Pair<RealVector, RealMatrix>) cachedValue[c];
                // copies: LM must not be able to change what is cached
                return new Pair<>(hit.getFirst().copy(), hit.getSecond().copy());
            }
        }
        Pair<RealVector, RealMatrix> r = compute(p);
        cachedPoint[cacheNext] = p;
        cachedValue[cacheNext] = r;
        cacheNext = 1 - cacheNext;
        return new Pair<>(r.getFirst().copy(), r.getSecond().copy());
    }

    private Pair<RealVector, RealMatrix> compute(double[] p) {
        int n = data.size();
        Eval e;
        try {
            e = evaluate(p);
        } catch (NonFiniteException ex) {
            // checking mode is on in the session: treat as a point where the model is undefined
            e = null;
        }
        double[] v = new double[n];
        double[][] j = new double[n][p.length];
        boolean finite = e != null;
        double cost = 0;
        for (int i = 0; i < n && finite; i++) {
            v[i] = sqrtW[i] * e.values[i];
            double r = target[i] - v[i];
            cost += r * r;
            for (int k = 0; k < p.length; k++) {
                j[i][k] = sqrtW[i] * e.jacobian[i][k];
                finite &= Double.isFinite(j[i][k]);
            }
            finite &= Double.isFinite(v[i]);
        }
        if (!finite || !Double.isFinite(cost)) {
            notFinitePoints++;
            for (int i = 0; i < n; i++) {
                v[i] = target[i] - NOT_FINITE_RESIDUAL;
                Arrays.fill(j[i], 0.0);
            }
        } else if (cost < bestCost) {
            bestCost = cost;
            bestP = p.clone();
        }
        return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(j, false));
    }
}
