package dev.wengert.compile;

import dev.wengert.core.BlockOp;
import dev.wengert.core.Fn;
import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import dev.wengert.core.TapeStorage;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Dual1;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

/**
 * Hessian–vector products by forward over reverse on the recording's own nodes: one recording
 * of f, then two passes over it — tangents forward (each node's derivative along v, for the
 * nodes whose tangent the backward pass reads and those they are formed from; an array
 * operation's whole block at once), and one pass backward that forms each node's adjoint (the
 * gradient) and the adjoint's tangent together (H·v: each node adds pᵢ·ȧ + ṗᵢ·ā into its
 * operands, ṗ being its partial's derivative along v). The backward pass gives the bits of a
 * full adjoint sweep followed by a separate sweep of the adjoints' tangents (every sum in the
 * same order), and allocates nothing per node. Array operations take part as blocks ({@link BlockOp#forwardTangent},
 * {@link BlockOp#pullbackTangent}), so tensor code keeps its vectorised kernels instead of
 * taking the element path of nested differentiation, and the product costs a few gradients.
 *
 * <p>The partials' derivatives come from each rule's partial over {@code Real} evaluated on
 * dual numbers ({@link Dual1}), with closed forms for the arithmetic. A recording this cannot
 * sweep — nested differentiation inside f, a first-order user rule, an array operation without
 * tangents — is left to {@link Functional#hvp} (forward over reverse by nested values).
 */
public final class SecondOrder {
    private SecondOrder() {
    }

    /** How many products took the nested way because a sweep met a node without tangents (tests count it). */
    static final java.util.concurrent.atomic.AtomicLong FALLBACKS = new java.util.concurrent.atomic.AtomicLong();

    /** Thrown inside a sweep that meets a node it has no tangent for; the caller takes the nested way. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String what) {
            super(what, null, false, false);
            FALLBACKS.incrementAndGet();
        }
    }

    /**
     * H(x)·v: f recorded once at x on the thread's private tape and swept; the nested way when
     * the recording has a node without second-order tangents.
     *
     * <pre>{@code
     * hvp(x -> x[0].square().times(x[1]), new double[] {1, 2}, new double[] {1, 0});   // [4, 2]
     * }</pre>
     */
    public static double[] hvp(Fn f, double[] x, double[] v) {
        String caller = "hvp(f, x, v)";
        if (f == null) {
            throw new IllegalArgumentException(caller + ": the function is null");
        }
        if (x == null || x.length == 0 || v == null) {
            return Functional.hvp(f, x, v);                      // its errors name what is wrong
        }
        if (v.length != x.length) {
            return Functional.hvp(f, x, v);
        }
        Program program = borrow("the tape of hvp(f, x, v)");
        try {
            Recording r = Recording.of(program, f, x);
            if (r != null) {                                     // else f's own error, or its null: the nested way reports it
                double[] out = new double[x.length];
                if (r.root < 0) {
                    return out;                                  // f does not depend on x
                }
                try {
                    sweeps(program, r.leaves, r.root, v, out);
                    return out;
                } catch (Unsupported e) {
                    // a node without second-order tangents: the nested way
                }
            }
        } finally {
            giveBack(program);
        }
        return Functional.hvp(f, x, v);                          // after the program is back: f may call hvp itself
    }

    /**
     * Each thread's program for recordings made and dropped within one call (hvp, hessian),
     * kept between calls so that the next one records on its arrays instead of growing new
     * ones; empty while a call has it (an f that calls hvp itself gets a new one).
     */
    private static final ThreadLocal<Program> SPARE = new ThreadLocal<>();

    /** How many recordings took the thread's spare program over (tests count it). */
    static final java.util.concurrent.atomic.AtomicLong REUSES = new java.util.concurrent.atomic.AtomicLong();

    /** A program to record on: the thread's spare, restarted, or a new one. */
    private static Program borrow(String label) {
        Program old = SPARE.get();
        if (old != null) {
            SPARE.set(null);
            Program p = Program.reusing(old, label);
            if (p != null) {
                REUSES.incrementAndGet();
                return p;
            }
        }
        return new Program(label);
    }

