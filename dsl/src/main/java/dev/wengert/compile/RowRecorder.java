package dev.wengert.compile;

import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import dev.wengert.core.ProgramListener;
import dev.wengert.core.RowFn;
import dev.wengert.core.Tape;
import dev.wengert.core.TapeStorage;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.util.Arrays;

/**
 * Records a row function for one row at a time on a private tape whose first positions are the
 * parameters, reads back what the row did as a {@link Recording} (its structure, and the
 * constants it used, slot by slot), and cuts the tape back to the parameters for the next row.
 * Belongs to the thread that made it: the tape is of that thread's session.
 */
final class RowRecorder implements ProgramListener {
    private final Tape tape;
    private TapeStorage st;
    private final Num[] par;
    private final double[] at;
    private final int mark;
    private final Recording rec;

    // what the listener hears during one row
    private double[] nodeKonst = new double[64];
    private boolean[] nodeRight = new boolean[64];
    private double[][] naryValues = new double[64][];
    private int[][] naryRecorded = new int[64][];
    private int guards;
    private int[] guardA = new int[8];
    private int[] guardB = new int[8];
    private double[] guardC = new double[8];
    private byte[] guardKind = new byte[8];
    private boolean[] guardOutcome = new boolean[8];
    private boolean unreplayable;

    RowRecorder(double[] p) {
        tape = TapeStorage.programTape("the recording of a row model", this);
        par = new Num[p.length];
        at = p.clone();
        for (int j = 0; j < p.length; j++) {
            par[j] = st.parameter(p[j]);
        }
        mark = st.size();
        rec = new Recording(p.length);
    }

    /**
     * Records f on one row at parameters p, after the rows recorded since the last {@link #cut}
     * (rows are recorded in runs, and the tape cut back once per run: cutting after every row
     * would start a new generation of the tape each time, which its checks then search), and
     * returns what it did (valid until the next call), or null when the recording cannot be
     * replayed (a nested differentiation, array operations, a value of another differentiation
     * or of an earlier row used). The model's own exceptions propagate; call {@link #cut} then.
     */
    Recording record(RowFn f, double[] p, double[] x) {
        run(f, p, x);
        return read();
    }

    // the row run last: its output and where its recording starts
    private Num y;
    private int from;

    /** Runs f on one row at p, recording it after the rows recorded since the last cut; read it with {@link #readAs} or {@link #read}. */
    void run(RowFn f, double[] p, double[] x) {
        run(f, p, x, false);
    }

    /**
     * As {@link #run(RowFn, double[], double[])}; samePoint: the caller knows p is the point the
     * row before was run at (the rows of a first pass), so the parameters are not compared again.
     */
    void run(RowFn f, double[] p, double[] x, boolean samePoint) {
        run(f, p, x, samePoint, null, null);
    }

    // The shape the row being recorded is checked against, operation by operation, as it is
    // recorded (null: none, or the row has left it); its constants go to expectKonst by slot.
    // The tape is still written in full: the row's own code may read it (backward(), d(), an
    // array operation reading its operands' values), and a row that leaves the shape is read
    // the long way from it.
    private RowShape expect;
    private double[] expectKonst;
    /** Where the row starts on the tape, less where it starts in the shape's numbering. */
    private int expectShift;
    /** The next node, in the shape's numbering, the row must record to stay in the shape. */
    private int expectNext;

