package dev.wengert.fit;

import dev.wengert.compile.Parallel;
import dev.wengert.core.NonFiniteException;

/**
 * The problem every solver sees: minimise ½·Σ C²·ρ(rᵢ²/C²) over the free parameters q, with
 * rᵢ = √wᵢ·(yᵢ − mᵢ(p)) the weighted residuals, p the full parameter vector (fixed values put
 * back) and ρ the {@link Loss} (ρ(z) = z for least squares).
 *
 * <p>It is written as an ordinary sum of squares ½·Σ r̃ᵢ², with r̃ᵢ = rᵢ·√(ρ(zᵢ)/zᵢ), so
 * r̃ᵢ² = C²·ρ(zᵢ) exactly and a least-squares solver minimises the robust cost itself; its
 * Jacobian ∂r̃ᵢ/∂q = ρ′(zᵢ)/√(ρ(zᵢ)/zᵢ)·∂rᵢ/∂q is exact, so the gradient J̃ᵀr̃ is the exact
 * gradient of the cost and the solvers' convergence tests mean what they say. Where the model
 * comes from ({@link ModelEvaluator}) is not this class's business: it only scales rows.
 *
 * <p><b>Who owns a point's arrays.</b> A fit evaluates dozens of points, each n model values,
 * an n×p Jacobian and n residuals (more with a robust loss); fresh arrays for each were most
 * of what a fit allocated, and touching that much new memory cost about a third of its time.
 * So the arrays are reused, under one rule: {@link #at} hands out a point held once by its
 * caller, who calls {@link Point#release} when done with it (the solvers and the refinement
 * hold one point at a time, the bounded LM two: its current point and its trial); this problem
 * holds its last finite point and its model's last evaluation too. A point's residual arrays
 * are its own, its model arrays (a {@link Slab}) shared with the other points at the same
 * parameters; either goes back to this problem's free list only when nothing holds it, so a
 * point held is never overwritten, and a released point that is read throws instead of showing
 * another point's numbers. A point its caller forgets to release is only never reused.
 */
final class LeastSquares {
    private final ModelEvaluator model;
    private final ParameterSet params;
    private final double[] y;
    /** The weights as given (their roots are what the rows use), to tell the rows apart from others ({@link #hasRows}). */
    private final double[] w;
    private final double[] sqrtW;
    /** Whether every √wᵢ ≤ 1, so that −√wᵢ·∂mᵢ/∂q is finite wherever ∂mᵢ/∂q is. */
    private final boolean sqrtWAtMostOne;
    /** Whether every weight is 1 (then −1·1·x and −1·x are the same number). */
    private final boolean unitWeights;
    private final Loss loss;
    private final double scale;
    private int notFinitePoints;
    private double[] bestQ;
    private double bestCost = Double.POSITIVE_INFINITY;
    /**
     * The last finite point: the solver's last point is asked for again by the convergence
     * check, the refinement and the statistics, and each would otherwise recompute its
     * residuals and cost (and its QR, kept by the point) over every row. Only one is kept (this
     * field is one of its holders, see {@link Point#release}), and it is dropped before another
     * is evaluated.
     */
    private Point lastPoint;
    /**
     * The parameters and the arrays of the model's last evaluation here (held: one of the
     * slab's holders): asked for the same parameters again, the model is not evaluated again,
     * as {@link Residuals} would not (it keeps no caller's arrays, see {@link ModelEvaluator#evaluate(double[], double[], double[])}).
     */
    private double[] modelP;
    private Slab modelSlab;
    /**
     * The arrays of points no one holds any more, for the next points: a fit evaluates dozens
     * of points of n·(p + 1) model values and n·(1 to 3) residuals each, and fresh arrays for
     * each cost more time than the arithmetic on them (the memory is new to the cache every
     * time). A point's arrays come back here only when its last holder lets go of it ({@link
     * Point#release}); one that is read after that fails loudly instead of reading another
     * point's numbers.
     */
    private final java.util.ArrayDeque<Slab> freeSlabs = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Rows> freeRows = new java.util.ArrayDeque<>();
    /** Arrays made so far (slabs and rows sets), for the tests that count them. */
    private int slabsMade;
    private int rowsMade;
    /** The Hessian's row weights, reused by every {@link #hessian} (they do not leave it). */
    private double[] hessianC;
    private double[] hessianA;