    /** Keeps a program (its recording is done with) as the thread's spare. */
    private static void giveBack(Program p) {
        p.discard();
        SPARE.set(p);
    }

    /**
     * The Hessian of f at x by forward over reverse, in the faster of its two forms for f's
     * code, chosen here: f is recorded once; when the recording holds array operations, each
     * column H·eⱼ comes from the sweeps over the recorded nodes (the blocks keep their kernels;
     * nested values would take tensor code element by element). Scalar code takes the nested
     * form, whose one pass carries all n tangents at once (cheaper than n sweeps), as does code
     * the sweeps cannot take (nested differentiation inside f, a first-order user rule).
     * Reverse over reverse is never chosen: its inner sweep records a node per adjoint operation.
     *
     * <pre>{@code
     * hessian(x -> x[0].square().times(x[1]), 1.0, 2.0);   // [[4, 2], [2, 0]]
     * }</pre>
     */
    public static double[][] hessian(Fn f, double[] x) {
        if (f == null || x == null || x.length == 0) {
            return nestedHessian(f, x);                          // its errors name what is wrong
        }
        Program program = borrow("the tape of hessian(f, x)");
        try {
            Recording r = Recording.of(program, f, x);
            int n = x.length;
            double[][] h = new double[n][n];
            if (r == null || (r.root >= 0 && !program.hasBlocks())) {
                h = null;                                        // the nested way, below
            } else if (r.root >= 0) {
                double[] e = new double[n];
                double[] column = new double[n];
                try {
                    for (int j = 0; j < n; j++) {
                        e[j] = 1.0;
                        sweeps(program, r.leaves, r.root, e, column);
                        e[j] = 0.0;
                        for (int i = 0; i < n; i++) {
                            h[i][j] = column[i];
                        }
                    }
                    HESSIANS_BY_SWEEPS.incrementAndGet();
                } catch (Unsupported u) {
                    h = null;
                }
            }
            if (h != null) {
                return h;                                        // all 0 when f does not depend on x
            }
        } finally {
            giveBack(program);
        }
        return nestedHessian(f, x);
    }

    /** How many Hessians were taken column by column by the sweeps (tests count the choice). */
    static final java.util.concurrent.atomic.AtomicLong HESSIANS_BY_SWEEPS = new java.util.concurrent.atomic.AtomicLong();

    private static double[][] nestedHessian(Fn f, double[] x) {
        return Functional.hessian(dev.wengert.core.Mode.FORWARD, dev.wengert.core.Mode.REVERSE, f, x);
    }