    /**
     * As {@link #run(RowFn, double[], double[], boolean)}, checking the row against {@code shape}
     * (unless null) as it is recorded: {@link #matched} then says whether it had exactly that
     * structure, with its constants already in {@code konst} (at least {@code shape.slots} long).
     * What {@link #readAs} finds after the run, found during it.
     */
    void run(RowFn f, double[] p, double[] x, boolean samePoint, RowShape shape, double[] konst) {
        if (!samePoint) {
            if (st.size() > mark && !java.util.Arrays.equals(p, at)) {
                cut();                               // the parameters move: only within a run of one point
            }
            for (int j = 0; j < p.length; j++) {
                if (Double.doubleToRawLongBits(p[j]) != Double.doubleToRawLongBits(at[j])) {
                    Functional.assign(par[j], p[j]);
                    at[j] = p[j];
                }
            }
        }
        boolean lean = LEAN && lastMatched && shape != null && 4 * leanReruns <= leanRows + LEAN_SLACK;
        if (!lean && st.holdsLean()) {
            st.truncate(st.size());                  // nothing in full after lean rows: settles them
        }
        if (lean) {
            if (runLean(f, x, shape, konst)) {
                leanRows++;
                return;
            }
            // torn or another shape: again, in full, in its place. The rows before it stay (made
            // consistent), so a value the function kept from one of them is still one of an
            // earlier row, read as such (the rows are then evaluated by a forward pass), not cut
            st.truncate(from);
            leanReruns++;
        }
        start(shape, konst);
        y = output(f.apply(par, x));
        lastMatched = matchedRow = shape != null && checkMatched();
    }

    /**
     * Whether rows are recorded lean when they can be ({@code -Dwengert.fit.lean=false} turns it
     * off, to measure what it gains; results are the same to the bit either way).
     */
    static final boolean LEAN = !"false".equals(System.getProperty("wengert.fit.lean"));

    // A row whose previous row matched its shape is recorded lean (TapeStorage.beginLean): its
    // operations store their values only, as the listener checks it against the shape — all a
    // matching row needs, for a fraction of the stores (bench/RESULTS.md, "Stop 33"). A row
    // that leaves the shape, or tears the lean recording (an array operation, a sweep of its
    // own), is recorded again in full in its place, then read as before. So a row is recorded
    // lean only after a match (rows that alternate between shapes never are), and only while
    // reruns stay under a quarter of the lean rows kept (plus LEAN_SLACK): a rerun wastes most
    // of a row, a lean row saves a fraction of one, so rows that change shape at random soon
    // stop being tried lean.
    private boolean lastMatched;
    private boolean matchedRow;
    /** Reruns allowed before they must stay under a quarter of the lean rows kept. */
    static final int LEAN_SLACK = 64;
    /** Rows recorded lean and kept; rows recorded lean, then again in full. */
    int leanRows;
    int leanReruns;

    /** Starts a row's recording at the end of the tape, checked against shape (unless null). */
    private void start(RowShape shape, double[] konst) {
        guards = 0;
        unreplayable = false;
        y = null;
        from = st.size();
        expect = shape;
        expectKonst = konst;
        expectShift = from - mark;
        expectNext = mark;
    }

    private static Num output(Num out) {
        if (out == null) {
            throw new IllegalArgumentException("the row function returned null; it must return a Num computed from p and x");
        }
        return out;
    }

    /**
     * Runs f on one row recorded lean: true if the row kept to the shape all through (its
     * constants are then in konst); false if it must be recorded again in full (it left the
     * shape, or tore the lean recording). Rethrows what f throws unless the recording was torn:
     * values are exact in a lean recording, so a throw there is the row's own, but a sweep run
     * by the row over a torn recording has lost derivatives and could have caused it.
     */
    private boolean runLean(RowFn f, double[] x, RowShape shape, double[] konst) {
        start(shape, konst);
        st.beginLean();
        Num out;
        try {
            out = f.apply(par, x);
        } catch (RuntimeException | Error e) {
            if (st.endLean()) {
                throw e;
            }
            return false;
        }
        boolean whole = st.endLean();
        y = output(out);
        lastMatched = matchedRow = whole && checkMatched();
        return matchedRow;
    }

    /** The row run last, read as a {@link Recording} (valid until the next run), or null when it cannot be replayed. */
    Recording read() {
        return unreplayable ? null : extract(y, from);
    }

