package dev.wengert.spark;

import dev.wengert.fit.FitException;
import dev.wengert.fit.FitResult;
import dev.wengert.fit.RowSums;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.NonSymmetricMatrixException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.Locale;

/**
 * Nonlinear least squares over a Spark {@code Dataset}: the same models and the same
 * {@link FitResult} as {@code fit(...)} in memory, for tables that outgrow one machine.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x))
 * SerializableModel m = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1));
 * FitResult r = SparkFit.fit(m, spark.read().parquet("misra.parquet"), "y", new String[] {"x"}, 500, 1e-4);
 * r.standardErrors();
 * System.out.println(r);     // the summary table, as for an in-memory fit
 *
 * // with options
 * FitResult s = SparkFit.of(m).start(500, 1e-4).names("asymptote", "rate").to(data, "y", "x");
 * }</pre>
 *
 * <p><b>How.</b> The rows' {@code y} and predictor columns are cast to double, packed into
 * arrays per partition and cached. Each Levenberg–Marquardt trial broadcasts the parameters;
 * every partition evaluates the model with its exact Jacobian (automatic differentiation:
 * each cached block of rows keeps its rows compiled — recorded on the first pass, replayed on
 * every later one, allocating nothing per row; for a {@link RowModel}, {@link #fitCompiled}
 * replays one compiled recording per partition) and sums
 * JᵀJ, Jᵀr and Σr²; {@code treeAggregate}
 * adds the partitions' sums; the driver takes the step. Only p×p numbers per partition cross
 * the network, whatever the number of rows. A last pass at the answer fills a {@link RowSums}
 * per partition (the QR factor of the rows' Jacobian, by Householder reflections, merged across
 * partitions), from which {@link FitResult#fromSums} computes the statistics with the same code
 * as an in-memory fit, so the two cannot disagree.
 *
 * <p>Rows with a null or NaN are left out (counted in {@link FitResult#rowsDropped()}); an
 * infinite value is refused, as in memory. The result's per-row views ({@code residuals()},
 * {@code fitted()}, {@code xData()}) are empty, since the rows stay in the cluster; everything
 * else (estimates, standard errors, intervals, R², AIC, bands, {@code predict}) is as in memory.
 * A task that fails is retried by Spark as usual: a pass's sums come only from successful tasks.
 */
public final class SparkFit {
    /** Passes over the data (each one LM trial, with its Jacobian) allowed by default. */
    public static final int DEFAULT_MAX_PASSES = 1000;

    /** LM stops when its step is this small relative to the parameters (scaled by the Jacobian's columns). */
    static final double STEP_TOLERANCE = 1e-13;

    private final SerializableModel model;
    /** The same model with Num predictors, when given: the partitions replay its compiled recording. */
    private final RowModel rowModel;
    private double[] start;
    private String[] names;
    private int maxPasses = DEFAULT_MAX_PASSES;

    private SparkFit(SerializableModel model, RowModel rowModel) {
        this.model = model;
        this.rowModel = rowModel;
    }

    /**
     * Fits column {@code y} of {@code data} to the predictor columns {@code xs} ({@code x[0]},
     * {@code x[1]}, … in the model), from the start values, one per parameter.
     *
     * <pre>{@code
     * FitResult r = SparkFit.fit((p, x) -> p[0].times(x[0]).plus(p[1]), data, "y", new String[] {"x"}, 1, 0);
     * }</pre>
     *
     * @throws FitException for a model that cannot be serialized (naming the captured class), a
     *                      missing or non-numeric column, an infinite value, too few rows, or a
     *                      model that is not finite at the start point
     */
    public static FitResult fit(SerializableModel m, Dataset<Row> data, String y, String[] xs, double... start) {
        return of(m).start(start).to(data, y, xs);
    }

