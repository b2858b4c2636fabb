package dev.wengert.compile;

import dev.wengert.core.Num;
import dev.wengert.core.ProgramListener;
import dev.wengert.core.Tape;
import dev.wengert.core.TapeStorage;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recording that is replayed for new inputs: what the tape does not keep (the constant
 * operand of each binary rule, the arguments of n-ary rules, the guards), the replay
 * interpreter, and the loops of the recording once they run as generated code.
 *
 * <p>The tape tells a program what it records through {@link ProgramListener}; a replay
 * then recomputes every node's value and partials in the tape's own arrays
 * ({@link TapeStorage}), without allocating per operation, and checks the guards. Sweeps of
 * a replayed tape run here too ({@link #sweep}), because once loops are generated their
 * partials live in the generated code's locals, not in the tape's arrays.
 *
 * <p>The special cases of the interpreter compute exactly what {@code Num}'s methods computed
 * when recording — both call the formulas of {@link Arithmetic} — so replay and recording
 * agree to the bit.
 *
 * <p>Replays and sweeps run the recording as <em>segments</em>: stretches the interpreter runs
 * ({@link #interpret}, {@link #sweepRange}) and loops that run as generated code. Without
 * loops there is one stretch. The interpreter's own loops never see a generated loop, so their
 * JIT-compiled code stays valid when loops arrive (a branch taken for the first time would
 * send a hot method back to the bytecode interpreter for a while). Loops are generated on
 * another thread ({@link Codegen}) and taken up at the start of a call once ready; then a few
 * calls time each loop shape generated and interpreted, and a shape that is not faster is
 * dropped ({@link #callEnded}).
 */
final class Program implements ProgramListener {
    // opcodes of compile(): _K has the constant on the right, K_ on the left
    static final byte NONE = 0;
    static final byte ADD = 1;
    static final byte ADD_K = 2;
    static final byte SUB = 3;
    static final byte SUB_K = 4;
    static final byte K_SUB = 5;
    static final byte MUL = 6;
    static final byte MUL_K = 7;
    static final byte DIV = 8;
    static final byte DIV_K = 9;
    static final byte K_DIV = 10;
    static final byte SQUARE = 11;
    static final byte NEG = 12;
    static final byte RECIPROCAL = 13;
    static final byte UNARY = 14;
    static final byte BINARY = 15;
    static final byte BINARY_K = 16;
    static final byte K_BINARY = 17;
    static final byte NARY = 18;
    static final byte BLOCK = 19;
    static final byte UNKNOWN = 20;

    private final Tape tape;
    private TapeStorage st;

    // what the recording told us
    private double[] konst = new double[64];
    private boolean[] right = new boolean[64];
    private final Map<Integer, double[][]> template = new HashMap<>();
    private final List<Guard> guards = new ArrayList<>();
    private boolean replayable = true;

    // built on the first replay, from the finished recording
    private byte[] code;
    private int codeSize;
    // the first node with something to replay: the leaves before it have nothing to do
    private int firstOp;
    private double[][] naryValues;
    private int[][] narySlots;

    // the leaves a replay sets, when they are consecutive positions (copied in one step)
    private int[] replayLeaves;
    private boolean replayLeavesRun;
    /** Whether the last replay computed values only ({@link #replayValues}): the partials are an older replay's. */
    private boolean partialsStale;
    /**
     * Whether the tape's arrays hold every node's value and partials from the last replay, at
     * the leaves' values it left: it interpreted every node with its partials (no generated
     * loop kept some in locals, it was not values-only) and its guards held. A second-order
     * sweep at those same leaf values may then skip its own replay ({@link #currentAt}).
     */
    private boolean arraysCurrent;

    // the segments replays and sweeps run, in order: [segFrom, segTo) interpreted where segLoop
    // is null (segNary: the n-ary nodes before it), else that generated loop
    private int segments;
    private int[] segFrom = new int[1];
    private int[] segTo = new int[1];
    private Loop[] segLoop = new Loop[1];
    private int[] segNary = new int[1];
    // what a sweep clears: cells from, from + step, … below to (loops' inner nodes live in locals)
    private int[] clearFrom = new int[1];
    private int[] clearTo = new int[1];
    private int[] clearStep = new int[1];
    private int clears;
    // Clear as you go: a sweep from the output sets each adjoint cell it reads back to 0.0 once
    // it has read it (the interpreter, and the generated backward methods), so after one that
    // ran to its end only cells no sweep reads can be non-zero — the leaves, whose adjoints are
    // the gradient, and the nodes below the first operation. The next sweep clears just those
    // (restFrom/restTo, found on first use) instead of the whole array, a memory-bound pass
    // over every node. Any other writer of the adjoints (the tape's own sweep, a vector
    // function's), a sweep that stopped early (an exception, a failed guard) or a change of
    // segments or loops sets consumed back to false: the next sweep clears everything again.
    private boolean consumed;
    private int[] restFrom;
    private int[] restTo;
    private int fullClears;
    private int restClears;

    // A compiled tape's loops, once turned into generated code (Codegen): replays and sweeps
    // from the output run them instead of interpreting their nodes. Generated once the tape has
    // been replayed often enough to pay for the compiler (see codegenAfter()).
    private Loop[] loops;
    private List<LoopGroup> groups;
    /**
     * The output the loops were generated for, and the node from which it is a chain of
     * one-operand operations with constant partials (itself if none): a loop ending there may
     * run in one pass ({@link #replayAndSweep}).
     */
    private int loopsRoot = -1;
    private int loopsEnd = -1;
    private boolean loopsTried;
    private String loopsNote;
    private long replayedNodes;
    private Codegen job;
    private int sourceChars;
    /** The time this recording's calls took while no code was generated for it (repayNanos), and the current call's start. */
    private long callNanos;
    private long callStart;

    // how generated loops run while their speed is being measured: MEASURE_INTERPRETED and
    // MEASURE_GENERATED alternate, then each shape is kept or dropped and RUN stays
    private static final int RUN = 0;
    private static final int MEASURE_INTERPRETED = 1;
    private static final int MEASURE_GENERATED = 2;
    /**
     * Calls measured in each way before shapes are kept or dropped; the fastest of each is
     * compared (the machine's other work only ever slows a call down).
     */
    static final int MEASURED_CALLS = 4;
    private int mode = RUN;
    private int measuredCalls;
    /** Calls measured so far, per kind (0 values, 1 gradients). */
    private final int[] measured = new int[2];

    /** A program recorded on a new private tape of the calling thread's session. */
    Program(String label) {
        this.tape = TapeStorage.programTape(label, this);
    }

    private Program(Tape tape) {
        this.tape = tape;
    }

    // what a program made by reusing() takes over from the one before it, once its own
    // recording is the same size (a recording made and dropped on every call: hvp(f, x, v))
    private byte[] spareCode;
    private Scratch spareScratch;

    /**
     * A new program recorded on {@code old}'s tape, restarted, that takes over its arrays —
     * the tape's, the opcodes', the second-order sweeps' — instead of growing new ones: for a
     * recording made and dropped on every call. {@code old} is done with (it must not be used
     * again), and whatever was recorded on it is refused from now on. Null when old's tape
     * cannot be reused here (another thread's session, or old generated loops: a job may still
     * read its arrays); then old is left as it was.
     */
    static Program reusing(Program old, String label) {
        if (old.loopsTried || old.job != null) {
            return null;
        }
        int oldSize = old.st.size();
        Program p = new Program(old.tape);
        if (!old.st.restart(label, p)) {
            return null;
        }
        // every node with a constant operand reports it while recording (Tape.push1), so a
        // constant is read only where this recording wrote it; the sides are cleared anyway,
        // as the opcodes are chosen from them (a tenth of the bytes of the constants)
        Arrays.fill(old.right, 0, Math.min(oldSize, old.right.length), false);
        p.konst = old.konst;
        p.right = old.right;
        p.spareCode = old.code != null ? old.code : old.spareCode;
        p.spareScratch = old.scratch != null ? old.scratch : old.spareScratch;
        old.st = null;                             // any later use of old fails at once
        old.code = null;
        old.scratch = null;
        return p;
    }

    /** A new input of the recording. */
    Num parameter(double value) {
        return st.parameter(value);
    }

    /** x's position if it was recorded here, else −1. */
    int positionOf(Num x) {
        return st.positionOf(x);
    }

    /** The tape the program records on. */
    Tape tape() {
        return tape;
    }

    // ---- what the recording tells us -------------------------------------------------------------

    @Override
    public void attached(TapeStorage storage) {
        this.st = storage;
    }

    @Override
    public void constantOperand(int node, double c, boolean onRight) {
        if (node >= konst.length) {
            int cap = Math.max(node + 1, konst.length * 2);
            konst = Arrays.copyOf(konst, cap);
            right = Arrays.copyOf(right, cap);
        }
        konst[node] = c;
        right[node] = onRight;
    }

    @Override
    public void naryOperation(int node, NaryRule rule, int[] in, double[] values, int[] recordedSlots) {
        template.put(node, new double[][] {values.clone(), toDoubles(recordedSlots)});
    }

    @Override
    public void compared(int a, int b, double c, String cmp, boolean outcome) {
        byte k = Guard.kind(cmp);
        guards.add(new Guard(a, b, c, k, outcome));
    }

    @Override
    public void read(int a, double v) {
        guards.add(new Guard(a, -1, v, Guard.READ, true));
    }

    @Override
    public void unreplayable(int node) {
        replayable = false;
    }

    private static double[] toDoubles(int[] a) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            d[k] = a[k];
        }
        return d;
    }

    private static int[] toInts(double[] a) {
        int[] r = new int[a.length];
        for (int k = 0; k < a.length; k++) {
            r[k] = (int) a[k];
        }
        return r;
    }

    /** Whether the recorded program can be replayed (no nested nodes were recorded). */
    boolean replayable() {
        return replayable;
    }

    // ---- what second-order sweeps read (SecondOrder) -------------------------------------------------

    /**
     * A replay that interprets every node, generated loops or not, so that the tape's arrays
     * hold every value and partial (a second-order sweep reads them all); false when a guard
     * fails.
     */
    boolean replayInterpreted(int[] leaves, double[] x) {
        int size = st.size();
        if (code == null || codeSize != size) {
            compile();
        }
        double[] val = st.values();
        for (int k = 0; k < leaves.length; k++) {
            val[leaves[k]] = x[k];
        }
        if (firstOp < size) {
            interpret(firstOp, size, 0);
        }
        partialsStale = false;
        arraysCurrent = false;
        for (int k = 0, n = guards.size(); k < n; k++) {
            if (!guards.get(k).holds(val)) {
                return false;
            }
        }
        st.valuesChanged();
        arraysCurrent = true;
        return true;
    }

    /**
     * Whether the tape's arrays hold every value and partial for leaves at exactly {@code x}
     * (bit for bit): the last replay interpreted every node with partials at these leaf values
     * and its guards held, so a replay now would write the same bits again. Generated loops
     * (their partials stay in locals), a values-only replay, or a failed guard make it false
     * until the next replay that interprets everything.
     */
    boolean currentAt(int[] leaves, double[] x) {
        if (!arraysCurrent || code == null || codeSize != st.size()) {
            return false;
        }
        double[] val = st.values();
        for (int k = 0; k < leaves.length; k++) {
            if (Double.doubleToRawLongBits(val[leaves[k]]) != Double.doubleToRawLongBits(x[k])) {
                return false;
            }
        }
        return true;
    }

    byte[] code() {
        return code;
    }

    /** The arrays of second-order sweeps, sized to the recording once and reused (SecondOrder). */
    static final class Scratch {
        final double[] tangents;
        final double[] adjointTangents;
        /**
         * The adjoints and reach of the second-order sweep's own backward pass: its own, not
         * the tape's, so a product leaves the tape's last gradient sweep (and what generated
         * loops expect of the tape's adjoints) as it was.
         */
        final double[] adjoints;
        final boolean[] reached;
        /** Per block's last node, its first + 1 (0 elsewhere); null without array operations. */
        final int[] blockFirst;
        /** Per n-ary node, its index among them; null without n-ary nodes. */
        final int[] naryIndex;
        /** Per n-ary node (by index), its arguments and their tangents, reused by every sweep. */
        final double[][] naryArgs;
        final double[][] naryTangents;
        /**
         * Whether a node without operands sits at or above the first operation, outside an
         * array operation's block (a leaf recorded late): then the sweeps clear their arrays
         * before they start, since such a node's cells are results the pass must not clear.
         */
        final boolean bareNodes;
        /** Whether adjoints, adjointTangents and reached are all 0 (the backward pass left them so). */
        boolean clean = true;
        /**
         * Per node, whether a product needs its tangent ({@link SecondOrder#neededTangents}),
         * worked out on the first product; null when every tangent is computed (array operations).
         */
        boolean[] neededTangents;
        boolean neededKnown;

        Scratch(int size, boolean blocks, double[][] naryValues, boolean bareNodes) {
            this(size, null, blocks, naryValues, bareNodes);
        }

        /**
         * The scratch of a new recording of {@code size} nodes that takes over the arrays of
         * {@code old} (an earlier recording's, of the same size, unless null): the sweeps leave
         * their adjoints clean or say they did not ({@link #clean}), read a tangent only after
         * they wrote it, and read an n-ary index only where they wrote one; the marks of block
         * ends are cleared, since the backward pass reads them everywhere.
         */
        Scratch(int size, Scratch old, boolean blocks, double[][] naryValues, boolean bareNodes) {
            this.bareNodes = bareNodes;
            boolean reuse = old != null && old.tangents.length == size;
            tangents = reuse ? old.tangents : new double[size];
            adjointTangents = reuse ? old.adjointTangents : new double[size];
            adjoints = reuse ? old.adjoints : new double[size];
            reached = reuse ? old.reached : new boolean[size];
            clean = !reuse || old.clean;
            if (blocks && reuse && old.blockFirst != null) {
                blockFirst = old.blockFirst;
                Arrays.fill(blockFirst, 0);
            } else {
                blockFirst = blocks ? new int[size] : null;
            }
            naryIndex = naryValues.length == 0 ? null : reuse && old.naryIndex != null ? old.naryIndex : new int[size];
            naryArgs = new double[naryValues.length][];
            naryTangents = new double[naryValues.length][];
            for (int k = 0; k < naryValues.length; k++) {
                naryArgs[k] = new double[naryValues[k].length];
                naryTangents[k] = new double[naryValues[k].length];
            }
        }
    }

    private Scratch scratch;

    Scratch scratch() {
        ensureCompiled();                          // the scratch is shaped by the opcodes
        int size = st.size();
        if (scratch == null || scratch.tangents.length != size) {
            boolean bare = false;
            for (int i = firstOp; i < size && !bare; i++) {
                if (code[i] == BLOCK) {
                    i = st.blockEnd(i);
                } else {
                    bare = code[i] == NONE;
                }
            }
            scratch = new Scratch(size, scratch != null ? scratch : spareScratch, st.hasBlocks(), naryValues, bare);
            spareScratch = null;
        }
        return scratch;
    }

    /** Turns the finished recording into opcodes if no replay has yet. */
    void ensureCompiled() {
        if (code == null || codeSize != st.size()) {
            compile();
        }
    }

    double[] constants() {
        return konst;
    }

    boolean constantOnRight(int node) {
        return right[node];
    }

    int firstOp() {
        return firstOp;
    }

    TapeStorage storage() {
        return st;
    }

    /** The argument values (constants in place) and recorded slots of the k-th n-ary node. */
    double[] naryValues(int k) {
        return naryValues[k];
    }

    int[] narySlots(int k) {
        return narySlots[k];
    }

    /** Whether the recording has array operations (they are swept backward only). */
    boolean hasBlocks() {
        return st.hasBlocks();
    }

    /** A backward sweep from several roots with their seeds (vector functions: no generated loops). */
    void backward(int[] roots, double[] seeds) {
        checkPartials();
        consumed = false;
        st.backward(roots, seeds);
    }

    /**
     * Two rows of a vector function's Jacobian in one backward pass (no array operations): the
     * adjoints of a sweep from {@code rootA} with seed 1 into {@code adjA}, and of one from
     * {@code rootB} into {@code adjB} ({@code rootB < 0}: row A alone). {@code reachA} and
     * {@code reachB} are what a sweep from each root reaches in this recording, kept from an
     * earlier full sweep (a replay changes values, not structure), so nothing is marked again.
     * Each row's array sees the products of the tape's own sweep in the same order — a node is
     * swept for a row where its adjoint there is non-zero or the row reaches it, exactly the
     * tape's rule — so both rows are the same bits as two sweeps of the tape; the pass reads each
     * node's arguments and partials once for both. Read a row's node only where its reach marks
     * it (elsewhere the derivative is 0). The arrays are the caller's, at least size long; the
     * tape's own adjoints are left as they were.
     */
    void sweepRows(int rootA, double[] adjA, boolean[] reachA, int rootB, double[] adjB, boolean[] reachB) {
        checkPartials();
        int[] starts = st.starts();
        int[] in = st.args();
        double[] p = st.partials();
        if (rootB < 0) {
            Arrays.fill(adjA, 0, rootA + 1, 0.0);
            adjA[rootA] += 1.0;
            sweepOver(rootA, 0, starts[rootA + 1], adjA, reachA, starts, in, p, false);
            return;
        }
        int hi = Math.max(rootA, rootB);
        Arrays.fill(adjA, 0, hi + 1, 0.0);
        Arrays.fill(adjB, 0, hi + 1, 0.0);
        adjA[rootA] += 1.0;
        adjB[rootB] += 1.0;
        sweepPair(hi, starts[hi + 1], adjA, reachA, adjB, reachB, starts, in, p);
    }

    /** {@link #sweepRows} for two rows over the tape's arrays (arguments, as in {@link #sweepOver}). */
    private static void sweepPair(int hi, int e, double[] a, boolean[] ha, double[] b, boolean[] hb, int[] starts,
            int[] in, double[] p) {
        for (int i = hi; i >= 0; i--) {
            int s = starts[i];
            if (s != e) {                            // s == e: a leaf (there are no array operations)
                double ga = a[i];
                double gb = b[i];
                boolean doA = ga != 0 || ha[i];
                boolean doB = gb != 0 || hb[i];
                int n = e - s;
                if (n == 2) {
                    int j0 = in[s];
                    int j1 = in[s + 1];
                    double p0 = p[s];
                    double p1 = p[s + 1];
                    if (doA) {
                        a[j0] += p0 * ga;
                        a[j1] += p1 * ga;
                    }
                    if (doB) {
                        b[j0] += p0 * gb;
                        b[j1] += p1 * gb;
                    }
                } else if (n == 1) {
                    int j0 = in[s];
                    double p0 = p[s];
                    if (doA) {
                        a[j0] += p0 * ga;
                    }
                    if (doB) {
                        b[j0] += p0 * gb;
                    }
                } else {
                    if (doA) {
                        for (int k = s; k < e; k++) {
                            a[in[k]] += p[k] * ga;
                        }
                    }
                    if (doB) {
                        for (int k = s; k < e; k++) {
                            b[in[k]] += p[k] * gb;
                        }
                    }
                }
            }
            e = s;
        }
    }

    /** Tangents of every node up to upTo, given tangents of some leaves (vector functions). */
    double[] forwardSweep(int[] leaves, double[] seeds, int upTo) {
        checkPartials();
        return st.forwardSweep(leaves, seeds, upTo);
    }

    /** How many guards the recorded program has. */
    int guards() {
        return guards.size();
    }

    // ---- replay -------------------------------------------------------------------------------------

    /**
     * Replays the recorded program for new leaf values: every node's value and partials are
     * recomputed in place, without allocating per operation. Returns false when a guard fails
     * (a branch would go the other way): the caller must record again.
     */
    boolean replay(int[] leaves, double[] x) {
        return replay(leaves, x, null);
    }

    /** The replay, running loop {@code fuse} (if not null) with its backward ({@link #replayAndSweep}). */
    private boolean replay(int[] leaves, double[] x, Loop fuse) {
        final double[] val = setLeaves(leaves, x);
        partialsStale = false;
        // generated code keeps its loops' inner partials in locals: only an all-interpreted replay fills the arrays
        boolean interpreted = true;
        for (int s = 0; s < segments; s++) {
            Loop l = segLoop[s];
            if (l == null) {
                interpret(segFrom[s], segTo[s], segNary[s]);
            } else if (mode == RUN) {
                interpreted = false;
                if (l == fuse) {
                    run(l.fused, l, val, st.adjoints(), st.partials());
                } else {
                    runForward(l, val, st.partials());
                }
            } else {
                long t0 = System.nanoTime();
                if (mode == MEASURE_INTERPRETED) {
                    interpret(l.lo, l.end(), segNary[s]);
                } else if (l == fuse) {
                    interpreted = false;
                    run(l.fused, l, val, st.adjoints(), st.partials());
                } else {
                    interpreted = false;
                    runForward(l, val, st.partials());
                }
                l.group.current += System.nanoTime() - t0;
            }
        }
        boolean held = guardsHold(val);
        arraysCurrent = held && interpreted;
        return held;
    }

    /**
     * A replay for a value without derivatives: every node's value is recomputed as
     * {@link #replay} does — the same formulas in the same order, so the same bits — but no
     * partial: the interpreter calls only each rule's {@code value}, and generated loops run
     * their values-only method ({@link Loop#values}). The guards are checked as after any
     * replay: false when one fails (the caller records again). The partials left in the tape
     * describe an older replay, so nothing may sweep until the next full {@link #replay}
     * ({@link #checkPartials}).
     */
    boolean replayValues(int[] leaves, double[] x) {
        final double[] val = setLeaves(leaves, x);
        partialsStale = true;
        arraysCurrent = false;
        for (int s = 0; s < segments; s++) {
            Loop l = segLoop[s];
            if (l == null) {
                interpretValues(segFrom[s], segTo[s], segNary[s]);
            } else if (mode == RUN) {
                runValues(l, val);
            } else {
                long t0 = System.nanoTime();
                if (mode == MEASURE_INTERPRETED) {
                    interpretValues(l.lo, l.end(), segNary[s]);
                } else {
                    runValues(l, val);
                }
                l.group.current += System.nanoTime() - t0;
            }
        }
        return guardsHold(val);
    }

    /** Compiles the recording if it changed, and writes the leaves' new values; returns the values array. */
    private double[] setLeaves(int[] leaves, double[] x) {
        int size = st.size();
        if (code == null || codeSize != size) {
            compile();
        }
        final double[] val = st.values();
        if (leaves != replayLeaves) {
            replayLeaves = leaves;
            replayLeavesRun = consecutive(leaves);
        }
        if (replayLeavesRun) {
            System.arraycopy(x, 0, val, leaves[0], leaves.length);
        } else {
            for (int k = 0; k < leaves.length; k++) {
                val[leaves[k]] = x[k];
            }
        }
        return val;
    }

    /** Whether every guard holds for the replayed values (then the tape's last sweep is out of date). */
    private boolean guardsHold(double[] val) {
        // indexed, not for-each: an iterator per replay would be the replay's only allocation
        for (int k = 0, n = guards.size(); k < n; k++) {
            if (!guards.get(k).holds(val)) {
                return false;
            }
        }
        st.valuesChanged();
        return true;
    }

    /**
     * Sweeps read the partials a replay stores; after a values-only replay
     * ({@link #replayValues}) they belong to older values. Every caller replays in full before
     * it sweeps, so this only ever fails on a bug, and fails loudly instead of giving a wrong
     * derivative.
     */
    private void checkPartials() {
        if (partialsStale) {
            throw new IllegalStateException("a sweep of a compiled tape after a values-only replay: its partials are "
                    + "out of date (replay() must run first)");
        }
    }

    /**
     * Values of nodes [from, to) ({@code nary}: the n-ary nodes before from), without partials:
     * the value half of {@link #interpret}, each case the same expression as there.
     */
    private void interpretValues(int from, int to, int nary) {
        interpretValuesOver(from, to, nary, st.values(), st.args(), st.starts(), st.ops());
    }

    /** {@link #interpretValues} over the tape's arrays (see {@link #interpretOver} for why they are arguments). */
    private void interpretValuesOver(int from, int to, int nary, double[] val, int[] in, int[] starts, Object[] op) {
        final byte[] code = this.code;
        final double[] konst = this.konst;
        for (int i = from; i < to; i++) {
            int s = starts[i];
            switch (code[i]) {
                case NONE -> { }
                case ADD -> val[i] = Arithmetic.ADD.value(val[in[s]], val[in[s + 1]]);
                case ADD_K -> val[i] = Arithmetic.ADD.value(val[in[s]], konst[i]);
                case SUB -> val[i] = Arithmetic.SUB.value(val[in[s]], val[in[s + 1]]);
                case SUB_K -> val[i] = Arithmetic.SUB.value(val[in[s]], konst[i]);
                case K_SUB -> val[i] = Arithmetic.SUB.value(konst[i], val[in[s]]);
                case MUL -> val[i] = Arithmetic.MUL.value(val[in[s]], val[in[s + 1]]);
                case MUL_K -> val[i] = Arithmetic.MUL.value(val[in[s]], konst[i]);
                case DIV -> val[i] = Arithmetic.DIV.value(val[in[s]], val[in[s + 1]]);
                case DIV_K -> val[i] = Arithmetic.DIV.value(val[in[s]], konst[i]);
                case K_DIV -> val[i] = Arithmetic.DIV.value(konst[i], val[in[s]]);
                case SQUARE -> val[i] = Arithmetic.SQUARE.value(val[in[s]]);
                case NEG -> val[i] = Arithmetic.NEG.value(val[in[s]]);
                case RECIPROCAL -> val[i] = Arithmetic.RECIPROCAL.value(val[in[s]]);
                case UNARY -> val[i] = ((UnaryRule) op[i]).value(val[in[s]]);
                case BINARY -> val[i] = ((BinaryRule) op[i]).value(val[in[s]], val[in[s + 1]]);
                case BINARY_K -> val[i] = ((BinaryRule) op[i]).value(val[in[s]], konst[i]);
                case K_BINARY -> val[i] = ((BinaryRule) op[i]).value(konst[i], val[in[s]]);
                case NARY -> {
                    double[] vals = naryValues[nary];
                    int[] slots = narySlots[nary++];
                    for (int k = 0; k < slots.length; k++) {
                        vals[slots[k]] = val[in[s + k]];
                    }
                    val[i] = ((NaryRule) op[i]).value(vals);
                }
                case BLOCK -> {
                    // an array operation computes its output block only (its pullback works from the values)
                    st.blockStartingAt(i).forward(val);
                    i = st.blockEnd(i);
                }
                default -> throw new IllegalStateException("replay: node #" + i + " (" + tape.op(i)
                        + ") has no rule to replay");
            }
        }
    }

    /**
     * Replays nodes [from, to) ({@code nary}: the n-ary nodes before from). Partials that are
     * constants (add, sub, neg, and mul or div by a constant) were stored when recording and
     * stay valid: only the value is recomputed.
     */
    private void interpret(int from, int to, int nary) {
        interpretOver(from, to, nary, st.values(), st.partials(), st.args(), st.starts(), st.ops());
    }

    // The loop methods below (interpretOver, interpretValuesOver, sweepOver) take the tape's
    // arrays as arguments, read by a small method around each, instead of reading them
    // through the TapeStorage accessors before their loop: C2 compiles a loop method from its
    // back edges when it has been called only a few times, and a call it has seen fewer than
    // MinInliningThreshold (250) times is not inlined, so the accessors stayed calls and every
    // array lived on the stack across them, reloaded in the loop (the interpreter-only replay
    // was 30% slower so, issue 18's A/B).
    private void interpretOver(int from, int to, int nary, double[] val, double[] part, int[] in, int[] starts,
            Object[] op) {
        final byte[] code = this.code;
        final double[] konst = this.konst;
        for (int i = from; i < to; i++) {
            int s = starts[i];
            switch (code[i]) {
                case NONE -> { }
                case ADD -> val[i] = Arithmetic.ADD.value(val[in[s]], val[in[s + 1]]);
                case ADD_K -> val[i] = Arithmetic.ADD.value(val[in[s]], konst[i]);
                case SUB -> val[i] = Arithmetic.SUB.value(val[in[s]], val[in[s + 1]]);
                case SUB_K -> val[i] = Arithmetic.SUB.value(val[in[s]], konst[i]);
                case K_SUB -> val[i] = Arithmetic.SUB.value(konst[i], val[in[s]]);
                case MUL -> {
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    double y = Arithmetic.MUL.value(a, b);
                    val[i] = y;
                    part[s] = Arithmetic.MUL.partialA(a, b, y);
                    part[s + 1] = Arithmetic.MUL.partialB(a, b, y);
                }
                case MUL_K -> val[i] = Arithmetic.MUL.value(val[in[s]], konst[i]);
                case DIV -> {
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    double y = Arithmetic.DIV.value(a, b);
                    val[i] = y;
                    part[s] = Arithmetic.DIV.partialA(a, b, y);
                    part[s + 1] = Arithmetic.DIV.partialB(a, b, y);
                }
                case DIV_K -> val[i] = Arithmetic.DIV.value(val[in[s]], konst[i]);
                case K_DIV -> {
                    double b = val[in[s]];
                    double y = Arithmetic.DIV.value(konst[i], b);
                    val[i] = y;
                    part[s] = Arithmetic.DIV.partialB(konst[i], b, y);
                }
                case SQUARE -> {
                    double a = val[in[s]];
                    double y = Arithmetic.SQUARE.value(a);
                    val[i] = y;
                    part[s] = Arithmetic.SQUARE.partial(a, y);
                }
                case NEG -> val[i] = Arithmetic.NEG.value(val[in[s]]);
                case RECIPROCAL -> {
                    double a = val[in[s]];
                    double y = Arithmetic.RECIPROCAL.value(a);
                    val[i] = y;
                    part[s] = Arithmetic.RECIPROCAL.partial(a, y);
                }
                case UNARY -> {
                    UnaryRule r = (UnaryRule) op[i];
                    double a = val[in[s]];
                    double y = r.value(a);
                    val[i] = y;
                    part[s] = r.partial(a, y);
                }
                case BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    double y = r.value(a, b);
                    val[i] = y;
                    part[s] = r.partialA(a, b, y);
                    part[s + 1] = r.partialB(a, b, y);
                }
                case BINARY_K -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double a = val[in[s]];
                    double y = r.value(a, konst[i]);
                    val[i] = y;
                    part[s] = r.partialA(a, konst[i], y);
                }
                case K_BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double b = val[in[s]];
                    double y = r.value(konst[i], b);
                    val[i] = y;
                    part[s] = r.partialB(konst[i], b, y);
                }
                case NARY -> {
                    NaryRule r = (NaryRule) op[i];
                    double[] vals = naryValues[nary];
                    int[] slots = narySlots[nary++];
                    for (int k = 0; k < slots.length; k++) {
                        vals[slots[k]] = val[in[s + k]];
                    }
                    double y = r.value(vals);
                    val[i] = y;
                    double[] p = r.partials(vals, y);
                    for (int k = 0; k < slots.length; k++) {
                        part[s + k] = p[slots[k]];
                    }
                }
                case BLOCK -> {
                    st.blockStartingAt(i).forward(val);
                    i = st.blockEnd(i);               // the members in between have nothing to replay
                }
                default -> throw new IllegalStateException("replay: node #" + i + " (" + tape.op(i)
                        + ") has no rule to replay");
            }
        }
    }

    /**
     * Turns the recording into one opcode per node, so that replay dispatches with a switch
     * instead of type tests, and the common arithmetic runs inline instead of through the
     * rules' virtual calls.
     */
    private void compile() {
        int size = st.size();
        Object[] op = st.ops();
        int[] starts = st.starts();
        if (konst.length < size) {
            konst = Arrays.copyOf(konst, size);
            right = Arrays.copyOf(right, size);
        }
        byte[] c = spareCode != null && spareCode.length == size ? spareCode : new byte[size];
        spareCode = null;
        List<double[]> values = new ArrayList<>();
        List<int[]> slots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Object o = op[i];
            int arity = starts[i + 1] - starts[i];
            boolean r = right[i];
            byte k;
            if (arity == 0) {
                // a block's entry at its first position runs it; its members, its last position
                // and a leaf: nothing (the members are skipped, not looked at one by one)
                if (st.blockStartingAt(i) != null) {
                    int end = st.blockEnd(i);
                    c[i] = BLOCK;
                    Arrays.fill(c, i + 1, end + 1, NONE);
                    i = end;
                    continue;
                }
                k = NONE;
            } else if (o == Arithmetic.ADD) {
                k = arity == 2 ? ADD : ADD_K;
            } else if (o == Arithmetic.SUB) {
                k = arity == 2 ? SUB : r ? SUB_K : K_SUB;
            } else if (o == Arithmetic.MUL) {
                k = arity == 2 ? MUL : MUL_K;
            } else if (o == Arithmetic.DIV) {
                k = arity == 2 ? DIV : r ? DIV_K : K_DIV;
            } else if (o == Arithmetic.SQUARE) {
                k = SQUARE;
            } else if (o == Arithmetic.NEG) {
                k = NEG;
            } else if (o == Arithmetic.RECIPROCAL) {
                k = RECIPROCAL;
            } else if (o instanceof UnaryRule) {
                k = UNARY;
            } else if (o instanceof BinaryRule) {
                k = arity == 2 ? BINARY : r ? BINARY_K : K_BINARY;
            } else if (o instanceof NaryRule) {
                k = NARY;
                double[][] t = template.get(i);
                values.add(t[0]);
                slots.add(toInts(t[1]));
            } else {
                k = UNKNOWN;
            }
            c[i] = k;
        }
        naryValues = values.toArray(new double[0][]);
        narySlots = slots.toArray(new int[0][]);
        code = c;
        codeSize = size;
        forgetRest();                              // the recording grew: new leaves, new cells
        arraysCurrent = false;                     // the recording grew: its new nodes were never replayed
        int first = 0;
        while (first < size && c[first] == NONE) {
            first++;
        }
        firstOp = first;
        if (loops != null || job != null) {
            discard();                             // built for the old code
            loopsTried = false;
        }
        plainSegments();
    }

    private static boolean consecutive(int[] leaves) {
        for (int k = 1; k < leaves.length; k++) {
            if (leaves[k] != leaves[0] + k) {
                return false;
            }
        }
        return leaves.length > 0;
    }

    // ---- sweeps -------------------------------------------------------------------------------------

    /**
     * Sweeps backward from {@code root} with seed 1. The first sweep from a root, or one after the
     * recording changed, is the tape's own (it finds what the sweep reaches); later sweeps from
     * the same root know that already (a replay changes values, not structure) and run the
     * generated loops where there are any.
     */
    void sweep(int root) {
        checkPartials();
        if (!st.reachIsFrom(root)) {
            if (loops != null) {
                // generated loops keep their partials in locals: the tape's arrays no longer hold
                // them, so only the sweep they were built for may run (a CompiledFn sweeps only so)
                throw new IllegalStateException("a tape with generated loops swept from #" + root
                        + ", not from its output #" + loopsRoot);
            }
            consumed = false;
            tape.backward(root);
            return;
        }
        clearAdjoints();
        st.adjoints()[root] += 1.0;
        sweepFrom(root, st.starts()[root + 1]);
        st.swept(root);
        consumed = code != null;                   // the segments covered every node from the root down
    }

    /**
     * The known-reach sweep from node {@code from} down, {@code e} being where the arguments of
     * the node above it start: the segments at or below from, the loops among them generated
     * (the root may sit inside one — what f returned was not the last thing it recorded — and
     * that loop runs from its end, its later slots being dead).
     */
    private void sweepFrom(int from, int e) {
        int s = segments - 1;
        while (s > 0 && segFrom[s] > from) {
            s--;
        }
        int low = code != null ? firstOp : 0;
        for (; s >= 0 && from >= low; s--) {
            Loop l = segLoop[s];
            if (l == null) {
                e = sweepRange(Math.min(from, segTo[s] - 1), segFrom[s], e);
            } else if (mode == RUN) {
                runBackward(l, st.values(), st.adjoints(), st.partials());
                e = st.starts()[l.lo];
            } else {
                long t0 = System.nanoTime();
                if (mode == MEASURE_INTERPRETED) {
                    e = sweepRange(Math.min(from, l.last()), l.lo, e);
                } else {
                    runBackward(l, st.values(), st.adjoints(), st.partials());
                    e = st.starts()[l.lo];
                }
                l.group.current += System.nanoTime() - t0;
            }
            from = segFrom[s] - 1;
        }
    }

    /**
     * The sweep over nodes hi down to lo, {@code e} being where the arguments of node hi + 1
     * start; returns where lo's start. A node is skipped when its adjoint is zero and it was not
     * reached, which is exactly the full sweep's rule (an unreached node's adjoint is always
     * zero; a reached one with a zero adjoint still propagates, so 0·∞ gives NaN there as
     * before).
     */
    private int sweepRange(int hi, int lo, int e) {
        return sweepOver(hi, lo, e, st.adjoints(), st.reached(), st.starts(), st.args(), st.partials(), true);
    }

    /**
     * {@link #sweepRange} over the tape's arrays (see {@link #interpretOver} for why they are
     * arguments). Nodes of one and two operands, nearly all of them, are swept without the
     * inner loop: C2 gives a loop of unknown count a pre-loop, an unrolled main loop and a
     * post-loop, costly at one or two turns (gradbench's gmm.scalar: this sweep took 1.6× the
     * values-only replay with the loop, 1.25× without). The products and their order are the
     * loop's, so the adjoints are the same bits. With {@code consume} each node swept is set
     * back to 0.0 once read (clear as you go, see {@link #consumed}); a leaf keeps its adjoint.
     */
    private static int sweepOver(int hi, int lo, int e, double[] adj, boolean[] hit, int[] starts, int[] in, double[] p,
            boolean consume) {
        for (int i = hi; i >= lo; i--) {
            int s = starts[i];
            double g = adj[i];
            if (s != e && (g != 0 || hit[i])) {      // s == e: a leaf (there are no array operations)
                if (consume) {
                    adj[i] = 0.0;                     // arguments are earlier nodes: none of the stores below is to i
                }
                int n = e - s;
                if (n == 2) {
                    adj[in[s]] += p[s] * g;
                    adj[in[s + 1]] += p[s + 1] * g;
                } else if (n == 1) {
                    adj[in[s]] += p[s] * g;
                } else {
                    for (int k = s; k < e; k++) {
                        adj[in[k]] += p[k] * g;
                    }
                }
            }
            e = s;
        }
        return e;
    }

    /**
     * Clears the adjoints a sweep reads: all but the loops' inner nodes, which live in locals;
     * after a sweep that cleared as it went, only the cells it leaves behind ({@link #consumed}).
     */
    private void clearAdjoints() {
        double[] adjoint = st.adjoints();
        boolean rest = consumed;
        consumed = false;                          // until this sweep has run to its end
        if (mode == MEASURE_INTERPRETED) {
            Arrays.fill(adjoint, 0, st.size(), 0.0);
            fullClears++;
            return;
        }
        if (rest) {
            if (restFrom == null) {
                findRest();
            }
            for (int c = 0; c < restFrom.length; c++) {
                Arrays.fill(adjoint, restFrom[c], restTo[c], 0.0);
            }
            restClears++;
            return;
        }
        fullClears++;
        for (int c = 0; c < clears; c++) {
            int step = clearStep[c];
            if (step == 1) {
                Arrays.fill(adjoint, clearFrom[c], clearTo[c], 0.0);
            } else {
                for (int i = clearFrom[c], to = clearTo[c]; i < to; i += step) {
                    adjoint[i] = 0.0;
                }
            }
        }
    }

    /**
     * The cells a sweep that clears as it goes leaves behind: every node below the first
     * operation (a sweep over generated code stops there) and every leaf above it, in runs.
     */
    private void findRest() {
        int[] starts = st.starts();
        int size = st.size();
        List<int[]> runs = new ArrayList<>();
        int from = -1;
        for (int i = 0; i <= size; i++) {
            boolean left = i < size && (i < firstOp || starts[i] == starts[i + 1]);
            if (left && from < 0) {
                from = i;
            } else if (!left && from >= 0) {
                runs.add(new int[] {from, i});
                from = -1;
            }
        }
        restFrom = new int[runs.size()];
        restTo = new int[runs.size()];
        for (int k = 0; k < runs.size(); k++) {
            restFrom[k] = runs.get(k)[0];
            restTo[k] = runs.get(k)[1];
        }
    }

    /** Forgets what the last sweep left behind: the next one clears every adjoint it may read. */
    private void forgetRest() {
        consumed = false;
        restFrom = null;
        restTo = null;
    }

    /** How many sweeps cleared every adjoint they read first (tests count them). */
    int fullClears() {
        return fullClears;
    }

    /** How many cells a sweep after one that cleared as it went clears (tests count them). */
    int restCells() {
        if (restFrom == null) {
            findRest();
        }
        int n = 0;
        for (int c = 0; c < restFrom.length; c++) {
            n += restTo[c] - restFrom[c];
        }
        return n;
    }

    /** How many sweeps cleared only the cells the previous one left behind (tests count them). */
    int restClears() {
        return restClears;
    }

    /**
     * Whether {@link #replayAndSweep} applies to a gradient of {@code root}: a generated loop
     * ends at the root, or where the chain to it starts ({@link #chainStart}), and has a fused
     * method (forward and backward in one pass), and the last sweep, from the same root, found
     * what it reaches.
     */
    boolean replaysWithSweep(int root) {
        return root == loopsRoot && mode != MEASURE_INTERPRETED && st.reachIsFrom(root) && code != null
                && codeSize == st.size() && fusedLoop() != null;
    }

    /** The generated loop that ends at the end of the output's chain and has a fused method, or null. */
    private Loop fusedLoop() {
        for (int m = loops == null ? -1 : loops.length - 1; m >= 0; m--) {
            if (loops[m].last() == loopsEnd && loops[m].fused != null) {
                return loops[m];
            }
        }
        return null;
    }

    /**
     * A replay and the backward sweep from {@code root} (seed 1), with the loop that ends at the
     * root (or at the start of its chain) run forward and backward in one pass
     * ({@link #replaysWithSweep} must hold): the adjoints are cleared and seeded first, the
     * chain is swept (its partials are constants), the replay runs the loop's fused code, and
     * the sweep goes on from the node below the loop. The adjoints are the same, to the bit, as
     * those of {@link #replay} and {@link #sweep}: the same operations in the same order.
     * Returns false when a guard fails, as {@link #replay} does.
     */
    boolean replayAndSweep(int[] leaves, double[] x, int root) {
        Loop l = fusedLoop();
        clearAdjoints();
        double[] adjoint = st.adjoints();
        int[] starts = st.starts();
        int[] args = st.args();
        double[] partials = st.partials();
        adjoint[root] += 1.0;
        for (int i = root; i > loopsEnd; i--) {
            int s = starts[i];
            double g = adjoint[i];
            adjoint[i] = 0.0;                      // cleared as the sweep goes (see consumed)
            adjoint[args[s]] += partials[s] * g;
        }
        if (!replay(leaves, x, l)) {
            return false;
        }
        sweepFrom(l.lo - 1, starts[l.lo]);
        st.swept(root);
        consumed = true;
        return true;
    }

    /**
     * The adjoints of {@code nodes} from the last sweep into {@code out} (0 where it did not
     * reach), in one copy when the nodes are the consecutive leaves of the last replay.
     */
    void adjoints(int[] nodes, double[] out) {
        int n = nodes.length;
        if (n > 0 && nodes == replayLeaves && replayLeavesRun && st.sweptBelow(nodes[n - 1])) {
            // every sweep clears the leaves' adjoints first (all of them, or what the last one left), so one it did not reach is 0 here
            System.arraycopy(st.adjoints(), nodes[0], out, 0, n);
            return;
        }
        for (int k = 0; k < n; k++) {
            out[k] = tape.adjoint(nodes[k]);
        }
    }

    // ---- generated loops ----------------------------------------------------------------------------

    /**
     * How many operations a compiled tape must have replayed (replays times size) before its
     * loops are compiled to Java, when {@code -Dwengert.codegen=N} sets it (0: from the first
     * replay on, as the tests do); {@code off} turns code generation off. Unset (−1), the
     * calls' time decides instead ({@link #repayNanos}).
     */
    static long codegenAfter() {
        String s = System.getProperty("wengert.codegen");
        if (s == null || s.isBlank()) {
            return -1;
        }
        if (s.equalsIgnoreCase("off") || s.equalsIgnoreCase("false")) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dwengert.codegen=" + s + ": give off, or the number of replayed "
                    + "operations after which a compiled tape's loops become generated code (e.g. 20000000)");
        }
    }

    /**
     * What generating a tape's loops is estimated to cost, in CPU time: about 0.5 s for javac in
     * its child process (a JVM of its own) and 2 µs per recorded operation for finding the loops
     * and writing their source (measured on gradbench's llsq, 264,321 operations: 1 s to find
     * and write in a cold JVM, 0.45 s of javac). Code is generated once the calls of a tape have
     * taken that long interpreted: the ski-rental rule, so a program whose calls never add up to
     * the cost never pays it (its calls stay as fast as with code generation off), and one that
     * runs longer pays at most as much again as it had spent. {@code -Dwengert.codegen.repay=MS}
     * replaces the estimate by MS milliseconds (0: after the first call).
     */
    static long repayNanos(int size) {
        String s = System.getProperty("wengert.codegen.repay");
        if (s == null || s.isBlank()) {
            return 500_000_000L + 2_000L * size;
        }
        try {
            long ms = Long.parseLong(s.trim());
            if (ms < 0) {
                throw new NumberFormatException();
            }
            return ms * 1_000_000L;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dwengert.codegen.repay=" + s + ": give the milliseconds of interpreted "
                    + "calls after which a compiled tape's loops are generated (0 or more, e.g. 1000)");
        }
    }

    /**
     * {@code -Dwengert.codegen.verdict}: how generated loops are kept. {@code timed} (the
     * default): a few calls time each loop shape generated and interpreted, and a shape that is
     * not faster is dropped; {@code keep}: every generated loop runs (tests that need them
     * whatever the machine's load); {@code drop}: measured, then dropped (to test that path).
     */
    static String verdict() {
        String v = System.getProperty("wengert.codegen.verdict", "timed").trim();
        if (!v.equals("timed") && !v.equals("keep") && !v.equals("drop")) {
            throw new IllegalArgumentException("-Dwengert.codegen.verdict=" + v + ": give timed (the default), keep or drop");
        }
        return v;
    }

    /**
     * After a replay whose output is {@code root}: counts it, and once enough have run, hands the
     * recording to the code generation thread ({@link Codegen}). Never waits for it: the loops
     * are taken up by a later call ({@link #callStarted}).
     */
    void considerLoops(int root) {
        int size = st.size();
        replayedNodes += size;
        if (loopsTried) {
            return;
        }
        long after = codegenAfter();
        if (after >= 0 ? replayedNodes <= after : callNanos < repayNanos(size)) {
            return;
        }
        loopsTried = true;
        verdict();                                 // a bad setting is reported now, not on the other thread
        if (st.hasBlocks() || !replayable) {
            loopsNote = st.hasBlocks() ? "no generated loops: the tape has array operations" : null;
            return;
        }
        int[] guardNodes = new int[2 * guards.size()];
        int g = 0;
        for (Guard guard : guards) {
            guardNodes[g++] = guard.a();
            guardNodes[g++] = guard.b() >= 0 ? guard.b() : guard.a();
        }
        loopsRoot = root;
        loopsEnd = chainStart(root);
        job = new Codegen(code.clone(), st.ops(), konst, st.starts(), st.args(), st.partials(), st.values(), size,
                firstOp, root, loopsEnd, guardNodes);
        job.start();
        loopsNote = "loops being generated (on the thread wengert-codegen; until then the tape is interpreted)";
    }

    /**
     * At the start of a call: takes up the loops the code generation thread finished, if it has.
     * Only pointers change here (the segments the replay and the sweep run); the work was done
     * on that thread.
     */
    void callStarted() {
        Codegen j = job;
        if (j == null) {
            return;
        }
        Codegen.Result r = j.result();
        if (r == null) {
            return;                                // not yet: keep interpreting, never wait
        }
        job = null;
        install(r);
    }

    /**
     * At the start of a call of the given kind (a value, or a gradient): takes up finished loops,
     * and while they are being measured, runs this call's loops interpreted or generated, in
     * turn for each kind of call, so a caller that mixes values and gradients measures both
     * ways of both.
     */
    void callStarted(boolean gradient) {
        callStarted();
        callStart = loopsTried ? 0 : System.nanoTime();
        if (mode != RUN) {
            int kind = gradient ? 1 : 0;
            mode = measured[kind] % 2 == 0 ? MEASURE_INTERPRETED : MEASURE_GENERATED;
        }
    }

    /** Waits for the code generation thread, then takes up its loops (tests only: calls never wait). */
    void awaitLoops() {
        Codegen j = job;
        if (j != null) {
            j.await();
            callStarted();
        }
    }

    /** Whether a job was handed to the code generation thread and has not been taken up. */
    boolean generating() {
        return job != null;
    }

    private void install(Codegen.Result r) {
        sourceChars = r.sourceChars();
        if (r.groups().isEmpty()) {
            loopsNote = r.note();
            return;
        }
        if (!st.reachIsFrom(loopsRoot)) {
            st.adoptReach(loopsRoot, r.reach());
        }
        groups = new ArrayList<>(r.groups());
        List<Loop> all = new ArrayList<>();
        for (LoopGroup g : groups) {
            all.addAll(g.loops);
        }
        all.sort((x, y) -> Integer.compare(x.lo, y.lo));
        setLoops(all.toArray(new Loop[0]));
        loopsNote = r.note();
        mode = verdict().equals("keep") ? RUN : MEASURE_INTERPRETED;
        measuredCalls = 0;
        measured[0] = 0;
        measured[1] = 0;
    }

    /**
     * At the end of a call (a value, or a gradient): while generated loops are being measured,
     * books the time each shape took in this call, and after {@link #MEASURED_CALLS} calls of
     * one kind in each way keeps the shapes whose fastest call was faster generated and drops the
     * others (their loops are interpreted from then on).
     */
    void callEnded(boolean gradient) {
        if (callStart != 0) {
            callNanos += System.nanoTime() - callStart;
            callStart = 0;
        }
        if (mode == RUN || loops == null) {
            return;
        }
        int kind = gradient ? 1 : 0;
        int m = mode == MEASURE_INTERPRETED ? 0 : 1;
        for (LoopGroup g : groups) {
            // the fastest call of each way: a busy machine only ever makes a call slower
            g.nanos[kind][m] = g.calls[kind][m] == 0 ? g.current : Math.min(g.nanos[kind][m], g.current);
            g.calls[kind][m]++;
            g.current = 0;
        }
        measuredCalls++;
        measured[kind]++;
        LoopGroup any = groups.get(0);
        boolean enough = any.calls[kind][0] >= MEASURED_CALLS && any.calls[kind][1] >= MEASURED_CALLS;
        if (!enough && measuredCalls < 8 * MEASURED_CALLS) {
            return;                                // callStarted picks the next call's way
        }
        decide(enough ? kind : -1);
    }

    /** Keeps the loop shapes that ran faster generated than interpreted in calls of this kind (−1: none measured enough). */
    private void decide(int kind) {
        boolean drop = verdict().equals("drop");
        List<LoopGroup> kept = new ArrayList<>();
        List<Loop> keptLoops = new ArrayList<>();
        long before = 0;
        long after = 0;
        for (LoopGroup g : groups) {
            if (kind < 0) {
                continue;
            }
            long interpreted = g.nanos[kind][0];
            long generated = g.nanos[kind][1];
            before += interpreted;
            if (!drop && generated < interpreted) {
                kept.add(g);
                keptLoops.addAll(g.loops);
                after += generated;
            } else {
                after += interpreted;
            }
        }
        mode = RUN;
        int dropped = groups.size() - kept.size();
        String timing = kind < 0 ? "" : String.format(Locale.ROOT, " (loops %.3f ms interpreted, %.3f ms now)", before / 1e6,
                after / 1e6);
        if (kept.isEmpty()) {
            String why = drop ? "dropped (-Dwengert.codegen.verdict=drop)"
                    : kind < 0 ? "dropped (not enough calls of one kind to compare them)"
                    : "dropped: not faster than the interpreter" + timing;
            discard();
            loopsNote = "generated loops " + why;
            return;
        }
        groups = kept;
        keptLoops.sort((x, y) -> Integer.compare(x.lo, y.lo));
        setLoops(keptLoops.toArray(new Loop[0]));
        if (dropped > 0) {
            loopsNote = dropped + " loop shape" + (dropped == 1 ? "" : "s") + " dropped: not faster than the interpreter"
                    + timing;
        }
    }

    /** Runs these loops as generated code from now on: the segments and what a sweep clears. */
    private void setLoops(Loop[] ls) {
        forgetRest();
        loops = ls;
        int size = st.size();
        int n = 2 * ls.length + 1;
        segFrom = new int[n];
        segTo = new int[n];
        segLoop = new Loop[n];
        segNary = new int[n];
        int s = 0;
        int from = firstOp;
        int nary = 0;
        for (Loop l : ls) {
            if (from < l.lo) {
                segFrom[s] = from;
                segTo[s] = l.lo;
                segNary[s++] = nary;
            }
            nary = l.naryBefore;                   // counted on the code generation thread (no n-ary node is in a loop)
            segFrom[s] = l.lo;
            segTo[s] = l.end();
            segLoop[s] = l;
            segNary[s++] = nary;
            from = l.end();
        }
        if (from < size) {
            segFrom[s] = from;
            segTo[s] = size;
            segNary[s++] = nary;
        }
        segments = s;
        // what a sweep clears: everything but the loops' inner nodes, which the generated code
        // never reads from the array (the slots read outside are cleared, each at its stride)
        List<int[]> c = new ArrayList<>();
        int lo = 0;
        for (Loop l : ls) {
            c.add(new int[] {lo, l.lo, 1});
            int p = l.period;
            for (int j = 0; j < p; j++) {
                if (l.out[j] == Loop.OUT_ALL) {
                    c.add(new int[] {l.lo + j, l.end(), p});
                } else if (l.out[j] == Loop.OUT_LAST) {
                    c.add(new int[] {l.last() - (p - 1 - j), l.last() - (p - 1 - j) + 1, 1});
                }
            }
            lo = l.end();
        }
        c.add(new int[] {lo, size, 1});
        clearFrom = new int[c.size()];
        clearTo = new int[c.size()];
        clearStep = new int[c.size()];
        for (int k = 0; k < c.size(); k++) {
            clearFrom[k] = c.get(k)[0];
            clearTo[k] = c.get(k)[1];
            clearStep[k] = c.get(k)[2];
        }
        clears = c.size();
    }

    /** One interpreted segment over the whole recording, and a sweep that clears every adjoint. */
    private void plainSegments() {
        forgetRest();
        int size = st.size();
        segFrom = new int[] {firstOp};
        segTo = new int[] {size};
        segLoop = new Loop[1];
        segNary = new int[1];
        segments = firstOp < size ? 1 : 0;
        clearFrom = new int[] {0};
        clearTo = new int[] {size};
        clearStep = new int[] {1};
        clears = 1;
    }

    /** Forgets the generated loops (the interpreter runs every node again) and stops a running job. */
    void discard() {
        if (job != null) {
            job.cancel();
            job = null;
        }
        loops = null;
        groups = null;
        mode = RUN;
        if (code != null) {
            plainSegments();
        }
    }

    /**
     * The node from which {@code root} is reached by a chain of one-operand operations whose
     * partials are constants fixed when recording ({@code s.div(m)}, {@code s.times(0.5)},
     * {@code s.plus(1)}, negation), each on the node just before it; root itself if it is not
     * such an operation. Sweeping that chain needs no values, so it can run before a replay.
     */
    private int chainStart(int root) {
        int[] starts = st.starts();
        int[] args = st.args();
        int i = root;
        while (i > 0 && starts[i + 1] - starts[i] == 1 && args[starts[i]] == i - 1 && switch (code[i]) {
            case ADD_K, SUB_K, K_SUB, MUL_K, DIV_K, NEG -> true;
            default -> false;
        }) {
            i--;
        }
        return i;
    }

    /** How many operations run as generated loops (0 until they are generated). */
    int loopOperations() {
        int n = 0;
        if (loops != null) {
            for (Loop l : loops) {
                n += l.period * l.count;
            }
        }
        return n;
    }

    /** How many generated methods the loops share (one per loop shape), 0 without loops. */
    int loopShapes() {
        return groups == null ? 0 : groups.size();
    }

    /** The size of the source generated for this recording, in characters. */
    int sourceChars() {
        return sourceChars;
    }

    /** The generated loops, or why there are none, for CompiledFn.toString(). */
    String loopsSummary() {
        if (loops != null) {
            boolean fused = false;
            for (Loop l : loops) {
                fused |= l.fused != null;
            }
            int shapes = groups.size();
            return loops.length + " loop" + (loops.length == 1 ? "" : "s") + " run as generated code ("
                    + loopOperations() + " operations, " + shapes + " generated method" + (shapes == 1 ? "" : "s")
                    + (mode == RUN ? "" : ", being timed against the interpreter")
                    + (fused ? "; the one whose result f returns runs forward and backward in one pass" : "") + ")"
                    + (loopsNote == null ? "" : "; " + loopsNote);
        }
        return loopsNote;
    }

    private static void runForward(Loop l, double[] v, double[] pt) {
        try {
            l.forward.invokeExact(v, pt, l.offsets, l.constants);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("generated loop " + l, t);
        }
    }

    private static void runValues(Loop l, double[] v) {
        try {
            l.values.invokeExact(v, l.offsets, l.constants);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("generated loop " + l, t);
        }
    }

    private static void runBackward(Loop l, double[] v, double[] a, double[] pt) {
        run(l.backward, l, v, a, pt);
    }

    private static void run(MethodHandle code, Loop l, double[] v, double[] a, double[] pt) {
        try {
            code.invokeExact(v, a, pt, l.offsets, l.constants);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("generated loop " + l, t);
        }
    }
}