    /**
     * Whether the row run last has exactly the structure of {@code shape}; if so its constants,
     * one per slot, are written to {@code konst}. The common case of a first pass (a row like
     * the one before it), read straight off the tape without building a Recording.
     */
    boolean readAs(RowShape shape, double[] konst) {
        int size = st.size();
        int n = size - from + mark;
        if (unreplayable || n != shape.nodes || guards != shape.gKind.length) {
            return false;
        }
        int pos = st.positionOf(y);
        if ((pos < 0 && !y.isConstant()) || (pos >= mark && pos < from) || (pos < 0 ? -1 : local(pos, from)) != shape.out) {
            return false;
        }
        Object[] ops = st.ops();
        int[] starts = st.starts();
        int[] args = st.args();
        // an operand is the same as the shape's if it is the same parameter, or the node at the
        // same place in this row (shifted by where the row starts): one comparison, which also
        // refuses an operand of an earlier row (below from, but not a parameter)
        int shift = from - mark;
        Object[] rule = shape.rule;
        byte[] match = shape.match;
        int[] argA = shape.argA;
        int[] argB = shape.argB;
        int[] kslot = shape.kslot;
        for (int i = mark; i < n; i++) {
            int t = i + shift;
            if (ops[t] != rule[i]) {
                return false;
            }
            int s = starts[t];
            int arity = starts[t + 1] - s;
            byte m = match[i];
            int a = argA[i];
            if (m == RowShape.MATCH_NARY || arity != (m == RowShape.MATCH_BINARY ? 2 : 1)
                    || args[s] != (a < mark ? a : a + shift)) {
                return false;
            }
            if (m == RowShape.MATCH_BINARY) {
                int b = argB[i];
                if (args[s + 1] != (b < mark ? b : b + shift)) {
                    return false;
                }
            } else if (m != RowShape.MATCH_UNARY) {
                // the constant's side: + and × take it on either, the others must match the shape's
                if (m != RowShape.MATCH_K_EITHER && nodeRight[t] != (m == RowShape.MATCH_K_RIGHT)) {
                    return false;
                }
                konst[kslot[i]] = nodeKonst[t];
            }
        }
        return sameEnd(shape, konst, shift);
    }

    /**
     * Whether the row run last, checked against {@code shape} operation by operation as it was
     * recorded ({@link #run(RowFn, double[], double[], boolean, RowShape, double[])}), has
     * exactly its structure — the same answer as {@link #readAs}, without reading the tape
     * again; if so its constants are in the array given to run.
     */
    boolean matched() {
        return matchedRow;
    }

    /** {@link #matched}'s answer, worked out once at the end of a run. */
    private boolean checkMatched() {
        RowShape shape = expect;
        if (shape == null) {
            return false;
        }
        int pos = st.positionOf(y);
        if (expectNext != shape.nodes || unreplayable || st.size() - from + mark != shape.nodes
                || guards != shape.gKind.length || (pos < 0 && !y.isConstant()) || (pos >= mark && pos < from)
                || (pos < 0 ? -1 : local(pos, from)) != shape.out || !sameEnd(shape, expectKonst, expectShift)) {
            leave();
            return false;
        }
        expect = null;
        return true;
    }

    /** Whether the row's guards are the shape's (the row starting shift positions after it); their constants and the output's into konst. */
    private boolean sameEnd(RowShape shape, double[] konst, int shift) {
        for (int g = 0; g < guards; g++) {
            int a = shape.gA[g];
            int b = shape.gB[g];
            if (guardKind[g] != shape.gKind[g] || guardOutcome[g] != shape.gOutcome[g]
                    || guardA[g] != (a < mark ? a : a + shift)
                    || guardB[g] != (b < 0 ? -1 : b < mark ? b : b + shift)) {
                return false;
            }
            if (b < 0) {
                konst[shape.gSlot[g]] = guardC[g];
            }
        }
        if (shape.out < 0) {
            konst[shape.outSlot] = y.value();
        }
        return true;
    }

    /** Cuts the tape back to the parameters (after a run of rows, or when the function threw). */
    void cut() {
        if (st.size() > mark) {
            st.truncate(mark);
        }
    }

    /** The position in a row's own numbering of a node of the tape: parameters keep theirs, the row's follow them. */
    private int local(int node, int from) {
        return node < mark ? node : node - from + mark;
    }

