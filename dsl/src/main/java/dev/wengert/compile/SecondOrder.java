package dev.wengert.compile;

import dev.wengert.core.BlockOp;
import dev.wengert.core.Fn;
import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import dev.wengert.core.Tape;
import dev.wengert.core.TapeStorage;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Dual1;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

/**
 * Hessian–vector products by forward over reverse on the recording's own nodes: one recording
 * of f, then three sweeps over it — tangents forward (each node's derivative along v; an array
 * operation's whole block at once), adjoints backward (the gradient), and the adjoints'
 * tangents backward (H·v: each node adds pᵢ·ȧ + ṗᵢ·ā into its operands, ṗ being its partial's
 * derivative along v). Array operations take part as blocks ({@link BlockOp#forwardTangent},
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
     * H(x)·v: f recorded once at x on a private tape and swept three times; the nested way when
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
        Recording r = Recording.of(f, x, "the tape of hvp(f, x, v)");
        if (r == null) {
            return Functional.hvp(f, x, v);                      // f's own error, or its null, with the message
        }
        double[] out = new double[x.length];
        if (r.root < 0) {
            return out;                                          // f does not depend on x
        }
        try {
            sweeps(r.program, r.leaves, r.root, v, out);
            return out;
        } catch (Unsupported e) {
            return Functional.hvp(f, x, v);
        } finally {
            r.program.discard();
        }
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
        Recording r = Recording.of(f, x, "the tape of hessian(f, x)");
        if (r == null) {
            return nestedHessian(f, x);
        }
        int n = x.length;
        double[][] h = new double[n][n];
        if (r.root < 0) {
            return h;                                            // f does not depend on x
        }
        if (!r.program.hasBlocks()) {
            r.program.discard();
            return nestedHessian(f, x);
        }
        double[] e = new double[n];
        double[] column = new double[n];
        try {
            for (int j = 0; j < n; j++) {
                e[j] = 1.0;
                sweeps(r.program, r.leaves, r.root, e, column);
                e[j] = 0.0;
                for (int i = 0; i < n; i++) {
                    h[i][j] = column[i];
                }
            }
            HESSIANS_BY_SWEEPS.incrementAndGet();
            return h;
        } catch (Unsupported u) {
            return nestedHessian(f, x);
        } finally {
            r.program.discard();
        }
    }

    /** How many Hessians were taken column by column by the sweeps (tests count the choice). */
    static final java.util.concurrent.atomic.AtomicLong HESSIANS_BY_SWEEPS = new java.util.concurrent.atomic.AtomicLong();

    private static double[][] nestedHessian(Fn f, double[] x) {
        return Functional.hessian(dev.wengert.core.Mode.FORWARD, dev.wengert.core.Mode.REVERSE, f, x);
    }

    /** f recorded once at x on a private program: its leaves and its root (−1: f does not depend on x). */
    private record Recording(Program program, int[] leaves, int root) {
        /** The recording, or null when f failed or returned null (the nested way then reports it). */
        static Recording of(Fn f, double[] x, String name) {
            Program program = new Program(name);
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
                program.discard();
                return null;
            }
            if (y == null) {
                program.discard();
                return null;
            }
            int root = program.positionOf(y);
            if (root < 0) {
                program.discard();
            }
            return new Recording(program, leaves, root);
        }
    }

    /**
     * Every node's derivative along {@code dir} (the leaves' tangents) into {@code t}: scalar
     * nodes by their recorded partials, array operations as whole blocks. Also marks, in the
     * program's scratch arrays, each block's last node and each n-ary node's index (for the
     * backward sweeps). Values and partials must be current.
     */
    static void tangentsForward(Program p, int[] leaves, double[] dir, double[] t) {
        TapeStorage st = p.storage();
        p.ensureCompiled();
        int size = st.size();
        byte[] code = p.code();
        double[] val = st.values();
        double[] part = st.partials();
        int[] starts = st.starts();
        int[] in = st.args();
        int first = p.firstOp();
        Program.Scratch sc = p.scratch();
        int[] blockFirst = sc.blockFirst;
        int[] naryIndex = sc.naryIndex;
        int nary = 0;
        java.util.Arrays.fill(t, 0, size, 0.0);
        for (int k = 0; k < leaves.length; k++) {
            t[leaves[k]] += dir[k];
        }
        for (int i = first; i < size; i++) {
            byte c = code[i];
            if (c == Program.NONE) {
                continue;
            }
            if (c == Program.BLOCK) {
                BlockOp b = st.blockStartingAt(i);
                if (!b.forwardTangent(val, t)) {
                    throw new Unsupported("array operation " + b.name());
                }
                int e = st.blockEnd(i);
                blockFirst[e] = i + 1;                         // +1: 0 means "not a block's end"
                i = e;
                continue;
            }
            if (c == Program.UNKNOWN) {
                throw new Unsupported("node #" + i);
            }
            if (c == Program.NARY) {
                naryIndex[i] = nary++;                     // naryIndex is non-null when the recording has n-ary nodes
            }
            double s = 0;
            for (int k = starts[i], e = starts[i + 1]; k < e; k++) {
                double tk = t[in[k]];
                if (tk != 0) {
                    s += part[k] * tk;
                }
            }
            t[i] = s;
        }
    }

    /** H·v over a recording whose values and partials are current (after a recording or an interpreted replay). */
    static void sweeps(Program p, int[] leaves, int root, double[] dir, double[] out) {
        if (!p.replayable()) {
            throw new Unsupported("nested differentiation inside f");
        }
        TapeStorage st = p.storage();
        Tape tape = p.tape();
        p.ensureCompiled();
        int size = st.size();
        byte[] code = p.code();
        double[] val = st.values();
        double[] part = st.partials();
        int[] starts = st.starts();
        int[] in = st.args();
        Object[] op = st.ops();
        int first = p.firstOp();
        Program.Scratch sc = p.scratch();
        double[] t = sc.tangents;
        int[] blockFirst = sc.blockFirst;
        int[] naryIndex = sc.naryIndex;
        tangentsForward(p, leaves, dir, t);
        // adjoints backward (the gradient), with what the sweep reaches
        tape.backward(root);
        double[] adj = st.adjoints();
        boolean[] hit = st.reached();
        // the adjoints' tangents backward
        double[] at = sc.adjointTangents;
        java.util.Arrays.fill(at, 0.0);
        for (int i = root; i >= first; i--) {
            if (blockFirst != null && blockFirst[i] != 0) {
                int b0 = blockFirst[i] - 1;
                BlockOp b = st.blockStartingAt(b0);
                if (!b.pullbackTangent(val, t, adj, at, hit)) {
                    throw new Unsupported("array operation " + b.name());
                }
                i = b0;
                continue;
            }
            int s = starts[i];
            int e = starts[i + 1];
            if (s == e || !hit[i]) {
                continue;
            }
            double g = adj[i];
            double gt = at[i];
            byte c = code[i];
            switch (c) {
                case Program.ADD, Program.ADD_K, Program.SUB, Program.SUB_K, Program.K_SUB, Program.NEG,
                     Program.MUL_K, Program.DIV_K -> {
                    // constant partials: their tangents are 0
                    for (int k = s; k < e; k++) {
                        at[in[k]] += part[k] * gt;
                    }
                }
                case Program.MUL -> {
                    int a = in[s];
                    int b = in[s + 1];
                    at[a] += part[s] * gt + t[b] * g;          // ∂(ab)/∂a = b, its tangent ḃ
                    at[b] += part[s + 1] * gt + t[a] * g;
                }
                case Program.SQUARE -> at[in[s]] += part[s] * gt + 2 * t[in[s]] * g;
                case Program.DIV -> {
                    int a = in[s];
                    int b = in[s + 1];
                    double bv = val[b];
                    // ∂/∂a = 1/b: its tangent −ḃ/b²; ∂/∂b = −y/b: its tangent (−ẏ + y·ḃ/b)/b
                    double pa = -t[b] / bv / bv;
                    double pb = (-t[i] + val[i] * t[b] / bv) / bv;
                    at[a] += part[s] * gt + pa * g;
                    at[b] += part[s + 1] * gt + pb * g;
                }
                case Program.K_DIV -> {
                    int b = in[s];
                    double bv = val[b];
                    at[b] += part[s] * gt + (-t[i] + val[i] * t[b] / bv) / bv * g;
                }
                case Program.RECIPROCAL, Program.UNARY -> {
                    UnaryRule r = (UnaryRule) op[i];
                    if (!r.isHigherOrder()) {
                        throw new Unsupported("rule " + r.name());
                    }
                    int a = in[s];
                    at[a] += part[s] * gt + Dual1.partialTangent(r, val[a], val[i], t[a]) * g;
                }
                case Program.BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    int a = in[s];
                    int b = in[s + 1];
                    if (r == Arithmetic.MAX || r == Arithmetic.MIN) {
                        // piecewise linear: the partials (1, 0, or ½ at a tie) do not move
                        at[a] += part[s] * gt;
                        at[b] += part[s + 1] * gt;
                        continue;
                    }
                    double[] pd = Dual1.partialTangents(r, val[a], val[b], val[i], t[a], t[b], t[i]);
                    at[a] += part[s] * gt + pd[0] * g;
                    at[b] += part[s + 1] * gt + pd[1] * g;
                }
                case Program.BINARY_K, Program.K_BINARY -> {
                    BinaryRule r = (BinaryRule) op[i];
                    int a = in[s];
                    double k = p.constants()[i];
                    double[] pd = c == Program.BINARY_K
                            ? Dual1.partialTangents(r, val[a], k, val[i], t[a], 0, t[i])
                            : Dual1.partialTangents(r, k, val[a], val[i], 0, t[a], t[i]);
                    at[a] += part[s] * gt + pd[c == Program.BINARY_K ? 0 : 1] * g;
                }
                case Program.NARY -> {
                    NaryRule r = (NaryRule) op[i];
                    if (!r.isHigherOrder()) {
                        throw new Unsupported("rule " + r.name());
                    }
                    double[] vals = p.naryValues(naryIndex[i]);
                    int[] slots = p.narySlots(naryIndex[i]);
                    double[] x = vals.clone();
                    double[] tx = new double[vals.length];
                    for (int k = 0; k < slots.length; k++) {
                        x[slots[k]] = val[in[s + k]];
                        tx[slots[k]] = t[in[s + k]];
                    }
                    double[] pd = Dual1.partialTangents(r, x, val[i], tx, t[i]);
                    for (int k = 0; k < slots.length; k++) {
                        at[in[s + k]] += part[s + k] * gt + pd[slots[k]] * g;
                    }
                }
                default -> throw new Unsupported("node #" + i + " (" + tape.op(i) + ")");
            }
        }
        for (int k = 0; k < leaves.length; k++) {
            out[k] = at[leaves[k]];
        }
    }
}