    /** The fluent form: {@code SparkFit.of(m).start(…).names(…).maxPasses(…).to(data, "y", "x1", "x2")}. */
    public static SparkFit of(SerializableModel m) {
        if (m == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x[0]).plus(p[1])");
        }
        return new SparkFit(m, null);
    }

    /**
     * As {@link #fit}, for a model whose predictors are {@code Num}s: every partition records the
     * model once and replays the recording for each further row, so a Levenberg–Marquardt pass
     * allocates nothing per row (see {@link RowModel}). The result is the same as
     * {@code fit(m.asModel(), …)}, to rounding.
     *
     * <pre>{@code
     * RowModel m = (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1));
     * FitResult r = SparkFit.fitCompiled(m, data, "y", new String[] {"x"}, 500, 1e-4);
     * }</pre>
     *
     * @throws FitException as {@link #fit}
     */
    public static FitResult fitCompiled(RowModel m, Dataset<Row> data, String y, String[] xs, double... start) {
        return ofCompiled(m).start(start).to(data, y, xs);
    }

    /** The fluent form of {@link #fitCompiled}: {@code SparkFit.ofCompiled(m).start(…).names(…).to(data, "y", "x")}. */
    public static SparkFit ofCompiled(RowModel m) {
        if (m == null) {
            throw new FitException("the model is null; give one, e.g. (p, x) -> p[0].times(x[0]).plus(p[1])");
        }
        return new SparkFit(m.asModel(), m);
    }

    /** The start values, one per parameter. */
    public SparkFit start(double... values) {
        this.start = values == null ? null : values.clone();
        return this;
    }

    /** Names of the parameters, in order (default b1, b2, …). */
    public SparkFit names(String... names) {
        this.names = names == null ? null : names.clone();
        return this;
    }

    /** The most passes over the data (LM trials) the fit may use; default {@value #DEFAULT_MAX_PASSES}. */
    public SparkFit maxPasses(int n) {
        if (n < 1) {
            throw new FitException("maxPasses(" + n + "): give a positive number");
        }
        this.maxPasses = n;
        return this;
    }

    /** Fits column {@code response} of {@code data} to the {@code predictors} columns. */
    public FitResult to(Dataset<Row> data, String response, String... predictors) {
        double[] p0 = dev.wengert.fit.Fitter.checkedStart(start);
        String[] pn = dev.wengert.fit.Fitter.checkedNames(names, p0.length);
        if (response == null) {
            throw new FitException("the response column name is null; name the column to fit, e.g. \"y\"");
        }
        if (predictors == null || predictors.length == 0) {
            throw new FitException("no predictor columns given; name at least one, e.g. new String[] {\"x\"}");
        }
        Closures.checkSerializable(rowModel != null ? rowModel : model, "the model", true);
        String[] columns = new String[predictors.length + 1];
        columns[0] = response;
        System.arraycopy(predictors, 0, columns, 1, predictors.length);
        try (SparkData d = SparkData.of(data, columns, true)) {
            Models bm = new Models(d.context.broadcast(model), rowModel == null ? null : d.context.broadcast(rowModel));
            try {
                return solve(d, bm, p0, pn, response, predictors.clone());
            } finally {
                bm.destroy();
            }
        }
    }

    /** The model's broadcasts: always the double-predictor form, and the compiled form when given. */
    private record Models(Broadcast<SerializableModel> model, Broadcast<RowModel> rows) {
        void destroy() {
            model.destroy();
            if (rows != null) {
                rows.destroy();
            }
        }
    }

    /** One pass: the sums of every partition at p, added up by treeAggregate. */
    private static FitPass pass(SparkData d, Models bm, double[] p, boolean withCurvature) {
        return pass(d, bm, p, withCurvature, false);
    }

    /** One pass, with the statistics' row sums when asked for. */
    private static FitPass pass(SparkData d, Models bm, double[] p, boolean withCurvature, boolean withSums) {
        Broadcast<double[]> bp = d.context.broadcast(p.clone());
        int k = p.length;
        Broadcast<SerializableModel> model = bm.model();
        Broadcast<RowModel> rows = bm.rows();
        try {
            return d.blocks.mapPartitions(blocks -> FitPass.partition(blocks, model, rows, bp, withCurvature, withSums))
                    .treeAggregate(new FitPass(k, withSums), FitPass::merge, FitPass::merge, 2);
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            bp.destroy();
        }
    }

    /**
     * Levenberg–Marquardt on the normal equations, (JᵀJ + λ·diag(JᵀJ))·δ = Jᵀr, with Nielsen's
     * update of λ. Our own, not Commons Math's LevenbergMarquardtOptimizer (which the in-memory
     * fit uses): that one factorises the whole n×p Jacobian (MINPACK's QR), which would mean
     * shipping every row's Jacobian to the driver; the normal equations need only the p×p and
     * p-sized sums a partition can add up. Forming JᵀJ squares J's condition number, which
     * costs digits only in the step's direction, not in where the steps end: that is where
     * Jᵀr = 0, computed exactly per row.
     */
    private FitResult solve(SparkData d, Models bm, double[] p0, String[] names, String response,
                            String[] predictors) {
        int k = p0.length;
        double[] p = p0.clone();
        FitPass at = pass(d, bm, p, false);
        int passes = 1;
        if (at.rows.infinite > 0) {
            throw new FitException(at.rows.infinite + " row" + (at.rows.infinite == 1 ? " has" : "s have") + " an infinite value, e.g. "
                    + RowCounts.row(d.columns, at.rows.infiniteExample) + "; a fit needs finite numbers (filter such rows out)");
        }
        if (!at.finite()) {
            throw new FitException("the model or its derivative is not finite at the start point (" + params(names, p)
                    + ")" + (at.rows.notFiniteExample == null ? "" : ", e.g. at the row " + RowCounts.row(d.columns, at.rows.notFiniteExample))
                    + " (" + at.rows.notFinite + " row" + (at.rows.notFinite == 1 ? "" : "s") + "); choose start values where the "
                    + "model is defined for every row");
        }
        if (at.n < k) {
            throw new FitException(at.n + " row" + (at.n == 1 ? "" : "s")
                    + (at.rows.missing > 0 ? " (after leaving out " + at.rows.missing + " with missing values)" : "")
                    + " but " + k + " parameters " + Arrays.toString(names) + "; a fit needs at least as many rows as parameters");
        }
        double lambda = 1e-3;
        double nu = 2;
        int iterations = 0;
        int rejectedNotFinite = 0;
        boolean converged = false;
        String how = null;
        while (passes < maxPasses) {
            if (!(lambda < 1e250)) {
                // no damping makes a step that lowers Σr²: stop here rather than overflow λ
                how = "no step lowers the sum of squares (damping λ = " + lambda + ")";
                break;
            }
            double[][] a = at.normalMatrix();
            double[] diag = new double[k];
            double maxDiag = 0;
            for (int j = 0; j < k; j++) {
                maxDiag = Math.max(maxDiag, a[j][j]);
            }
            if (!(maxDiag > 0)) {
                throw new FitException("the model does not depend on its parameters at " + params(names, p)
                        + " (its Jacobian is zero on every row); check that the model uses p[0], p[1], …");
            }
            for (int j = 0; j < k; j++) {
                // a parameter the model ignores still gets a damping term, so the system stays solvable
                diag[j] = Math.max(a[j][j], 1e-16 * maxDiag);
            }
            double[] step = solveDamped(a, diag, lambda, at.jtr);
            if (step == null) {
                lambda *= nu;
                nu *= 2;
                continue;
            }
            double stepNorm = 0;
            double pNorm = 0;
            for (int j = 0; j < k; j++) {
                stepNorm += diag[j] * step[j] * step[j];
                pNorm += diag[j] * p[j] * p[j];
            }
            if (Math.sqrt(stepNorm) <= STEP_TOLERANCE * (Math.sqrt(pNorm) + Double.MIN_NORMAL)) {
                converged = true;
                how = "the scaled step fell below " + STEP_TOLERANCE + " of the parameters";
                break;
            }
            double[] q = new double[k];
            for (int j = 0; j < k; j++) {
                q[j] = p[j] + step[j];
            }
            FitPass trial = pass(d, bm, q, false);
            passes++;
            // the reduction of Σr² the damped linear model predicts: δᵀ(λ·D·δ + Jᵀr)
            double predicted = 0;
            for (int j = 0; j < k; j++) {
                predicted += step[j] * (lambda * diag[j] * step[j] + at.jtr[j]);
            }
            double actual = trial.finite() ? at.rss - trial.rss : Double.NEGATIVE_INFINITY;
            if (!trial.finite()) {
                rejectedNotFinite++;
            }
            if (actual > 0) {
                double rho = actual / predicted;
                lambda *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
                nu = 2;
                p = q;
                at = trial;
                iterations++;
            } else {
                lambda *= nu;
                nu *= 2;
            }
        }
        int polished = 0;
        if (converged) {
            Refined r = refine(d, bm, p, at, maxPasses - passes);
            polished = r.passes;
            passes += r.passes;
            p = r.p;
            at = r.at;
        } else if (how == null) {
            how = "used " + passes + " passes over the data without converging";
        }
        StringBuilder reason = new StringBuilder(converged
                ? "converged: Levenberg–Marquardt on the normal equations (JᵀJ and Jᵀr summed over "
                        + d.blocks.getNumPartitions() + " Spark partition" + (d.blocks.getNumPartitions() == 1 ? "" : "s")
                        + " by treeAggregate) with the exact Jacobian (" + (rowModel != null
                        ? "reverse mode, replaying each partition's compiled recording" : "reverse mode per row, replaying "
                        + "each block's compiled rows; forward mode where rows cannot be replayed") + "): " + how
                : "did not converge: " + how + "; the result is the best point found, not a minimum (try other start "
                        + "values or a larger maxPasses)");
        if (polished > 0) {
            reason.append(", then Newton refinement with the exact Hessian (").append(polished).append(" pass")
                    .append(polished == 1 ? "" : "es").append(")");
        }
        if (rejectedNotFinite > 0) {
            reason.append("; ").append(rejectedNotFinite).append(" trial step").append(rejectedNotFinite == 1 ? "" : "s")
                    .append(" reached parameters where the model is not finite and ")
                    .append(rejectedNotFinite == 1 ? "was" : "were").append(" rejected");
        }
        // one more pass at the answer for the statistics' row sums: the same statistics code as in memory
        FitPass last = pass(d, bm, p, false, true);
        return FitResult.fromSums(model, response, predictors, names, p, last.sums, last.rows.missing, iterations,
                passes, converged, reason.toString());
    }

    private record Refined(double[] p, FitPass at, int passes) {
    }

    /**
     * The last digits, as the in-memory fit's refinement: LM accepts a step by comparing sums of
     * squares, which near the minimum differ only by rounding, so it can stop up to ~10⁻⁷
     * standard errors short. Newton steps H·δ = Jᵀr with the exact Hessian of ½Σr²,
     * H = JᵀJ + Σ −rᵢ·∇²mᵢ (one pass each, curvature by AD per partition), finish the job; only
     * small, shrinking steps that do not raise Σr² beyond its rounding noise are taken.
     */
    private static Refined refine(SparkData d, Models bm, double[] start, FitPass startPass,
                                  int budget) {
        int k = start.length;
        double[] accepted = start;
        FitPass acceptedPass = startPass;
        double[] p = start;
        double lastStep = Double.POSITIVE_INFINITY;
        int passes = 0;
        for (int s = 0; s <= 4 && passes < budget; s++) {
            FitPass cur = pass(d, bm, p, true);
            passes++;
            if (!cur.finite() || (s > 0 && !(cur.rss <= acceptedPass.rss + cur.noise))) {
                break;
            }
            accepted = p;
            acceptedPass = cur;
            if (s == 4) {
                break;
            }
            double[][] a = cur.normalMatrix();
            double[] norms = new double[k];
            for (int j = 0; j < k; j++) {
                norms[j] = Math.sqrt(a[j][j]);
            }
            double[] gn = solveScaled(a, norms, cur.jtr);
            if (gn == null) {
                break;
            }
            double size = scaledNorm(p, norms);
            double gnNorm = scaledNorm(gn, norms);
            if (!(gnNorm <= 1e-6 * size) || gnNorm <= 4 * Math.ulp(1.0) * size) {
                break;                                  // not a refinement, or nothing left to refine
            }
            double[] step = gn;
            if (cur.curvatureFinite) {
                double[][] h = new double[k][k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        h[i][j] = a[i][j] + 0.5 * (cur.curvature[i * k + j] + cur.curvature[j * k + i]);
                    }
                }
                double[] newton = solveScaled(h, norms, cur.jtr);
                if (newton != null) {
                    step = newton;
                }
            }
            double stepNorm = scaledNorm(step, norms);
            if (!(stepNorm <= 1e-6 * size) || stepNorm >= lastStep) {
                break;
            }
            lastStep = stepNorm;
            p = accepted.clone();
            for (int j = 0; j < k; j++) {
                p[j] += step[j];
            }
        }
        return new Refined(accepted, acceptedPass, passes);
    }

    /** M⁻¹·g by Cholesky of M scaled to the given column norms; null if M is not positive definite. */
    private static double[] solveScaled(double[][] m, double[] norms, double[] g) {
        int k = g.length;
        double[][] ms = new double[k][k];
        double[] gs = new double[k];
        for (int i = 0; i < k; i++) {
            if (!(norms[i] > 0)) {
                return null;
            }
            gs[i] = g[i] / norms[i];
            for (int j = 0; j < k; j++) {
                ms[i][j] = m[i][j] / (norms[i] * norms[j]);
            }
        }
        try {
            double[] z = new CholeskyDecomposition(new Array2DRowRealMatrix(ms, false), 1e-12, 1e-14)
                    .getSolver().solve(new org.apache.commons.math3.linear.ArrayRealVector(gs, false)).toArray();
            for (int i = 0; i < k; i++) {
                z[i] /= norms[i];
                if (!Double.isFinite(z[i])) {
                    return null;
                }
            }
            return z;
        } catch (NonPositiveDefiniteMatrixException | NonSymmetricMatrixException e) {
            return null;
        }
    }

    private static double scaledNorm(double[] v, double[] norms) {
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            s = Math.hypot(s, norms[j] * v[j]);
        }
        return s;
    }

    /** (A + λ·D)⁻¹·g by Cholesky, or null when the damped matrix is not positive definite. */
    private static double[] solveDamped(double[][] a, double[] diag, double lambda, double[] g) {
        int k = g.length;
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            m[i] = a[i].clone();
            m[i][i] += lambda * diag[i];
        }
        try {
            double[] s = new CholeskyDecomposition(new Array2DRowRealMatrix(m, false), 1e-15, 1e-300)
                    .getSolver().solve(new org.apache.commons.math3.linear.ArrayRealVector(g, false)).toArray();
            for (double v : s) {
                if (!Double.isFinite(v)) {
                    return null;
                }
            }
            return s;
        } catch (NonPositiveDefiniteMatrixException | NonSymmetricMatrixException e) {
            return null;
        }
    }


    private static String params(String[] names, double[] p) {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < p.length; j++) {
            s.append(j > 0 ? ", " : "").append(names[j]).append(" = ").append(String.format(Locale.ROOT, "%.17g", p[j]));
        }
        return s.toString();
    }

}