    /** Reads the row's recording (tape positions [from, size)) into {@link #rec}, renumbered as if alone on the tape. */
    private Recording extract(Num y, int from) {
        int size = st.size();
        Object[] ops = st.ops();
        int[] starts = st.starts();
        int[] args = st.args();
        int pos = st.positionOf(y);
        if ((pos < 0 && !y.isConstant()) || (pos >= mark && pos < from)) {
            return null;                             // a value of another differentiation, or of an earlier row
        }
        for (int k = starts[from]; k < starts[size]; k++) {
            if (args[k] >= mark && args[k] < from) {
                return null;                         // an operand the function kept from an earlier row
            }
        }
        for (int g = 0; g < guards; g++) {
            if ((guardA[g] >= mark && guardA[g] < from) || (guardB[g] >= mark && guardB[g] < from)) {
                return null;
            }
        }
        int n = size - from + mark;
        Recording r = rec;
        r.reset(n);
        r.out = pos < 0 ? -1 : local(pos, from);
        int slots = 0;
        for (int i = mark; i < n; i++) {
            int t = i - mark + from;                  // the node on the tape
            Object o = ops[t];
            int s = starts[t];
            int arity = starts[t + 1] - s;
            byte k;
            r.argA[i] = -1;
            r.argB[i] = -1;
            r.kslot[i] = -1;
            r.naryArgs[i] = null;
            if (arity == 0 || !(o instanceof UnaryRule || o instanceof BinaryRule || o instanceof NaryRule)) {
                return null;                         // a leaf, an array operation or a nested node
            }
            if (o instanceof NaryRule) {
                k = Program.NARY;
                double[] values = naryValues[t];
                int[] recorded = naryRecorded[t];
                if (values == null || recorded.length != arity) {
                    return null;
                }
                int[] e = Arrays.copyOfRange(args, s, s + arity);
                for (int q = 0; q < e.length; q++) {
                    e[q] = local(e[q], from);
                }
                int[] ks = new int[values.length];
                Arrays.fill(ks, -1);
                boolean[] isRecorded = new boolean[values.length];
                for (int q : recorded) {
                    isRecorded[q] = true;
                }
                for (int q = 0; q < values.length; q++) {
                    if (!isRecorded[q]) {
                        ks[q] = slots;
                        r.konst(slots++, values[q]);
                    }
                }
                r.naryArgs[i] = e;
                r.naryPositions[i] = recorded.clone();
                r.naryKonst[i] = ks;
                r.argA[i] = e[0];                    // unused by an n-ary node, but a valid node
            } else {
                r.argA[i] = local(args[s], from);
                if (arity == 2) {
                    if (!(o instanceof BinaryRule)) {
                        return null;
                    }
                    r.argB[i] = local(args[s + 1], from);
                    k = o == Arithmetic.ADD ? Program.ADD : o == Arithmetic.SUB ? Program.SUB
                            : o == Arithmetic.MUL ? Program.MUL : o == Arithmetic.DIV ? Program.DIV : Program.BINARY;
                } else if (arity > 2) {
                    return null;
                } else if (o instanceof BinaryRule) {
                    boolean right = nodeRight[t];
                    k = o == Arithmetic.ADD ? Program.ADD_K : o == Arithmetic.SUB ? (right ? Program.SUB_K : Program.K_SUB)
                            : o == Arithmetic.MUL ? Program.MUL_K : o == Arithmetic.DIV ? (right ? Program.DIV_K : Program.K_DIV)
                            : right ? Program.BINARY_K : Program.K_BINARY;
                    r.kslot[i] = slots;
                    r.konst(slots++, nodeKonst[t]);
                } else {
                    k = o == Arithmetic.SQUARE ? Program.SQUARE : o == Arithmetic.NEG ? Program.NEG
                            : o == Arithmetic.RECIPROCAL ? Program.RECIPROCAL : Program.UNARY;
                }
            }
            r.code[i] = k;
            r.rule[i] = o;
        }
        r.guards = guards;
        r.guardCapacity(guards);
        for (int g = 0; g < guards; g++) {
            r.gKind[g] = guardKind[g];
            r.gA[g] = local(guardA[g], from);
            r.gB[g] = guardB[g] < 0 ? -1 : local(guardB[g], from);
            r.gOutcome[g] = guardOutcome[g];
            r.gSlot[g] = -1;
            if (guardB[g] < 0) {
                r.gSlot[g] = slots;
                r.konst(slots++, guardC[g]);
            }
        }
        r.outSlot = -1;
        if (pos < 0) {
            r.outSlot = slots;
            r.konst(slots++, y.value());
        }
        r.slots = slots;
        return r;
    }

