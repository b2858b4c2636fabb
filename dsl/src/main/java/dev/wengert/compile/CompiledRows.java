package dev.wengert.compile;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import dev.wengert.core.Session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A row function ({@code (p, x) -> …}, a fit's per-row model) compiled for a fixed set of rows:
 * each row is recorded once, and every later evaluation at new parameters replays the
 * recordings over blocks of rows, giving every row's value and exact gradient with respect to
 * p (a reverse sweep per row, run over the block) without allocating anything per operation or
 * per row.
 *
 * <p><b>How.</b> The first evaluation runs f on each row once, on a private tape whose first
 * positions are the parameters. Rows whose recordings have the same structure (the same
 * operations on the same operands, the same branches) share one <em>shape</em>; what differs
 * between them is the constants they used — their predictors, and anything computed from
 * them in plain Java — which the shape keeps per row (a constant that is the same in every
 * row is kept once). Most rows have the structure of the row before them: each is checked
 * against that shape operation by operation while it is recorded, its constants going straight
 * to their slots, and only a row that differs is read back from the tape. An evaluation then
 * runs each operation of a shape over a block of its rows at once, and for the gradients sweeps
 * the block backward, an adjoint per operation: its cost does not grow with the number of
 * parameters.
 *
 * <p><b>Branches are guarded.</b> Every comparison on a recorded value ({@code p[0].gt(x[0])})
 * and every read of one ({@code .value()}) is checked for every row after the values are
 * computed; a row that would now take the other branch is recorded again at the new
 * parameters (and joins the shape of its new structure), so no row is ever evaluated on the
 * wrong branch. {@link #recordings()} counts the recordings.
 *
 * <p><b>Exactness.</b> A replayed row's value and gradient are those a per-row reverse pass
 * gives ({@code jacobian(REVERSE, …)} or {@code valueAndGradient(REVERSE, …)} of the same row:
 * a recording and {@code Tape.backward}), to the bit, signed zeros included: the
 * operations are the rules' own calls with the same arguments, so the partials are the tape's,
 * and the block's reverse sweep adds the same products to the same adjoints in the same order
 * as the tape's sweep (see {@link RowShape}). One exception: where the tape would multiply a
 * zero partial by an infinite adjoint (√(p₀·x) at x = 0) and get NaN, the replay counts the
 * product as zero, forward mode's answer. A function that cannot be replayed (it uses
 * tensors, or nests a differentiation whose partials no rule recomputes; a nested
 * {@code derivative} of the row's values is recorded as its arithmetic and replayed) is
 * evaluated by one forward pass over all its rows instead, each time: then every row's value
 * and gradient are those of {@code jacobian(FORWARD, …)}, to the bit (which may differ from a
 * reverse pass's in the last bits: forward mode adds the same products in another order).
 * {@link #replayed()} says which.
 *
 * <p><b>Threads.</b> Once recorded, a shape with enough rows (2·{@link #PART_BLOCKS} blocks) is
 * replayed in parts on several threads ({@link Parallel}, {@code -Dwengert.fit.threads}), each
 * with its own work arrays; rows whose guards failed are gathered in block order and recorded
 * again on the calling thread, as with one thread, and curvature sums are added block by block
 * in block order. So every result is the same bits whatever the number of threads, and an
 * exception is that of the first block (in row order) that throws. The row function itself is
 * only ever called on the calling thread.
 *
 * <p>The function must be deterministic and must not keep {@code x}: it is given one buffer,
 * refilled for each row. Calls are synchronized.
 *
 * <pre>{@code
 * double[] x = {0.5, 1.0, 2.0, 4.0};                     // one predictor per row
 * CompiledRows m = new CompiledRows((p, r) -> p[0].times(r[0]).div(p[1].plus(r[0])), 2, x, 0, 1, 1, 4);
 * double[] values = new double[4];
 * double[] jacobian = new double[4 * 2];                 // column-major: ∂mᵢ/∂pⱼ at [j·4 + i]
 * m.evaluate(new double[] {2.0, 0.8}, values, jacobian);
 * }</pre>
 */
public final class CompiledRows {
    private final RowFn f;
    private final int params;
    private final double[] data;
    private final int offset;
    private final int stride;
    private final int width;
    private final int rows;
    private final double[] row;

    private final List<RowShape> shapes = new ArrayList<>();
    private RowShape last;
    private boolean recorded;
    /** Set when some row cannot be replayed: then every row is evaluated by one forward pass over all rows ({@link #forwardAll}). */
    private boolean perRow;
    private RowRecorder recorder;
    private Thread recorderThread;
    private int recordings;
    /** Recordings found to have the shape of the recording before them while they were recorded. */
    private int matched;
    private int recording = -1;
    private final int[] failed = new int[RowShape.BLOCK];
    /** Each block's curvature sums in a curvature pass, kept between passes. */
    private double[] blockSums = new double[0];
    /** A row's constants by slot, read straight into its shape. */
    private double[] konst = new double[8];
    /** Positions (and their shapes' indices) of rows whose guards failed in the current evaluation. */
    private int[] moved = new int[16];
    private int[] movedFrom = new int[16];
    /** Rows the first pass has recorded (it resumes there if the function threw on a row). */
    private int firstPass;
    /** Whether the last {@link #evaluate} wrote a Jacobian whose every entry is finite. */
    private boolean jacobianFinite;

    /**
     * A row function over {@code rows} rows of {@code width} values each, row i's values at
     * {@code data[offset + i·stride …]} (a row-major table, possibly with other columns in
     * between). The data are read, not copied: they must not change while this is used.
     *
     * @param f          the function of the parameters and one row
     * @param parameters the number of parameters p
     */
    public CompiledRows(RowFn f, int parameters, double[] data, int offset, int stride, int width, int rows) {
        if (f == null) {
            throw new IllegalArgumentException("CompiledRows: the row function is null");
        }
        if (parameters < 1) {
            throw new IllegalArgumentException("CompiledRows: " + parameters + " parameters; give at least one");
        }
        if (data == null || rows < 0 || width < 0 || offset < 0 || (rows > 0 && (stride < width
                || offset + (long) (rows - 1) * stride + width > data.length))) {
            throw new IllegalArgumentException("CompiledRows: " + rows + " rows of " + width + " values, stride " + stride
                    + " from offset " + offset + ", do not fit in " + (data == null ? "no data" : data.length + " values"));
        }
        this.f = f;
        this.params = parameters;
        this.data = data;
        this.offset = offset;
        this.stride = stride;
        this.width = width;
        this.rows = rows;
        this.row = new double[width];
    }

    /** The number of rows. */
    public int rows() {
        return rows;
    }

    /** The number of parameters. */
    public int parameters() {
        return params;
    }

    /**
     * Every row's value at parameters p into {@code values} (one per row) and, unless
     * {@code jacobian} is null, its gradient into {@code jacobian}, column by column: ∂fᵢ/∂pⱼ at
     * {@code j·rows + i}, so column j is the derivative of every row with respect to pⱼ. The
     * first call records every row; later calls replay. With {@code jacobian} null, the values
     * alone cost less (no reverse sweep).
     *
     * @throws IllegalArgumentException for arrays of the wrong length
     */
    public synchronized void evaluate(double[] p, double[] values, double[] jacobian) {
        evaluate(p, values, 0, jacobian, 0, rows);
    }

    /**
     * As {@link #evaluate(double[], double[], double[])}, into parts of larger arrays: row i's
     * value at {@code values[vOff + i]}, ∂fᵢ/∂pⱼ at {@code jacobian[jOff + j·ld + i]} (the rows of a
     * dataset among those of a global fit, ld its total number of rows).
     */
    public synchronized void evaluate(double[] p, double[] values, int vOff, double[] jacobian, int jOff, int ld) {
        if (p == null || p.length != params) {
            throw new IllegalArgumentException("CompiledRows.evaluate: " + (p == null ? "no" : String.valueOf(p.length))
                    + " parameter values for a function of " + params);
        }
        if (values == null || vOff < 0 || values.length < vOff + rows || (jacobian != null && (ld < rows || jOff < 0
                || jacobian.length < jOff + (long) (params - 1) * ld + rows))) {
            throw new IllegalArgumentException("CompiledRows.evaluate: give " + rows + " values and a Jacobian of "
                    + rows + "×" + params + " (column-major), or null for values only");
        }
        jacobianFinite = false;
        if (!recorded) {
            recordAll(p);
        }
        if (perRow) {
            forwardAll(p, values, vOff, jacobian, jOff, ld);
            return;
        }
        boolean checkFinite = Session.current().checkNonFinite();
        for (RowShape shape : shapes) {
            shape.takeNotFinite();                  // notes of passes before this one
        }
        int nMoved = 0;
        for (int s = 0, ns = shapes.size(); s < ns; s++) {
            nMoved = overBlocks(s, nMoved, new EvaluatePass(p, values, vOff, jacobian, jOff, ld, checkFinite));
        }
        // rows whose branches changed: recorded again at p, then evaluated in their new shape. A
        // row leaves its old shape only once its new recording succeeded: if the function throws
        // (checking mode, a bad value), the rows not yet moved stay, and fail their guards again
        for (int k = 0; k < nMoved && !perRow; k++) {
            int i = shapes.get(movedFrom[k]).rowAt(moved[k]);
            RowShape shape = moveRow(p, k);
            if (shape == null) {
                break;                              // perRow is now set
            }
            int pos = shape.count - 1;
            if (shape.evaluate(p, pos, 1, values, vOff, jacobian, jOff, ld, false, failed) > 0) {
                throw new IllegalStateException("row " + i + " took other branches when replayed than when it was just "
                        + "recorded at the same parameters: the row function is not deterministic");
            }
        }
        if (perRow) {
            forwardAll(p, values, vOff, jacobian, jOff, ld);
            return;
        }
        boolean notFinite = false;
        for (RowShape shape : shapes) {
            notFinite |= shape.takeNotFinite();
        }
        jacobianFinite = jacobian != null && !notFinite;
    }

    /**
     * Whether every Jacobian entry the last {@link #evaluate} wrote is finite, known without a
     * pass of its own: each block's sweep checks its gradients ({@code RowShape}). False when
     * some entry is NaN or infinite, and whenever it is not known (no Jacobian asked for, rows
     * evaluated by the forward pass, an evaluation that threw).
     */
    public synchronized boolean jacobianFinite() {
        return jacobianFinite;
    }

    /**
     * Σᵢ cᵢ·∇²fᵢ(p): the rows' exact Hessians with respect to p, weighted by c (one weight per
     * row), as a p×p matrix — e.g. the residual-curvature term of a least-squares Hessian. Each
     * shape's rows take a second-order forward pass over blocks (second partials from the
     * rules: closed forms for arithmetic and the common functions, otherwise the derivative of
     * the rule's own partial); rows whose branches changed are recorded again first, as in
     * {@link #evaluate}; rows whose shape has an n-ary rule take a forward-over-reverse Hessian
     * per row, and a function that cannot be replayed one over all rows. Equal to a per-row
     * Hessian within rounding (the terms are added in another order).
     */
    public synchronized double[][] curvature(double[] p, double[] c) {
        if (p == null || p.length != params || c == null || c.length < rows) {
            throw new IllegalArgumentException("CompiledRows.curvature: give " + params + " parameter values and "
                    + rows + " weights");
        }
        if (!recorded) {
            recordAll(p);
        }
        double[] sum = new double[params * params];
        if (!perRow) {
            boolean checkFinite = Session.current().checkNonFinite();
            int nMoved = 0;
            for (int s = 0, ns = shapes.size(); s < ns; s++) {
                RowShape shape = shapes.get(s);
                int count = shape.count;
                if (!shape.hasSecondOrder()) {
                    for (int pos = 0; pos < count; pos++) {
                        int i = shape.rowAt(pos);
                        if (i >= 0) {
                            rowCurvature(p, i, c[i], sum);
                        }
                    }
                    continue;
                }
                // each block's sums into its own place, then added to sum in block order: the
                // same additions in the same order as one thread adding block after block
                int terms = shape.curvatureTerms();
                int blocks = (count + RowShape.BLOCK - 1) / RowShape.BLOCK;
                if (blockSums.length < blocks * terms) {
                    blockSums = new double[blocks * terms];
                }
                double[] acc = blockSums;
                nMoved = overBlocks(s, nMoved, new CurvaturePass(p, c, checkFinite, acc, terms));
                for (int b = 0; b < blocks; b++) {
                    shape.addCurvature(acc, b * terms, sum);
                }
            }
            for (int k = 0; k < nMoved && !perRow; k++) {
                int i = shapes.get(movedFrom[k]).rowAt(moved[k]);
                if (moveRow(p, k) == null) {
                    break;
                }
                rowCurvature(p, i, c[i], sum);
            }
        }
        if (perRow) {
            java.util.Arrays.fill(sum, 0.0);
            double[][] h = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> {
                Num[] terms = new Num[rows];
                for (int i = 0; i < rows; i++) {
                    recording = i;
                    terms[i] = f.apply(par, java.util.Arrays.copyOfRange(data, offset + i * stride,
                            offset + i * stride + width)).times(c[i]);
                }
                recording = -1;
                return Num.sum(terms);
            }, p);
            for (int a = 0; a < params; a++) {
                System.arraycopy(h[a], 0, sum, a * params, params);
            }
        }
        double[][] h = new double[params][params];
        for (int a = 0; a < params; a++) {
            System.arraycopy(sum, a * params, h[a], 0, params);
        }
        return h;
    }

    /**
     * Notes the first {@code bad} positions of {@code failed} (rows of shape {@code s} whose
     * guards failed) as rows to record again; returns the new count.
     */
    private int noteMoved(int nMoved, int[] failed, int bad, int s) {
        for (int k = 0; k < bad; k++) {
            if (nMoved == moved.length) {
                moved = Arrays.copyOf(moved, 2 * nMoved);
                movedFrom = Arrays.copyOf(movedFrom, 2 * nMoved);
            }
            moved[nMoved] = failed[k];
            movedFrom[nMoved++] = s;
        }
        return nMoved;
    }

    /**
     * Blocks per part of a parallel pass ({@link Parallel#MIN_ROWS_PER_PART} rows): a shape of
     * fewer than twice as many blocks (16,384 rows, where the residuals and the QR start to be
     * split too) is evaluated on the calling thread.
     */
    static final int PART_BLOCKS = Parallel.MIN_ROWS_PER_PART / RowShape.BLOCK;

    /** One pass over one block of a shape: its rows' positions [from, from + n); returns how many failed their guards, listed in {@code failed}. */
    @FunctionalInterface
    private interface BlockPass {
        int run(RowShape.Work w, int block, int from, int n, int[] failed);
    }

    // The passes are classes, not lambdas: the first call of a lambda links it through the
    // LambdaMetafactory, which allocates tens of kB on the calling thread, and a pass must not
    // allocate beyond its work arrays (FitPassTest in wengert-spark counts the bytes of passes
    // that include the first curvature pass).

    /** Values and Jacobian over a block ({@link RowShape.Work#evaluate}). */
    private static final class EvaluatePass implements BlockPass {
        private final double[] p;
        private final double[] values;
        private final int vOff;
        private final double[] jacobian;
        private final int jOff;
        private final int ld;
        private final boolean checkFinite;

        EvaluatePass(double[] p, double[] values, int vOff, double[] jacobian, int jOff, int ld, boolean checkFinite) {
            this.p = p;
            this.values = values;
            this.vOff = vOff;
            this.jacobian = jacobian;
            this.jOff = jOff;
            this.ld = ld;
            this.checkFinite = checkFinite;
        }

        @Override
        public int run(RowShape.Work w, int block, int from, int n, int[] failed) {
            return w.evaluate(p, from, n, values, vOff, jacobian, jOff, ld, checkFinite, failed);
        }
    }

    /** A block's curvature sums, into {@code acc} from block·terms ({@link RowShape.Work#curvature}). */
    private static final class CurvaturePass implements BlockPass {
        private final double[] p;
        private final double[] c;
        private final boolean checkFinite;
        private final double[] acc;
        private final int terms;

        CurvaturePass(double[] p, double[] c, boolean checkFinite, double[] acc, int terms) {
            this.p = p;
            this.c = c;
            this.checkFinite = checkFinite;
            this.acc = acc;
            this.terms = terms;
        }

        @Override
        public int run(RowShape.Work w, int block, int from, int n, int[] failed) {
            return w.curvature(p, from, n, c, checkFinite, failed, acc, block * terms);
        }
    }

    /**
     * Runs {@code pass} over every block of shape s and notes the rows that failed their guards
     * in position order, as one thread going block by block would; returns the new count of
     * noted rows. A shape of at least 2·{@link #PART_BLOCKS} blocks is split into contiguous
     * parts ({@link Parallel}), each with its own work arrays and list of failed rows. Blocks
     * are independent (each writes only its own rows, or its own sums), so the results are the
     * same bits whatever the number of parts; an exception is that of the first block to throw.
     */
    private int overBlocks(int s, int nMoved, BlockPass pass) {
        RowShape shape = shapes.get(s);
        int count = shape.count;
        int blocks = (count + RowShape.BLOCK - 1) / RowShape.BLOCK;
        int parts = Parallel.parts(blocks, PART_BLOCKS);
        if (parts == 1) {
            RowShape.Work w = shape.work(0);
            for (int b = 0; b < blocks; b++) {
                int from = b * RowShape.BLOCK;
                int bad = pass.run(w, b, from, Math.min(RowShape.BLOCK, count - from), failed);
                nMoved = noteMoved(nMoved, failed, bad, s);
            }
            return nMoved;
        }
        for (int k = parts - 1; k >= 0; k--) {
            shape.work(k).nMoved = 0;            // made here, before the parts start: they only read the shape
        }
        Parallel.run(parts, k -> {
            RowShape.Work w = shape.work(k);
            for (int b = (int) ((long) k * blocks / parts), e = (int) ((long) (k + 1) * blocks / parts); b < e; b++) {
                int from = b * RowShape.BLOCK;
                w.noteFailed(pass.run(w, b, from, Math.min(RowShape.BLOCK, count - from), w.failed));
            }
        });
        for (int k = 0; k < parts; k++) {
            RowShape.Work w = shape.work(k);
            nMoved = noteMoved(nMoved, w.moved, w.nMoved, s);
        }
        return nMoved;
    }

    /**
     * Records the k-th noted row again at p and takes it out of its old shape once the new
     * recording succeeded; returns its new shape, or null when the function cannot be replayed
     * row by row (perRow is then set and the row stays where it was).
     */
    private RowShape moveRow(double[] p, int k) {
        RowShape old = shapes.get(movedFrom[k]);
        RowShape shape;
        try {
            shape = recordRow(p, old.rowAt(moved[k]));
        } finally {
            recorder.cut();
        }
        if (shape != null) {
            old.remove(moved[k]);
        }
        return shape;
    }

    /** c·∇²f of row i by a forward-over-reverse Hessian of its own, added to sum. */
    private void rowCurvature(double[] p, int i, double c, double[] sum) {
        if (c == 0) {
            return;
        }
        fill(i);
        recording = i;
        double[][] h = Functional.hessian(Mode.FORWARD, Mode.REVERSE, par -> f.apply(par, row).times(c), p);
        recording = -1;
        for (int a = 0; a < params; a++) {
            for (int b = 0; b < params; b++) {
                sum[a * params + b] += h[a][b];
            }
        }
    }

    /**
     * Rows recorded one after the other on the tape before it is cut back (see RowRecorder.record).
     * Small, so that the tape a run fills stays in the cache and a new recorder's arrays grow
     * only to a few hundred nodes: with 256 rows a run, the tape's growth was a fifth of what a
     * warm 10⁴-row fit allocated, and 1,000-row fits took 5–7% longer (FitHarness, alternated JVMs).
     */
    private static final int RUN = 32;

    /** The first pass: every row recorded once, in order (from where it stopped, if the function threw). */
    private void recordAll(double[] p) {
        try {
            boolean same = false;
            while (firstPass < rows && !perRow) {
                recordRow(p, firstPass, same);
                same = true;
                firstPass++;
                if (firstPass % RUN == 0) {
                    recorder.cut();
                }
            }
        } finally {
            if (recorder != null) {
                recorder.cut();
            }
        }
        recorded = true;
        for (RowShape s : shapes) {
            s.share();
        }
    }

    /** Records row i at p and adds it to the shape of its structure; null (and perRow set) if it cannot be replayed. */
    private RowShape recordRow(double[] p, int i) {
        return recordRow(p, i, false);
    }

    /** As {@link #recordRow(double[], int)}; samePoint: p is the point the row before was recorded at (the first pass). */
    private RowShape recordRow(double[] p, int i, boolean samePoint) {
        if (recorder == null || recorderThread != Thread.currentThread()) {
            if (recorder != null) {
                leanBefore[0] += recorder.leanRows;
                leanBefore[1] += recorder.leanReruns;
            }
            recorder = new RowRecorder(p);
            recorderThread = Thread.currentThread();
            samePoint = false;
        }
        fill(i);
        // most rows have the structure of the row before them: each is checked against that
        // shape as it is recorded, its constants going straight to konst; a row that leaves it
        // is read the long way
        if (last != null && konst.length < last.slots) {
            konst = new double[last.slots];
        }
        recording = i;
        recorder.run(f, p, row, samePoint, last, konst);
        recording = -1;
        recordings++;
        if (last != null) {
            boolean fast = recorder.matched();
            if (fast || recorder.readAs(last, konst)) {
                matched += fast ? 1 : 0;
                last.add(i, konst);
                return last;
            }
        }
        RowRecorder.Recording r = recorder.read();
        if (r == null) {
            perRow = true;
            shapes.clear();
            last = null;
            return null;
        }
        RowShape shape = last != null && last.matches(r) ? last : null;
        for (int s = 0; s < shapes.size() && shape == null; s++) {
            if (shapes.get(s).matches(r)) {
                shape = shapes.get(s);
            }
        }
        if (shape == null) {
            shape = new RowShape(r, recorded ? 16 : rows - i);
            shapes.add(shape);
        }
        shape.add(i, r.konst);
        last = shape;
        return shape;
    }

    private void fill(int i) {
        System.arraycopy(data, offset + i * stride, row, 0, width);
    }

    /**
     * Every row by one forward pass (a function that cannot be replayed): one differentiation
     * for all rows, so a function that shares work between rows (an ODE solved once per
     * parameter vector and read by every row) does that work once. Each row gets its own copy
     * of its values. Forward mode, not reverse: the rows share one recording here, and a
     * reverse sweep per row over it would cost the whole recording per row (quadratic in the
     * rows); so these rows' gradients are a forward pass's, not a reverse pass's, to the bit.
     */
    private void forwardAll(double[] p, double[] values, int vOff, double[] jacobian, int jOff, int ld) {
        double[][] j = Functional.jacobian(Mode.FORWARD, par -> {
            Num[] out = new Num[rows];
            for (int i = 0; i < rows; i++) {
                recording = i;
                Num y = f.apply(par, java.util.Arrays.copyOfRange(data, offset + i * stride, offset + i * stride + width));
                if (y == null) {
                    throw new IllegalArgumentException("the row function returned null; it must return a Num computed from p and x");
                }
                out[i] = y;
                values[vOff + i] = y.value();
            }
            recording = -1;
            return out;
        }, p);
        if (jacobian != null) {
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < params; k++) {
                    jacobian[jOff + k * ld + i] = j[i][k];
                }
            }
        }
    }

    /**
     * The row whose recording or evaluation is under way, or −1: when the row function throws,
     * the row it threw on (for messages). For the thread that evaluates (the row function
     * itself asks for every row, so this takes no lock).
     */
    public int rowInProgress() {
        return recording;
    }

    /**
     * How many recordings were found, while they were recorded, to have the structure of the
     * recording before them, and so were not read from the tape again (the first pass's fast
     * path; a row that leaves that structure is read the long way).
     */
    synchronized int matchedRecordings() {
        return matched;
    }

    // lean rows and reruns of the recorders this one replaced (a recorder belongs to one thread)
    private final int[] leanBefore = new int[2];

    /**
     * How many rows were recorded lean and kept (RowRecorder: their operations stored values
     * only, as they matched the shape of the row before them), and how many were recorded lean,
     * then again in full (they left the shape, or tore the lean recording). Reruns are not
     * counted in {@link #recordings}: a row so recorded twice is one recording.
     */
    synchronized int[] leanCounts() {
        return recorder == null ? leanBefore.clone()
                : new int[] {leanBefore[0] + recorder.leanRows, leanBefore[1] + recorder.leanReruns};
    }

    /** How many times a row was recorded: once per row, plus once per row whose branches changed. */
    public synchronized int recordings() {
        return recordings;
    }

    /** How many distinct structures the rows' recordings have (0 before the first evaluation, and for a function evaluated row by row). */
    public synchronized int shapes() {
        return shapes.size();
    }

    /**
     * Whether the rows are replayed, each gradient then a per-row reverse pass's to the bit
     * (false when the function cannot be, and all rows are evaluated by one forward pass).
     */
    public synchronized boolean replayed() {
        return !perRow;
    }

    /**
     * The bytes kept per row beyond the data: the constants that vary from row to row (8 bytes
     * each; one kept for all the uses of a predictor, as {@code p[0].times(x[0])} and
     * {@code p[1].plus(x[0])}), and 4 bytes of row number once rows changed shape.
     */
    public synchronized double bytesPerRow() {
        long b = 0;
        for (RowShape s : shapes) {
            b += s.bytes();
        }
        return rows == 0 ? 0 : (double) b / rows;
    }

    @Override
    public synchronized String toString() {
        return "compiled rows: " + rows + " row" + (rows == 1 ? "" : "s") + " of a function of " + params + " parameter"
                + (params == 1 ? "" : "s") + (perRow ? ", evaluated row by row (it cannot be replayed)"
                : ", " + shapes.size() + " shape" + (shapes.size() == 1 ? "" : "s") + ", " + recordings + " recording"
                + (recordings == 1 ? "" : "s"));
    }
}
