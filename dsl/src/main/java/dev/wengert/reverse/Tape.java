package dev.wengert.reverse;

import dev.wengert.Num;
import dev.wengert.Session;
import dev.wengert.display.Displayable;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** How many rows {@link #toString()} prints before it summarises. */
    private static final int PRINT_ROWS = 200;
    /** The op of a leaf (parameter). */
    static final String PARAM = "param";
    /** How a block member other than the last (which holds the BlockOp) prints. */
    static final String MEMBER = "…";

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

        Block(BlockOp op, int first, int last) {
            this.op = op;
            this.first = first;
            this.last = last;
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
    private int[] params = new int[8];
    private int nparams;
    private double[] paramGrad = new double[0];
    private boolean[] paramKnown = new boolean[0];

    // Nodes whose partials depend on an outer differentiation (nested derivatives) keep them
    // as Nums here, by node; their values also sit in `partials`, so first-order sweeps and
    // printing need nothing else. Rare and slow by nature, so a map is fine.
    private final Map<Integer, Num[]> numPartials = new HashMap<>();

    private double[] adjoint = new double[0];
    private boolean[] reached = new boolean[0];
    private int sweptRoot = -1;

    private long warnAt;
    private boolean warned;

    // Replay information, kept only while recording a program for compile(): for a binary rule
    // with one constant operand, the constant and its side; for n-ary rules, the argument
    // template; the guards; and whether anything was recorded that cannot be replayed.
    private Program program;
    private boolean blocks;
    private int members;

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
        Arrays.fill(op, first, last, null);
        Arrays.fill(start, first + 1, last + 1, nargs);
        size = last;
        Block b = new Block(blockOp, first, last);
        next(b, 0.0);
        start[last + 1] = nargs;
        op[first] = b;
        return first;
    }

    /** Grows the node arrays once so that k more positions fit (as {@link #next} grows them). */
    private void reserve(int k) {
        if (size + k > value.length) {
            int cap = Math.max(value.length * 2, size + k);
            value = Arrays.copyOf(value, cap);
            op = Arrays.copyOf(op, cap);
            start = Arrays.copyOf(start, cap + 1);
            if (program != null) {
                program.grow(cap);
            }
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
        if (size == value.length) {
            int cap = value.length * 2;
            value = Arrays.copyOf(value, cap);
            op = Arrays.copyOf(op, cap);
            start = Arrays.copyOf(start, cap + 1);
            if (program != null) {
                program.grow(cap);
            }
        }
        if (implicit && !warned && size >= warnAt) {
            warned = true;
            System.err.printf("wengert: the implicit tape now holds %,d operations (about %,d MB). "
                    + "Every operation on parameters is recorded until you call resetTape(); "
                    + "call it when you no longer need earlier values, or compute gradients with "
                    + "gradient(f, x), which does not grow this tape.%n", size, bytes() >> 20);
        }
        if (program != null && opOrName instanceof String s && s != PARAM && s != MEMBER) {
            program.replayable = false;            // a nested node: its partials have no rule here
        }
        value[size] = v;
        op[size] = opOrName;
        return size++;
    }

    private void ensureArgs(int k) {
        if (nargs + k > args.length) {
            int cap = Math.max(args.length * 2, nargs + k);
            args = Arrays.copyOf(args, cap);
            partials = Arrays.copyOf(partials, cap);
        }
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
        for (int k = 0; k < leaves.length; k++) {
            value[leaves[k]] = x[k];
        }
        final double[] val = value;
        final double[] part = partials;
        final int[] in = args;
        final int[] st = start;
        final Object[] ops = op;
        final double[] konst = program.konst;
        final boolean[] right = program.right;
        for (int i = 0; i < size; i++) {
            int s = st[i];
            int e = st[i + 1];
            Object o = ops[i];
            if (s == e) {
                if (o instanceof Block b && b.first == i) {
                    b.op.forward(val);
                    i = b.last;                    // the members in between have nothing to replay
                }
                continue;                          // a leaf or a block member
            }
            if (o == Arithmetic.ADD) {
                if (e - s == 2) {
                    val[i] = val[in[s]] + val[in[s + 1]];
                } else {
                    val[i] = val[in[s]] + konst[i];
                }
            } else if (o == Arithmetic.MUL) {
                if (e - s == 2) {
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    val[i] = a * b;
                    part[s] = b;
                    part[s + 1] = a;
                } else {
                    val[i] = val[in[s]] * konst[i];
                }
            } else if (o == Arithmetic.SUB) {
                if (e - s == 2) {
                    val[i] = val[in[s]] - val[in[s + 1]];
                } else {
                    val[i] = right[i] ? val[in[s]] - konst[i] : konst[i] - val[in[s]];
                }
            } else if (o == Arithmetic.SQUARE) {
                double a = val[in[s]];
                val[i] = a * a;
                part[s] = 2 * a;
            } else if (o instanceof UnaryRule r) {
                double a = val[in[s]];
                double y = r.value(a);
                val[i] = y;
                part[s] = r.partial(a, y);
            } else if (o instanceof BinaryRule r) {
                if (e - s == 2) {
                    double a = val[in[s]];
                    double b = val[in[s + 1]];
                    double y = r.value(a, b);
                    val[i] = y;
                    part[s] = r.partialA(a, b, y);
                    part[s + 1] = r.partialB(a, b, y);
                } else if (right[i]) {
                    double a = val[in[s]];
                    double y = r.value(a, konst[i]);
                    val[i] = y;
                    part[s] = r.partialA(a, konst[i], y);
                } else {
                    double b = val[in[s]];
                    double y = r.value(konst[i], b);
                    val[i] = y;
                    part[s] = r.partialB(konst[i], b, y);
                }
            } else if (o instanceof NaryRule r) {
                double[][] t = program.template.get(i);
                double[] vals = t[0];
                double[] slots = t[1];
                for (int k = 0; k < slots.length; k++) {
                    vals[(int) slots[k]] = val[in[s + k]];
                }
                double y = r.value(vals);
                val[i] = y;
                double[] p = r.partials(vals, y);
                for (int k = 0; k < slots.length; k++) {
                    part[s + k] = p[(int) slots[k]];
                }
            } else {
                throw new IllegalStateException("replay: node #" + i + " (" + opName(i) + ") has no rule to replay");
            }
        }
        for (Guard g : program.guards) {
            if (!g.holds(val)) {
                return false;
            }
        }
        sweptRoot = -1;
        return true;
    }

    /** Replay information, allocated only for compiled tapes. */
    private static final class Program {
        double[] konst;
        boolean[] right;
        final Map<Integer, double[][]> template = new HashMap<>();
        final List<Guard> guards = new ArrayList<>();
        boolean replayable = true;

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
        backward(new int[] {root}, new double[] {1.0});
    }

    /**
     * Sweeps backward from several outputs at once, seeding each with its weight: the
     * adjoints are then uᵀJ (a vector–Jacobian product).
     */
    public void backward(int[] roots, double[] seeds) {
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        if (adjoint.length < size) {
            adjoint = new double[value.length];
            reached = new boolean[value.length];
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
        if (paramKnown.length < value.length) {
            paramGrad = Arrays.copyOf(paramGrad, value.length);
            paramKnown = Arrays.copyOf(paramKnown, value.length);
        }
        for (int k = 0; k < nparams; k++) {
            int i = params[k];
            if (i <= top && hit[i]) {
                paramGrad[i] = adj[i];
                paramKnown[i] = true;
            }
        }
        sweptRoot = roots.length == 1 ? roots[0] : -1;
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
        return i < reached.length && reached[i] ? adjoint[i] : 0.0;
    }

    /** Whether the last sweep reached node i. */
    public boolean reached(int i) {
        return i < reached.length && reached[i];
    }

    /** The gradient a parameter received from the last sweep that reached it, or null. */
    public Double parameterGradient(int i) {
        return i < paramKnown.length && paramKnown[i] ? paramGrad[i] : null;
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
        nparams = 0;
        Arrays.fill(paramKnown, false);
        sweptRoot = -1;
        program = null;
        blocks = false;
        members = 0;
        if (reached.length > 0) {
            Arrays.fill(reached, false);
        }
    }

    /** Closes the tape for good (after {@code resetTape()}); its values are refused. */
    public void close() {
        closed = true;
        endGeneration(0);
        numPartials.clear();
        value = new double[0];
        op = new Object[0];
        start = new int[1];
        args = new int[0];
        partials = new double[0];
        adjoint = new double[0];
        reached = new boolean[0];
        paramGrad = new double[0];
        paramKnown = new boolean[0];
        program = null;
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
        nparams = k;
        nargs = start[mark];
        size = mark;
        sweptRoot = -1;
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
        return (long) value.length * (8 + 4 + 4) + (long) args.length * (4 + 8) + adjoint.length * 9L;
    }

    /** Sets the node count at which an implicit tape warns (once). */
    public void warnAt(long nodes) {
        this.warnAt = nodes;
        this.warned = false;
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

    /** The Wengert list as a table: index, operation, inputs, value, adjoint. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d operation%s%n", label, size, size == 1 ? "" : "s"));
        sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#", "op", "inputs", "value", "adjoint"));
        int shown = Math.min(size, PRINT_ROWS);
        for (int i = 0; i < shown; i++) {
            sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#" + i, opLabel(i), inputsLabel(i),
                    Double.toString(value[i]), reached(i) ? Double.toString(adjoint[i]) : ""));
        }
        if (size > shown) {
            sb.append(String.format("   … %,d more operations (tape().toDot() or tape().size())%n", size - shown));
        }
        return sb.toString();
    }

    private String opLabel(int i) {
        String n = names.get(i);
        return n == null || n.isEmpty() ? opName(i) : opName(i) + " " + n;
    }

    private String inputsLabel(int i) {
        StringBuilder sb = new StringBuilder();
        for (int a : inputs(i)) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('#').append(a);
        }
        return sb.toString();
    }

    /** The recorded graph in Graphviz DOT: nodes show operation and value, edges the local partial. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
        for (int i = 0; i < size; i++) {
            String adj = reached(i) ? "\\nadj " + adjoint[i] : "";
            sb.append(String.format("  n%d [label=\"#%d %s\\n%s%s\"];%n", i, i, escape(opLabel(i)), value[i], adj));
            if (blockOp(i) != null) {
                for (int a : inputs(i)) {
                    sb.append(String.format("  n%d -> n%d;%n", a, i));
                }
                continue;
            }
            for (int k = start[i]; k < start[i + 1]; k++) {
                sb.append(String.format("  n%d -> n%d [label=\"%s\"];%n", args[k], i, partials[k]));
            }
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The Wengert list as an HTML table, for notebooks. */
    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder h = new StringBuilder("<table><caption>").append(html(label)).append(": ")
                .append(size).append(" operations</caption><thead><tr><th>#</th><th>op</th><th>inputs</th>"
                        + "<th>value</th><th>adjoint</th></tr></thead><tbody>");
        int shown = Math.min(size, PRINT_ROWS);
        for (int i = 0; i < shown; i++) {
            h.append("<tr><td>").append(i).append("</td><td>").append(html(opLabel(i))).append("</td><td>")
                    .append(inputsLabel(i)).append("</td><td>").append(value[i]).append("</td><td>")
                    .append(reached(i) ? Double.toString(adjoint[i]) : "").append("</td></tr>");
        }
        if (size > shown) {
            h.append("<tr><td colspan=\"5\">… ").append(size - shown).append(" more</td></tr>");
        }
        h.append("</tbody></table>");
        m.put("text/html", h.toString());
        m.put("text/plain", toString());
        return m;
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