    // ---- the listener -----------------------------------------------------------------------------

    @Override
    public void attached(TapeStorage storage) {
        this.st = storage;
    }

    @Override
    public void constantOperand(int node, double c, boolean right) {
        if (node >= nodeKonst.length) {
            int cap = Math.max(node + 1, 2 * nodeKonst.length);
            nodeKonst = Arrays.copyOf(nodeKonst, cap);
            nodeRight = Arrays.copyOf(nodeRight, cap);
        }
        nodeKonst[node] = c;
        nodeRight[node] = right;
    }

    // The two callbacks below run for every operation of every row: the matching case is kept
    // short (it is inlined into each of Num's recording paths, which must stay small enough to
    // inline into the model's code), everything else goes to leave().

    @Override
    public void constantOperation(int node, BinaryRule rule, int a, double c, boolean right) {
        RowShape e = expect;
        int i = node - expectShift;
        // as readAs: the same rule on the same operand, the constant on the shape's side
        if (e != null && i == expectNext && i < e.nodes && e.rule[i] == rule && e.sameConstantSide(i, right)
                && a == expected(e.argA[i])) {
            expectKonst[e.kslot[i]] = c;
            expectNext = i + 1;
        } else {
            leave();
            constantOperand(node, c, right);
        }
    }

    @Override
    public void operation(int node, Object rule, int a, int b) {
        RowShape e = expect;
        if (e != null) {
            int i = node - expectShift;
            if (i == expectNext && i < e.nodes && e.rule[i] == rule && e.match[i] == (b < 0 ? RowShape.MATCH_UNARY
                    : RowShape.MATCH_BINARY) && a == expected(e.argA[i]) && (b < 0 || b == expected(e.argB[i]))) {
                expectNext = i + 1;
            } else {
                leave();
            }
        }
    }

    /** The tape position of a node of the expected shape in the row being recorded. */
    private int expected(int node) {
        return node < mark ? node : node + expectShift;
    }

    /**
     * The row being recorded leaves the shape it was checked against (or was checked against
     * none): what the checks kept of its constants goes where the long way reads it, as
     * {@link #constantOperand} would have put it.
     */
    private void leave() {
        RowShape e = expect;
        if (e == null) {
            return;
        }
        expect = null;
        for (int i = mark; i < expectNext; i++) {
            int k = e.kslot[i];
            if (k >= 0) {
                // + and × (MATCH_K_EITHER) are read without their side: any will do
                constantOperand(i + expectShift, expectKonst[k], e.match[i] != RowShape.MATCH_K_LEFT);
            } else if (e.match[i] == RowShape.MATCH_NARY) {
                // its constants, in place; the recorded arguments' values are not read
                int[] ks = e.naryKonst[i];
                double[] values = new double[ks.length];
                for (int q = 0; q < ks.length; q++) {
                    if (ks[q] >= 0) {
                        values[q] = expectKonst[ks[q]];
                    }
                }
                naryArguments(i + expectShift, values, e.naryPositions[i]);
            }
        }
    }

    @Override
    public void naryOperation(int node, NaryRule rule, int[] in, double[] values, int[] recordedSlots) {
        RowShape e = expect;
        int i = node - expectShift;
        if (e != null && i == expectNext && i < e.nodes && e.rule[i] == rule && e.match[i] == RowShape.MATCH_NARY
                && sameNary(e, i, in, values.length, recordedSlots)) {
            int[] ks = e.naryKonst[i];
            for (int q = 0; q < ks.length; q++) {
                if (ks[q] >= 0) {
                    expectKonst[ks[q]] = values[q];
                }
            }
            expectNext = i + 1;
        } else {
            leave();
            naryArguments(node, values, recordedSlots);
        }
    }

    /** Whether an n-ary node of n arguments, recorded ones {@code in} at {@code slots}, is node i of shape e. */
    private boolean sameNary(RowShape e, int i, int[] in, int n, int[] slots) {
        int[] args = e.naryArgs[i];
        int[] places = e.naryPositions[i];
        if (n != e.naryKonst[i].length || in.length != args.length || slots.length != places.length) {
            return false;
        }
        for (int q = 0; q < in.length; q++) {
            if (in[q] != expected(args[q]) || slots[q] != places[q]) {
                return false;
            }
        }
        return true;
    }

