package dev.wengert.compile;

import dev.wengert.core.Num;
import dev.wengert.core.Tape;
import dev.wengert.core.VecFn;

import java.util.Arrays;

/**
 * A vector function recorded once and replayed for new inputs, with its Jacobian from the
 * same recording: each row by a backward sweep (fewer outputs than inputs), or each column by
 * a forward sweep over the recorded partials (more outputs; array operations as whole blocks).
 * A block of several outputs — a reprojection error's two coordinates — is one recording, not
 * one per output. Guards work as in {@link CompiledFn}: a replay that would take another branch
 * records again ({@link #recordings()}).
 *
 * <pre>{@code
 * CompiledVecFn polar = compileVec(x -> new Num[] {x[0].times(cos(x[1])), x[0].times(sin(x[1]))}, 1.0, 0.0);
 * polar.value(2.0, 0.5);       // [2 cos 0.5, 2 sin 0.5]
 * polar.jacobian(2.0, 0.5);    // [[cos 0.5, −2 sin 0.5], [sin 0.5, 2 cos 0.5]]
 * }</pre>
 *
 * <p>Calls are synchronized: one compiled function may be shared between threads.
 */
public final class CompiledVecFn {
    private final VecFn f;
    private final int n;
    private Program program;
    private Tape tape;
    private int[] leaves;
    /** Each output's node, or −1 for an output that does not depend on the inputs. */
    private int[] outputs;
    private double[] constants;
    private int recordings;
    /**
     * Per output, what a backward sweep from it reaches in this recording (from the first full
     * sweep of its row; null until then): later rows sweep over it ({@link Program#sweepRows}).
     */
    private boolean[][] rowReach;
    /** Per output, the adjoints of its row's sweep (the known-reach sweeps' own, not the tape's). */
    private double[][] rowAdjoints;
    private int rowsByKnownReach;

    /** Records f at x0. */
    public CompiledVecFn(VecFn f, double[] x0) {
        if (f == null) {
            throw new IllegalArgumentException("compileVec(f, x0): the function is null");
        }
        if (x0 == null || x0.length == 0) {
            throw new IllegalArgumentException("compileVec(f, x0): give the point to record at (at least one value)");
        }
        this.f = f;
        this.n = x0.length;
        record(x0);
    }

