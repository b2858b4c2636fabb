package dev.wengert.core;

import dev.wengert.display.Displayable;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.util.Arrays;
import java.util.HashMap;
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
    private String label;
    private final boolean implicit;

    private int generation;
    // When generation g ends, the tape is cut back to a mark (0 for a rewind or close, which
    // invalidate everything): a value recorded in generation g stays valid while its position
    // is below every later cut. cutGen/cutMark keep the suffix minima of those marks.
    private int[] cutGen = new int[8];
    private int[] cutMark = new int[8];
    private int cuts;
    /**
     * The lowest mark of any cut ever made (MAX_VALUE before the first): a position below it is
     * valid in every generation, so the values recorded before the first cut — a row model's
     * parameters, cut back to after each run of rows — pass {@link #isValid} without a search.
     */
    private int floor = Integer.MAX_VALUE;
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
    // whether the implicit tape warned that it nears the maximum heap (once per tape)
    private boolean heapWarned;
    // next() takes its slow path (grow, warn) once size reaches this: the capacity, or the
    // warning size when that comes first. One comparison per recorded operation.
    private int limit;

    private boolean blocks;
    private int members;

    // The listener of a recording that will be replayed (dev.wengert.compile), or null: it is
    // told what the tape does not keep (constant operands, guards), so a plain tape pays
    // nothing for compiled ones.
    private ProgramListener listener;

    // Lean recording (a row model's first pass, TapeStorage.beginLean): while `lean`, scalar
    // and n-ary operations store their value only, not their op, inputs or partials — the
    // row's listener checks it against a shape it already has, so nothing reads them unless the
    // row leaves it, and such a row is recorded again in full. Positions [leanFrom, leanTo) were
    // recorded lean (leanTo is size while `lean`; leanFrom is MAX_VALUE when there are none):
    // anything that would read them, or record anything else, first makes the tape consistent
    // (settle(): those nodes become nodes without inputs), and tears a lean row under way.
    private boolean lean;
    private int leanFrom = Integer.MAX_VALUE;
    private int leanTo;
    private boolean torn;
    /** The op of a position recorded lean, once settled (a row that sees it is recorded again in full). */
    static final String UNRECORDED = "(recorded without inputs)";

    // what array operations use to record here (made on first use)
    private ArrayTape arrays;

    /**
     * @param session  the session (and so the thread) that owns this tape
     * @param label    how errors name it, e.g. "the implicit tape"
     * @param implicit whether this is a session's implicit tape (it warns when very large)
     * @param warnAt   node count at which an implicit tape warns once
     */
    Tape(Session session, String label, boolean implicit, long warnAt) {
        this.session = session;
        this.label = label;
        this.implicit = implicit;
        this.warnAt = warnAt;
        this.level = Session.nextLevel();
        updateLimit();
    }

    // ---- recording -------------------------------------------------------------------------

    /** Records a parameter (a leaf). Returns its position. */
    int leaf(double v, String name) {
        full();
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
    int push1(Object rule, double v, int a, double pa) {
        int i = lean ? nextLean(v) : record1(rule, v, a, pa);
        if (listener != null) {
            listener.operation(i, rule, a, -1);
        }
        return i;
    }

    private int record1(Object rule, double v, int a, double pa) {
        int i = next(rule, v);
        ensureArgs(1);
        args[nargs] = a;
        partials[nargs++] = pa;
        start[i + 1] = nargs;
        return i;
    }

    /** Records a two-input operation. */
    int push2(Object rule, double v, int a, double pa, int b, double pb) {
        if (lean) {
            int i = nextLean(v);
            listener.operation(i, rule, a, b);
            return i;
        }
        int i = next(rule, v);
        ensureArgs(2);
        args[nargs] = a;
        partials[nargs++] = pa;
        args[nargs] = b;
        partials[nargs++] = pb;
        start[i + 1] = nargs;
        if (listener != null) {
            listener.operation(i, rule, a, b);
        }
        return i;
    }

    /** Records an operation with any number of inputs. */
    int pushN(Object rule, double v, int[] in, double[] p) {
        int i = recordN(rule, v, in, p);
        if (listener != null) {
            listener.operation(i, rule, -1, -1);
        }
        return i;
    }

    private int recordN(Object rule, double v, int[] in, double[] p) {
        full();
        int i = next(rule, v);
        if (listener != null && rule instanceof String) {
            listener.unreplayable(i);              // a nested node: its partials have no rule here
        }
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
    int pushNested(String opName, double v, int[] in, Num[] p) {
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
    int block(BlockOp blockOp, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(blockOp.name() + ": an array operation needs at least one output");
        }
        full();
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
        // all three or none: a tape whose arrays disagree on their length would be corrupt
        double[] v;
        Object[] o;
        int[] s;
        try {
            v = Arrays.copyOf(value, cap);
            o = Arrays.copyOf(op, cap);
            s = Arrays.copyOf(start, cap + 1);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(cap);
        }
        value = v;
        op = o;
        start = s;
    }

    /**
     * The error of a tape that could not grow: it names the tape, what it holds and the way out.
     * The tape is intact (nothing was half-grown), so the session goes on after resetTape().
     */
    private WengertException outOfMemory(long slots) {
        long max = Runtime.getRuntime().maxMemory();
        return new WengertException(label + " ran out of memory growing to " + String.format("%,d", slots)
                + " positions: it holds " + String.format("%,d", operations()) + " operations (about "
                + String.format("%,d", bytes() >> 20) + " MB) of a " + String.format("%,d", max >> 20)
                + " MB maximum heap. " + (implicit ? "Call resetTape() to discard it (values made before are then "
                + "refused), compute gradients with gradient(f, x), which does not grow this tape, or"
                : "Record less per call (split the function), or") + " give the JVM more heap (-Xmx8g; in Jupyter: "
                + "kernel-config/install --jvm-option -Xmx8g).");
    }

    /**
     * Whether the implicit tape, grown to {@code cap} positions, would hold more than a quarter
     * of the maximum heap: growing copies its arrays, so it then needs about half the heap for a
     * moment, and the next growth may not fit. The count-based warning ({@code tapeWarning(n)})
     * may come too late when the heap is small.
     */
    private boolean nearHeapLimit(long cap) {
        long tapeBytes = cap * (8 + 4 + 4) + (long) args.length * (4 + 8);
        return tapeBytes > Runtime.getRuntime().maxMemory() / 4;
    }

    /** The array operation recorded at position i (the last of its block), or null. */
    private BlockOp blockOp(int i) {
        return op[i] instanceof Block b && b.last == i ? b.op : null;
    }

    /** Runs a block operation's forward computation (after {@link #block} reserved its output). */
    void forward(BlockOp blockOp) {
        blockOp.forward(value);
    }

    private int next(Object opOrName, double v) {
        if (size >= limit) {
            reserve();
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

    /** A position for a node recorded lean: its value only (see {@link #lean}). */
    private int nextLean(double v) {
        if (size >= limit) {
            reserve();
        }
        value[size] = v;
        return size++;
    }

    /**
     * From here on, scalar and n-ary operations (with the listener told of each as usual) are
     * recorded lean: their value only, not their op, inputs or partials. For
     * a row model's first pass, whose listener checks each row against a shape it already has.
     * The lean stretch must end ({@link #endLean}) before anything else is recorded in full,
     * except what tears it (any other recording, or anything that reads the recorded nodes).
     */
    void beginLean() {
        if (leanFrom != Integer.MAX_VALUE && leanTo != size) {
            settle();                              // full nodes since the last stretch: it cannot grow on
        }
        if (leanFrom == Integer.MAX_VALUE) {
            leanFrom = size;
        }
        lean = true;
        torn = false;
    }

    /**
     * Ends lean recording: true if everything since {@link #beginLean} was recorded lean (then
     * its nodes have values only, until a cut below them or something that reads them); false if
     * it was torn part-way (then the tape is consistent, those nodes without inputs, and what
     * was recorded after the tear is in full).
     */
    boolean endLean() {
        if (!lean) {
            return !torn;
        }
        lean = false;
        if (leanFrom == size) {
            leanFrom = Integer.MAX_VALUE;          // nothing was recorded lean
        }
        leanTo = size;
        return true;
    }

    /** Whether positions recorded lean are on the tape (until it is cut below them). */
    boolean holdsLean() {
        return leanFrom != Integer.MAX_VALUE;
    }

    /** Before something needs every node in full: tears lean recording under way, settles lean nodes kept. */
    private void full() {
        if (lean) {
            tear();
        } else if (leanFrom != Integer.MAX_VALUE) {
            settle();
        }
    }

    /** Ends lean recording part-way: the row under way is then recorded in full by its recorder. */
    private void tear() {
        if (lean) {
            lean = false;
            leanTo = size;
            torn = true;
        }
        settle();
    }

    /**
     * The lean nodes made consistent: nodes without inputs (their values are right; their
     * derivatives are lost, which is why a torn row is recorded again). Lean nodes take no
     * arguments, so every start in the stretch is the one at its first position — up to and
     * including start[leanTo], the first start of whatever was recorded in full after the
     * stretch (everything that reads starts settles first, so until then it may be stale).
     */
    private void settle() {
        if (leanFrom != Integer.MAX_VALUE) {
            Arrays.fill(op, leanFrom, leanTo, UNRECORDED);
            Arrays.fill(start, leanFrom + 1, leanTo + 1, start[leanFrom]);
            leanFrom = Integer.MAX_VALUE;
        }
    }

    /** next()'s slow path: room for one more node, and the large-tape warning when it is due. */
    private void reserve() {
        if (size == value.length) {
            if (implicit && !heapWarned && nearHeapLimit(grow(value.length, size + 1L))) {
                heapWarned = true;
                System.err.printf("wengert: the implicit tape now holds %,d operations (about %,d MB), and growing it "
                        + "would take over a quarter of the %,d MB maximum heap. Every operation on parameters is "
                        + "recorded until you call resetTape(); call it when you no longer need earlier values, "
                        + "compute gradients with gradient(f, x), which does not grow this tape, or give the JVM more "
                        + "heap (-Xmx8g; in Jupyter: kernel-config/install --jvm-option -Xmx8g).%n",
                        operations(), bytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            }
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
            growArgs(k);
        }
    }

    /** ensureArgs' slow path, a method of its own so that the recording paths it is inlined into stay small. */
    private void growArgs(int k) {
        int cap = grow(args.length, (long) nargs + k);
        int[] a;
        double[] p;
        try {
            a = Arrays.copyOf(args, cap);
            p = Arrays.copyOf(partials, cap);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(size);
        }
        args = a;
        partials = p;
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

    // ---- recordings that will be replayed ---------------------------------------------------------

    /** Attaches the listener of a recording that will be replayed ({@link TapeStorage#programTape}). */
    void listen(ProgramListener l) {
        this.listener = l;
    }

    /**
     * Starts a new recording on this private program tape for another listener, keeping its
     * arrays (as a borrowed tape keeps them, {@link Session#borrowTape}): everything recorded
     * before is refused from now on. False, and nothing changed, when the tape cannot be
     * reused here: it is closed, or its session is not the calling thread's.
     */
    boolean restart(String newLabel, ProgramListener l) {
        if (closed || implicit || session != Session.current() || session.owner() != Thread.currentThread()) {
            return false;
        }
        rewind();
        begin();
        label = newLabel;
        listen(l);
        return true;
    }

    /** Whether a listener follows this recording (then comparisons and reads are reported to it). */
    boolean listening() {
        return listener != null;
    }

    /** Records a binary rule applied to node a and the constant c (on the right or left); pa is ∂/∂a. */
    int push1(BinaryRule rule, double v, int a, double pa, double c, boolean right) {
        int i = lean ? nextLean(v) : record1(rule, v, a, pa);
        if (listener != null) {
            listener.constantOperation(i, rule, a, c, right);
        }
        return i;
    }

    /**
     * Records an n-ary rule: the node's inputs and partials (its value only when {@link #lean}),
     * and for a replay all argument values.
     */
    int pushN(NaryRule rule, double v, int[] in, double[] p, double[] values, int[] recordedSlots) {
        int i = lean ? nextLean(v) : recordN(rule, v, in, p);
        if (listener != null) {
            listener.naryOperation(i, rule, in, values, recordedSlots);
        }
        return i;
    }

    /** The program compared recorded node a (valid in generation gen) with node b or the constant c. */
    void compared(int a, int gen, int b, double c, String cmp, boolean outcome) {
        if (listener != null && isValid(a, gen)) {
            listener.compared(a, b, c, cmp, outcome);
        }
    }

    /** The program read the value v of recorded node a (valid in generation gen). */
    void read(int a, int gen, double v) {
        if (listener != null && isValid(a, gen)) {
            listener.read(a, v);
        }
    }

    /** The view of this tape that array operations record through. */
    ArrayTape arrays() {
        if (arrays == null) {
            arrays = new ArrayTape(this);
        }
        return arrays;
    }

    // ---- storage, for replays (TapeStorage) ---------------------------------------------------------

    double[] valueArray() {
        return value;
    }

    Object[] opArray() {
        full();
        return op;
    }

    int[] startArray() {
        full();
        return start;
    }

    int[] argArray() {
        full();
        return args;
    }

    double[] partialArray() {
        full();
        return partials;
    }

    double[] adjointArray() {
        return adjoint;
    }

    boolean[] reachedArray() {
        return reached;
    }

    /** The array operation whose block starts at node i, or null. */
    BlockOp blockStartingAt(int i) {
        full();
        return op[i] instanceof Block b && b.first == i ? b.op : null;
    }

    /** The last node of the block that starts (or ends) at node i. */
    int blockEnd(int i) {
        full();
        return ((Block) op[i]).last;
    }

    /** Whether {@code reached} holds what a sweep from root reaches, over the current recording. */
    boolean reachIsFrom(int root) {
        return root == reachedFrom && size == reachedSize && !blocks;
    }

    /**
     * Takes what a sweep from root reaches as computed elsewhere (a compiled tape's code
     * generation works it out from the recording on its own thread): afterwards
     * {@link #reachIsFrom} holds for root, as after a full sweep from it.
     */
    void adoptReach(int root, boolean[] r) {
        if (r.length < size || root < 0 || root >= size || blocks) {
            throw new IllegalArgumentException("adoptReach: the reach of #" + root + " does not fit this recording");
        }
        if (adjoint.length < size) {
            adjoint = new double[size];
        }
        reached = r;
        reachedFrom = root;
        reachedSize = size;
        swept = 0;
        sweptRoot = -1;
    }

    /** A replay changed the values: the last sweep's adjoints describe the old ones. */
    void valuesChanged() {
        sweptRoot = -1;
    }

    /** A sweep from root ran outside the tape, over its arrays (a replayed tape's own sweep). */
    void sweptExternally(int root) {
        finishSweep(root, root);
    }

    /** Whether the last sweep's adjoints cover node i. */
    boolean sweptBelow(int i) {
        return i < swept;
    }


    // ---- sweeps ----------------------------------------------------------------------------

    /**
     * The backward sweep over differentiable values: adjoints are {@link Num}s computed with
     * the DSL's own operations, so an outer differentiation sees through them (this is how
     * forward-over-reverse Hessians and reverse-over-reverse work). Returns the adjoint of
     * every node, null where the sweep did not reach.
     */
    Num[] backwardNested(int[] roots, Num[] seeds) {
        full();
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
    boolean hasBlocks() {
        return blocks;
    }

    /** Whether any operation has differentiable partials (then {@link #backwardNested} is needed for nesting). */
    boolean isNested() {
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
    void backward(int[] roots, double[] seeds) {
        full();
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        if (adjoint.length < size) {
            // exactly the recorded size the first time; a tape that keeps growing between
            // sweeps (the implicit tape) grows these like its own arrays
            int n = adjoint.length == 0 ? size : grow(adjoint.length, size);
            try {
                double[] a = new double[n];
                reached = new boolean[n];
                adjoint = a;
            } catch (OutOfMemoryError e) {
                throw outOfMemory(size);           // the last sweep's arrays are untouched
            }
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

    /** After a sweep: parameters reached remember their gradient; adjoints below size are current. */
    private void finishSweep(int top, int root) {
        // a compiled tape's parameters are CompiledFn's inputs, read through adjoints(): not
        // remembering each one's gradient saves a pass over all of them per sweep
        for (int k = 0, n = listener == null ? nparams : 0; k < n; k++) {
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
    double[] absoluteAdjoints(int root) {
        full();
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
    double[] forwardSweep(int[] leaves, double[] seeds, int upTo) {
        full();
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
    void rewind() {
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
        listener = null;
        blocks = false;
        members = 0;
        lean = false;
        leanFrom = Integer.MAX_VALUE;
    }

    /** Closes the tape for good (after {@code resetTape()}); its values are refused. */
    void close() {
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
        listener = null;
        size = 0;
        nargs = 0;
        lean = false;
        leanFrom = Integer.MAX_VALUE;
    }

    /**
     * Starts a new differentiation on this (rewound) tape: it gets a fresh, innermost level, so
     * values of every differentiation already running count as outer to it.
     */
    void begin() {
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
        floor = Math.min(floor, mark);
        cutMark[cuts++] = mark;
        generation++;
    }

    /**
     * Whether a value recorded at {@code position} in generation {@code gen} is still valid:
     * always in the current generation, else only below every cut made since.
     */
    boolean isValid(int position, int gen) {
        if (gen == generation) {
            return true;
        }
        if (closed || gen > generation) {
            return false;
        }
        if (position < floor) {
            return true;
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
    void truncate(int mark) {
        if (mark < 0 || mark > size) {
            throw new IllegalArgumentException("truncate(" + mark + "): the tape has " + size + " operations");
        }
        // Without blocks, names or nested partials in the cut part there is nothing to undo per
        // node: its ops stay (as after a rewind) until recording overwrites them. A row model
        // cut back after every row (CompiledRows) spends most of its recording time here otherwise.
        boolean plain = !blocks && names.isEmpty() && numPartials.isEmpty();
        if (lean) {
            tear();                                // a cut ends lean recording
        }
        if (leanFrom != Integer.MAX_VALUE) {
            if (mark > leanFrom || !plain) {
                settle();                          // lean nodes kept, or ops that the loop below reads
            }
            leanFrom = Integer.MAX_VALUE;          // else cut below the stretch: the lean nodes are gone
        }
        for (int i = size - 1; i >= mark && !plain; i--) {
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
        endGeneration(mark);
    }

    /**
     * After a backward sweep: the first operation before {@code mark} that the sweep reached,
     * that is not a parameter, and that depends on one of the given parameters — a value
     * computed from their old values — or −1.
     */
    int staleDependency(int mark, int[] parameterPositions) {
        full();
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
    void setParameterValue(int position, double v) {
        if (!isParameter(position)) {
            throw new IllegalArgumentException("position #" + position + " is not a parameter");
        }
        value[position] = v;
        sweptRoot = -1;
    }

    public boolean isClosed() {
        return closed;
    }

    int generation() {
        return generation;
    }

    /**
     * The nesting level: differentiations started later have higher levels, so an operation
     * that meets values of two tapes knows which is inner.
     */
    long level() {
        return level;
    }

    /** Whether this tape belongs to one functional call (and so may nest inside others). */
    boolean isScoped() {
        return !implicit;
    }

    Session session() {
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
    void warnAt(long nodes) {
        this.warnAt = nodes;
        this.warned = false;
        updateLimit();
    }

    // ---- reading ---------------------------------------------------------------------------

    public double value(int i) {
        return value[i];
    }

    /** The raw values, for array operations (read-only by convention). */
    double[] values() {
        return value;
    }

    /** The operation's name at node i. */
    public String op(int i) {
        full();
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
        full();
        return i >= 0 && i < size && op[i] == PARAM;
    }

    /** The inputs of node i (for an array operation, the first positions of its inputs). */
    public int[] inputs(int i) {
        full();
        BlockOp b = blockOp(i);
        if (b != null) {
            return b.inputs().clone();
        }
        return Arrays.copyOfRange(args, start[i], start[i + 1]);
    }

    /** The local partials of node i with respect to its inputs (none for array operations). */
    public double[] partials(int i) {
        full();
        return Arrays.copyOfRange(partials, start[i], start[i + 1]);
    }

    /** Whether node i is an array operation (the last position of its block). */
    boolean isArrayOperation(int i) {
        full();
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