    /** What the long way ({@link #extract}) reads of an n-ary node: its argument values (the constants' are used) and the recorded ones' places. */
    private void naryArguments(int node, double[] values, int[] recordedSlots) {
        if (node >= naryValues.length) {
            int cap = Math.max(node + 1, 2 * naryValues.length);
            naryValues = Arrays.copyOf(naryValues, cap);
            naryRecorded = Arrays.copyOf(naryRecorded, cap);
        }
        naryValues[node] = values.clone();
        naryRecorded[node] = recordedSlots.clone();
    }

    @Override
    public void compared(int a, int b, double c, String cmp, boolean outcome) {
        byte k = Guard.kind(cmp);
        guard(a, b, c, k, outcome);
    }

    @Override
    public void read(int a, double v) {
        guard(a, -1, v, Guard.READ, true);
    }

    private void guard(int a, int b, double c, byte kind, boolean outcome) {
        if (guards == guardA.length) {
            int cap = 2 * guards;
            guardA = Arrays.copyOf(guardA, cap);
            guardB = Arrays.copyOf(guardB, cap);
            guardC = Arrays.copyOf(guardC, cap);
            guardKind = Arrays.copyOf(guardKind, cap);
            guardOutcome = Arrays.copyOf(guardOutcome, cap);
        }
        guardA[guards] = a;
        guardB[guards] = b;
        guardC[guards] = c;
        guardKind[guards] = kind;
        guardOutcome[guards++] = outcome;
    }

    @Override
    public void unreplayable(int node) {
        unreplayable = true;
    }

    /**
     * What one row did, in arrays reused from row to row: per node its opcode (Program's), rule,
     * operands and constant slot; n-ary nodes' argument layout; the guards; the output; and the
     * constants by slot.
     */
    static final class Recording {
        final int params;
        int nodes;
        byte[] code = new byte[0];
        Object[] rule = new Object[0];
        int[] argA = new int[0];
        int[] argB = new int[0];
        int[] kslot = new int[0];
        int[][] naryArgs = new int[0][];
        int[][] naryPositions = new int[0][];
        int[][] naryKonst = new int[0][];
        int guards;
        byte[] gKind = new byte[8];
        int[] gA = new int[8];
        int[] gB = new int[8];
        int[] gSlot = new int[8];
        boolean[] gOutcome = new boolean[8];
        int out;
        int outSlot;
        int slots;
        double[] konst = new double[8];

        Recording(int params) {
            this.params = params;
        }

        void reset(int n) {
            nodes = n;
            if (code.length < n) {
                int cap = Math.max(n, 2 * code.length);
                code = Arrays.copyOf(code, cap);
                rule = Arrays.copyOf(rule, cap);
                argA = Arrays.copyOf(argA, cap);
                argB = Arrays.copyOf(argB, cap);
                kslot = Arrays.copyOf(kslot, cap);
                naryArgs = Arrays.copyOf(naryArgs, cap);
                naryPositions = Arrays.copyOf(naryPositions, cap);
                naryKonst = Arrays.copyOf(naryKonst, cap);
            }
            for (int i = 0; i < params; i++) {
                code[i] = Program.NONE;
                rule[i] = null;
                argA[i] = -1;
                argB[i] = -1;
                kslot[i] = -1;
                naryArgs[i] = null;
            }
        }

        void konst(int slot, double c) {
            if (slot >= konst.length) {
                konst = Arrays.copyOf(konst, 2 * konst.length);
            }
            konst[slot] = c;
        }

        void guardCapacity(int g) {
            if (gKind.length < g) {
                gKind = Arrays.copyOf(gKind, g);
                gA = Arrays.copyOf(gA, g);
                gB = Arrays.copyOf(gB, g);
                gSlot = Arrays.copyOf(gSlot, g);
                gOutcome = Arrays.copyOf(gOutcome, g);
            }
        }
    }
}
