package dev.wengert.compile;

import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One recorded structure of a row function ({@link CompiledRows}): the operations a row made,
 * which of their constant operands came from the row, the branches it took, and the rows that
 * share it with their own constants. Evaluating it runs each operation over a block of rows at
 * once (a loop per operation, not an interpreted node per row), then, for the Jacobian, a
 * reverse sweep over the block: an adjoint per operation the output needs.
 *
 * <p><b>The same bits as a per-row reverse pass.</b> Values and partials are {@code Num}'s,
 * operation by operation: the same rule calls with the same arguments as when the row is
 * recorded, so the same partials the tape stores. The sweep ({@link Work#reverse}) is
 * {@code Tape.backward}'s on one row's recording: the output's adjoint is 1 (the tape's
 * 0.0 + 1.0), then from the output down to the parameters each operation the output reaches
 * adds ∂·ḡ to its operands' adjoints — operand a, then b (x·x, recorded as × of one node with
 * itself, adds both to it, in that order), an n-ary rule's recorded arguments in their order
 * (its constant arguments have no adjoint, as on the tape) — each adjoint starting from +0.0
 * as the tape's zero-filled array does (so a −0.0 product gives +0.0). Operations the output
 * does not reach are skipped, as the tape skips nodes its sweep never reached (an infinite
 * partial there makes no NaN). A row's nodes are numbered in the tape's order (the parameters
 * first, then the row's operations as recorded), so every adjoint receives the same products
 * in the same order, and a row's gradient is that of {@code jacobian(REVERSE, …)} or
 * {@code valueAndGradient(REVERSE, …)} of the row alone, to the bit: a parameter the output
 * does not reach gets 0.0, an output that is a parameter gradient 1 there, a constant output
 * none; except that a zero partial times an infinite adjoint, NaN on the tape, adds nothing
 * here (see {@link Work#reverse}). (A forward pass per row adds the same products in another
 * order, and keeps a −0.0 tangent: it may differ in the last bits.)
 *
 * <p>The curvature pass ({@link Work#curvature}) is second-order forward mode over the block:
 * tangents by parameter ({@code ForwardTag}'s arithmetic, a zero tangent staying zero), then
 * Hessian entries by parameter pair.
 *
 * <p>Constants: each operand that was a plain number when recorded (a predictor, a literal),
 * each constant of a comparison and each constant argument of an n-ary rule is a <em>slot</em>.
 * A slot that is the same in every row so far is kept once; one that varies gets a column,
 * one value per row of the shape.
 */
final class RowShape {
    /** Rows evaluated per block: the work arrays of a 30-operation model stay within a few hundred kB. */
    static final int BLOCK = 128;

    // the structure (what makes two recordings the same)
    final int params;
    final int nodes;
    final byte[] code;
    final Object[] rule;
    final int[] argA;
    final int[] argB;
    /** Per node: its constant's slot, or −1. */
    final int[] kslot;
    /**
     * How a node of a new row is matched against this one (RowRecorder, as it records): its
     * number of operands, and for an operation with a constant, on which side the constant must
     * be; {@link #MATCH_NARY} for an n-ary node (its rule, recorded arguments and their places,
     * {@link #naryArgs} and {@link #naryPositions}; its constants go to {@link #naryKonst}'s
     * slots).
     */
    final byte[] match;
    static final byte MATCH_NARY = 0;
    static final byte MATCH_UNARY = 1;
    static final byte MATCH_BINARY = 2;
    static final byte MATCH_K_EITHER = 3;
    static final byte MATCH_K_RIGHT = 4;
    static final byte MATCH_K_LEFT = 5;
    /** Per n-ary node: the argument vector's length, its recorded arguments' nodes and positions; the others' slots. */
    final int[][] naryArgs;
    final int[][] naryPositions;
    final int[][] naryKonst;
    final byte[] gKind;
    final int[] gA;
    final int[] gB;
    final int[] gSlot;
    final boolean[] gOutcome;
    /** The output node, or −1 when the function returned a constant (slot {@link #outSlot}). */
    final int out;
    final int outSlot;
    final int slots;

    // derived: which parameters each node depends on, and which nodes the output needs
    final int[][] deps;
    final boolean[] live;
    /**
     * Per live node, in the reverse sweep: whether its contribution to operand a (b; each
     * argument of an n-ary node) is the first that operand receives ({@link Work#reverse}).
     */
    private final boolean[] firstA;
    private final boolean[] firstB;
    private final boolean[][] naryFirst;
    /** Per node and dependency: where the operands' tangents of that parameter are (index in their deps, or −1). */
    private final int[][] depA;
    private final int[][] depB;

    // the rows of this shape, in the order they were added, and their constants
    int count;
    /** Row of each position (−1: moved to another shape); null while position == row. */
    int[] rowIds;
    private int capacity;
    private final boolean[] uniform;
    private final double[] uniformValue;
    private final double[][] column;
    /**
     * Per node: for xᵖ with a constant base x (pow(x[0], p[1])), log x for every row, else null.
     * The exponent's partial xᵖ·log x needs it on every evaluation, and x is the row's own
     * constant: kept once per row (8 bytes), it costs a log per row once instead of per pass.
     */
    private final double[][] logBase;
    /** Per slot: the earlier slot whose column it shares (the same value in every row), or −1. */
    private final int[] alias;


    RowShape(RowRecorder.Recording r, int capacityHint) {
        params = r.params;
        nodes = r.nodes;
        code = Arrays.copyOf(r.code, nodes);
        rule = Arrays.copyOf(r.rule, nodes);
        argA = Arrays.copyOf(r.argA, nodes);
        argB = Arrays.copyOf(r.argB, nodes);
        kslot = Arrays.copyOf(r.kslot, nodes);
        match = new byte[nodes];
        for (int i = params; i < nodes; i++) {
            byte c = code[i];
            match[i] = c == Program.NARY ? MATCH_NARY : argB[i] >= 0 ? MATCH_BINARY : kslot[i] < 0 ? MATCH_UNARY
                    : c == Program.ADD_K || c == Program.MUL_K ? MATCH_K_EITHER
                    : c == Program.SUB_K || c == Program.DIV_K || c == Program.BINARY_K ? MATCH_K_RIGHT : MATCH_K_LEFT;
        }
        naryArgs = new int[nodes][];
        naryPositions = new int[nodes][];
        naryKonst = new int[nodes][];
        for (int i = 0; i < nodes; i++) {
            if (r.naryArgs[i] != null) {
                naryArgs[i] = r.naryArgs[i].clone();
                naryPositions[i] = r.naryPositions[i].clone();
                naryKonst[i] = r.naryKonst[i].clone();
            }
        }
        int g = r.guards;
        gKind = Arrays.copyOf(r.gKind, g);
        gA = Arrays.copyOf(r.gA, g);
        gB = Arrays.copyOf(r.gB, g);
        gSlot = Arrays.copyOf(r.gSlot, g);
        gOutcome = Arrays.copyOf(r.gOutcome, g);
        out = r.out;
        outSlot = r.outSlot;
        slots = r.slots;

        deps = new int[nodes][];
        for (int i = 0; i < nodes; i++) {
            if (i < params) {
                deps[i] = new int[] {i};
                continue;
            }
            BitSet d = new BitSet(params);
            if (naryArgs[i] != null) {
                for (int e : naryArgs[i]) {
                    for (int s : deps[e]) {
                        d.set(s);
                    }
                }
            } else {
                for (int s : deps[argA[i]]) {
                    d.set(s);
                }
                if (argB[i] >= 0) {
                    for (int s : deps[argB[i]]) {
                        d.set(s);
                    }
                }
            }
            deps[i] = d.stream().toArray();
        }
        live = new boolean[nodes];
        if (out >= 0) {
            live[out] = true;
            for (int i = out; i >= params; i--) {
                if (!live[i]) {
                    continue;
                }
                if (naryArgs[i] != null) {
                    for (int e : naryArgs[i]) {
                        live[e] = true;
                    }
                } else {
                    live[argA[i]] = true;
                    if (argB[i] >= 0) {
                        live[argB[i]] = true;
                    }
                }
            }
        }
        // the reverse sweep's first contribution to each node: written as 0.0 + ∂·ḡ, where the
        // tape's sweep adds it to an adjoint array filled with 0.0 (the same bits, signed zeros
        // included, without clearing the arrays per block)
        firstA = new boolean[nodes];
        firstB = new boolean[nodes];
        naryFirst = new boolean[nodes][];
        boolean[] written = new boolean[nodes];
        for (int i = out; i >= params; i--) {
            if (!live[i]) {
                continue;
            }
            if (naryArgs[i] != null) {
                int[] e = naryArgs[i];
                naryFirst[i] = new boolean[e.length];
                for (int q = 0; q < e.length; q++) {
                    naryFirst[i][q] = !written[e[q]];
                    written[e[q]] = true;
                }
            } else {
                firstA[i] = !written[argA[i]];
                written[argA[i]] = true;
                if (argB[i] >= 0) {
                    firstB[i] = !written[argB[i]];
                    written[argB[i]] = true;
                }
            }
        }
        depA = new int[nodes][];
        depB = new int[nodes][];
        for (int i = params; i < nodes; i++) {
            if (!live[i] || naryArgs[i] != null) {
                continue;
            }
            depA[i] = where(deps[i], deps[argA[i]]);
            depB[i] = argB[i] >= 0 ? where(deps[i], deps[argB[i]]) : null;
        }

        capacity = Math.max(1, capacityHint);
        uniform = new boolean[slots];
        uniformValue = new double[slots];
        column = new double[slots][];
        alias = new int[slots];
        Arrays.fill(uniform, true);
        Arrays.fill(alias, -1);
        logBase = new double[nodes][];
        for (int i = params; i < nodes; i++) {
            if (code[i] == Program.K_BINARY && rule[i] == Arithmetic.POW && kslot[i] >= 0) {
                logBase[i] = new double[capacity];
            }
        }
    }

    /** For each parameter in {@code of}: its index in {@code in}, or −1. */
    private static int[] where(int[] of, int[] in) {
        int[] w = new int[of.length];
        for (int d = 0; d < of.length; d++) {
            w[d] = Arrays.binarySearch(in, of[d]);
            if (w[d] < 0) {
                w[d] = -1;
            }
        }
        return w;
    }

    /** Whether a new recording has this structure (then its constants can be added here). */
    boolean matches(RowRecorder.Recording r) {
        if (r.nodes != nodes || r.guards != gKind.length || r.out != out || r.slots != slots) {
            return false;
        }
        for (int i = params; i < nodes; i++) {
            if (r.code[i] != code[i] || r.rule[i] != rule[i] || r.argA[i] != argA[i] || r.argB[i] != argB[i]
                    || r.kslot[i] != kslot[i]) {
                return false;
            }
            if (naryArgs[i] != null && (!Arrays.equals(naryArgs[i], r.naryArgs[i])
                    || !Arrays.equals(naryPositions[i], r.naryPositions[i]) || !Arrays.equals(naryKonst[i], r.naryKonst[i]))) {
                return false;
            }
        }
        for (int k = 0; k < gKind.length; k++) {
            if (r.gKind[k] != gKind[k] || r.gA[k] != gA[k] || r.gB[k] != gB[k] || r.gSlot[k] != gSlot[k]
                    || r.gOutcome[k] != gOutcome[k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether node i takes a constant on the given side ({@link RowRecorder}: a row checked against this shape). */
    boolean sameConstantSide(int i, boolean right) {
        byte m = match[i];
        return m == MATCH_K_EITHER || m == (right ? MATCH_K_RIGHT : MATCH_K_LEFT);
    }

    /** Adds a row with its constants (one per slot); returns its position. */
    int add(int row, double[] konst) {
        int pos = count;
        if (pos == capacity) {
            capacity = Math.max(2 * capacity, 16);
            if (rowIds != null) {
                rowIds = Arrays.copyOf(rowIds, capacity);
            }
            for (int s = 0; s < slots; s++) {
                if (column[s] != null) {
                    column[s] = alias[s] >= 0 ? column[alias[s]] : Arrays.copyOf(column[s], capacity);
                }
            }
            for (int i = params; i < nodes; i++) {
                if (logBase[i] != null) {
                    logBase[i] = Arrays.copyOf(logBase[i], capacity);
                }
            }
        }
        if (rowIds == null && row != pos) {
            rowIds = new int[capacity];
            for (int k = 0; k < pos; k++) {
                rowIds[k] = k;
            }
        }
        if (rowIds != null) {
            rowIds[pos] = row;
        }
        for (int s = 0; s < slots; s++) {
            double c = konst[s];
            if (uniform[s]) {
                if (pos == 0) {
                    uniformValue[s] = c;
                    continue;
                }
                if (Double.doubleToRawLongBits(c) == Double.doubleToRawLongBits(uniformValue[s])) {
                    continue;
                }
                // the first row whose constant differs: from now on this slot has a column, or
                // shares one with an earlier slot that held the same values until now (a predictor
                // used twice: share() would find them equal at the end, one array made for nothing)
                uniform[s] = false;
                int same = sameColumn(s, pos, c);
                if (same >= 0) {
                    column[s] = column[same];
                    alias[s] = same;
                } else {
                    column[s] = new double[capacity];
                    Arrays.fill(column[s], 0, pos, uniformValue[s]);
                }
            }
            if (alias[s] >= 0) {
                if (Double.doubleToRawLongBits(c) == Double.doubleToRawLongBits(column[s][pos])) {
                    continue;                    // the slot it shares wrote the same value
                }
                column[s] = Arrays.copyOf(column[s], capacity);
                alias[s] = -1;
            }
            column[s][pos] = c;
        }
        for (int i = params; i < nodes; i++) {
            if (logBase[i] != null) {
                logBase[i][pos] = Math.log(konst[kslot[i]]);
            }
        }
        count++;
        return pos;
    }

    /**
     * An earlier slot with a column of its own holding slot s's values so far: uniformValue[s]
     * in rows [0, pos) and c at pos (written this row, as it comes before s); −1 if none.
     */
    private int sameColumn(int s, int pos, double c) {
        long u = Double.doubleToRawLongBits(uniformValue[s]);
        for (int a = 0; a < s; a++) {
            double[] col = column[a];
            if (uniform[a] || alias[a] >= 0 || col == null
                    || Double.doubleToRawLongBits(col[pos]) != Double.doubleToRawLongBits(c)) {
                continue;
            }
            boolean equal = true;
            for (int k = 0; k < pos && equal; k++) {
                equal = Double.doubleToRawLongBits(col[k]) == u;
            }
            if (equal) {
                return a;
            }
        }
        return -1;
    }

    /**
     * Lets slots whose columns hold the same value in every row share one array: a predictor
     * used twice (p₀·x and p₁ + x) is kept once. A row added later with different values
     * there gets the slot its own column again.
     */
    void share() {
        for (int s = 0; s < slots; s++) {
            if (uniform[s] || alias[s] >= 0) {
                continue;
            }
            for (int a = 0; a < s; a++) {
                if (!uniform[a] && alias[a] < 0 && Arrays.equals(column[s], 0, count, column[a], 0, count)) {
                    // slots that shared s's column (aliased as their rows were added) share a's
                    // now: an alias always names a slot with a column of its own
                    for (int t = s + 1; t < slots; t++) {
                        if (alias[t] == s) {
                            column[t] = column[a];
                            alias[t] = a;
                        }
                    }
                    column[s] = column[a];
                    alias[s] = a;
                    break;
                }
            }
        }
    }

    /** The row at a position, or −1 when it moved to another shape. */
    int rowAt(int pos) {
        return rowIds == null ? pos : rowIds[pos];
    }

    /** Marks a position as moved (the row was recorded again with another structure). */
    void remove(int pos) {
        if (rowIds == null) {
            rowIds = new int[capacity];
            for (int k = 0; k < count; k++) {
                rowIds[k] = k;
            }
        }
        rowIds[pos] = -1;
    }

    /** How many columns the slots that vary from row to row keep (slots with equal columns share one). */
    int columns() {
        int n = 0;
        for (int s = 0; s < slots; s++) {
            n += uniform[s] || alias[s] >= 0 ? 0 : 1;
        }
        return n;
    }

    /** Bytes kept per row of this shape: its varying constants, the logs of constant powers' bases and, once rows moved, its row numbers. */
    long bytes() {
        int logs = 0;
        for (double[] l : logBase) {
            logs += l == null ? 0 : 1;
        }
        return (long) capacity * (8L * (columns() + logs) + (rowIds == null ? 0 : 4));
    }

    /** Whether every operation has second partials here (n-ary rules do not: their rows take a per-row path). */
    boolean hasSecondOrder() {
        for (int i = params; i < nodes; i++) {
            if (live[i] && code[i] == Program.NARY) {
                return false;
            }
        }
        return true;
    }

    // ---- evaluation ---------------------------------------------------------------------------------

    /**
     * The work arrays of one thread evaluating blocks of this shape ({@link Work}): index 0 is
     * the calling thread's, 1 … the workers' of a parallel evaluation. Made before a parallel
     * evaluation starts (by its caller's thread), so that workers only read this array.
     */
    private Work[] works = new Work[0];

    /**
     * The work arrays for worker w (0: the caller), made if needed. A parallel pass makes every
     * part's on the calling thread before the parts start, so that a part calling this only reads.
     */
    Work work(int w) {
        if (w >= works.length) {
            works = Arrays.copyOf(works, w + 1);
        }
        if (works[w] == null) {
            works[w] = new Work();
        }
        return works[w];
    }

    /**
     * Whether some block evaluated since the last call wrote a Jacobian entry that is NaN or
     * infinite (or may have: a block with rows on other branches counts its unwritten rows);
     * clears the note.
     */
    boolean takeNotFinite() {
        boolean any = false;
        for (Work w : works) {
            if (w != null) {
                any |= w.notFinite;
                w.notFinite = false;
            }
        }
        return any;
    }

    /** {@link Work#evaluate} with the calling thread's work arrays. */
    int evaluate(double[] p, int from, int n, double[] values, int vOff, double[] jacobian, int jOff, int ld,
                 boolean checkFinite, int[] failed) {
        return work(0).evaluate(p, from, n, values, vOff, jacobian, jOff, ld, checkFinite, failed);
    }

    /**
     * How many sums a block's curvature pass gives ({@link Work#curvature}): one per pair of
     * parameters the output depends on (d₁ ≤ d₂), none when the output is a parameter or a constant.
     */
    int curvatureTerms() {
        int l = out >= params ? deps[out].length : 0;
        return l * (l + 1) / 2;
    }

    /**
     * Adds a block's curvature sums ({@link Work#curvature}, {@link #curvatureTerms()} of them
     * from {@code acc[accOff]}) to {@code sum} (p×p row-major, symmetric). Adding the blocks'
     * sums in block order gives the same bits however the blocks were shared between threads.
     */
    void addCurvature(double[] acc, int accOff, double[] sum) {
        if (out < params) {
            return;
        }
        int[] dep = deps[out];
        int k = accOff;
        for (int d1 = 0; d1 < dep.length; d1++) {
            for (int d2 = d1; d2 < dep.length; d2++) {
                double z = acc[k++];
                sum[dep[d1] * params + dep[d2]] += z;
                if (d1 != d2) {
                    sum[dep[d2] * params + dep[d1]] += z;
                }
            }
        }
    }


    /**
     * One thread's work arrays over a block of this shape's rows, and the passes that use them:
     * the shape itself (its structure and its rows' constants) is only read while evaluating, so
     * several Works can evaluate disjoint blocks of it at once (CompiledRows' parallel replay).
     */
    final class Work {
        /** Positions of this Work's blocks whose guards failed in the current pass, in order (a parallel pass). */
        final int[] failed = new int[BLOCK];
        int[] moved = new int[16];
        int nMoved;
        /** Set when a block's Jacobian had an entry that is not finite ({@link #takeNotFinite}). */
        boolean notFinite;
        /** The position of the block's first row (what {@link #forward} reads per-row logs from). */
        private int blockFrom;

        /** Appends the first {@code bad} entries of {@link #failed} to {@link #moved}. */
        void noteFailed(int bad) {
            if (nMoved + bad > moved.length) {
                moved = Arrays.copyOf(moved, Math.max(2 * moved.length, nMoved + bad));
            }
            System.arraycopy(failed, 0, moved, nMoved, bad);
            nMoved += bad;
        }


        // work arrays of a block, made on first use
        private double[][] val;
        private double[][] pa;
        private double[][] pb;
        /** Adjoints of the live nodes (a node's array is reused block after block), null elsewhere. */
        private double[][] adj;
        /** Forward tangents of the live nodes, for the curvature pass only: made on its first use. */
        private double[][][] tan;
        private double[][][] naryPartials;
        private double[][] konstBlock;
        private double[] naryVals;

        /**
         * Evaluates positions [from, from + n) (n ≤ {@link #BLOCK}) at parameters p: values and, when
         * {@code jacobian} is not null, gradients, written to the rows (value at vOff + i, ∂fᵢ/∂pⱼ at
         * jOff + j·ld + i). Returns
         * the number of positions whose branches differ from the recording (or, in checking mode,
         * whose values are not all finite), listed in {@code failed}; those rows' outputs are not
         * written.
         */
        int evaluate(double[] p, int from, int n, double[] values, int vOff, double[] jacobian, int jOff, int ld,
                     boolean checkFinite, int[] failed) {
            prepare();
            for (int j = 0; j < params; j++) {
                Arrays.fill(val[j], 0, n, p[j]);
            }
            for (int s = 0; s < slots; s++) {
                // a uniform slot's block was filled once (prepare): its value never changes
                if (!uniform[s]) {
                    System.arraycopy(column[s], from, konstBlock[s], 0, n);
                }
            }
            blockFrom = from;
            forward(n);
            int bad = guards(n, from, checkFinite, failed);
            if (jacobian != null && out >= params) {
                reverse(n, false);
                if (someNotFinite(n)) {
                    if (someNaN(n)) {
                        reverse(n, true);         // the rare block with 0·∞: again, zeros strong
                    }
                    notFinite |= someNotFinite(n);
                }
            }
            write(from, n, values, vOff, jacobian, jOff, ld, failed, bad);
            return bad;
        }

        private void prepare() {
            if (val != null) {
                return;
            }
            val = new double[nodes][BLOCK];
            pa = new double[nodes][];
            pb = new double[nodes][];
            adj = new double[nodes][];
            naryPartials = new double[nodes][][];
            int naryMax = 0;
            for (int i = 0; i < nodes; i++) {
                if (live[i]) {
                    adj[i] = new double[BLOCK];
                }
                if (i < params) {
                    continue;
                }
                if (naryArgs[i] != null) {
                    naryPartials[i] = new double[naryKonst[i].length][BLOCK];
                    naryMax = Math.max(naryMax, naryKonst[i].length);
                } else {
                    pa[i] = new double[BLOCK];
                    pb[i] = argB[i] >= 0 ? new double[BLOCK] : null;
                }
            }
            if (out >= 0) {
                // the seed, as the tape's sweep makes it (0.0 + 1.0): only the output's own
                // array, which nothing else writes
                Arrays.fill(adj[out], 1.0);
            }
            naryVals = new double[naryMax];
            konstBlock = new double[slots][BLOCK];
            for (int s = 0; s < slots; s++) {
                Arrays.fill(konstBlock[s], uniformValue[s]);
            }
        }

        /** Values and partials of every operation over the block, as Num computes them when recording. */
        private void forward(int n) {
            for (int i = params; i < nodes; i++) {
                double[] v = val[i];
                double[] a = val[argA[i]];
                double[] qa = pa[i];
                double[] qb = pb[i];
                double[] b = argB[i] >= 0 ? val[argB[i]] : null;
                double[] k = kslot[i] >= 0 ? konstBlock[kslot[i]] : null;
                switch (code[i]) {
                    case Program.ADD -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.ADD.value(a[r], b[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.ADD.partialA(a[r], b[r], y);
                            qb[r] = Arithmetic.ADD.partialB(a[r], b[r], y);
                        }
                    }
                    case Program.ADD_K -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.ADD.value(a[r], k[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.ADD.partialA(a[r], k[r], y);
                        }
                    }
                    case Program.SUB -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.SUB.value(a[r], b[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.SUB.partialA(a[r], b[r], y);
                            qb[r] = Arithmetic.SUB.partialB(a[r], b[r], y);
                        }
                    }
                    case Program.SUB_K -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.SUB.value(a[r], k[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.SUB.partialA(a[r], k[r], y);
                        }
                    }
                    case Program.K_SUB -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.SUB.value(k[r], a[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.SUB.partialB(k[r], a[r], y);
                        }
                    }
                    case Program.MUL -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.MUL.value(a[r], b[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.MUL.partialA(a[r], b[r], y);
                            qb[r] = Arithmetic.MUL.partialB(a[r], b[r], y);
                        }
                    }
                    case Program.MUL_K -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.MUL.value(a[r], k[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.MUL.partialA(a[r], k[r], y);
                        }
                    }
                    case Program.DIV -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.DIV.value(a[r], b[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.DIV.partialA(a[r], b[r], y);
                            qb[r] = Arithmetic.DIV.partialB(a[r], b[r], y);
                        }
                    }
                    case Program.DIV_K -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.DIV.value(a[r], k[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.DIV.partialA(a[r], k[r], y);
                        }
                    }
                    case Program.K_DIV -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.DIV.value(k[r], a[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.DIV.partialB(k[r], a[r], y);
                        }
                    }
                    case Program.SQUARE -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.SQUARE.value(a[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.SQUARE.partial(a[r], y);
                        }
                    }
                    case Program.NEG -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.NEG.value(a[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.NEG.partial(a[r], y);
                        }
                    }
                    case Program.RECIPROCAL -> {
                        for (int r = 0; r < n; r++) {
                            double y = Arithmetic.RECIPROCAL.value(a[r]);
                            v[r] = y;
                            qa[r] = Arithmetic.RECIPROCAL.partial(a[r], y);
                        }
                    }
                    case Program.UNARY -> unary((UnaryRule) rule[i], a, v, qa, n);
                    case Program.BINARY -> {
                        BinaryRule br = (BinaryRule) rule[i];
                        for (int r = 0; r < n; r++) {
                            double y = br.value(a[r], b[r]);
                            v[r] = y;
                            qa[r] = br.partialA(a[r], b[r], y);
                            qb[r] = br.partialB(a[r], b[r], y);
                        }
                    }
                    case Program.BINARY_K -> {
                        BinaryRule br = (BinaryRule) rule[i];
                        if (br == Arithmetic.POW) {
                            for (int r = 0; r < n; r++) {
                                double y = Arithmetic.POW.value(a[r], k[r]);
                                v[r] = y;
                                qa[r] = Arithmetic.POW.partialA(a[r], k[r], y);
                            }
                        } else {
                            for (int r = 0; r < n; r++) {
                                double y = br.value(a[r], k[r]);
                                v[r] = y;
                                qa[r] = br.partialA(a[r], k[r], y);
                            }
                        }
                    }
                    case Program.K_BINARY -> {
                        BinaryRule br = (BinaryRule) rule[i];
                        if (br == Arithmetic.POW && logBase[i] != null) {
                            // the base's log was taken once, when the row was added (logBase)
                            double[] lg = logBase[i];
                            int at = blockFrom;
                            for (int r = 0; r < n; r++) {
                                double y = Arithmetic.POW.value(k[r], a[r]);
                                v[r] = y;
                                qa[r] = Arithmetic.powPartialB(k[r], a[r], y, lg[at + r]);
                            }
                        } else {
                            for (int r = 0; r < n; r++) {
                                double y = br.value(k[r], a[r]);
                                v[r] = y;
                                qa[r] = br.partialB(k[r], a[r], y);
                            }
                        }
                    }
                    case Program.NARY -> nary(i, n);
                    default -> throw new IllegalStateException("row shape: node #" + i + " has no rule to evaluate");
                }
            }
        }

        /**
         * A one-argument rule over the block. The common ones call their rule constant itself, so
         * the JIT inlines them (through {@code r} the call site is shared by every rule and stays a
         * virtual call), as ElementwiseOp does.
         */
        private static void unary(UnaryRule u, double[] a, double[] v, double[] q, int n) {
            if (u == Elementary.EXP) {
                for (int r = 0; r < n; r++) {
                    double y = Elementary.EXP.value(a[r]);
                    v[r] = y;
                    q[r] = Elementary.EXP.partial(a[r], y);
                }
            } else if (u == Elementary.LOG) {
                for (int r = 0; r < n; r++) {
                    double y = Elementary.LOG.value(a[r]);
                    v[r] = y;
                    q[r] = Elementary.LOG.partial(a[r], y);
                }
            } else if (u == Elementary.SQRT) {
                for (int r = 0; r < n; r++) {
                    double y = Elementary.SQRT.value(a[r]);
                    v[r] = y;
                    q[r] = Elementary.SQRT.partial(a[r], y);
                }
            } else if (u == Elementary.EXPM1) {
                for (int r = 0; r < n; r++) {
                    double y = Elementary.EXPM1.value(a[r]);
                    v[r] = y;
                    q[r] = Elementary.EXPM1.partial(a[r], y);
                }
            } else {
                for (int r = 0; r < n; r++) {
                    double y = u.value(a[r]);
                    v[r] = y;
                    q[r] = u.partial(a[r], y);
                }
            }
        }

        /** An n-ary rule, row by row: its argument vector (recorded values and constants) and partials. */
        private void nary(int i, int n) {
            NaryRule nr = (NaryRule) rule[i];
            int[] e = naryArgs[i];
            int[] at = naryPositions[i];
            int[] ks = naryKonst[i];
            int len = ks.length;
            double[] vals = naryVals.length == len ? naryVals : new double[len];
            naryVals = vals;
            double[][] pd = naryPartials[i];
            for (int r = 0; r < n; r++) {
                for (int q = 0; q < len; q++) {
                    if (ks[q] >= 0) {
                        vals[q] = konstBlock[ks[q]][r];
                    }
                }
                for (int q = 0; q < e.length; q++) {
                    vals[at[q]] = val[e[q]][r];
                }
                double y = nr.value(vals);
                val[i][r] = y;
                double[] d = nr.partials(vals, y);
                for (int q = 0; q < len; q++) {
                    pd[q][r] = d[q];
                }
            }
        }

        // ---- curvature: second-order forward mode -------------------------------------------------------

        /**
         * Σ c[row]·∇²f(row) over positions [from, from + n), one sum per parameter pair of the
         * output ({@link #curvatureTerms()} of them, into {@code acc} from accOff, for
         * {@link #addCurvature} to add to the p×p sum): a second-order forward pass, each operation's Hessian by parameter pair
         * (h = ∂a·hₐ + ∂b·h_b + ∂aa·tₐtₐᵀ + ∂ab·(tₐt_bᵀ + t_btₐᵀ) + ∂bb·t_bt_bᵀ) from its first and
         * second partials. Rows whose branches differ from the recording are listed in
         * {@code failed} (their count returned) and left out.
         */
        int curvature(double[] p, int from, int n, double[] c, boolean checkFinite, int[] failed, double[] acc,
                      int accOff) {
            prepare();
            prepareSecondOrder();
            for (int j = 0; j < params; j++) {
                Arrays.fill(val[j], 0, n, p[j]);
            }
            for (int s = 0; s < slots; s++) {
                if (!uniform[s]) {
                    System.arraycopy(column[s], from, konstBlock[s], 0, n);
                }
            }
            blockFrom = from;
            forward(n);
            int bad = guards(n, from, checkFinite, failed);
            if (out < params) {
                return bad;                            // a parameter or a constant: no curvature
            }
            tangents(n);
            for (int i = params; i <= out; i++) {
                if (live[i]) {
                    secondOrder(i, n);
                }
            }
            int[] dep = deps[out];
            int f = 0;
            for (int r = 0; r < n; r++) {
                if (f < bad && failed[f] == from + r) {
                    f++;
                    weight[r] = 0;
                    continue;
                }
                int row = rowAt(from + r);
                weight[r] = row < 0 ? 0 : c[row];
            }
            int k = accOff;
            for (int d1 = 0; d1 < dep.length; d1++) {
                for (int d2 = d1; d2 < dep.length; d2++) {
                    double[] h = hess[out][pairs[out][d1][d2]];
                    double z = 0;
                    for (int r = 0; r < n; r++) {
                        if (weight[r] != 0) {
                            z += weight[r] * h[r];
                        }
                    }
                    acc[k++] = z;
                }
            }
            return bad;
        }

        // second-order work arrays, made on the first curvature pass
        private double[][][] hess;
        private int[][][] pairs;
        private double[] saa;
        private double[] sab;
        private double[] sbb;
        private double[] weight;

        private void prepareSecondOrder() {
            if (hess != null) {
                return;
            }
            tan = new double[nodes][][];
            double[] ones = new double[BLOCK];
            Arrays.fill(ones, 1.0);
            for (int i = 0; i < nodes; i++) {
                if (i < params) {
                    tan[i] = new double[][] {ones};
                } else if (live[i]) {
                    tan[i] = new double[deps[i].length][BLOCK];
                }
            }
            hess = new double[nodes][][];
            pairs = new int[nodes][][];
            for (int i = params; i < nodes; i++) {
                if (!live[i]) {
                    continue;
                }
                int l = deps[i].length;
                pairs[i] = new int[l][l];
                int k = 0;
                for (int d1 = 0; d1 < l; d1++) {
                    for (int d2 = d1; d2 < l; d2++) {
                        pairs[i][d1][d2] = k;
                        pairs[i][d2][d1] = k++;
                    }
                }
                hess[i] = new double[k][BLOCK];
            }
            saa = new double[BLOCK];
            sab = new double[BLOCK];
            sbb = new double[BLOCK];
            weight = new double[BLOCK];
        }

        /**
         * Node i's Hessian entries over the block, from its operands' tangents and Hessians. The
         * terms are added in one fixed order (∂a·hₐ, ∂b·h_b, ∂aa·tₐtₐ, ∂ab·cross, ∂bb·t_bt_b), each
         * only where its factors exist; the loops are written out by which terms a pair has, so that
         * the choice is made once per pair, not per row. An operation whose second partials are zero
         * (+, −, negation, products and quotients by constants: most of the nodes a sum of terms
         * ends in, and the ones with the most parameter pairs) takes the first two terms only: the
         * others are ∂·t·t = ±0 there, which leave a sum unchanged but for the sign of a zero.
         */
        private void secondOrder(int i, int n) {
            boolean two = argB[i] >= 0;
            boolean linear = linear(code[i]);
            if (!linear) {
                secondPartials(i, n, two);
            }
            int a = argA[i];
            int b = argB[i];
            int[] dep = deps[i];
            double[] qa = pa[i];
            double[] qb = pb[i];
            for (int d1 = 0; d1 < dep.length; d1++) {
                for (int d2 = d1; d2 < dep.length; d2++) {
                    double[] h = hess[i][pairs[i][d1][d2]];
                    double[] ha = secondOf(a, dep[d1], dep[d2]);
                    double[] hb = two ? secondOf(b, dep[d1], dep[d2]) : null;
                    if (linear) {
                        firstTerms(h, qa, ha, qb, hb, n);
                        continue;
                    }
                    double[] as = firstOf(a, dep[d1]);
                    double[] at = firstOf(a, dep[d2]);
                    double[] bs = two ? firstOf(b, dep[d1]) : null;
                    double[] bt = two ? firstOf(b, dep[d2]) : null;
                    if (!two) {
                        if (as == null || at == null) {
                            firstTerms(h, qa, ha, null, null, n);
                        } else if (ha == null) {
                            for (int r = 0; r < n; r++) {
                                double z = 0;
                                z += saa[r] * as[r] * at[r];
                                h[r] = z;
                            }
                        } else {
                            for (int r = 0; r < n; r++) {
                                double z = 0;
                                z += qa[r] * ha[r];
                                z += saa[r] * as[r] * at[r];
                                h[r] = z;
                            }
                        }
                        continue;
                    }
                    boolean hasHa = ha != null;
                    boolean hasHb = hb != null;
                    boolean aa = as != null && at != null;
                    boolean ab = as != null && bt != null;
                    boolean ba = bs != null && at != null;
                    boolean bb = bs != null && bt != null;
                    for (int r = 0; r < n; r++) {
                        double z = 0;
                        if (hasHa) {
                            z += qa[r] * ha[r];
                        }
                        if (hasHb) {
                            z += qb[r] * hb[r];
                        }
                        if (aa) {
                            z += saa[r] * as[r] * at[r];
                        }
                        double cross = (ab ? as[r] * bt[r] : 0) + (ba ? bs[r] * at[r] : 0);
                        z += sab[r] * cross;
                        if (bb) {
                            z += sbb[r] * bs[r] * bt[r];
                        }
                        h[r] = z;
                    }
                }
            }
        }

        /** h = ∂a·hₐ + ∂b·h_b over the block, the terms that exist (null: none), added to 0 in that order. */
        private static void firstTerms(double[] h, double[] qa, double[] ha, double[] qb, double[] hb, int n) {
            if (ha != null && hb != null) {
                for (int r = 0; r < n; r++) {
                    double z = 0;
                    z += qa[r] * ha[r];
                    z += qb[r] * hb[r];
                    h[r] = z;
                }
            } else if (ha != null) {
                for (int r = 0; r < n; r++) {
                    double z = 0;
                    z += qa[r] * ha[r];
                    h[r] = z;
                }
            } else if (hb != null) {
                for (int r = 0; r < n; r++) {
                    double z = 0;
                    z += qb[r] * hb[r];
                    h[r] = z;
                }
            } else {
                Arrays.fill(h, 0, n, 0.0);
            }
        }

        /** Whether an opcode's second partials are all zero (it is affine in its operands). */
        private static boolean linear(byte code) {
            return switch (code) {
                case Program.ADD, Program.ADD_K, Program.SUB, Program.SUB_K, Program.K_SUB, Program.NEG, Program.MUL_K,
                     Program.DIV_K -> true;
                default -> false;
            };
        }

        /** The tangent of node x in parameter s over the block, or null where x does not depend on s. */
        private double[] firstOf(int x, int s) {
            int d = Arrays.binarySearch(deps[x], s);
            return d < 0 ? null : tan[x][d];
        }

        /** Node x's Hessian entry (s, t) over the block, or null where it is zero (parameters, and pairs x does not depend on). */
        private double[] secondOf(int x, int s, int t) {
            if (x < params) {
                return null;
            }
            int d1 = Arrays.binarySearch(deps[x], s);
            int d2 = Arrays.binarySearch(deps[x], t);
            return d1 < 0 || d2 < 0 ? null : hess[x][pairs[x][d1][d2]];
        }

        /**
         * The second partials of node i over the block (∂aa, ∂ab, ∂bb; for one operand ∂aa): of
         * + − and products by constants none; of × and ÷ and the common elementary functions their
         * closed forms; of any other rule, the derivative of the rule's own partial over {@link D1}.
         */
        private void secondPartials(int i, int n, boolean two) {
            double[] a = val[argA[i]];
            double[] b = two ? val[argB[i]] : null;
            double[] y = val[i];
            double[] k = kslot[i] >= 0 ? konstBlock[kslot[i]] : null;
            Arrays.fill(saa, 0, n, 0.0);
            if (two) {
                Arrays.fill(sab, 0, n, 0.0);
                Arrays.fill(sbb, 0, n, 0.0);
            }
            switch (code[i]) {
                case Program.ADD, Program.ADD_K, Program.SUB, Program.SUB_K, Program.K_SUB, Program.NEG, Program.MUL_K,
                     Program.DIV_K -> { }
                case Program.MUL -> Arrays.fill(sab, 0, n, 1.0);
                case Program.DIV -> {
                    for (int r = 0; r < n; r++) {
                        sab[r] = -1.0 / (b[r] * b[r]);
                        sbb[r] = 2.0 * y[r] / (b[r] * b[r]);
                    }
                }
                case Program.K_DIV -> {
                    for (int r = 0; r < n; r++) {
                        saa[r] = 2.0 * y[r] / (a[r] * a[r]);
                    }
                }
                case Program.SQUARE -> Arrays.fill(saa, 0, n, 2.0);
                case Program.RECIPROCAL -> {
                    for (int r = 0; r < n; r++) {
                        saa[r] = 2.0 * y[r] / (a[r] * a[r]);
                    }
                }
                case Program.UNARY -> {
                    UnaryRule u = (UnaryRule) rule[i];
                    if (u == Elementary.EXP) {
                        System.arraycopy(y, 0, saa, 0, n);
                    } else if (u == Elementary.EXPM1) {
                        for (int r = 0; r < n; r++) {
                            saa[r] = y[r] + 1.0;
                        }
                    } else if (u == Elementary.LOG) {
                        for (int r = 0; r < n; r++) {
                            saa[r] = -1.0 / (a[r] * a[r]);
                        }
                    } else if (u == Elementary.SQRT) {
                        for (int r = 0; r < n; r++) {
                            saa[r] = -0.25 / (a[r] * y[r]);
                        }
                    } else {
                        for (int r = 0; r < n; r++) {
                            saa[r] = u.partial(D1.of(a[r], 1.0), D1.of(y[r], pa[i][r])).d;
                        }
                    }
                }
                case Program.BINARY_K -> {
                    BinaryRule br = (BinaryRule) rule[i];
                    for (int r = 0; r < n; r++) {
                        saa[r] = br.partialA(D1.of(a[r], 1.0), new D1(k[r], 0, true), D1.of(y[r], pa[i][r])).d;
                    }
                }
                case Program.K_BINARY -> {
                    BinaryRule br = (BinaryRule) rule[i];
                    for (int r = 0; r < n; r++) {
                        saa[r] = br.partialB(new D1(k[r], 0, true), D1.of(a[r], 1.0), D1.of(y[r], pa[i][r])).d;
                    }
                }
                case Program.BINARY -> {
                    BinaryRule br = (BinaryRule) rule[i];
                    for (int r = 0; r < n; r++) {
                        saa[r] = br.partialA(D1.of(a[r], 1.0), D1.of(b[r], 0.0), D1.of(y[r], pa[i][r])).d;
                        sab[r] = br.partialA(D1.of(a[r], 0.0), D1.of(b[r], 1.0), D1.of(y[r], pb[i][r])).d;
                        sbb[r] = br.partialB(D1.of(a[r], 0.0), D1.of(b[r], 1.0), D1.of(y[r], pb[i][r])).d;
                    }
                }
                default -> throw new IllegalStateException("row shape: node #" + i + " has no second partials here");
            }
        }

        /**
         * Checks each row's branches against the recording (and, in checking mode, that every value
         * is finite); returns how many rows failed, listing their positions in failed.
         */
        private int guards(int n, int from, boolean checkFinite, int[] failed) {
            int bad = 0;
            if (gKind.length == 0 && !checkFinite) {
                return 0;
            }
            for (int r = 0; r < n; r++) {
                boolean ok = true;
                for (int g = 0; g < gKind.length && ok; g++) {
                    double x = val[gA[g]][r];
                    double c = gB[g] >= 0 ? val[gB[g]][r] : konstBlock[gSlot[g]][r];
                    boolean outcome = Guard.test(gKind[g], x, c);
                    ok = outcome == gOutcome[g];
                }
                for (int i = params; i < nodes && ok && checkFinite; i++) {
                    ok = Double.isFinite(val[i][r]);
                }
                if (!ok && rowAt(from + r) >= 0) {
                    failed[bad++] = from + r;
                }
            }
            return bad;
        }

        /**
         * The reverse sweep over the block, as {@code Tape.backward} sweeps one row's recording:
         * from the output (adjoint 1) down to the parameters, each live node adds ∂·ḡ to its
         * operands' adjoints, operand a then b (an n-ary node's recorded arguments in their
         * order), so every adjoint receives the same products in the same order as on the tape.
         * A node's first contribution is written as 0.0 + ∂·ḡ, the tape's addition to its
         * zero-filled adjoint. Afterwards each parameter's adjoint is its Jacobian column (a
         * parameter the output does not reach has none: 0.0, as the tape's).
         *
         * <p>With {@code strongZeros}, a product whose partial is zero adds nothing, whatever the
         * adjoint: where the tape multiplies a zero partial by an infinite adjoint and gets NaN
         * (∂(b·x)/∂b = x = 0 under √ at 0, in every row with x = 0 of √(b·x)), the contribution
         * is then zero, the answer forward mode's zero tangent gives and the derivative's true
         * value. For finite adjoints it changes no bit: 0·g is ±0, and adding ±0 to an adjoint
         * leaves it as it was (an adjoint is never −0.0: its first contribution is 0.0 + ∂·ḡ).
         * So it is taken only for a block whose Jacobian came out with a NaN, and the
         * compiled rows equal a per-row reverse pass to the bit except there.
         */
        private void reverse(int n, boolean strongZeros) {
            for (int i = out; i >= params; i--) {
                if (!live[i]) {
                    continue;
                }
                double[] g = adj[i];
                if (naryArgs[i] != null) {
                    int[] e = naryArgs[i];
                    int[] at = naryPositions[i];
                    boolean[] first = naryFirst[i];
                    double[][] pd = naryPartials[i];
                    for (int q = 0; q < e.length; q++) {
                        accumulate(adj[e[q]], pd[at[q]], g, n, first[q], strongZeros);
                    }
                    continue;
                }
                accumulate(adj[argA[i]], pa[i], g, n, firstA[i], strongZeros);
                if (argB[i] >= 0) {
                    accumulate(adj[argB[i]], pb[i], g, n, firstB[i], strongZeros);
                }
            }
        }

        /**
         * a += q·g over the block; the first contribution a receives is 0.0 + q·g (a zero-filled
         * adjoint's sum). With strongZeros, a zero q adds nothing (see {@link #reverse}).
         */
        private static void accumulate(double[] a, double[] q, double[] g, int n, boolean first, boolean strongZeros) {
            if (strongZeros) {
                for (int r = 0; r < n; r++) {
                    double c = q[r] == 0 ? 0.0 : q[r] * g[r];
                    a[r] = first ? 0.0 + c : a[r] + c;
                }
            } else if (first) {
                for (int r = 0; r < n; r++) {
                    a[r] = 0.0 + q[r] * g[r];
                }
            } else {
                for (int r = 0; r < n; r++) {
                    a[r] += q[r] * g[r];
                }
            }
        }

        /**
         * Whether some parameter's adjoint in the block is NaN or infinite (the output reaches
         * it). Every block's Jacobian passes through here, so a fit learns that it is finite
         * without a pass of its own ({@code CompiledRows#jacobianFinite}). A test and a branch
         * per entry, as {@link #someNaN}'s: a branch-free sum of x − x (NaN exactly when x is not
         * finite) waited on its additions and took four times as long.
         */
        private boolean someNotFinite(int n) {
            for (int j = 0; j < params; j++) {
                double[] a = live[j] ? adj[j] : null;
                for (int r = 0; a != null && r < n; r++) {
                    if (!(Math.abs(a[r]) <= Double.MAX_VALUE)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether some parameter's adjoint in the block is NaN (the output reaches it). */
        private boolean someNaN(int n) {
            for (int j = 0; j < params; j++) {
                double[] a = live[j] ? adj[j] : null;
                for (int r = 0; a != null && r < n; r++) {
                    if (Double.isNaN(a[r])) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Forward-mode tangents of every node the output needs, one per parameter it depends on (the curvature pass's first order). */
        private void tangents(int n) {
            for (int i = params; i <= out; i++) {
                if (!live[i]) {
                    continue;
                }
                double[][] t = tan[i];
                if (naryArgs[i] != null) {
                    naryTangents(i, n);
                    continue;
                }
                double[] qa = pa[i];
                double[] qb = pb[i];
                double[][] ta = tan[argA[i]];
                double[][] tb = argB[i] >= 0 ? tan[argB[i]] : null;
                int[] da = depA[i];
                int[] db = depB[i];
                for (int d = 0; d < t.length; d++) {
                    double[] o = t[d];
                    double[] x = da[d] >= 0 ? ta[da[d]] : null;
                    double[] y = tb != null && db[d] >= 0 ? tb[db[d]] : null;
                    if (tb == null) {
                        // ForwardTag.scale: a zero tangent stays zero whatever the partial
                        for (int r = 0; r < n; r++) {
                            double u = x[r];
                            o[r] = u == 0 ? 0.0 : qa[r] * u;
                        }
                    } else if (y == null) {
                        for (int r = 0; r < n; r++) {
                            double u = x[r];
                            o[r] = u == 0 ? 0.0 : qa[r] * u;
                        }
                    } else if (x == null) {
                        // ForwardTag.combine with a's tangent zero in this slot: 0.0 + pb·tb
                        for (int r = 0; r < n; r++) {
                            double w = y[r];
                            o[r] = w != 0 ? 0.0 + qb[r] * w : 0.0;
                        }
                    } else {
                        for (int r = 0; r < n; r++) {
                            double u = x[r];
                            double w = y[r];
                            double z = u == 0 ? 0.0 : qa[r] * u;
                            o[r] = w != 0 ? z + qb[r] * w : z;
                        }
                    }
                }
            }
        }

        /**
         * The tangent of an n-ary node as Num.apply(NaryRule, …) makes it: argument by argument,
         * combine(t, 1, tᵢ, ∂ᵢ) for a recorded argument (scale(tᵢ, ∂ᵢ) for the first), scale(t, 1)
         * for a constant one after the first recorded.
         */
        private void naryTangents(int i, int n) {
            int[] e = naryArgs[i];
            int[] at = naryPositions[i];
            int len = naryKonst[i].length;
            double[][] pd = naryPartials[i];
            double[][] t = tan[i];
            int[] dep = deps[i];
            for (int d = 0; d < dep.length; d++) {
                double[] o = t[d];
                double[][] src = new double[len][];
                boolean[] recorded = new boolean[len];
                for (int q = 0; q < e.length; q++) {
                    recorded[at[q]] = true;
                    int w = Arrays.binarySearch(deps[e[q]], dep[d]);
                    src[at[q]] = w >= 0 ? tan[e[q]][w] : null;
                }
                for (int r = 0; r < n; r++) {
                    boolean started = false;
                    double z = 0.0;
                    for (int q = 0; q < len; q++) {
                        if (recorded[q]) {
                            double u = src[q] == null ? 0.0 : src[q][r];
                            if (!started) {
                                z = u == 0 ? 0.0 : pd[q][r] * u;
                                started = true;
                            } else {
                                z = z == 0 ? 0.0 : z;
                                if (u != 0) {
                                    z += pd[q][r] * u;
                                }
                            }
                        } else if (started) {
                            z = z == 0 ? 0.0 : z;
                        }
                    }
                    o[r] = z;
                }
            }
        }

        /**
         * The outputs of the rows of the block that passed their checks: values, and the Jacobian
         * column-major (row i's value at vOff + i, ∂fᵢ/∂pⱼ at jOff + j·ld + i). When the block's positions are
         * its rows (one shape, rows in order) and all passed, each column is one copy.
         */
        private void write(int from, int n, double[] values, int vOff, double[] jacobian, int jOff, int ld, int[] failed,
                           int bad) {
            if (bad == 0 && rowIds == null) {
                if (out >= 0) {
                    System.arraycopy(val[out], 0, values, vOff + from, n);
                } else {
                    System.arraycopy(konstBlock[outSlot], 0, values, vOff + from, n);
                }
                if (jacobian == null) {
                    return;
                }
                for (int j = 0; j < params; j++) {
                    int at = jOff + j * ld + from;
                    if (live[j]) {
                        System.arraycopy(adj[j], 0, jacobian, at, n);
                    } else {
                        Arrays.fill(jacobian, at, at + n, 0.0);
                    }
                }
                return;
            }
            int f = 0;
            for (int r = 0; r < n; r++) {
                int pos = from + r;
                if (f < bad && failed[f] == pos) {
                    f++;
                    continue;
                }
                int row = rowAt(pos);
                if (row < 0) {
                    continue;
                }
                values[vOff + row] = out >= 0 ? val[out][r] : konstBlock[outSlot][r];
                if (jacobian == null) {
                    continue;
                }
                for (int j = 0; j < params; j++) {
                    jacobian[jOff + j * ld + row] = live[j] ? adj[j][r] : 0.0;
                }
            }
        }
    }
}
