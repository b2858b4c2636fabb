package dev.wengert.spark;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.Wengert;
import dev.wengert.fit.FitException;
import dev.wengert.compile.CompiledFn;
import dev.wengert.compile.CompiledRows;
import dev.wengert.fit.Loss;
import dev.wengert.fit.RowSums;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;

/**
 * One pass of a fit over the rows: the sums Levenberg–Marquardt needs (JᵀJ, Jᵀr, Σr²), and on
 * the last pass the {@link RowSums} the statistics need (the same class an in-memory fit fills,
 * so both get their statistics from the same code). One {@code FitPass} per partition, merged
 * by treeAggregate.
 */
final class FitPass implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double EPS = Math.ulp(1.0);

    final int k;
    long n;
    /** Rows left out (missing, infinite) or not usable (model or derivative not finite). */
    final RowCounts rows = new RowCounts();
    double rss;
    final double[] jtj;
    final double[] jtr;
    /** How much Σr² can move from rounding alone: Σ 2|rᵢ|·16ε·(|yᵢ| + |mᵢ|), as the in-memory refinement. */
    double noise;
    /** Σ −rᵢ·∇²mᵢ, the residual-curvature term of the Hessian of ½Σr² (only when asked for), and whether it is finite. */
    final double[] curvature;
    boolean curvatureFinite = true;
    /** The statistics' sums of the rows (only when asked for), else null. */
    final RowSums sums;

    FitPass(int k) {
        this(k, false);
    }

    FitPass(int k, boolean withSums) {
        this.k = k;
        this.jtj = new double[k * k];
        this.jtr = new double[k];
        this.curvature = new double[k * k];
        this.sums = withSums ? new RowSums(k, Loss.LINEAR, 1) : null;
    }

    /**
     * The compiled model of a {@link RowModel} fit, recorded on this partition's first row and
     * replayed for the others (executor-side only, never serialized), with its input and
     * gradient buffers: p, then the row's predictors.
     */
    private transient CompiledFn compiled;
    private transient double[] inputs;
    private transient double[] gradient;
    /** The model's value on each row of the current block (reused from block to block). */
    private transient double[] values;
    /** The block's Jacobian, column-major, and the curvature's weights (reused from block to block). */
    private transient double[] jacobian;
    private transient double[] weights;

    /**
     * The sums of one partition (the function mapPartitions runs on the executors). With a
     * {@code rowModel}, the Jacobian rows come from its compiled recording; otherwise from
     * {@code model}'s compiled rows (a reverse sweep per row, replayed over the block; one forward
     * pass over the block's rows for a model whose rows cannot be replayed).
     */
    static Iterator<FitPass> partition(Iterator<Block> blocks, Broadcast<SerializableModel> model,
                                       Broadcast<RowModel> rowModel, Broadcast<double[]> params, boolean withCurvature,
                                       boolean withSums) {
        double[] p = params.value();
        SerializableModel m = model.value();
        RowModel rm = rowModel == null ? null : rowModel.value();
        FitPass s = new FitPass(p.length, withSums);
        while (blocks.hasNext()) {
            s.add(blocks.next(), m, rm, p, withCurvature);
        }
        return Collections.singletonList(s).iterator();
    }

    void add(Block b, SerializableModel model, RowModel rowModel, double[] p, boolean withCurvature) {
        rows.add(b);
        int rows = b.rows;
        if (rows == 0) {
            return;
        }
        if (values == null || values.length < rows) {
            values = new double[Math.max(rows, Block.CAPACITY)];
        }
        if (rowModel != null) {
            addCompiled(b, rowModel, p, values);
        } else {
            addRows(b, model, p, values);
        }
        if (withCurvature) {
            addCurvature(b, model, p, values);
        }
    }

    /**
     * The block's rows by its compiled rows ({@link Block#rows(SerializableModel, int)}): each row
     * recorded on the first pass that reads the cached block, then replayed, so a pass allocates
     * nothing per row; the same values and Jacobian as a reverse pass per row, to the bit (as a
     * forward pass over the block, for a model whose rows cannot be replayed).
     */
    private void addRows(Block b, SerializableModel model, double[] p, double[] values) {
        int rows = b.rows;
        int w = b.width;
        double[] v = b.values;
        CompiledRows compiledRows = b.rows(model, k);
        if (jacobian == null || jacobian.length < rows * k) {
            jacobian = new double[Math.max(rows, Block.CAPACITY) * k];
            gradient = new double[k];
        }
        try {
            compiledRows.evaluate(p, values, 0, jacobian, 0, rows);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw outOfBounds(k, w - 1, e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("returned null")) {
                throw new FitException("the model returned null; it must return a Num computed from p and x");
            }
            throw e;
        }
        double[] g = gradient.length == k ? gradient : new double[k];
        for (int i = 0; i < rows; i++) {
            for (int a = 0; a < k; a++) {
                g[a] = jacobian[a * rows + i];
            }
            addRow(v, i * w, w, values[i], g);
        }
    }

    /** The block's rows by replaying the compiled row model: nothing is allocated per row. */
    private void addCompiled(Block b, RowModel rowModel, double[] p, double[] values) {
        int w = b.width;
        double[] v = b.values;
        if (compiled == null) {
            inputs = Arrays.copyOf(p, k + w - 1);
            gradient = new double[k + w - 1];
        }
        for (int i = 0; i < b.rows; i++) {
            System.arraycopy(v, i * w + 1, inputs, k, w - 1);
            if (compiled == null) {
                compiled = Wengert.compile(rowFunction(rowModel, k, w - 1), inputs);
            }
            // ∂m/∂p lands in gradient[0, k); ∂m/∂x after it, unused
            values[i] = compiled.valueAndGradientInto(inputs, gradient);
            addRow(v, i * w, w, values[i], gradient);
        }
    }

    private static Fn rowFunction(RowModel model, int k, int predictors) {
        return in -> {
            Num out;
            try {
                out = model.apply(Arrays.copyOfRange(in, 0, k), Arrays.copyOfRange(in, k, k + predictors));
            } catch (ArrayIndexOutOfBoundsException e) {
                throw outOfBounds(k, predictors, e);
            }
            if (out == null) {
                throw new FitException("the model returned null; it must return a Num computed from p and x");
            }
            return out;
        };
    }

    /** One row's share of the sums: its residual r = y − m and the Jacobian row g = ∂m/∂p (first k entries). */
    private void addRow(double[] v, int at, int w, double m, double[] g) {
        double y = v[at];
        double r = y - m;
        boolean finite = Double.isFinite(r);
        for (int a = 0; a < k; a++) {
            finite &= Double.isFinite(g[a]);
        }
        if (!finite) {
            rows.notFinite(v, at, w);
            return;
        }
        rss += r * r;
        noise += 2 * Math.abs(r) * 16 * EPS * (Math.abs(y) + Math.abs(m));
        if (sums != null) {
            sums.add(y, 1, m, g.length == k ? g : Arrays.copyOf(g, k));
        }
        for (int a = 0; a < k; a++) {
            double ga = g[a];
            jtr[a] += ga * r;
            for (int c = a; c < k; c++) {
                jtj[a * k + c] += ga * g[c];
            }
        }
        n++;
    }

    /**
     * Σ −rᵢ·∇²mᵢ over the block: the exact Hessian of Σ cᵢ·m(p, xᵢ), cᵢ = −rᵢ fixed, by the
     * block's compiled rows (a second-order forward pass, nothing allocated per row).
     */
    private void addCurvature(Block b, SerializableModel model, double[] p, double[] values) {
        int rows = b.rows;
        int w = b.width;
        double[] v = b.values;
        if (weights == null || weights.length < rows) {
            weights = new double[Math.max(rows, Block.CAPACITY)];
        }
        double[] c = weights;
        for (int i = 0; i < rows; i++) {
            c[i] = values[i] - v[i * w];
        }
        double[][] h = b.rows(model, k).curvature(p, c);
        for (int a = 0; a < k; a++) {
            for (int e = 0; e < k; e++) {
                curvatureFinite &= Double.isFinite(h[a][e]);
                curvature[a * k + e] += h[a][e];
            }
        }
    }

    private static FitException outOfBounds(int parameters, int predictors, ArrayIndexOutOfBoundsException e) {
        return new FitException("the model read past its arrays: it is given " + parameters + " parameter"
                + (parameters == 1 ? "" : "s") + " and " + predictors + " predictor value" + (predictors == 1 ? "" : "s")
                + " (" + e.getMessage() + "); give one start value per parameter the model uses and name "
                + "every predictor column it reads", e);
    }

    /** Adds another partition's sums into this one (treeAggregate may reuse the left argument). */
    FitPass merge(FitPass o) {
        n += o.n;
        rows.merge(o.rows);
        if (sums != null && o.sums != null) {
            sums.merge(o.sums);
        }
        rss += o.rss;
        noise += o.noise;
        curvatureFinite &= o.curvatureFinite;
        for (int i = 0; i < curvature.length; i++) {
            curvature[i] += o.curvature[i];
        }
        for (int i = 0; i < jtj.length; i++) {
            jtj[i] += o.jtj[i];
        }
        for (int i = 0; i < k; i++) {
            jtr[i] += o.jtr[i];
        }
        return this;
    }

    /** JᵀJ as a full symmetric matrix. */
    double[][] normalMatrix() {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                a[i][j] = jtj[i * k + j];
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    /** Every row finite: the sums can be trusted. */
    boolean finite() {
        if (rows.notFinite > 0 || !Double.isFinite(rss)) {
            return false;
        }
        for (double v : jtj) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double v : jtr) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