    /**
     * One evaluation's model values and Jacobian (the Jacobian of all parameters, column by
     * column), shared by the points made from it: the model is evaluated once per parameter
     * vector, and two points at the same parameters (a point made again after it was dropped)
     * read the same arrays. Back to {@link #freeSlabs} when no point and not {@link #modelSlab} holds it.
     */
    private static final class Slab {
        final ModelEvaluator.Eval eval;
        int holders;
        /** Whether the model said every entry of this Jacobian is finite ({@link ModelEvaluator#jacobianFinite}). */
        boolean finiteJacobian;

        Slab(int n, int k) {
            eval = new ModelEvaluator.Eval(new double[n], new double[n * k]);
        }
    }

    /** A point's own row arrays: r, r̃ (r itself for least squares), the slope ∂r̃/∂r and ∂r̃/∂q when made. */
    private static final class Rows {
        final double[] r;
        final double[] rt;
        final double[] slope;
        double[] jt;

        Rows(int n, boolean linear) {
            r = new double[n];
            rt = linear ? r : new double[n];
            slope = linear ? null : new double[n];
        }
    }

    /**
     * One evaluation: the full parameters, the model's values and Jacobian (all parameters),
     * the weighted residuals r, the solver's residuals r̃ and their Jacobian ∂r̃/∂q over the free
     * parameters, and the cost ½·Σ r̃². {@code finite} is false where the model or its
     * derivative is not finite (then only q and p are meaningful). ∂r̃/∂q is kept column by
     * column (∂r̃ᵢ/∂q_c at jt[c·n + i]); for least squares, where it is −√w·∂m/∂q, it is made only
     * when asked for ({@link #jt()}): the solver's QR reads it from the model's Jacobian
     * ({@link #feed}), so a point holds 8·(p + 2) bytes per row, not 8·(2p + 2).
     */
    final class Point {
        private final double[] q;
        private final double[] p;
        private final Slab slab;
        private final Rows rows;
        private boolean jtMade;
        private final double cost;
        private final boolean finite;
        /** Who holds this point: {@link #at}'s callers until they {@link #release} it, and {@link #lastPoint}. */
        private int holders = 1;
        /** The last R of [∂r̃/∂q | fSign·r̃] made (see {@link #factor}), its columns (null: all) and fSign. */
        private Factor factor;
        private int[] factorCols;
        private double factorSign;

        private Point(double[] q, double[] p, Slab slab, Rows rows, double cost, boolean finite) {
            this.q = q;
            this.p = p;
            this.slab = slab;
            this.rows = rows;
            this.cost = cost;
            this.finite = finite;
        }

        /**
         * Lets go of this point: whoever got it from {@link #at} calls this once when done with
         * it. When its last holder has let go, its arrays serve the next points, so it must not
         * be read after that: its arrays' readers then throw. A point not released is only never
         * recycled (its arrays are left to the garbage collector).
         */
        void release() {
            if (holders <= 0) {
                throw new IllegalStateException("LeastSquares.Point.release: the point at " + java.util.Arrays.toString(q)
                        + " was released more often than it was handed out");
            }
            if (--holders == 0) {
                if (rows != null) {
                    freeRows.push(rows);
                }
                if (slab != null) {
                    releaseSlab(slab);
                }
            }
        }

        private Point hold() {
            holders++;
            return this;
        }

        /** The arrays' readers call this: a released point's arrays may hold another point's numbers by now. */
        private void live() {
            if (holders <= 0) {
                throw new IllegalStateException("LeastSquares.Point at " + java.util.Arrays.toString(q)
                        + " was read after it was released: its arrays now serve other points");
            }
        }

        double[] q() {
            return q;
        }

        double[] p() {
            return p;
        }

        ModelEvaluator.Eval eval() {
            live();
            return slab == null ? null : slab.eval;
        }

        double[] r() {
            live();
            return rows == null ? null : rows.r;
        }

        double[] rt() {
            live();
            return rows == null ? null : rows.rt;
        }

        double cost() {
            return cost;
        }

        boolean finite() {
            return finite;
        }

        /** The number of rows. */
        int n() {
            return y.length;
        }

        /** ∂r̃/∂q, column by column: −slopeᵢ·√wᵢ·∂mᵢ/∂q_c at [c·n + i] (slope 1 for least squares). */
        double[] jt() {
            live();
            if (!jtMade) {
                int n = y.length;
                int[] free = params.free;
                double[] jm = slab.eval.jacobian();
                double[] slope = rows.slope;
                if (rows.jt == null) {
                    rows.jt = new double[free.length * n];
                }
                double[] j = rows.jt;
                for (int c = 0; c < free.length; c++) {
                    int src = free[c] * n;
                    for (int i = 0; i < n; i++) {
                        j[c * n + i] = slope == null ? -sqrtW[i] * jm[src + i] : -slope[i] * sqrtW[i] * jm[src + i];
                    }
                }
                jtMade = true;
            }
            return rows.jt;
        }

