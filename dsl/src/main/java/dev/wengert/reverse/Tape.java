package dev.wengert.reverse;

import dev.wengert.core.Num;
import dev.wengert.core.Session;
import dev.wengert.display.Displayable;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Wengert list: every operation recorded in reverse mode, in order, with the local partials
 * of each operation with respect to its inputs.
 *
 * <p>Stored as primitive arrays (structure of arrays) so recording allocates nothing per
 * operation and the backward sweep is one tight loop: node {@code i} has value
 * {@code value[i]}, operation {@code op[i]} (the rule itself, so the tape can be replayed),
 * and inputs {@code args[start[i] .. start[i+1])} with partials
 * {@code partials[start[i] .. start[i+1])}. Array operations occupy a block of consecutive
 * positions and one {@link BlockOp} at the block's last position; loops step over a block at once.
 * Adjoints are allocated only when a sweep runs.
 *
 * <p>Users meet the tape through {@code tape()} in the facade: its {@code toString()} prints
 * the list, {@code toDot()} exports the graph.
 *
 * <pre>{@code
 * var x = param("x", 2.0);
 * var z = x.times(x).plus(sin(x));
 * z.backward();
 * System.out.println(tape());   // #0 param x, #1 mul #0 #0, #2 sin #0, #3 add #1 #2
 * }</pre>
 */
public final class Tape implements Displayable {
    /** The op of a leaf (parameter). */
    static final String PARAM = "param";
    /** How a block member other than the last (which holds the BlockOp) prints. */
    static final String MEMBER = "…";
    /**
     * Capacity from which the arrays grow by a quarter instead of doubling. A long recording
     * then leaves at most a fifth of its arrays unused (doubling leaves up to half, which
     * costs ~50% more bytes per operation), at the price of ~4 copies per slot instead of 1;
     * below it, tapes are small enough (≤ 1 MB of node arrays) that slack does not matter.
     */
    static final int SLOW_GROWTH_FROM = 1 << 16;
    /** The largest array length the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * An array operation's entry in {@code op}, at its block's last position (where the
     * operation is) and also at its first: loops over positions step over a whole block at
     * once, forward from the first position and backward from the last, instead of visiting
     * 100,000 members one by one. The members in between hold null, which prints as
     * {@link #MEMBER} (filling with a constant null needs no GC card marks; the string did).
     */
    private static final class Block {
        final BlockOp op;
        final int first;
        final int last;
        /** The argument count when it was recorded: every member's start entry. */
        final int nargs;

        Block(BlockOp op, int first, int last, int nargs) {
            this.op = op;
            this.first = first;
            this.last = last;
            this.nargs = nargs;
        }
    }

    private final Session session;
    private final String label;
    private final boolean implicit;

    private int generation;
    // When generation g ends, the tape is cut back to a mark (0 for a rewind or close, which
    // invalidate everything): a value recorded in generation g stays valid while its position
    // is below every later cut. cutGen/cutMark keep the suffix minima of those marks.
    private int[] cutGen = new int[8];
    private int[] cutMark = new int[8];
    private int cuts;
    private boolean closed;
    private long level;

    private int size;
    private double[] value = new double[64];
    private Object[] op = new Object[64];
    private int[] start = new int[65];
    private int nargs;
    private int[] args = new int[128];
    private double[] partials = new double[128];

    private final Map<Integer, String> names = new HashMap<>();
    // parameter positions in increasing order (leaves are appended; truncate keeps a prefix),
    // and the gradient each received from the last sweep that reached it, by the same index
    private int[] params = new int[8];
    private int nparams;
    private double[] paramGrad = new double[8];
    private boolean[] paramKnown = new boolean[8];

    // Nodes whose partials depend on an outer differentiation (nested derivatives) keep them
    // as Nums here, by node; their values also sit in `partials`, so first-order sweeps and
    // printing need nothing else. Rare and slow by nature, so a map is fine.
    private final Map<Integer, Num[]> numPartials = new HashMap<>();

    // Sized to the tape when a sweep runs (not to the arrays' capacity). Only positions below
    // `swept` belong to the current recording's last sweep: rewinding or truncating lowers it
    // instead of clearing the arrays.
    private double[] adjoint = new double[0];
    private boolean[] reached = new boolean[0];
    private int swept;
    private int sweptRoot = -1;
    // The root and tape size of the last full sweep of a tape without array operations: while
    // they are unchanged (a compiled tape replays values, not structure), `reached` already
    // holds what a new sweep from that root would mark, so the sweep need not mark it again.
    private int reachedFrom = -1;
    private int reachedSize;

    private long warnAt;
    private boolean warned;
    // next() takes its slow path (grow, warn) once size reaches this: the capacity, or the
    // warning size when that comes first. One comparison per recorded operation.
    private int limit;

    // Replay information, kept only while recording a program for compile(): for a binary rule
    // with one constant operand, the constant and its side; for n-ary rules, the argument
    // template; the guards; and whether anything was recorded that cannot be replayed.
    private Program program;
    private boolean blocks;
    private int members;

    // A compiled tape's loops, once turned into generated code (LoopFinder, LoopCode): replays
    // and sweeps from the output run them instead of interpreting their nodes. Built when the
    // tape has been replayed often enough to pay for the compiler (see codegenAfter()).
    private Loop[] loops;
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
    // the leaves a replay sets, when they are consecutive positions (copied in one step)
    private int[] replayLeaves;
    private boolean replayLeavesRun;

    /**
     * @param session  the session (and so the thread) that owns this tape
     * @param label    how errors name it, e.g. "the implicit tape"
     * @param implicit whether this is a session's implicit tape (it warns when very large)
     * @param warnAt   node count at which an implicit tape warns once
     */
    public Tape(Session session, String label, boolean implicit, long warnAt) {
        this.session = session;
        this.label = label;
        this.implicit = implicit;
        this.warnAt = warnAt;
        this.level = Session.nextLevel();
        updateLimit();
    }

    // ---- recording -------------------------------------------------------------------------