    /** f recorded once at x on a private program: its leaves and its root (−1: f does not depend on x). */
    private record Recording(int[] leaves, int root) {
        /** The recording, or null when f failed with an index error or returned null (the nested way then reports it). */
        static Recording of(Program program, Fn f, double[] x) {
            Num[] in = new Num[x.length];
            int[] leaves = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = program.parameter(x[i]);
                leaves[i] = in[i].position();
            }
            Num y;
            try {
                y = f.apply(in);
            } catch (ArrayIndexOutOfBoundsException e) {
                return null;
            }
            if (y == null) {
                return null;
            }
            return new Recording(leaves, program.positionOf(y));
        }
    }

    /**
     * Every node's derivative along {@code dir} (the leaves' tangents) into {@code t}: scalar
     * nodes by their recorded partials, array operations as whole blocks. Also marks, in the
     * program's scratch arrays, each block's last node and each n-ary node's index (for the
     * backward sweep). Values and partials must be current.
     */
    static void tangentsForward(Program p, int[] leaves, double[] dir, double[] t) {
        tangentsForward(p, leaves, dir, t, null);
    }

    /**
     * {@link #tangentsForward}, computing only the tangents marked in {@code needed} (all when
     * it is null): the others are left as they were.
     */
    private static void tangentsForward(Program p, int[] leaves, double[] dir, double[] t, boolean[] needed) {
        TapeStorage st = p.storage();
        p.ensureCompiled();
        int size = st.size();
        Program.Scratch sc = p.scratch();
        int first = p.firstOp();
        // the pass writes every node from the first operation on, but a node without operands
        // up there (a leaf recorded late) keeps its seed: then everything is cleared first
        java.util.Arrays.fill(t, 0, sc.bareNodes ? size : first, 0.0);
        for (int k = 0; k < leaves.length; k++) {
            t[leaves[k]] += dir[k];
        }
        tangentsOver(st, first, size, p.code(), st.values(), st.partials(), st.starts(), st.args(), t,
                sc.blockFirst, sc.naryIndex, !sc.bareNodes, needed);
    }

    /**
     * Which nodes' tangents a product reads: those the backward pass reads (the operands of a
     * product, a square, a division's divisor and result, a rule's operands and result: every
     * partial that moves along the direction) and, transitively, the operands of each of them.
     * The others — sums, differences, scalings, minima and maxima, whose partials are constants —
     * feed nothing that is read, so their tangents need not be formed: kmeans' sums of squared
     * differences need only the differences'. Null (all of them) when the recording has array
     * operations, whose blocks read and write tangents as wholes.
     */
    static boolean[] neededTangents(Program p) {
        TapeStorage st = p.storage();
        p.ensureCompiled();
        if (st.hasBlocks()) {
            return null;
        }
        int size = st.size();
        byte[] code = p.code();
        int[] starts = st.starts();
        int[] in = st.args();
        Object[] op = st.ops();
        boolean[] need = new boolean[size];
        for (int i = size - 1; i >= p.firstOp(); i--) {
            int s = starts[i];
            int e = starts[i + 1];
            switch (code[i]) {
                case Program.MUL -> {
                    need[in[s]] = true;
                    need[in[s + 1]] = true;
                }
                case Program.SQUARE, Program.RECIPROCAL, Program.UNARY -> need[in[s]] = true;
                case Program.DIV -> {
                    need[in[s + 1]] = true;
                    need[i] = true;
                }
                case Program.K_DIV, Program.BINARY_K, Program.K_BINARY, Program.NARY -> {
                    for (int k = s; k < e; k++) {
                        need[in[k]] = true;
                    }
                    need[i] = true;
                }
                case Program.BINARY -> {
                    if (op[i] != Arithmetic.MIN && op[i] != Arithmetic.MAX) {
                        need[in[s]] = true;
                        need[in[s + 1]] = true;
                        need[i] = true;
                    }
                }
                default -> {
                    // constant partials (sums, differences, scalings): the backward reads no tangent here
                }
            }
            if (need[i]) {
                for (int k = s; k < e; k++) {
                    need[in[k]] = true;                    // a needed tangent is formed from its operands'
                }
            }
        }
        return need;
    }

    // The loops below (tangentsOver, backwardOver) take the tape's arrays as arguments, for the
    // reason Program.interpretOver gives: C2 compiles a hot loop from its back edge after a few
    // calls and leaves the accessor calls before it un-inlined, so arrays read through them
    // would live on the stack and be reloaded in the loop.

    /** {@link #tangentsForward}'s loop over nodes [first, size). */
    private static void tangentsOver(TapeStorage st, int first, int size, byte[] code, double[] val, double[] part,
            int[] starts, int[] in, double[] t, int[] blockFirst, int[] naryIndex, boolean writeAll, boolean[] needed) {
        int nary = 0;
        for (int i = first; i < size; i++) {
            byte c = code[i];
            if (c == Program.NONE) {
                if (writeAll) {
                    t[i] = 0.0;                            // not a leaf (they all come before first)
                }
                continue;
            }
            if (c == Program.BLOCK) {
                BlockOp b = st.blockStartingAt(i);
                int e = st.blockEnd(i);
                if (writeAll) {
                    java.util.Arrays.fill(t, i, e + 1, 0.0);   // what it would find after a full clear
                }
                if (!b.forwardTangent(val, t)) {
                    throw new Unsupported("array operation " + b.name());
                }
                blockFirst[e] = i + 1;                         // +1: 0 means "not a block's end"
                i = e;
                continue;
            }
            if (c == Program.UNKNOWN) {
                throw new Unsupported("node #" + i);
            }
            if (needed != null && !needed[i]) {
                if (c == Program.NARY) {
                    naryIndex[i] = nary++;
                }
                continue;                                  // nothing reads it (neededTangents)
            }
            // Σ pₖ·ṫₖ over the operands whose tangent is not 0, from +0 in operand order (a zero
            // tangent never meets an infinite partial); one and two operands written out, so the
            // pass has no inner loop to mispredict
            int k = starts[i];
            switch (c) {
                case Program.ADD, Program.SUB, Program.MUL, Program.DIV, Program.BINARY -> {
                    double ta = t[in[k]];
                    double tb = t[in[k + 1]];
                    double s = 0;
                    if (ta != 0) {
                        s += part[k] * ta;
                    }
                    if (tb != 0) {
                        s += part[k + 1] * tb;
                    }
                    t[i] = s;
                }
                case Program.NARY -> {
                    naryIndex[i] = nary++;                 // naryIndex is non-null when the recording has n-ary nodes
                    double s = 0;
                    for (int e = starts[i + 1]; k < e; k++) {
                        double tk = t[in[k]];
                        if (tk != 0) {
                            s += part[k] * tk;
                        }
                    }
                    t[i] = s;
                }
                default -> {
                    double ta = t[in[k]];              // every other opcode has one operand
                    t[i] = ta != 0 ? 0.0 + part[k] * ta : 0.0;
                }
            }
        }
    }

    /**
     * H·v over a recording whose values and partials are current (after a recording or an
     * interpreted replay): the tangents forward, then one backward pass that forms each node's
     * adjoint and its tangent together.
     */
    static void sweeps(Program p, int[] leaves, int root, double[] dir, double[] out) {
        sweeps(p, leaves, root, dir, out, null);
    }

    /**
     * As {@link #sweeps(Program, int[], int, double[], double[])}, and, unless {@code gradient}
     * is null, the leaves' adjoints into it: the gradient, which the backward pass forms anyway
     * (the same sums in the same order as a gradient's sweep, so the same bits).
     */
    static void sweeps(Program p, int[] leaves, int root, double[] dir, double[] out, double[] gradient) {
        if (!p.replayable()) {
            throw new Unsupported("nested differentiation inside f");
        }
        TapeStorage st = p.storage();
        p.ensureCompiled();
        Program.Scratch sc = p.scratch();
        double[] t = sc.tangents;
        if (!sc.neededKnown) {
            sc.neededTangents = neededTangents(p);
            sc.neededKnown = true;
        }
        tangentsForward(p, leaves, dir, t, sc.neededTangents);
        double[] adj = sc.adjoints;
        boolean[] hit = sc.reached;
        double[] at = sc.adjointTangents;
        int first = p.firstOp();
        // The pass clears each node's cells once it has read them (a block's, after its
        // pullbacks), so the arrays come out as clean as they went in, without three clearing
        // passes over the tape; the cells below the first operation (the leaves) are cleared
        // after they are read. A pass that threw, or a recording with a bare node above first
        // (whose cells are results), clears them all first instead.
        boolean clearing = !sc.bareNodes;
        if (!clearing || !sc.clean) {
            java.util.Arrays.fill(adj, 0.0);
            java.util.Arrays.fill(hit, false);
            java.util.Arrays.fill(at, 0.0);
        }
        sc.clean = false;
        adj[root] += 1.0;
        hit[root] = true;
        backwardOver(p, st, root, first, p.code(), st.values(), st.partials(), st.starts(), st.args(), st.ops(),
                p.constants(), t, adj, hit, at, sc, clearing);
        for (int k = 0; k < leaves.length; k++) {
            out[k] = at[leaves[k]];                        // 0 above the root: the pass never writes there
        }
        if (gradient != null) {
            for (int k = 0; k < leaves.length; k++) {
                gradient[k] = adj[leaves[k]];
            }
        }
        if (clearing) {
            int low = Math.min(first, root + 1);           // a root below first (f returns a leaf) was not visited
            java.util.Arrays.fill(adj, 0, low, 0.0);
            java.util.Arrays.fill(hit, 0, low, false);
            java.util.Arrays.fill(at, 0, low, 0.0);
            sc.clean = true;
        }
    }

    /**
     * The backward pass from the root down to {@code first}: at each node the sweep reached, its
     * adjoint ā goes into its operands (Tape.backward's step: pᵢ·ā, and marks them reached), then
     * its adjoint's tangent (each operand gets pᵢ·ȧ + ṗᵢ·ā, ṗ being its partial's derivative
     * along the direction). A node's adjoint is complete when the pass reaches it (its users
     * come later on the tape), so one pass gives, to the bit, what a full adjoint sweep followed
     * by a separate sweep of the adjoints' tangents gives: every sum is added in the same order.
     * Array operations take their pullback, then its tangent.
     */
    private static void backwardOver(Program p, TapeStorage st, int root, int first, byte[] code, double[] val,
            double[] part, int[] starts, int[] in, Object[] op, double[] konst, double[] t, double[] adj,
            boolean[] hit, double[] at, Program.Scratch sc, boolean clearing) {
        int[] blockFirst = sc.blockFirst;
        for (int i = root; i >= first; i--) {
            if (blockFirst != null && blockFirst[i] != 0) {
                int b0 = blockFirst[i] - 1;
                BlockOp b = st.blockStartingAt(b0);
                b.pullback(val, adj, hit);
                if (!b.pullbackTangent(val, t, adj, at, hit)) {
                    throw new Unsupported("array operation " + b.name());
                }
                if (clearing) {
                    java.util.Arrays.fill(adj, b0, i + 1, 0.0);
                    java.util.Arrays.fill(hit, b0, i + 1, false);
                    java.util.Arrays.fill(at, b0, i + 1, 0.0);
                }
                i = b0;
                continue;
            }
            int s = starts[i];
            int e = starts[i + 1];
            boolean reached = hit[i];
            double g = adj[i];
            double gt = at[i];
            if (clearing) {
                // read: this node's cells are done with (its users all come later on the tape)
                adj[i] = 0.0;
                hit[i] = false;
                at[i] = 0.0;
            }
            if (s == e || !reached) {
                continue;
            }
            // each case: the adjoint step into every operand (adj += p·ā, reached), then the
            // adjoint tangent's (at += p·ȧ + ṗ·ā); partials and operands held in locals, as
            // the compiler cannot tell the arrays apart
            switch (code[i]) {
                case Program.ADD, Program.SUB -> {
                    // constant partials: their tangents are 0
                    int a = in[s];
                    int b = in[s + 1];
                    double pa = part[s];
                    double pb = part[s + 1];
                    adj[a] += pa * g;
                    hit[a] = true;
                    adj[b] += pb * g;
                    hit[b] = true;
                    at[a] += pa * gt;
                    at[b] += pb * gt;
                }
                case Program.ADD_K, Program.SUB_K, Program.K_SUB, Program.NEG, Program.MUL_K, Program.DIV_K -> {
                    int a = in[s];
                    double pa = part[s];
                    adj[a] += pa * g;
                    hit[a] = true;
                    at[a] += pa * gt;
                }
                case Program.MUL -> {
                    int a = in[s];
                    int b = in[s + 1];
                    double pa = part[s];
                    double pb = part[s + 1];
                    adj[a] += pa * g;
                    hit[a] = true;
                    adj[b] += pb * g;
                    hit[b] = true;
                    at[a] += pa * gt + t[b] * g;               // ∂(ab)/∂a = b, its tangent ḃ
                    at[b] += pb * gt + t[a] * g;
                }
                case Program.SQUARE -> {
                    int a = in[s];
                    double pa = part[s];
                    adj[a] += pa * g;
                    hit[a] = true;
                    at[a] += pa * gt + 2 * t[a] * g;
                }
                case Program.DIV -> {
                    int a = in[s];
                    int b = in[s + 1];
                    double pa = part[s];
                    double pb = part[s + 1];
                    adj[a] += pa * g;
                    hit[a] = true;
                    adj[b] += pb * g;
                    hit[b] = true;
                    double bv = val[b];
                    // ∂/∂a = 1/b: its tangent −ḃ/b²; ∂/∂b = −y/b: its tangent (−ẏ + y·ḃ/b)/b
                    double da = -t[b] / bv / bv;
                    double db = (-t[i] + val[i] * t[b] / bv) / bv;
                    at[a] += pa * gt + da * g;
                    at[b] += pb * gt + db * g;
                }
                case Program.K_DIV -> {
                    int b = in[s];
                    double pb = part[s];
                    adj[b] += pb * g;
                    hit[b] = true;
                    double bv = val[b];
                    at[b] += pb * gt + (-t[i] + val[i] * t[b] / bv) / bv * g;
                }
                case Program.RECIPROCAL, Program.UNARY -> {
                    UnaryRule r = (UnaryRule) op[i];
                    if (!r.isHigherOrder()) {
                        throw new Unsupported("rule " + r.name());
                    }
                    int a = in[s];
                    double pa = part[s];
                    adj[a] += pa * g;
                    hit[a] = true;
                    at[a] += pa * gt + Dual1.partialTangent(r, val[a], val[i], t[a]) * g;
                }
                case Program.BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    int a = in[s];
                    int b = in[s + 1];
                    double pa = part[s];
                    double pb = part[s + 1];
                    adj[a] += pa * g;
                    hit[a] = true;
                    adj[b] += pb * g;
                    hit[b] = true;
                    if (r == Arithmetic.MAX || r == Arithmetic.MIN) {
                        // piecewise linear: the partials (1, 0, or ½ at a tie) do not move
                        at[a] += pa * gt;
                        at[b] += pb * gt;
                    } else {
                        double da = Dual1.partialTangentA(r, val[a], val[b], val[i], t[a], t[b], t[i]);
                        double db = Dual1.partialTangentB(r, val[a], val[b], val[i], t[a], t[b], t[i]);
                        at[a] += pa * gt + da * g;
                        at[b] += pb * gt + db * g;
                    }
                }
                case Program.BINARY_K -> {
                    BinaryRule r = (BinaryRule) op[i];
                    int a = in[s];
                    double pa = part[s];
                    adj[a] += pa * g;
                    hit[a] = true;
                    at[a] += pa * gt + Dual1.partialTangentA(r, val[a], konst[i], val[i], t[a], 0, t[i]) * g;
                }
                case Program.K_BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    int a = in[s];
                    double pa = part[s];
                    adj[a] += pa * g;
                    hit[a] = true;
                    at[a] += pa * gt + Dual1.partialTangentB(r, konst[i], val[a], val[i], 0, t[a], t[i]) * g;
                }
                case Program.NARY -> {
                    for (int k = s; k < e; k++) {
                        int j = in[k];
                        adj[j] += part[k] * g;
                        hit[j] = true;
                    }
                    naryStep(p, (NaryRule) op[i], sc.naryIndex[i], i, s, val, part, in, t, g, gt, at, sc);
                }
                default -> throw new Unsupported("node #" + i + " (" + p.tape().op(i) + ")");
            }
        }
    }

    /** The adjoint tangents an n-ary node adds into its operands, in the scratch's buffers for that node. */
    private static void naryStep(Program p, NaryRule r, int index, int i, int s, double[] val, double[] part,
            int[] in, double[] t, double g, double gt, double[] at, Program.Scratch sc) {
        if (!r.isHigherOrder()) {
            throw new Unsupported("rule " + r.name());
        }
        double[] vals = p.naryValues(index);
        int[] slots = p.narySlots(index);
        double[] x = sc.naryArgs[index];
        double[] tx = sc.naryTangents[index];
        System.arraycopy(vals, 0, x, 0, vals.length);   // the constants in place
        java.util.Arrays.fill(tx, 0.0);
        for (int k = 0; k < slots.length; k++) {
            x[slots[k]] = val[in[s + k]];
            tx[slots[k]] = t[in[s + k]];
        }
        double[] pd = Dual1.partialTangents(r, x, val[i], tx, t[i]);
        for (int k = 0; k < slots.length; k++) {
            at[in[s + k]] += part[s + k] * gt + pd[slots[k]] * g;
        }
    }
}