        /** ∂r̃ᵢ/∂q_c. */
        double j(int i, int c) {
            return jt()[c * y.length + i];
        }

        /** The rows of [∂r̃/∂q | r̃] into a block QR, read from the model's Jacobian where no copy was made. */
        void feed(BlockQr qr) {
            live();
            int n = y.length;
            if (rows.slope == null && !jtMade) {
                qr.addColumns(slab.eval.jacobian(), n, params.free, rowScale(), -1.0, rows.rt, 1.0, 0, n);
            } else {
                qr.addColumns(jt(), n, null, 1.0, rows.rt, 1.0, 0, n);
            }
        }

        /**
         * R of [∂r̃/∂q | fSign·r̃] over the given columns of q (null: all), read from the model's
         * Jacobian where no copy of ∂r̃/∂q was made: the same numbers as from {@link #jt()}.
         */
        Factor factor(int[] cols, double fSign) {
            live();
            int[] key = allColumns(cols) ? null : cols;
            // the last one made is kept, whatever its columns: a bounded fit's refinement factors
            // the columns not held on a bound, and its statistics want that same factor again
            if (factor != null && factorSign == fSign && java.util.Arrays.equals(factorCols, key)) {
                return factor;
            }
            Factor made = factorOf(key, fSign);
            factor = made;
            factorCols = key == null ? null : key.clone();
            factorSign = fSign;
            return made;
        }

        /** The factor {@link #factor} last made here if it is over these columns and fSign, else null (nothing is made). */
        Factor madeFactor(int[] cols, double fSign) {
            int[] key = allColumns(cols) ? null : cols;
            return factor != null && factorSign == fSign && java.util.Arrays.equals(factorCols, key) ? factor : null;
        }

        private boolean allColumns(int[] cols) {
            if (cols == null) {
                return true;
            }
            if (cols.length != q.length) {
                return false;
            }
            for (int c = 0; c < cols.length; c++) {
                if (cols[c] != c) {
                    return false;
                }
            }
            return true;
        }

        private Factor factorOf(int[] cols, double fSign) {
            int n = y.length;
            int k = cols == null ? q.length : cols.length;
            BlockQr b = new BlockQr(k + 1);
            if (rows.slope == null && !jtMade) {
                int[] model = new int[k];
                for (int c = 0; c < k; c++) {
                    model[c] = params.free[cols == null ? c : cols[c]];
                }
                b.addColumns(slab.eval.jacobian(), n, model, rowScale(), -1.0, rows.rt, fSign, 0, n);
            } else {
                b.addColumns(jt(), n, cols, 1.0, rows.rt, fSign, 0, n);
            }
            return Factor.of(b);
        }

