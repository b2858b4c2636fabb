package dev.wengert.fit;

import dev.wengert.compile.SecondOrder;
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

import java.util.ArrayList;
import java.util.List;

/**
 * The models of a fit over all their rows, with the exact Jacobian with respect to the
 * parameters, by automatic differentiation: the {@link ModelEvaluator} of every in-memory fit.
 * An ordinary fit has one {@link Dataset}; a global fit has one per dataset, each model seeing
 * the whole parameter vector, their rows one after the other.
 *
 * <p><b>The default ({@link Mode#FORWARD}).</b> A per-row model is compiled
 * ({@link RowEngine}), at any number of parameters: each row recorded once, then every pass
 * replays the recordings over blocks of rows and sweeps each block backward, so each row's
 * gradient is that of a reverse pass of its own, to the bit, at a cost that does not grow with
 * p and with nothing allocated per row. A model whose rows cannot be replayed (array
 * operations inside, or rows that share work, as an ODE solved once per parameter vector) takes
 * one forward pass over all rows instead, one tangent per parameter, so that shared work is
 * done once per pass (over every dataset of a global fit) — up to {@link #FORWARD_LIMIT}
 * parameters; above, such rows are recorded and swept one by one (after the first pass, which
 * finds that they cannot be replayed), as with {@code mode(Mode.REVERSE)}: a per-row gradient,
 * the same bits as the compiled rows' but a recording per row per pass. The refinement's
 * second derivatives, when it needs them, come from the compiled rows' second-order pass up to
 * {@link #FORWARD_LIMIT} parameters, and from a forward-over-reverse Hessian per row above (the
 * second-order pass keeps p(p + 1)/2 tangents per operation and row of a block).
 *
 * <p><b>Column models.</b> A {@link ColumnModel} is called once per evaluation on whole
 * predictor columns. Its Jacobian is taken in forward mode too: the parameters are dual
 * numbers with p tangents, and each tensor operation carries a tangent column per parameter
 * through its vectorised kernel ({@link Tensor#d(Num)} reads column j of the Jacobian), so a
 * pass costs a small multiple of the plain column pass with no handle per element. Reverse mode
 * would record each operation as one block node, but the Jacobian of n outputs then needs n
 * backward sweeps over the whole tape (quadratic in the rows); so reverse is used only when
 * asked for with {@code mode(Mode.REVERSE)}, e.g. as a cross-check on small data.
 */
final class Residuals implements ModelEvaluator, MultivariateJacobianFunction {
    /**
     * Up to this many parameters, rows that cannot be replayed take one forward pass (a tangent
     * per parameter), and the refinement's curvature the compiled rows' second-order pass; above,
     * a reverse pass and a forward-over-reverse Hessian per row. A forward pass costs about p
     * plain passes; a per-row reverse recording and sweep costs a fixed multiple of one,
     * independent of p, so it wins over the forward fallback only for many parameters. 24 is a
     * conservative crossover, not a tuned one. Replayed rows are compiled at any p.
     */
    static final int FORWARD_LIMIT = 24;

    private final List<Dataset> parts;
    private final int[] offsets;
    private final int rows;
    private final Mode mode;
    private final String[] names;
    private int passes;
    /** Whether the last {@link #evaluateInto} wrote a Jacobian known to be finite (compiled rows alone tell). */
    private boolean jacobianFinite;
    /** The row being evaluated, for messages (−1 outside a pass). */
    private int row = -1;
    /** Each per-row dataset's compiled rows ({@link Mode#FORWARD}), made on first use. */
    private RowEngine[] engines;
    /** The last evaluation and its point. */
    private Eval last;
    private double[] lastPoint;

    private Residuals(List<Dataset> parts, Mode mode, String[] names) {
        this.parts = List.copyOf(parts);
        this.mode = mode;
        this.names = names;
        this.offsets = new int[parts.size() + 1];
        for (int k = 0; k < parts.size(); k++) {
            offsets[k + 1] = offsets[k] + parts.get(k).size();
        }
        this.rows = offsets[parts.size()];
    }

    /** One per-row model on its rows; {@link Mode#FORWARD} (compiled rows) unless mode says. */
    Residuals(Model model, FitData data, Mode mode, String[] names) {
        this(List.of(Dataset.of(model, data, names, null)), mode != null ? mode : Mode.FORWARD, names);
    }