    /** Records a parameter (a leaf). Returns its position. */
    public int leaf(double v, String name) {
        int i = next(PARAM, v);
        start[i + 1] = nargs;
        // functional calls make thousands of unnamed parameters: keep the map for real names
        if (name != null && !name.isEmpty()) {
            names.put(i, name);
        }
        if (nparams == params.length) {
            params = Arrays.copyOf(params, nparams * 2);
            paramGrad = Arrays.copyOf(paramGrad, nparams * 2);
            paramKnown = Arrays.copyOf(paramKnown, nparams * 2);
        }
        params[nparams++] = i;
        return i;
    }

    /** Records a one-input operation; {@code rule} is its UnaryRule, BinaryRule (one constant operand) or name. */
    public int push1(Object rule, double v, int a, double pa) {
        int i = next(rule, v);
        ensureArgs(1);
        args[nargs] = a;
        partials[nargs++] = pa;
        start[i + 1] = nargs;
        return i;
    }

    /** Records a two-input operation. */
    public int push2(Object rule, double v, int a, double pa, int b, double pb) {
        int i = next(rule, v);
        ensureArgs(2);
        args[nargs] = a;
        partials[nargs++] = pa;
        args[nargs] = b;
        partials[nargs++] = pb;
        start[i + 1] = nargs;
        return i;
    }

    /** Records an operation with any number of inputs. */
    public int pushN(Object rule, double v, int[] in, double[] p) {
        int i = next(rule, v);
        ensureArgs(in.length);
        System.arraycopy(in, 0, args, nargs, in.length);
        System.arraycopy(p, 0, partials, nargs, in.length);
        nargs += in.length;
        start[i + 1] = nargs;
        return i;
    }