    private void record(double[] x) {
        if (program != null) {
            program.discard();
        }
        program = new Program("the compiled tape of compileVec(f, x0)");
        tape = program.tape();
        Num[] in = new Num[n];
        leaves = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = program.parameter(x[i]);
            leaves[i] = in[i].position();
        }
        Num[] y;
        try {
            y = f.apply(in);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("compileVec(f, x0): f was given " + n + " inputs and read past them ("
                    + e.getMessage() + ")", e);
        }
        if (y == null || y.length == 0) {
            throw new IllegalArgumentException("compileVec(f, x0): f returned " + (y == null ? "null" : "no outputs")
                    + "; it must return a Num[] of at least one value");
        }
        if (outputs != null && y.length != outputs.length) {
            throw new IllegalStateException("compileVec: f returned " + y.length + " outputs at " + Arrays.toString(x)
                    + " but " + outputs.length + " when it was compiled; a compiled function has a fixed output count");
        }
        outputs = new int[y.length];
        constants = new double[y.length];
        rowReach = new boolean[y.length][];
        rowAdjoints = new double[y.length][];
        for (int r = 0; r < y.length; r++) {
            if (y[r] == null) {
                throw new IllegalArgumentException("compileVec(f, x0): output " + r + " of f is null");
            }
            outputs[r] = program.positionOf(y[r]);
            // a recorded output's value is read from the tape: value() would be a guard on it
            constants[r] = outputs[r] >= 0 ? tape.value(outputs[r]) : y[r].value();
        }
        recordings++;
    }

    /** Replays at x (values and partials, or values only), or records again where a guard fails. */
    private void prepare(double[] x, boolean partials) {
        if (x == null || x.length != n) {
            throw new IllegalArgumentException("compiled vector function: it was compiled for " + n + " inputs but was given "
                    + (x == null ? "null" : String.valueOf(x.length)));
        }
        if (!program.replayable() || !(partials ? program.replay(leaves, x) : program.replayValues(leaves, x))) {
            record(x);
        }
    }

    private void prepare(double[] x) {
        prepare(x, true);
    }

    /** The number of outputs. */
    public int outputs() {
        return outputs.length;
    }

    /**
     * f(x), from a replay that computes values only (no partial derivatives), guards checked:
     * the same bits as f on doubles.
     */
    public synchronized double[] value(double... x) {
        prepare(x, false);
        double[] y = new double[outputs.length];
        for (int r = 0; r < y.length; r++) {
            y[r] = outputs[r] < 0 ? constants[r] : tape.value(outputs[r]);
        }
        return y;
    }

    /** The Jacobian J(x) (outputs × inputs) from one replay: by rows or by columns, whichever are fewer. */
    public synchronized double[][] jacobian(double... x) {
        // row by row: new double[m][n] with lengths known only at run time is a call into the
        // JVM's runtime in C2-compiled code, each row alone an inlined allocation
        double[][] j = new double[outputs.length][];
        for (int r = 0; r < j.length; r++) {
            j[r] = new double[n];
        }
        fillJacobian(x, j);
        return j;
    }

    /**
     * J(x) written into {@code j} (one row per output, each at least as long as x): the same
     * replay and sweeps as {@link #jacobian}, the same bits, for loops over many blocks (one
     * observation at a time). With no more outputs than inputs and no array operations, a call
     * after the first allocates nothing.
     *
     * <pre>{@code
     * CompiledVecFn polar = compileVec(x -> new Num[] {x[0].times(cos(x[1])), x[0].times(sin(x[1]))}, 1.0, 0.0);
     * double[][] j = new double[2][2];
     * polar.jacobianInto(new double[] {2.0, 0.5}, j);   // j = [[cos 0.5, −2 sin 0.5], [sin 0.5, 2 cos 0.5]]
     * }</pre>
     *
     * @throws IllegalArgumentException when x or j has the wrong shape
     */
    public synchronized void jacobianInto(double[] x, double[][] j) {
        if (j == null || j.length != outputs.length) {
            throw new IllegalArgumentException("compiled vector function: jacobianInto(x, j) needs one row per output ("
                    + outputs.length + "), not " + (j == null ? "null" : String.valueOf(j.length))
                    + "; allocate new double[" + outputs.length + "][" + n + "] once and reuse it");
        }
        for (int r = 0; r < j.length; r++) {
            if (j[r] == null || j[r].length < n) {
                throw new IllegalArgumentException("compiled vector function: jacobianInto(x, j): row " + r + " has "
                        + (j[r] == null ? "no array" : j[r].length + " elements") + " but f has " + n
                        + " inputs; each row needs at least " + n);
            }
        }
        fillJacobian(x, j);
    }

    private void fillJacobian(double[] x, double[][] j) {
        prepare(x);
        int m = outputs.length;
        if (m > n && program.hasBlocks() && columnsByBlocks(j)) {
            return;
        }
        if (program.hasBlocks()) {
            for (int r = 0; r < m; r++) {
                if (outputs[r] >= 0) {
                    tape.backward(outputs[r]);
                    for (int i = 0; i < n; i++) {
                        j[r][i] = tape.adjoint(leaves[i]);
                    }
                } else {
                    Arrays.fill(j[r], 0, n, 0.0);
                }
            }
            return;
        }
        if (m <= n) {
            rows(j);
            return;
        }
        int top = -1;
        for (int o : outputs) {
            top = Math.max(top, o);
        }
        for (int i = 0; i < n; i++) {
            double[] t = top < 0 ? null : program.forwardSweep(new int[] {leaves[i]}, new double[] {1.0}, top);
            for (int r = 0; r < m; r++) {
                j[r][i] = outputs[r] >= 0 ? t[outputs[r]] : 0.0;
            }
        }
    }

    /**
     * The Jacobian's rows by backward sweeps (no array operations): the first call's by the
     * tape's full sweeps, which find what each row's sweep reaches; later ones over those
     * reaches, two rows per pass ({@link Program#sweepRows}), the same adjoints to the bit. A
     * derivative is read only where the row's sweep reached, else it is 0, as
     * {@link Tape#adjoint} gives it.
     */
    private void rows(double[][] j) {
        int m = outputs.length;
        boolean known = true;
        for (int r = 0; r < m && known; r++) {
            known = outputs[r] < 0 || rowReach[r] != null;
        }
        if (!known) {
            for (int r = 0; r < m; r++) {
                if (outputs[r] < 0) {
                    Arrays.fill(j[r], 0, n, 0.0);
                    continue;
                }
                tape.backward(outputs[r]);
                rowReach[r] = Arrays.copyOf(program.storage().reached(), tape.size());
                rowAdjoints[r] = new double[tape.size()];
                read(r, program.storage().adjoints(), j[r]);
            }
            return;
        }
        int pending = -1;                          // a recorded row waiting for a partner
        for (int r = 0; r < m; r++) {
            if (outputs[r] < 0) {
                Arrays.fill(j[r], 0, n, 0.0);
            } else if (pending < 0) {
                pending = r;
            } else {
                program.sweepRows(outputs[pending], rowAdjoints[pending], rowReach[pending], outputs[r], rowAdjoints[r],
                        rowReach[r]);
                read(pending, rowAdjoints[pending], j[pending]);
                read(r, rowAdjoints[r], j[r]);
                rowsByKnownReach += 2;
                pending = -1;
            }
        }
        if (pending >= 0) {
            program.sweepRows(outputs[pending], rowAdjoints[pending], rowReach[pending], -1, null, null);
            read(pending, rowAdjoints[pending], j[pending]);
            rowsByKnownReach++;
        }
    }

    /** Row r's derivatives from a sweep's adjoints: 0 where its sweep does not reach. */
    private void read(int r, double[] adj, double[] row) {
        boolean[] reach = rowReach[r];
        for (int i = 0; i < n; i++) {
            int leaf = leaves[i];
            row[i] = reach[leaf] ? adj[leaf] : 0.0;
        }
    }

    /** How many Jacobian rows were swept over a reach known from an earlier sweep (tests count it). */
    synchronized int rowsByKnownReach() {
        return rowsByKnownReach;
    }

    /**
     * The Jacobian's columns by forward sweeps that take array operations as whole blocks (their
     * tangents), one per input; false when an operation has none (then rows are taken).
     */
    private boolean columnsByBlocks(double[][] j) {
        double[] t = new double[tape.size()];
        double[] e = new double[n];
        try {
            for (int i = 0; i < n; i++) {
                e[i] = 1.0;
                SecondOrder.tangentsForward(program, leaves, e, t);
                e[i] = 0.0;
                for (int r = 0; r < outputs.length; r++) {
                    j[r][i] = outputs[r] >= 0 ? t[outputs[r]] : 0.0;
                }
            }
            return true;
        } catch (SecondOrder.Unsupported u) {
            return false;
        }
    }

    /** uᵀJ(x): one replay and one backward sweep seeded with u. */
    public synchronized double[] vjp(double[] x, double[] u) {
        prepare(x);
        if (u == null || u.length != outputs.length) {
            throw new IllegalArgumentException("vjp(x, u): u has " + (u == null ? "no" : String.valueOf(u.length))
                    + " values but f has " + outputs.length + " outputs; give one weight per output");
        }
        int k = 0;
        int[] roots = new int[outputs.length];
        double[] seeds = new double[outputs.length];
        for (int r = 0; r < outputs.length; r++) {
            if (outputs[r] >= 0) {
                roots[k] = outputs[r];
                seeds[k++] = u[r];
            }
        }
        double[] g = new double[n];
        if (k > 0) {
            program.backward(Arrays.copyOf(roots, k), Arrays.copyOf(seeds, k));
            for (int i = 0; i < n; i++) {
                g[i] = tape.adjoint(leaves[i]);
            }
        }
        return g;
    }

    /** J(x)·v: one replay and one forward sweep over the recorded partials (array operations: by rows). */
    public synchronized double[] jvp(double[] x, double[] v) {
        if (v == null || v.length != n) {
            throw new IllegalArgumentException("jvp(x, v): v has " + (v == null ? "no" : String.valueOf(v.length))
                    + " values but f has " + n + " inputs; give one direction per input");
        }
        prepare(x);
        double[] out = new double[outputs.length];
        if (program.hasBlocks()) {
            double[] t = new double[tape.size()];
            try {
                SecondOrder.tangentsForward(program, leaves, v, t);
                for (int r = 0; r < out.length; r++) {
                    out[r] = outputs[r] >= 0 ? t[outputs[r]] : 0.0;
                }
                return out;
            } catch (SecondOrder.Unsupported u) {
                // an array operation without tangents: by rows
            }
            double[][] j = jacobian(x);
            for (int r = 0; r < out.length; r++) {
                for (int i = 0; i < n; i++) {
                    out[r] += j[r][i] * v[i];
                }
            }
            return out;
        }
        int top = -1;
        for (int o : outputs) {
            top = Math.max(top, o);
        }
        if (top < 0) {
            return out;
        }
        double[] t = program.forwardSweep(leaves, v, top);
        for (int r = 0; r < out.length; r++) {
            out[r] = outputs[r] >= 0 ? t[outputs[r]] : 0.0;
        }
        return out;
    }

    /** How many times f was recorded: 1, plus one for every replay whose guards failed. */
    public synchronized int recordings() {
        return recordings;
    }

    /** The number of recorded operations. */
    public synchronized int size() {
        return tape.size();
    }

    @Override
    public synchronized String toString() {
        return "compiled vector function of " + n + " input" + (n == 1 ? "" : "s") + " and " + outputs.length + " output"
                + (outputs.length == 1 ? "" : "s") + ": " + tape.size() + " operations, " + program.guards() + " guard"
                + (program.guards() == 1 ? "" : "s") + ", recorded " + recordings + " time" + (recordings == 1 ? "" : "s");
    }
}