    /** Per-row models (one or several datasets); {@link Mode#FORWARD} (compiled rows) unless mode says. */
    static Residuals of(List<Dataset> parts, Mode mode, String[] names) {
        return new Residuals(parts, mode != null ? mode : Mode.FORWARD, names);
    }

    /** A column model; forward mode unless another mode is asked for (see the class comment). */
    static Residuals ofColumns(Dataset part, Mode mode, String[] names) {
        return new Residuals(List.of(part), mode != null ? mode : Mode.FORWARD, names);
    }

    List<Dataset> parts() {
        return parts;
    }

    /** The first row of dataset k among all rows. */
    int offset(int k) {
        return offsets[k];
    }

    Mode mode() {
        return mode;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int parameters() {
        return names.length;
    }

    @Override
    public int passes() {
        return passes;
    }

    /**
     * "exact reverse-mode" where every row's gradient is a reverse sweep (compiled rows that are
     * replayed, or {@link Mode#REVERSE}), "exact forward-mode" where it is a forward pass (a column
     * model, rows that cannot be replayed, datasets evaluated together), and "exact reverse- and
     * forward-mode" for a global fit with both. Before the first evaluation, compiled rows count
     * as replayed.
     */
    @Override
    public String jacobianKind() {
        boolean reverse = false;
        boolean forward = false;
        int k = names.length;
        boolean together = together(k);
        for (int part = 0; part < parts.size(); part++) {
            boolean fwd = mode == Mode.FORWARD && (together || parts.get(part).columns != null
                    || (k <= FORWARD_LIMIT && engines != null && engines[part] != null && !engines[part].rows().replayed()));
            forward |= fwd;
            reverse |= !fwd;
        }
        return reverse && forward ? "exact reverse- and forward-mode" : forward ? "exact forward-mode" : "exact reverse-mode";
    }

    @Override
    public Eval evaluate(double[] p) {
        // the start check and the solver's first point, the solver's last and the statistics: one pass
        if (last != null && java.util.Arrays.equals(lastPoint, p)) {
            return last;
        }
        last = null;
        double[] vals = new double[rows];
        double[] jac = new double[rows * p.length];
        evaluateInto(p, vals, jac);
        lastPoint = p.clone();
        last = new Eval(vals, jac);
        return last;
    }

    /**
     * Into the caller's arrays; the point evaluated last by {@link #evaluate(double[])} (the
     * start check's) is copied, not evaluated again. These arrays are not kept: the next call
     * at the same point is another pass.
     */
    @Override
    public Eval evaluate(double[] p, double[] values, double[] jacobian) {
        if (last != null && java.util.Arrays.equals(lastPoint, p)) {
            System.arraycopy(last.values(), 0, values, 0, rows);
            System.arraycopy(last.jacobian(), 0, jacobian, 0, rows * p.length);
            jacobianFinite = false;                 // not known for the copy
            return new Eval(values, jacobian);
        }
        last = null;
        evaluateInto(p, values, jacobian);
        return new Eval(values, jacobian);
    }

    /** One pass: the values and Jacobian at p into vals and jac (every entry written). */
    private void evaluateInto(double[] p, double[] vals, double[] jac) {
        // row names the row being evaluated; it stays there if the model throws, for the message
        passes++;
        jacobianFinite = false;
        boolean finite = true;
        int k = p.length;
        if (together(k)) {
            // a model that shares work between rows and datasets (an ODE solved once per parameter
            // vector): one forward pass over every dataset, so that work is done once
            double[][] all = Functional.jacobian(Mode.FORWARD, par -> {
                Num[] out = allRows(par);
                for (int i = 0; i < rows; i++) {
                    vals[i] = out[i].value();
                }
                return out;
            }, p);
            row = -1;
            copyRows(all, jac, 0);
            return;
        }
        for (int part = 0; part < parts.size(); part++) {
            Dataset d = parts.get(part);
            int o = offsets[part];
            int n = d.size();
            if (d.columns != null && mode == Mode.FORWARD) {
                // forward-mode tensors carry a tangent column per parameter: the Jacobian's columns
                Functional.forward(p, "the column model's Jacobian", par -> {
                    Tensor t = d.allAsTensor(par);
                    System.arraycopy(t.values(), 0, vals, o, n);
                    for (int j = 0; j < k; j++) {
                        System.arraycopy(t.d(par[j]), 0, jac, j * rows + o, n);
                    }
                    return null;
                });
            } else if (d.columns != null) {
                double[][] part2 = Functional.jacobian(mode, par -> {
                    Num[] out = d.all(par);
                    for (int i = 0; i < out.length; i++) {
                        vals[o + i] = out[i].value();
                    }
                    return out;
                }, p);
                copyRows(part2, jac, o);
            } else if (compiled(part, k)) {
                RowEngine e = engine(part, k);
                e.evaluateNamingTheRow(p, vals, o, jac, o, rows);
                finite &= e.rows().jacobianFinite();
                continue;
            } else {
                for (int i = 0; i < n; i++) {
                    int r = i;
                    row = o + i;
                    ValueAndGradient vg = Functional.valueAndGradient(Mode.REVERSE, par -> d.row(par, r), p,
                            "valueAndGradient(REVERSE, f, x)");
                    vals[o + i] = vg.value();
                    for (int j = 0; j < k; j++) {
                        jac[j * rows + o + i] = vg.gradient()[j];
                    }
                }
            }
            finite = false;                         // not known for the parts evaluated otherwise
        }
        row = -1;
        jacobianFinite = finite;
    }

    @Override
    public boolean jacobianFinite() {
        return jacobianFinite;
    }

    /**
     * Whether the datasets are evaluated together in one forward pass: a global fit with a
     * per-row model whose rows could not be compiled (they use values computed for other rows,
     * as an ODE solved once per parameter vector), known after the first evaluation.
     */
    private boolean together(int k) {
        return mode == Mode.FORWARD && k <= FORWARD_LIMIT && shared();
    }

    /**
     * Whether dataset part takes the compiled rows: {@link Mode#FORWARD}, and above
     * {@link #FORWARD_LIMIT} parameters only while its rows replay (before the first pass, which
     * finds out, they are taken to): rows that cannot be replayed then take a reverse pass each
     * rather than the compiled rows' fallback, a forward pass with p tangents.
     */
    private boolean compiled(int part, int k) {
        return mode == Mode.FORWARD && (k <= FORWARD_LIMIT || engines == null || engines[part] == null
                || engines[part].rows().replayed());
    }

    /** Whether, in a global fit, some dataset's rows could not be compiled (known after the first evaluation). */
    private boolean shared() {
        if (parts.size() < 2 || engines == null) {
            return false;
        }
        for (RowEngine e : engines) {
            if (e != null && !e.rows().replayed()) {
                return true;
            }
        }
        return false;
    }

    /** Every row's prediction, dataset after dataset, with the same parameter values. */
    private Num[] allRows(Num[] par) {
        Num[] out = new Num[rows];
        for (int k = 0; k < parts.size(); k++) {
            Dataset d = parts.get(k);
            int o = offsets[k];
            if (d.columns != null) {
                Num[] all = d.all(par);
                System.arraycopy(all, 0, out, o, all.length);
                continue;
            }
            for (int i = 0; i < d.size(); i++) {
                row = o + i;
                out[o + i] = d.row(par, i);
            }
        }
        return out;
    }

    /** Rows of a Jacobian (one array per row) into the column-major one, from row o. */
    private void copyRows(double[][] r, double[] jac, int o) {
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r[i].length; j++) {
                jac[j * rows + o + i] = r[i][j];
            }
        }
    }

    /**
     * Dataset part's per-row model compiled over its rows (made on the first forward evaluation;
     * see {@link RowEngine}): each row recorded once, then replayed for every pass.
     */
    private RowEngine engine(int part, int k) {
        if (engines == null) {
            engines = new RowEngine[parts.size()];
        }
        if (engines[part] == null) {
            Dataset d = parts.get(part);
            int o = offsets[part];
            engines[part] = new RowEngine((par, x) -> d.rowCall(par, x, row - o), d.data.x, d.data.q, k,
                    i -> row = i < 0 ? -1 : o + i);
        }
        return engines[part];
    }

    /**
     * The exact Σᵢ cᵢ·∇²ₚ mᵢ (forward over reverse, one pass over the rows with p tangents), or
     * null if it is not finite; counted as one pass.
     */
    @Override
    public double[][] curvature(double[] p, double[] c) {
        passes++;
        int k = p.length;
        double[][] h = new double[k][k];
        try {
            if (together(k)) {
                double[][] all = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> {
                    Num[] out = allRows(par);
                    for (int i = 0; i < rows; i++) {
                        out[i] = out[i].times(c[i]);
                    }
                    return Num.sum(out);
                }, p);
                for (int a = 0; a < k; a++) {
                    System.arraycopy(all[a], 0, h[a], 0, k);
                }
                return finiteOrNull(h);
            }
            for (int part = 0; part < parts.size(); part++) {
                Dataset d = parts.get(part);
                int o = offsets[part];
                // the caller's weights as they are where they are all this dataset's (the column
                // path's tensor gets a copy of its own)
                double[] ck = d.columns == null && o == 0 && d.size() == c.length ? c
                        : java.util.Arrays.copyOfRange(c, o, o + d.size());
                double[][] hd;
                if (d.columns != null) {
                    // forward over reverse on the recorded tensor nodes, one column of the Hessian per
                    // sweep: the nested form would take every tensor operation element by element,
                    // with a value object per element (80 ms against 17 for Michaelis–Menten at 10⁵
                    // rows); SecondOrder.hessian falls back to it for code the sweeps cannot take
                    hd = SecondOrder.hessian(par -> d.allAsTensor(par).dot(Tensor.of(ck)), p);
                } else if (mode == Mode.FORWARD && k <= FORWARD_LIMIT && compiled(part, k)) {
                    // the compiled rows' second-order pass: no allocation per row, the same Hessian within rounding
                    hd = engine(part, k).curvatureNamingTheRow(p, ck);
                } else {
                    hd = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> {
                        Num[] terms = new Num[d.size()];
                        for (int i = 0; i < d.size(); i++) {
                            row = o + i;
                            terms[i] = d.row(par, i).times(ck[i]);
                        }
                        return Num.sum(terms);
                    }, p);
                }
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        h[a][b] += hd[a][b];
                    }
                }
            }
        } catch (NonFiniteException ex) {
            return null;
        } finally {
            row = -1;
        }
        return finiteOrNull(h);
    }

    private static double[][] finiteOrNull(double[][] h) {
        for (double[] r : h) {
            for (double v : r) {
                if (!Double.isFinite(v)) {
                    return null;
                }
            }
        }
        return h;
    }

    @Override
    public double[] values(double[] p) {
        double[] v = new double[rows];
        for (int k = 0; k < parts.size(); k++) {
            double[] part = parts.get(k).values(p);
            System.arraycopy(part, 0, v, offsets[k], part.length);
        }
        return v;
    }

    /** The responses of all rows, dataset after dataset (a dataset's own array when there is one). */
    double[] responses() {
        return concat(true);
    }

    /** The weights of all rows, likewise. */
    double[] weights() {
        return concat(false);
    }

    private double[] concat(boolean responses) {
        if (parts.size() == 1) {
            FitData d = parts.get(0).data;
            return responses ? d.y : d.w;
        }
        double[] v = new double[rows];
        for (int k = 0; k < parts.size(); k++) {
            FitData d = parts.get(k).data;
            System.arraycopy(responses ? d.y : d.w, 0, v, offsets[k], d.size());
        }
        return v;
    }

    /** Dataset k's part of a vector over all rows. */
    double[] slice(double[] all, int k) {
        return java.util.Arrays.copyOfRange(all, offsets[k], offsets[k + 1]);
    }

    // ---- the plain weighted least-squares view: values √wᵢ·mᵢ against target √wᵢ·yᵢ --------------
    // (what Commons Math's LM sees when given this directly, as the NIST ablation test does; the
    // fits themselves go through LeastSquares, which adds fixed parameters, bounds and losses)

    /** √wᵢ·yᵢ over all rows. */
    double[] target() {
        double[] t = new double[rows];
        int i = 0;
        for (Dataset d : parts) {
            for (int r = 0; r < d.size(); r++, i++) {
                t[i] = Math.sqrt(d.data.w[r]) * d.data.y[r];
            }
        }
        return t;
    }

    /** √wᵢ·(yᵢ − mᵢ) at an evaluation. */
    double[] weightedResiduals(Eval e) {
        double[] t = target();
        int i = 0;
        for (Dataset d : parts) {
            for (int r = 0; r < d.size(); r++, i++) {
                t[i] -= Math.sqrt(d.data.w[r]) * e.values()[i];
            }
        }
        return t;
    }

    /** √wᵢ·∂mᵢ/∂pⱼ at an evaluation. */
    double[][] weightedJacobian(Eval e) {
        double[][] j = new double[rows][];
        int i = 0;
        for (Dataset d : parts) {
            for (int r = 0; r < d.size(); r++, i++) {
                double sw = Math.sqrt(d.data.w[r]);
                j[i] = new double[names.length];
                for (int k = 0; k < j[i].length; k++) {
                    j[i][k] = sw * e.d(i, k);
                }
            }
        }
        return j;
    }

    @Override
    public Pair<RealVector, RealMatrix> value(RealVector point) {
        Eval e = evaluate(point.toArray());
        double[] t = target();
        double[] r = weightedResiduals(e);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = t[i] - r[i];
        }
        return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(weightedJacobian(e), false));
    }

    /**
     * Refuses a start point where the model or its derivative is not finite, naming the row,
     * its predictor values and the parameter values, since no solver can start from there.
     */
    Eval checkStart(double[] p) {
        return checkStart(p, null, null);
    }

    /**
     * As {@link #checkStart(double[])}, into the caller's arrays (as {@link
     * #evaluate(double[], double[], double[])}) when they are given: the fit's first slab, which
     * its solver's first point then reads ({@link LeastSquares#checkStart}).
     */
    Eval checkStart(double[] p, double[] values, double[] jacobian) {
        Eval e;
        try {
            e = values == null ? evaluate(p) : evaluate(p, values, jacobian);
        } catch (NonFiniteException ex) {
            throw new FitException("the model is not finite at the start point"
                    + (row >= 0 ? " at row " + rowName(row) : "") + " with " + params(p) + ": " + ex.getMessage()
                    + "; choose start values where the model is defined", ex);
        }
        if (allFinite(e.values()) && allFinite(e.jacobian())) {
            return e;
        }
        for (int i = 0; i < rows; i++) {
            if (!Double.isFinite(e.values()[i])) {
                throw new FitException("the model is " + e.values()[i] + " at the start point, at row " + rowName(i)
                        + " with " + params(p) + "; choose start values where the model is defined for every row");
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < p.length; j++) {
                if (!Double.isFinite(e.d(i, j))) {
                    throw new FitException("the derivative of the model with respect to " + names[j] + " is "
                            + e.d(i, j) + " at the start point, at row " + rowName(i) + " with " + params(p)
                            + " (e.g. √ or log at 0, or a power of a negative number); choose other start values");
                }
            }
        }
        return e;
    }

    /**
     * Whether every entry is finite: x − x is 0 for a finite x and NaN otherwise, so one sum (four
     * side by side) answers, read in order instead of row by row across the Jacobian's columns;
     * only a start that fails is searched for the row to name.
     */
    private static boolean allFinite(double[] a) {
        double z0 = 0;
        double z1 = 0;
        double z2 = 0;
        double z3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            z0 += a[i] - a[i];
            z1 += a[i + 1] - a[i + 1];
            z2 += a[i + 2] - a[i + 2];
            z3 += a[i + 3] - a[i + 3];
        }
        for (; i < a.length; i++) {
            z0 += a[i] - a[i];
        }
        return z0 + z1 + z2 + z3 == 0;
    }

    /**
     * Whether any prediction changes when parameter j is NaN: a model that reads p[j] in any
     * operation, or through value() or Math.*, passes the NaN on. One that never reads it does not.
     */
    boolean reads(double[] p, int j) {
        double[] q = p.clone();
        q[j] = Double.NaN;
        try {
            for (double v : values(q)) {
                if (Double.isNaN(v)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            // checking mode, or a model that refuses NaN: it did look at the value
            return true;
        }
    }

    String rowName(int i) {
        if (i < 0) {
            return "?";
        }
        int k = 0;
        while (i >= offsets[k + 1]) {
            k++;
        }
        return parts.get(k).rowName(i - offsets[k]);
    }

    String params(double[] p) {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < p.length; j++) {
            s.append(j > 0 ? ", " : "").append(names[j]).append(" = ").append(p[j]);
        }
        return s.toString();
    }
}