    /**
     * Records an operation whose partials are differentiable values (they depend on an outer
     * differentiation). Their current values are stored too, for first-order sweeps.
     */
    public int pushNested(String opName, double v, int[] in, Num[] p) {
        double[] pv = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            pv[k] = p[k].value();
        }
        int i = pushN(opName, v, in, pv);
        numPartials.put(i, p.clone());
        return i;
    }

    /**
     * Records an array operation: reserves {@code n} consecutive positions for its output and
     * returns the first; {@link #forward} then computes them.
     */
    public int block(BlockOp blockOp, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(blockOp.name() + ": an array operation needs at least one output");
        }
        int first = size;
        int last = first + n - 1;
        blocks = true;
        members += n - 1;
        // all positions in one step, not a next() per member: members have no inputs, so they
        // need only their op (null) and start entries
        reserve(n);
        // A rewound tape that records the same array operation at the same place again (a
        // gradient(f, x) loop does) still holds null members and their start entries from the
        // last time: recordings write positions in order, so any later one that reached these
        // positions replaced the old block's entry at `first` (and truncating into the block
        // clears it). Skipping the fills skips most of the cost of recording a large block.
        if (op[first] instanceof Block old && old.first == first && old.last == last && op[last] == old
                && old.nargs == nargs) {
            blockOp.adopt(old.op);
        } else {
            Arrays.fill(op, first, last, null);
            Arrays.fill(start, first + 1, last + 1, nargs);
        }
        size = last;
        Block b = new Block(blockOp, first, last, nargs);
        next(b, 0.0);
        start[last + 1] = nargs;
        op[first] = b;
        return first;
    }

    /** Grows the node arrays once so that k more positions fit (as {@link #next} grows them). */
    private void reserve(int k) {
        if (size + k > value.length) {
            growNodes((long) size + k);
            updateLimit();
        }
    }

    /** The node arrays (and a program's) grown to hold at least {@code need} positions. */
    private void growNodes(long need) {
        int cap = grow(value.length, need);
        value = Arrays.copyOf(value, cap);
        op = Arrays.copyOf(op, cap);
        start = Arrays.copyOf(start, cap + 1);
        if (program != null) {
            program.grow(cap);
        }
    }

    /** The array operation recorded at position i (the last of its block), or null. */
    private BlockOp blockOp(int i) {
        return op[i] instanceof Block b && b.last == i ? b.op : null;
    }

    /** Runs a block operation's forward computation (after {@link #block} reserved its output). */
    public void forward(BlockOp blockOp) {
        blockOp.forward(value);
    }

    private int next(Object opOrName, double v) {
        if (size >= limit) {
            reserve();
        }
        if (program != null && opOrName instanceof String s && s != PARAM && s != MEMBER) {
            program.replayable = false;            // a nested node: its partials have no rule here
        }
        value[size] = v;
        // A rewound tape keeps its ops, and code re-recorded on it (gradient(f, x) called in a
        // loop) mostly stores the same rule at the same position again: skipping that store
        // skips the collector's write barrier, the costliest part of recording a node.
        if (op[size] != opOrName) {
            op[size] = opOrName;
        }
        return size++;
    }

    /** next()'s slow path: room for one more node, and the large-tape warning when it is due. */
    private void reserve() {
        if (size == value.length) {
            growNodes(size + 1L);
        }
        if (implicit && !warned && size >= warnAt) {
            warned = true;
            System.err.printf("wengert: the implicit tape now holds %,d operations (about %,d MB). "
                    + "Every operation on parameters is recorded until you call resetTape(); "
                    + "call it when you no longer need earlier values, or compute gradients with "
                    + "gradient(f, x), which does not grow this tape.%n", size, bytes() >> 20);
        }
        updateLimit();
    }

    private void updateLimit() {
        limit = implicit && !warned ? (int) Math.min(value.length, warnAt) : value.length;
    }

    private void ensureArgs(int k) {
        if (nargs + k > args.length) {
            int cap = grow(args.length, (long) nargs + k);
            args = Arrays.copyOf(args, cap);
            partials = Arrays.copyOf(partials, cap);
        }
    }

    /** The capacity after {@code cap} for at least {@code need} slots (see {@link #SLOW_GROWTH_FROM}). */
    static int grow(int cap, long need) {
        // start's length is capacity + 1, so one slot less than the JVM's limit
        if (need > MAX_ARRAY - 1) {
            throw new IllegalStateException("the tape is full: " + need + " slots exceed the largest Java array; "
                    + "record less per tape (resetTape(), or gradient(f, x) per evaluation)");
        }
        long c = cap < SLOW_GROWTH_FROM ? 2L * cap : cap + (long) (cap >> 2);
        return (int) Math.min(Math.max(c, need), MAX_ARRAY - 1);
    }

    // ---- programs (compiled tapes) -------------------------------------------------------------

    /** Starts recording replay information (constants, templates, guards) for compile(). */
    public void startProgram() {
        program = new Program(value.length);
    }

    /** Whether replay information is being recorded. */
    public boolean recordsProgram() {
        return program != null;
    }

    /** For the node just recorded by push1 with a BinaryRule: its constant operand and side. */
    public void constantOperand(double c, boolean right) {
        if (program != null) {
            program.konst[size - 1] = c;
            program.right[size - 1] = right;
        }
    }

    /** For the node just recorded by pushN with an NaryRule: all argument values and which are on the tape. */
    public void naryTemplate(double[] values, int[] tapeSlots) {
        if (program != null) {
            program.template.put(size - 1, new double[][] {values.clone(), toDoubles(tapeSlots)});
        }
    }

    private static double[] toDoubles(int[] a) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            d[k] = a[k];
        }
        return d;
    }

    /** Records a comparison the program made on recorded values (b &lt; 0: against the constant c). */
    public void guardCompare(int a, int b, double c, String cmp, boolean outcome) {
        if (program != null) {
            byte k = switch (cmp) {
                case "gt" -> Guard.GT;
                case "lt" -> Guard.LT;
                case "ge" -> Guard.GE;
                default -> Guard.LE;
            };
            program.guards.add(new Guard(a, b, c, k, outcome));
        }
    }

    /** Records that the program read a recorded value directly (Num.value()). */
    public void guardRead(int a, double v) {
        if (program != null) {
            program.guards.add(new Guard(a, -1, v, Guard.READ, true));
        }
    }

    /** Whether the recorded program can be replayed (no nested nodes were recorded). */
    public boolean replayable() {
        return program != null && program.replayable;
    }

    /** How many guards the recorded program has. */
    public int guards() {
        return program == null ? 0 : program.guards.size();
    }

    /**
     * Replays the recorded program for new leaf values: every node's value and partials are
     * recomputed in place, without allocating per operation. Returns false when a guard fails
     * (a branch would go the other way): the caller must record again.
     */
    public boolean replay(int[] leaves, double[] x) {
        return replay(leaves, x, null);
    }

    /** The replay, running loop {@code fuse} (if not null) with its backward ({@link #replayAndSweep}). */
    private boolean replay(int[] leaves, double[] x, Loop fuse) {
        if (program.code == null || program.codeSize != size) {
            compileProgram();
        }
        if (leaves != replayLeaves) {
            replayLeaves = leaves;
            replayLeavesRun = consecutive(leaves);
        }
        if (replayLeavesRun) {
            System.arraycopy(x, 0, value, leaves[0], leaves.length);
        } else {
            for (int k = 0; k < leaves.length; k++) {
                value[leaves[k]] = x[k];
            }
        }
        final double[] val = value;
        final double[] part = partials;
        final int[] in = args;
        final int[] st = start;
        final byte[] code = program.code;
        final double[] konst = program.konst;
        int nary = 0;
        int loop = 0;
        // Partials that are constants (add, sub, neg, and mul or div by a constant) were
        // stored when recording and stay valid: only the value is recomputed.
        for (int i = program.firstOp; i < size; i++) {
            int s = st[i];
            switch (code[i]) {
                case Program.NONE -> { }
                case Program.ADD -> val[i] = val[in[s]] + val[in[s + 1]];
                case Program.ADD_K -> val[i] = val[in[s]] + konst[i];
                case Program.SUB -> val[i] = val[in[s]] - val[in[s + 1]];
                case Program.SUB_K -> val[i] = val[in[s]] - konst[i];
                case Program.K_SUB -> val[i] = konst[i] - val[in[s]];
                case Program.MUL -> {
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    val[i] = a * b;
                    part[s] = b;
                    part[s + 1] = a;
                }
                case Program.MUL_K -> val[i] = val[in[s]] * konst[i];
                case Program.DIV -> {
                    double b = val[in[s + 1]];
                    double y = val[in[s]] / b;
                    val[i] = y;
                    part[s] = 1.0 / b;
                    part[s + 1] = -y / b;
                }
                case Program.DIV_K -> val[i] = val[in[s]] / konst[i];
                case Program.K_DIV -> {
                    double b = val[in[s]];
                    double y = konst[i] / b;
                    val[i] = y;
                    part[s] = -y / b;
                }
                case Program.SQUARE -> {
                    double a = val[in[s]];
                    val[i] = a * a;
                    part[s] = 2.0 * a;
                }
                case Program.NEG -> val[i] = -val[in[s]];
                case Program.RECIPROCAL -> {
                    double y = 1.0 / val[in[s]];
                    val[i] = y;
                    part[s] = -y * y;
                }
                case Program.UNARY -> {
                    UnaryRule r = (UnaryRule) op[i];
                    double a = val[in[s]];
                    double y = r.value(a);
                    val[i] = y;
                    part[s] = r.partial(a, y);
                }
                case Program.BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    double y = r.value(a, b);
                    val[i] = y;
                    part[s] = r.partialA(a, b, y);
                    part[s + 1] = r.partialB(a, b, y);
                }
                case Program.BINARY_K -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double a = val[in[s]];
                    double y = r.value(a, konst[i]);
                    val[i] = y;
                    part[s] = r.partialA(a, konst[i], y);
                }
                case Program.K_BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    double b = val[in[s]];
                    double y = r.value(konst[i], b);
                    val[i] = y;
                    part[s] = r.partialB(konst[i], b, y);
                }
                case Program.NARY -> {
                    NaryRule r = (NaryRule) op[i];
                    double[] vals = program.naryValues[nary];
                    int[] slots = program.narySlots[nary++];
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
                case Program.BLOCK -> {
                    Block b = (Block) op[i];
                    b.op.forward(val);
                    i = b.last;                    // the members in between have nothing to replay
                }
                case Program.LOOP -> {
                    Loop l = loops[loop++];
                    if (l == fuse) {
                        run(l.fused, l, val, adjoint, part);
                    } else {
                        runForward(l, val, part);
                    }
                    i = l.last();
                }
                default -> throw new IllegalStateException("replay: node #" + i + " (" + opName(i)
                        + ") has no rule to replay");
            }
        }
        // indexed, not for-each: an iterator per replay would be the replay's only allocation
        List<Guard> guards = program.guards;
        for (int k = 0, n = guards.size(); k < n; k++) {
            if (!guards.get(k).holds(val)) {
                return false;
            }
        }
        sweptRoot = -1;
        return true;
    }

    /**
     * Turns the recorded program into one opcode per node, so that replay dispatches with a
     * switch instead of type tests, and the common arithmetic runs inline instead of through
     * the rules' lambdas. The special cases compute exactly what Num's methods computed when
     * recording (same expressions, same order), so replay and recording agree to the bit.
     */
    private void compileProgram() {
        Program pr = program;
        byte[] code = new byte[size];
        List<double[]> naryValues = new ArrayList<>();
        List<int[]> narySlots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Object o = op[i];
            int arity = start[i + 1] - start[i];
            boolean right = pr.right[i];
            byte c;
            if (arity == 0) {
                // a block's entry at its first position runs it; a leaf, member or its last position: nothing
                c = o instanceof Block b && b.first == i ? Program.BLOCK : Program.NONE;
            } else if (o == Arithmetic.ADD) {
                c = arity == 2 ? Program.ADD : Program.ADD_K;
            } else if (o == Arithmetic.SUB) {
                c = arity == 2 ? Program.SUB : right ? Program.SUB_K : Program.K_SUB;
            } else if (o == Arithmetic.MUL) {
                c = arity == 2 ? Program.MUL : Program.MUL_K;
            } else if (o == Arithmetic.DIV) {
                c = arity == 2 ? Program.DIV : right ? Program.DIV_K : Program.K_DIV;
            } else if (o == Arithmetic.SQUARE) {
                c = Program.SQUARE;
            } else if (o == Arithmetic.NEG) {
                c = Program.NEG;
            } else if (o == Arithmetic.RECIPROCAL) {
                c = Program.RECIPROCAL;
            } else if (o instanceof UnaryRule) {
                c = Program.UNARY;
            } else if (o instanceof BinaryRule) {
                c = arity == 2 ? Program.BINARY : right ? Program.BINARY_K : Program.K_BINARY;
            } else if (o instanceof NaryRule) {
                c = Program.NARY;
                double[][] t = pr.template.get(i);
                naryValues.add(t[0]);
                narySlots.add(toInts(t[1]));
            } else {
                c = Program.UNKNOWN;
            }
            code[i] = c;
        }
        pr.naryValues = naryValues.toArray(new double[0][]);
        pr.narySlots = narySlots.toArray(new int[0][]);
        pr.code = code;
        pr.codeSize = size;
        int first = 0;
        while (first < size && code[first] == Program.NONE) {
            first++;
        }
        pr.firstOp = first;
        loops = null;                              // built for the old code, if any
        loopsTried = false;
    }

    private static boolean consecutive(int[] leaves) {
        for (int k = 1; k < leaves.length; k++) {
            if (leaves[k] != leaves[0] + k) {
                return false;
            }
        }
        return leaves.length > 0;
    }

    // ---- generated loops -----------------------------------------------------------------------

    /**
     * How many operations a compiled tape must have replayed (replays times size) before its
     * loops are compiled to Java: javac takes 0.2–1 s, so code is generated once the interpreter
     * has spent a time of that order (0.03–0.1 s by default: 20 million operations).
     * {@code -Dwengert.codegen=off} turns it off; a number sets the threshold (0: from the first
     * replay on, as the tests do).
     */
    static long codegenAfter() {
        String s = System.getProperty("wengert.codegen");
        if (s == null || s.isBlank()) {
            return 20_000_000L;
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
     * After a replay of a compiled tape whose output is {@code root}: counts it, and once enough
     * have run, turns the tape's loops into generated code. The loops need to know which nodes
     * a sweep from the output reaches, so a tape only ever replayed for values is swept once.
     */
    void considerLoops(int root) {
        replayedNodes += size;
        if (loopsTried || program == null || replayedNodes <= codegenAfter()) {
            return;
        }
        loopsTried = true;
        if (blocks || !program.replayable) {
            loopsNote = blocks ? "no generated loops: the tape has array operations" : null;
            return;
        }
        if (reachedFrom != root || reachedSize != size) {
            backward(root);
        }
        int[] guardNodes = new int[2 * program.guards.size()];
        int g = 0;
        for (Guard guard : program.guards) {
            guardNodes[g++] = guard.a();
            guardNodes[g++] = guard.b() >= 0 ? guard.b() : guard.a();
        }
        int end = chainStart(root);
        List<Loop> found = new LoopFinder(program.code, op, program.konst, start, args, partials, reached, size)
                .find(program.firstOp, root, end, guardNodes);
        if (found.isEmpty()) {
            loopsNote = "no loops found";
            return;
        }
        String failed = LoopCode.generate(found, end);
        if (failed != null) {
            loopsNote = "loops not generated: " + failed;
            return;
        }
        loops = found.toArray(new Loop[0]);
        loopsRoot = root;
        loopsEnd = end;
        for (Loop l : loops) {
            program.code[l.lo] = Program.LOOP;
        }
    }

    /**
     * The node from which {@code root} is reached by a chain of one-operand operations whose
     * partials are constants fixed when recording ({@code s.div(m)}, {@code s.times(0.5)},
     * {@code s.plus(1)}, negation), each on the node just before it; root itself if it is not
     * such an operation. Sweeping that chain needs no values, so it can run before a replay.
     */
    private int chainStart(int root) {
        int i = root;
        while (i > 0 && start[i + 1] - start[i] == 1 && args[start[i]] == i - 1 && switch (program.code[i]) {
            case Program.ADD_K, Program.SUB_K, Program.K_SUB, Program.MUL_K, Program.DIV_K, Program.NEG -> true;
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

    /** The generated loops, or why there are none, for CompiledFn.toString(). */
    String loopsSummary() {
        if (loops != null) {
            boolean fused = false;
            for (Loop l : loops) {
                fused |= l.fused != null;
            }
            return loops.length + " loop" + (loops.length == 1 ? "" : "s") + " run as generated code ("
                    + loopOperations() + " operations" + (fused ? "; the one whose result f returns runs forward "
                    + "and backward in one pass" : "") + ")";
        }
        return loopsNote;
    }

    private static void runForward(Loop l, double[] v, double[] pt) {
        try {
            l.forward.invokeExact(v, pt);
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
            code.invokeExact(v, a, pt);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("generated loop " + l, t);
        }
    }

    /** Clears the adjoints a sweep reads: all but the loops' inner nodes, which live in locals. */
    private void clearAdjoints() {
        if (loops == null) {
            Arrays.fill(adjoint, 0, size, 0.0);
            return;
        }
        int from = 0;
        for (Loop l : loops) {
            Arrays.fill(adjoint, from, l.lo, 0.0);
            int p = l.period;
            for (int j = 0; j < p; j++) {
                if (l.out[j] == Loop.OUT_ALL) {
                    for (int i = l.lo + j; i < l.end(); i += p) {
                        adjoint[i] = 0.0;
                    }
                } else if (l.out[j] == Loop.OUT_LAST) {
                    adjoint[l.last() - (p - 1 - j)] = 0.0;
                }
            }
            from = l.end();
        }
        Arrays.fill(adjoint, from, size, 0.0);
    }

    private static int[] toInts(double[] a) {
        int[] r = new int[a.length];
        for (int k = 0; k < a.length; k++) {
            r[k] = (int) a[k];
        }
        return r;
    }

    /** Replay information, allocated only for compiled tapes. */
    static final class Program {
        // opcodes of compileProgram(): _K has the constant on the right, K_ on the left
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
        /** The first node of a loop run by generated code (see Tape.loops). */
        static final byte LOOP = 21;

        double[] konst;
        boolean[] right;
        final Map<Integer, double[][]> template = new HashMap<>();
        final List<Guard> guards = new ArrayList<>();
        boolean replayable = true;
        // built on the first replay, from the finished recording
        byte[] code;
        int codeSize;
        // the first node with something to replay: the leaves before it have nothing to do
        int firstOp;
        double[][] naryValues;
        int[][] narySlots;

        Program(int cap) {
            konst = new double[cap];
            right = new boolean[cap];
        }

        void grow(int cap) {
            konst = Arrays.copyOf(konst, cap);
            right = Arrays.copyOf(right, cap);
        }
    }

    // ---- sweeps ----------------------------------------------------------------------------

    /**
     * The backward sweep over differentiable values: adjoints are {@link Num}s computed with
     * the DSL's own operations, so an outer differentiation sees through them (this is how
     * forward-over-reverse Hessians and reverse-over-reverse work). Returns the adjoint of
     * every node, null where the sweep did not reach.
     */
    public Num[] backwardNested(int[] roots, Num[] seeds) {
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        Num[] adj = new Num[top + 1];
        for (int k = 0; k < roots.length; k++) {
            adj[roots[k]] = adj[roots[k]] == null ? seeds[k] : adj[roots[k]].plus(seeds[k]);
        }
        for (int i = top; i >= 0; i--) {
            Num g = adj[i];
            if (blockOp(i) != null) {
                throw new IllegalStateException("a nested sweep met the array operation " + opName(i));
            }
            if (g == null) {
                continue;
            }
            Num[] np = numPartials.get(i);
            for (int k = start[i], e = start[i + 1]; k < e; k++) {
                int j = args[k];
                Num c = np != null ? np[k - start[i]].times(g) : g.times(partials[k]);
                adj[j] = adj[j] == null ? c : adj[j].plus(c);
            }
        }
        return adj;
    }

    /** Whether any array operation was recorded (they are swept backward only). */
    public boolean hasBlocks() {
        return blocks;
    }

    /** Whether any operation has differentiable partials (then {@link #backwardNested} is needed for nesting). */
    public boolean isNested() {
        return !numPartials.isEmpty();
    }

    /**
     * Sweeps backward from {@code root} with seed 1: afterwards {@link #adjoint(int)} is
     * ∂root/∂node for every node the sweep reached, and every parameter it reached remembers
     * its gradient. Contributions of all paths add up (the multivariate chain rule).
     */
    public void backward(int root) {
        // reused, so a compiled replay's sweep allocates nothing (a sweep never re-enters itself)
        oneRoot[0] = root;
        backward(oneRoot, ONE_SEED);
    }

    private final int[] oneRoot = new int[1];
    private static final double[] ONE_SEED = {1.0};

    /**
     * Sweeps backward from several outputs at once, seeding each with its weight: the
     * adjoints are then uᵀJ (a vector–Jacobian product).
     */
    public void backward(int[] roots, double[] seeds) {
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        if (roots.length == 1 && roots[0] == reachedFrom && size == reachedSize && !blocks) {
            sweepKnownReach(top, seeds[0]);
            return;
        }
        if (loops != null) {
            // generated loops keep their partials in locals: the tape's arrays no longer hold
            // them, so only the sweep they were built for may run (a CompiledFn sweeps only so)
            throw new IllegalStateException("a tape with generated loops swept from #" + top + ", not from its output #"
                    + reachedFrom);
        }
        if (adjoint.length < size) {
            // exactly the recorded size the first time; a tape that keeps growing between
            // sweeps (the implicit tape) grows these like its own arrays
            int n = adjoint.length == 0 ? size : grow(adjoint.length, size);
            adjoint = new double[n];
            reached = new boolean[n];
        } else {
            // clear every recorded node, not only those below the root: a later node must not
            // keep a stale adjoint from an earlier sweep
            Arrays.fill(adjoint, 0, size, 0.0);
            Arrays.fill(reached, 0, size, false);
        }
        for (int k = 0; k < roots.length; k++) {
            adjoint[roots[k]] += seeds[k];
            reached[roots[k]] = true;
        }
        final double[] adj = adjoint;
        final boolean[] hit = reached;
        final int[] st = start;
        final int[] in = args;
        final double[] p = partials;
        final Object[] ops = op;
        // Nodes the sweep never reached are skipped, not multiplied by a zero adjoint: an
        // unrelated node with an infinite partial (√ at 0) must not turn 0·∞ into NaN elsewhere.
        for (int i = top; i >= 0; i--) {
            int s = st[i];
            int e = st[i + 1];
            if (s == e) {
                if (ops[i] instanceof Block b && b.last == i) {
                    b.op.pullback(value, adj, hit);
                    i = b.first;                   // its members have no inputs of their own
                }
                continue;
            }
            if (!hit[i]) {
                continue;
            }
            double g = adj[i];
            for (int k = s; k < e; k++) {
                int j = in[k];
                adj[j] += p[k] * g;
                hit[j] = true;
            }
        }
        boolean single = roots.length == 1;
        reachedFrom = single && !blocks ? roots[0] : -1;
        reachedSize = size;
        finishSweep(top, single ? roots[0] : -1);
    }

    /**
     * The sweep again from the root of the last one, over the same graph: the same nodes are
     * reached, so `reached` is kept and only adjoints are cleared and summed. A node is skipped
     * when its adjoint is zero and it was not reached, which is exactly the full sweep's rule
     * (an unreached node's adjoint is always zero; a reached one with a zero adjoint still
     * propagates, so 0·∞ gives NaN there as before).
     */
    private void sweepKnownReach(int root, double seed) {
        clearAdjoints();
        adjoint[root] += seed;
        // the loops at or below the root; the root may sit inside one (what f returned was not
        // the last thing it recorded): that loop runs from there, its later slots being dead
        int next = loops == null ? -1 : loops.length - 1;
        while (next >= 0 && loops[next].lo > root) {
            next--;
        }
        sweepFrom(root, start[root + 1], next);
        finishSweep(root, root);
    }

    /**
     * The known-reach sweep from node {@code from} down, {@code e} being where the arguments of
     * the node above it start and {@code next} the index of the highest loop not yet swept.
     */
    private void sweepFrom(int from, int e, int next) {
        final double[] adj = adjoint;
        final boolean[] hit = reached;
        final int[] st = start;
        final int[] in = args;
        final double[] p = partials;
        int low = program != null && program.code != null ? program.firstOp : 0;
        int top = next >= 0 ? Math.min(loops[next].last(), from) : -1;
        for (int i = from; i >= low; i--) {
            if (i == top) {
                Loop l = loops[next--];
                runBackward(l, value, adj, p);
                i = l.lo;
                e = st[i];
                top = next >= 0 ? loops[next].last() : -1;
                continue;
            }
            int s = st[i];
            double g = adj[i];
            if (s != e && (g != 0 || hit[i])) {      // s == e: a leaf (there are no array operations)
                for (int k = s; k < e; k++) {
                    adj[in[k]] += p[k] * g;
                }
            }
            e = s;
        }
    }

    /**
     * Whether {@link #replayAndSweep} applies to a gradient of {@code root}: a generated loop
     * ends at the root, or where the chain to it starts ({@link #chainStart}), and has a fused
     * method (forward and backward in one pass), and the last sweep, from the same root, found
     * what it reaches.
     */
    boolean replaysWithSweep(int root) {
        return root == loopsRoot && reachedFrom == root && reachedSize == size && program != null
                && program.code != null && program.codeSize == size && fusedLoopAt(loopsEnd) >= 0;
    }

    /** The index of the generated loop that ends at node end and has a fused method, or −1. */
    private int fusedLoopAt(int end) {
        for (int m = loops == null ? -1 : loops.length - 1; m >= 0; m--) {
            if (loops[m].last() == end && loops[m].fused != null) {
                return m;
            }
        }
        return -1;
    }

    /**
     * A replay and the backward sweep from {@code root} (seed 1), with the loop that ends at the
     * root (or at the start of its chain) run forward and backward in one pass
     * ({@link #replaysWithSweep} must hold): the adjoints are cleared and seeded first, the
     * chain is swept (its partials are constants), the replay runs the loop's fused code, and
     * the sweep goes on from the node below the loop. The adjoints are the same, to the bit, as
     * those of {@link #replay} and {@link #backward}: the same operations in the same order.
     * Returns false when a guard fails, as {@link #replay} does.
     */
    boolean replayAndSweep(int[] leaves, double[] x, int root) {
        int m = fusedLoopAt(loopsEnd);
        Loop l = loops[m];
        clearAdjoints();
        adjoint[root] += 1.0;
        for (int i = root; i > loopsEnd; i--) {
            int s = start[i];
            adjoint[args[s]] += partials[s] * adjoint[i];
        }
        if (!replay(leaves, x, l)) {
            return false;
        }
        sweepFrom(l.lo - 1, start[l.lo], m - 1);
        finishSweep(root, root);
        return true;
    }

    /**
     * The adjoints of {@code nodes} from the last sweep into {@code out} (0 where it did not
     * reach): {@link #adjoint(int)} for each, in one copy when the nodes are consecutive.
     */
    void adjoints(int[] nodes, double[] out) {
        int n = nodes.length;
        if (n > 0 && nodes == replayLeaves && replayLeavesRun && nodes[n - 1] < swept) {
            // a sweep clears every adjoint below `swept` first, so one it did not reach is 0 here
            System.arraycopy(adjoint, nodes[0], out, 0, n);
            return;
        }
        for (int k = 0; k < n; k++) {
            out[k] = adjoint(nodes[k]);
        }
    }

    /** After a sweep: parameters reached remember their gradient; adjoints below size are current. */
    private void finishSweep(int top, int root) {
        // a compiled tape's parameters are CompiledFn's inputs, read through adjoints(): not
        // remembering each one's gradient saves a pass over all of them per sweep
        for (int k = 0, n = program == null ? nparams : 0; k < n; k++) {
            int i = params[k];
            if (i <= top && reached[i]) {
                paramGrad[k] = adjoint[i];
                paramKnown[k] = true;
            }
        }
        swept = size;
        sweptRoot = root;
    }

    /**
     * The magnitude of the terms a backward sweep from {@code root} sums: for each node, the
     * sum over all paths to the root of the absolute product of the partials along the path.
     * Where it greatly exceeds the adjoint itself, the adjoint was formed by cancellation and
     * has lost about log10(scale / |adjoint|) digits to rounding — in reverse mode a partial of
     * 1e14 into a value whose own derivative is exactly 0 (atan2(y, x − x)) costs that much.
     * Array operations contribute their pullback applied to the magnitudes (an upper estimate
     * for elementwise operations, approximate for matrix products).
     */
    public double[] absoluteAdjoints(int root) {
        double[] a = new double[size];
        boolean[] hit = new boolean[size];
        a[root] = 1.0;
        hit[root] = true;
        for (int i = root; i >= 0; i--) {
            int s = start[i];
            int e = start[i + 1];
            if (s == e) {
                if (op[i] instanceof Block b && b.last == i) {
                    b.op.pullback(value, a, hit);
                    i = b.first;
                }
                continue;
            }
            if (!hit[i]) {
                continue;
            }
            double g = Math.abs(a[i]);
            for (int k = s; k < e; k++) {
                a[args[k]] += Math.abs(partials[k]) * g;
                hit[args[k]] = true;
            }
        }
        for (int i = 0; i < size; i++) {
            a[i] = Math.abs(a[i]);
        }
        return a;
    }

    /**
     * Propagates tangents forward over the recorded operations: given tangents of some leaves,
     * returns the tangent of every node (a Jacobian–vector product without re-running code).
     */
    public double[] forwardSweep(int[] leaves, double[] seeds, int upTo) {
        for (int i = 0; i <= upTo; i++) {
            if (blockOp(i) != null) {
                throw new IllegalStateException("forward sweep over the array operation " + opName(i)
                        + ": use jacobian(Mode.REVERSE, …) or forward mode for functions with tensors");
            }
        }
        double[] t = new double[upTo + 1];
        for (int k = 0; k < leaves.length; k++) {
            t[leaves[k]] += seeds[k];
        }
        for (int i = 0; i <= upTo; i++) {
            double s = t[i];
            for (int k = start[i], e = start[i + 1]; k < e; k++) {
                double tk = t[args[k]];
                if (tk != 0) {
                    s += partials[k] * tk;
                }
            }
            t[i] = s;
        }
        return t;
    }

    /** Whether the last sweep started at {@code root} alone and is still valid. */
    public boolean sweptFrom(int root) {
        return sweptRoot == root;
    }

    /** ∂root/∂node from the last sweep, 0 where it did not reach. */
    public double adjoint(int i) {
        return i < swept && reached[i] ? adjoint[i] : 0.0;
    }

    /** Whether the last sweep reached node i. */
    public boolean reached(int i) {
        return i < swept && reached[i];
    }

    /** The gradient a parameter received from the last sweep that reached it, or null. */
    public Double parameterGradient(int i) {
        int k = Arrays.binarySearch(params, 0, nparams, i);
        return k >= 0 && paramKnown[k] ? paramGrad[k] : null;
    }

    // ---- life cycle ------------------------------------------------------------------------

    /**
     * Forgets everything recorded, keeping the arrays. Values recorded before carry the old
     * generation and are refused from now on.
     */
    public void rewind() {
        endGeneration(0);
        level = Session.nextLevel();
        numPartials.clear();
        size = 0;
        nargs = 0;
        names.clear();
        Arrays.fill(paramKnown, 0, nparams, false);
        nparams = 0;
        swept = 0;
        sweptRoot = -1;
        reachedFrom = -1;
        program = null;
        loops = null;
        blocks = false;
        members = 0;
    }

    /** Closes the tape for good (after {@code resetTape()}); its values are refused. */
    public void close() {
        closed = true;
        endGeneration(0);
        numPartials.clear();
        value = new double[0];
        op = new Object[0];
        start = new int[1];
        updateLimit();
        args = new int[0];
        partials = new double[0];
        adjoint = new double[0];
        reached = new boolean[0];
        params = new int[8];                       // the three parameter arrays keep one length
        paramGrad = new double[8];
        paramKnown = new boolean[8];
        nparams = 0;
        swept = 0;
        reachedFrom = -1;
        program = null;
        loops = null;
        size = 0;
        nargs = 0;
    }

    /**
     * Starts a new differentiation on this (rewound) tape: it gets a fresh, innermost level, so
     * values of every differentiation already running count as outer to it.
     */
    public void begin() {
        level = Session.nextLevel();
    }

    private void endGeneration(int mark) {
        // keep the suffix minima of the cuts: a stack of (generation, mark) with increasing
        // marks, so "the smallest cut since generation g" is one binary search — an optimizer
        // cuts once per evaluation, and a linear scan would make a long run quadratic
        while (cuts > 0 && cutMark[cuts - 1] >= mark) {
            cuts--;
        }
        if (cuts == cutGen.length) {
            cutGen = Arrays.copyOf(cutGen, cuts * 2);
            cutMark = Arrays.copyOf(cutMark, cuts * 2);
        }
        cutGen[cuts] = generation;
        cutMark[cuts++] = mark;
        generation++;
    }

    /**
     * Whether a value recorded at {@code position} in generation {@code gen} is still valid:
     * always in the current generation, else only below every cut made since.
     */
    public boolean isValid(int position, int gen) {
        if (gen == generation) {
            return true;
        }
        if (closed || gen > generation) {
            return false;
        }
        // the first stack entry from generation gen on holds the smallest cut since then
        int lo = 0;
        int hi = cuts - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cutGen[mid] >= gen) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return position < cutMark[lo];
    }

    /**
     * Cuts the tape back to {@code mark} operations: what was recorded after it is forgotten
     * and refused from now on, what came before stays valid. An optimizer uses this to evaluate
     * a loss over the implicit tape's parameters again and again without growing the tape.
     */
    public void truncate(int mark) {
        if (mark < 0 || mark > size) {
            throw new IllegalArgumentException("truncate(" + mark + "): the tape has " + size + " operations");
        }
        for (int i = size - 1; i >= mark; i--) {
            if (op[i] instanceof Block b && b.last == i) {
                // a whole block at once (its members have no names or nested partials)
                int lo = Math.max(b.first, mark);
                members -= i - lo;
                Arrays.fill(op, lo, i + 1, null);
                if (lo > b.first) {
                    op[b.first] = null;            // cut inside: the kept members are plain members
                }
                i = lo;
                continue;
            }
            if (op[i] == null) {
                members--;                         // a member of a block cut by an earlier truncate
            }
            names.remove(i);
            numPartials.remove(i);
            op[i] = null;
        }
        int k = 0;
        for (int j = 0; j < nparams; j++) {
            if (params[j] < mark) {
                params[k++] = params[j];
            }
        }
        Arrays.fill(paramKnown, k, nparams, false);   // their ordinals go to the next parameters
        nparams = k;
        nargs = start[mark];
        size = mark;
        swept = Math.min(swept, mark);
        sweptRoot = -1;
        reachedFrom = -1;
        if (loops != null) {
            loops = null;
            program.code = null;                   // it marks the loops' first nodes: rebuild it
        }
        endGeneration(mark);
    }

    /**
     * After a backward sweep: the first operation before {@code mark} that the sweep reached,
     * that is not a parameter, and that depends on one of the given parameters — a value
     * computed from their old values — or −1.
     */
    public int staleDependency(int mark, int[] parameterPositions) {
        boolean[] dep = new boolean[mark];
        for (int p : parameterPositions) {
            if (p < mark) {
                dep[p] = true;
            }
        }
        for (int i = 0; i < mark; i++) {
            BlockOp b = blockOp(i);
            if (b != null) {
                for (int in : b.inputs()) {
                    dep[i] |= in < mark && dep[in];
                }
                continue;
            }
            for (int k = start[i]; k < start[i + 1]; k++) {
                dep[i] |= dep[args[k]];
            }
            if (dep[i] && !isParameter(i) && reached(i)) {
                return i;
            }
        }
        return -1;
    }

    /** Sets the recorded value of a parameter (an optimizer moving it). */
    public void setParameterValue(int position, double v) {
        if (!isParameter(position)) {
            throw new IllegalArgumentException("position #" + position + " is not a parameter");
        }
        value[position] = v;
        sweptRoot = -1;
    }

    public boolean isClosed() {
        return closed;
    }

    public int generation() {
        return generation;
    }

    /**
     * The nesting level: differentiations started later have higher levels, so an operation
     * that meets values of two tapes knows which is inner.
     */
    public long level() {
        return level;
    }

    /** Whether this tape belongs to one functional call (and so may nest inside others). */
    public boolean isScoped() {
        return !implicit;
    }

    public Session session() {
        return session;
    }

    public String label() {
        return label;
    }

    /**
     * Number of recorded operations: an array operation counts once, however many elements
     * it produced (compare {@link #size()}, the number of positions).
     */
    public int operations() {
        return size - members;
    }

    /** Number of recorded positions (parameters and array elements included). */
    public int size() {
        return size;
    }

    /** Approximate heap bytes held by the recording. */
    public long bytes() {
        return (long) value.length * (8 + 4 + 4) + (long) args.length * (4 + 8) + adjoint.length * 9L
                + params.length * 13L;
    }

    /** Sets the node count at which an implicit tape warns (once). */
    public void warnAt(long nodes) {
        this.warnAt = nodes;
        this.warned = false;
        updateLimit();
    }

    // ---- reading ---------------------------------------------------------------------------

    public double value(int i) {
        return value[i];
    }

    /** The raw values, for array operations (read-only by convention). */
    public double[] values() {
        return value;
    }

    /** The operation's name at node i. */
    public String op(int i) {
        return opName(i);
    }

    private String opName(int i) {
        Object o = op[i];
        if (o instanceof UnaryRule r) {
            return r.name();
        }
        if (o instanceof BinaryRule r) {
            return r.name();
        }
        if (o instanceof NaryRule r) {
            return r.name();
        }
        if (o instanceof Block b) {
            return b.last == i ? b.op.name() : MEMBER;
        }
        return o == null ? MEMBER : String.valueOf(o);
    }

    /** The parameter name at node i, or null. */
    public String name(int i) {
        return names.get(i);
    }

    public boolean isParameter(int i) {
        return i >= 0 && i < size && op[i] == PARAM;
    }

    /** The inputs of node i (for an array operation, the first positions of its inputs). */
    public int[] inputs(int i) {
        BlockOp b = blockOp(i);
        if (b != null) {
            return b.inputs().clone();
        }
        return Arrays.copyOfRange(args, start[i], start[i + 1]);
    }

    /** The local partials of node i with respect to its inputs (none for array operations). */
    public double[] partials(int i) {
        return Arrays.copyOfRange(partials, start[i], start[i + 1]);
    }

    /** Whether node i is an array operation (the last position of its block). */
    boolean isArrayOperation(int i) {
        return blockOp(i) != null;
    }

    /** The Wengert list as a table: index, operation, inputs, value, adjoint. */
    @Override
    public String toString() {
        return TapeListing.text(this);
    }

    /** The recorded graph in Graphviz DOT: nodes show operation and value, edges the local partial. */
    public String toDot() {
        return TapeListing.dot(this);
    }

    /** The Wengert list as an HTML table, for notebooks. */
    @Override
    public Map<String, String> mimeBundle() {
        return TapeListing.mimeBundle(this);
    }
}