        /** The gradient of the cost, J̃ᵀr̃. */
        double[] gradient() {
            live();
            int k = q.length;
            int n = y.length;
            double[] rt = rows.rt;
            double[] g = new double[k];
            if (rows.slope == null && !jtMade) {
                double[] jm = slab.eval.jacobian();
                for (int c = 0; c < k; c++) {
                    int src = params.free[c] * n;
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += -sqrtW[i] * jm[src + i] * rt[i];
                    }
                    g[c] = s;
                }
                return g;
            }
            double[] j = jt();
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += j[c * n + i] * rt[i];
                }
                g[c] = s;
            }
            return g;
        }
    }

    LeastSquares(ModelEvaluator model, ParameterSet params, double[] y, double[] w, Loss loss, double scale) {
        this.model = model;
        this.params = params;
        this.y = y;
        this.w = w;
        this.sqrtW = new double[w.length];
        boolean atMostOne = true;
        boolean unit = true;
        for (int i = 0; i < w.length; i++) {
            sqrtW[i] = Math.sqrt(w[i]);
            atMostOne &= sqrtW[i] <= 1;
            unit &= w[i] == 1.0;
        }
        this.sqrtWAtMostOne = atMostOne;
        this.unitWeights = unit;
        this.loss = loss;
        this.scale = scale;
    }

    /** The rows' scale in the QR of [−√w·∂m/∂q | r̃]: √w, or null when every weight is 1 (no multiply, no array read). */
    private double[] rowScale() {
        return unitWeights ? null : sqrtW;
    }

    ModelEvaluator model() {
        return model;
    }

    ParameterSet parameters() {
        return params;
    }

    Loss loss() {
        return loss;
    }

    double scale() {
        return scale;
    }

    int rows() {
        return y.length;
    }

    /** Whether these are the responses and weights of the rows here, exactly (the same arrays, or equal ones). */
    boolean hasRows(double[] y, double[] w) {
        return java.util.Arrays.equals(this.y, y) && java.util.Arrays.equals(this.w, w);
    }

    /** The number of free parameters (the solver's unknowns). */
    int unknowns() {
        return params.freeCount();
    }

    /** Passes over the data so far. */
    int passes() {
        return model.passes();
    }

    /** Trial points where the model was NaN or infinite. */
    int notFinitePoints() {
        return notFinitePoints;
    }

    /** The finite point with the lowest cost seen so far (free parameters), or null. */
    double[] bestPoint() {
        return bestQ == null ? null : bestQ.clone();
    }

    /**
     * Thrown by {@link #at} instead of an evaluation when the thread was interrupted (Jupyter's
     * interrupt, Ctrl-C in the console): the solver ends with the best point seen so far.
     */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * Evaluates the model at free parameters q. The caller holds the point it gets and calls
     * {@link Point#release} when done with it (its arrays then serve later points).
     */
    Point at(double[] q) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Interrupted();
        }
        if (lastPoint != null && java.util.Arrays.equals(lastPoint.q, q)) {
            return lastPoint.hold();
        }
        if (lastPoint != null) {
            lastPoint.release();
            lastPoint = null;
        }
        double[] p = params.full(q);
        Slab slab;
        try {
            slab = evaluate(p);
        } catch (NonFiniteException ex) {
            // checking mode is on in the session: a point where the model is undefined
            notFinitePoints++;
            return new Point(q.clone(), p, null, null, Double.NaN, false);
        }
        int n = y.length;
        Rows rows = freeRows.isEmpty() ? newRows(n) : freeRows.pop();
        double[] r = rows.r;
        double[] rt = rows.rt;
        double[] slope = rows.slope;
        double[] m = slab.eval.values();
        double[] jm = slab.eval.jacobian();
        // ∂r̃/∂q = −√w·∂m/∂q needs no check of its own when the model knows ∂m/∂q is finite and
        // no weight can make a finite entry overflow (√w ≤ 1; a robust loss's slope is checked)
        boolean knownFinite = slab.finiteJacobian && slope == null && sqrtWAtMostOne;
        // the rows in chunks of BlockQr.CHUNK, on several threads when there are several: each
        // chunk's residuals are its own, its cost a sum of its own, the chunks' costs added in
        // chunk order (so the cost does not depend on the threads, and a fit of one chunk — every
        // NIST problem — sums its cost in one run, as before)
        int chunks = Math.max(1, (n + BlockQr.CHUNK - 1) / BlockQr.CHUNK);
        double[] costs = new double[chunks];
        boolean[] finiteJ = new boolean[chunks];
        int parts = chunks == 1 ? 1 : Parallel.parts(chunks, Parallel.MIN_ROWS_PER_PART / BlockQr.CHUNK);
        Parallel.run(parts, part -> {
            for (int ch = (int) ((long) part * chunks / parts), end = (int) ((long) (part + 1) * chunks / parts);
                 ch < end; ch++) {
                int i0 = ch * BlockQr.CHUNK;
                int i1 = Math.min(n, i0 + BlockQr.CHUNK);
                costs[ch] = residuals(m, r, rt, slope, i0, i1);
                finiteJ[ch] = knownFinite || finiteJacobian(jm, slope, i0, i1);
            }
        });
        double cost = 0;
        boolean finiteAll = true;
        for (int ch = 0; ch < chunks; ch++) {
            cost += costs[ch];
            finiteAll &= finiteJ[ch];
        }
        boolean finite = finiteAll && Double.isFinite(cost);
        if (!finite) {
            notFinitePoints++;
        } else if (cost < bestCost) {
            bestCost = cost;
            bestQ = q.clone();
        }
        slab.holders++;
        Point at = new Point(q.clone(), p, slab, rows, finite ? cost : Double.NaN, finite);
        if (finite) {
            lastPoint = at.hold();
        }
        return at;
    }

    /**
     * The model's values and Jacobian at p, in a slab held once for the caller: the slab of
     * the model's last evaluation if that was at p (no pass, as {@link Residuals} would make
     * none), else the model evaluated into a free slab, which becomes the last evaluation's.
     */
    private Slab evaluate(double[] p) {
        if (modelSlab != null && java.util.Arrays.equals(modelP, p)) {
            return modelSlab;
        }
        if (modelSlab != null) {
            releaseSlab(modelSlab);
            modelSlab = null;
            modelP = null;
        }
        Slab slab = freeSlabs.isEmpty() ? newSlab() : freeSlabs.pop();
        ModelEvaluator.Eval e;
        try {
            e = model.evaluate(p, slab.eval.values(), slab.eval.jacobian());
        } catch (RuntimeException ex) {
            freeSlabs.push(slab);
            throw ex;
        }
        if (e.values() != slab.eval.values() || e.jacobian() != slab.eval.jacobian()) {
            throw new IllegalStateException(model.getClass().getName() + ".evaluate(p, values, jacobian) returned "
                    + "other arrays than the ones it was given");
        }
        slab.holders = 1;                            // the model's last evaluation: this one
        slab.finiteJacobian = model.jacobianFinite();
        modelSlab = slab;
        modelP = p.clone();
        return slab;
    }

    /**
     * The model at the start point p (all parameters), checked by f as {@link
     * Residuals#checkStart} does, into this problem's first slab: the model's last evaluation,
     * so the solver's first point reads it without a pass (as it read Residuals' own before).
     */
    ModelEvaluator.Eval checkStart(Residuals f, double[] p) {
        Slab slab = freeSlabs.isEmpty() ? newSlab() : freeSlabs.pop();
        ModelEvaluator.Eval e;
        try {
            e = f.checkStart(p, slab.eval.values(), slab.eval.jacobian());
        } catch (RuntimeException ex) {
            freeSlabs.push(slab);
            throw ex;
        }
        if (modelSlab != null) {
            releaseSlab(modelSlab);
        }
        slab.holders = 1;
        slab.finiteJacobian = false;                // not known: the check is made as before
        modelSlab = slab;
        modelP = p.clone();
        return e;
    }

    private void releaseSlab(Slab slab) {
        if (--slab.holders == 0) {
            freeSlabs.push(slab);
        }
    }

    private Slab newSlab() {
        slabsMade++;
        return new Slab(y.length, model.parameters());
    }

    private Rows newRows(int n) {
        rowsMade++;
        return new Rows(n, loss == Loss.LINEAR);
    }

    /** Model-array slabs and row-array sets made so far (a fit should need a few of each, whatever its iterations). */
    int[] arraysMade() {
        return new int[] {slabsMade, rowsMade};
    }

    /**
     * Rows [i0, i1)'s weighted residuals r (and, for a robust loss, r̃ and the slope ∂r̃/∂r) from
     * the model's values m; returns their cost ½·Σ r̃ᵢ², summed in row order.
     */
    private double residuals(double[] m, double[] r, double[] rt, double[] slope, int i0, int i1) {
        double cost = 0;
        for (int i = i0; i < i1; i++) {
            r[i] = sqrtW[i] * (y[i] - m[i]);
        }
        if (slope == null) {
            // ρ(z) = z: r̃ = r and ∂r̃/∂q = −√w·∂m/∂q, read from the model's Jacobian when needed
            for (int i = i0; i < i1; i++) {
                cost += 0.5 * rt[i] * rt[i];
            }
        } else {
            for (int i = i0; i < i1; i++) {
                double z = (r[i] / scale) * (r[i] / scale);
                double s = loss.sqrtRatio(z);
                slope[i] = loss.rho1(z) / s;
                rt[i] = s * r[i];
                cost += 0.5 * rt[i] * rt[i];
            }
        }
        return cost;
    }

    /**
     * Whether rows [i0, i1) of ∂r̃/∂q are all finite. x − x is 0 for a finite x and NaN
     * otherwise: one sum tells, without making ∂r̃/∂q (four sums side by side: their order does
     * not matter, only whether one is NaN). r̃ needs no such sum: a NaN or infinite r̃ᵢ makes the
     * cost ½·Σ r̃ᵢ² NaN or infinite, which the caller sees (a pass over the rows fewer per point).
     */
    private boolean finiteJacobian(double[] jm, double[] slope, int i0, int i1) {
        int n = y.length;
        int[] free = params.free;
        double z0 = 0;
        double z1 = 0;
        double z2 = 0;
        double z3 = 0;
        for (int c = 0; c < free.length; c++) {
            int src = free[c] * n;
            int i = i0;
            if (slope == null) {
                for (; i + 3 < i1; i += 4) {
                    double v0 = -sqrtW[i] * jm[src + i];
                    double v1 = -sqrtW[i + 1] * jm[src + i + 1];
                    double v2 = -sqrtW[i + 2] * jm[src + i + 2];
                    double v3 = -sqrtW[i + 3] * jm[src + i + 3];
                    z0 += v0 - v0;
                    z1 += v1 - v1;
                    z2 += v2 - v2;
                    z3 += v3 - v3;
                }
            }
            for (; i < i1; i++) {
                double v = slope == null ? -sqrtW[i] * jm[src + i] : -slope[i] * sqrtW[i] * jm[src + i];
                z0 += v - v;
            }
        }
        return z0 + z1 + z2 + z3 == 0;
    }

    /**
     * The exact Hessian of the cost over the free parameters at a finite point:
     * Σ aᵢ·∇rᵢ∇rᵢᵀ + Σ ρ′ᵢ·rᵢ·∇²rᵢ with aᵢ = ρ′ + 2ρ″zᵢ and ∇rᵢ = −√wᵢ∇mᵢ, the second term by
     * automatic differentiation (forward over reverse); null where it is not finite.
     */
    double[][] hessian(Point at) {
        int n = y.length;
        int[] free = params.free;
        int k = free.length;
        if (hessianC == null) {
            hessianC = new double[n];
            // aᵢ is 1 for least squares (ρ′ = 1, ρ″ = 0): no array of ones, the same sums
            hessianA = loss == Loss.LINEAR ? null : new double[n];
        }
        double[] c = hessianC;
        double[] a = hessianA;
        double[] r = at.r();
        for (int i = 0; i < n; i++) {
            double z = (r[i] / scale) * (r[i] / scale);
            c[i] = -loss.rho1(z) * r[i] * sqrtW[i];
            if (a != null) {
                a[i] = loss.rho1(z) + 2 * loss.rho2(z) * z;
            }
        }
        double[][] full = model.curvature(at.p, c);
        if (full == null) {
            return null;
        }
        double[][] h = new double[k][k];
        double[] jm = at.eval().jacobian();
        for (int u = 0; u < k; u++) {
            int cu = free[u] * n;
            int v0 = 0;
            if (a == null) {
                // least squares: four entries at a time, each summed in the same order as alone
                for (; v0 + 3 < k; v0 += 4) {
                    int c0 = free[v0] * n;
                    int c1 = free[v0 + 1] * n;
                    int c2 = free[v0 + 2] * n;
                    int c3 = free[v0 + 3] * n;
                    double s0 = full[free[u]][free[v0]];
                    double s1 = full[free[u]][free[v0 + 1]];
                    double s2 = full[free[u]][free[v0 + 2]];
                    double s3 = full[free[u]][free[v0 + 3]];
                    for (int i = 0; i < n; i++) {
                        double wu = sqrtW[i] * sqrtW[i] * jm[cu + i];
                        s0 += wu * jm[c0 + i];
                        s1 += wu * jm[c1 + i];
                        s2 += wu * jm[c2 + i];
                        s3 += wu * jm[c3 + i];
                    }
                    h[u][v0] = s0;
                    h[u][v0 + 1] = s1;
                    h[u][v0 + 2] = s2;
                    h[u][v0 + 3] = s3;
                }
            }
            for (int v = v0; v < k; v++) {
                int cv = free[v] * n;
                double s = full[free[u]][free[v]];
                if (a == null) {
                    for (int i = 0; i < n; i++) {
                        s += sqrtW[i] * sqrtW[i] * jm[cu + i] * jm[cv + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        s += a[i] * sqrtW[i] * sqrtW[i] * jm[cu + i] * jm[cv + i];
                    }
                }
                h[u][v] = s;
            }
        }
        return h;
    }

    /**
     * How much the cost can move from rounding alone at a point: each residual is exact to a
     * few ulps of its terms.
     */
    double noise(Point at) {
        double eps = Math.ulp(1.0);
        double s = 0;
        double[] r = at.r();
        double[] rt = at.rt();
        double[] m = at.eval().values();
        for (int i = 0; i < y.length; i++) {
            double z = (r[i] / scale) * (r[i] / scale);
            double slope = loss.rho1(z) / loss.sqrtRatio(z);
            s += Math.abs(rt[i]) * slope * 16 * eps * sqrtW[i] * (Math.abs(y[i]) + Math.abs(m[i]));
        }
        return s;
    }
}
