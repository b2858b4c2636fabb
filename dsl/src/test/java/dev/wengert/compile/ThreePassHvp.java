package dev.wengert.compile;

import dev.wengert.core.BlockOp;
import dev.wengert.core.Tape;
import dev.wengert.core.TapeStorage;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Dual1;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

/**
 * The oracle of the second-order sweeps' bits: SecondOrder's three passes as they were before
 * they were fused (main at 12ea72a, issue 20 part 3) — tangents forward, the tape's own adjoint
 * sweep ({@link Tape#backward}), then a separate backward sweep of the adjoints' tangents, with
 * the arrays read through accessors and fresh arrays per call. The fused passes must give the
 * same bits (SecondOrderBitsTest). Kept verbatim but for its own arrays and exceptions.
 */
final class ThreePassHvp {
    private ThreePassHvp() {
    }

    /**
     * Every node's derivative along {@code dir} (the leaves' tangents) into {@code t}: scalar
     * nodes by their recorded partials, array operations as whole blocks. Also marks, in the
     * program's scratch arrays, each block's last node and each n-ary node's index (for the
     * backward sweeps). Values and partials must be current.
     */
    static void oldTangentsForward(Program p, int[] leaves, double[] dir, double[] t) {
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
                    throw new IllegalStateException("array operation " + b.name());
                }
                int e = st.blockEnd(i);
                blockFirst[e] = i + 1;                         // +1: 0 means "not a block's end"
                i = e;
                continue;
            }
            if (c == Program.UNKNOWN) {
                throw new IllegalStateException("node #" + i);
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
            throw new IllegalStateException("nested differentiation inside f");
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
        double[] t = new double[st.size()];
        int[] blockFirst = sc.blockFirst;
        int[] naryIndex = sc.naryIndex;
        oldTangentsForward(p, leaves, dir, t);
        // adjoints backward (the gradient), with what the sweep reaches
        tape.backward(root);
        double[] adj = st.adjoints();
        boolean[] hit = st.reached();
        // the adjoints' tangents backward
        double[] at = new double[st.size()];
        java.util.Arrays.fill(at, 0.0);
        for (int i = root; i >= first; i--) {
            if (blockFirst != null && blockFirst[i] != 0) {
                int b0 = blockFirst[i] - 1;
                BlockOp b = st.blockStartingAt(b0);
                if (!b.pullbackTangent(val, t, adj, at, hit)) {
                    throw new IllegalStateException("array operation " + b.name());
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
                        throw new IllegalStateException("rule " + r.name());
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
                        throw new IllegalStateException("rule " + r.name());
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
                default -> throw new IllegalStateException("node #" + i + " (" + tape.op(i) + ")");
            }
        }
        for (int k = 0; k < leaves.length; k++) {
            out[k] = at[leaves[k]];
        }
    }
}
