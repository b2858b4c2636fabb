package dev.wengert.tensor;

import dev.wengert.core.BlockOp;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;

import java.util.Arrays;

/**
 * A rule applied element by element — one operand (a unary rule) or two with broadcasting (a
 * binary rule) — as one tape node. The rule is the scalar rule itself: tensors declare no
 * calculus of their own. The local partials are kept per element for the pullback (the four
 * arithmetic operations read them from the values instead, saving the arrays).
 */
final class ElementwiseOp implements BlockOp {
    private final Object rule;
    private final Operand a;
    private final Operand b;          // null for a unary rule
    private final int out;
    private final int rows;
    private final int cols;
    // the local partials by element, where they are kept: allocated by the first forward, or
    // taken over from the same operation recorded here before the tape was rewound (adopt)
    private final boolean keepA;
    private final boolean keepB;
    private double[] pa;
    private double[] pb;

    ElementwiseOp(UnaryRule rule, Operand a, int out, int rows, int cols) {
        this.rule = rule;
        this.a = a;
        this.b = null;
        this.out = out;
        this.rows = rows;
        this.cols = cols;
        this.keepA = true;
        this.keepB = false;
    }

    ElementwiseOp(BinaryRule rule, Operand a, Operand b, int out, int rows, int cols) {
        this.rule = rule;
        this.a = a;
        this.b = b;
        this.out = out;
        this.rows = rows;
        this.cols = cols;
        boolean arithmetic = rule == Arithmetic.ADD || rule == Arithmetic.SUB || rule == Arithmetic.MUL;
        this.keepA = !arithmetic && a.onTape();
        this.keepB = !arithmetic && b.onTape();
    }

    @Override
    public void adopt(BlockOp previous) {
        if (previous instanceof ElementwiseOp e) {
            int n = rows * cols;
            if (keepA && e.pa != null && e.pa.length == n) {
                pa = e.pa;
                e.pa = null;
            }
            if (keepB && e.pb != null && e.pb.length == n) {
                pb = e.pb;
                e.pb = null;
            }
        }
    }

    @Override
    public String name() {
        return rule instanceof UnaryRule u ? u.name() : ((BinaryRule) rule).name();
    }

    @Override
    public int[] inputs() {
        if (b == null) {
            return new int[] {a.start};
        }
        if (a.onTape() && b.onTape()) {
            return new int[] {a.start, b.start};
        }
        return new int[] {a.onTape() ? a.start : b.start};
    }

    @Override
    public void forward(double[] v) {
        if (keepA && pa == null) {
            pa = new double[rows * cols];
        }
        if (keepB && pb == null) {
            pb = new double[rows * cols];
        }
        if (b == null) {
            forwardUnary(v);
            return;
        }
        BinaryRule r = (BinaryRule) rule;
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int as = a.colStride;
        int bs = b.colStride;
        // the rule is chosen once per row, not per element; a same-shape operand has column
        // stride 1, a broadcast one 0
        for (int i = 0; i < rows; i++) {
            int o = out + i * cols;
            int ka = a.base() + i * a.rowStride;
            int kb = b.base() + i * b.rowStride;
            if (r == Arithmetic.ADD) {
                Kernels.combine(Kernels.ADD, av, ka, as, bv, kb, bs, v, o, cols);
            } else if (r == Arithmetic.SUB) {
                Kernels.combine(Kernels.SUB, av, ka, as, bv, kb, bs, v, o, cols);
            } else if (r == Arithmetic.MUL) {
                Kernels.combine(Kernels.MUL, av, ka, as, bv, kb, bs, v, o, cols);
            } else {
                int k = i * cols;
                for (int j = 0; j < cols; j++) {
                    double x = av[ka + j * as];
                    double y = bv[kb + j * bs];
                    double z = r.value(x, y);
                    if (pa != null) {
                        pa[k + j] = r.partialA(x, y, z);
                    }
                    if (pb != null) {
                        pb[k + j] = r.partialB(x, y, z);
                    }
                    v[o + j] = z;
                }
            }
        }
    }

    /** A unary operand is a whole block of the same shape (Tensor.apply): element k is at start + k. */
    private void forwardUnary(double[] v) {
        UnaryRule r = (UnaryRule) rule;
        int n = rows * cols;
        int a0 = a.start;
        if (r == Special.SOFTPLUS) {
            Special.softplus(v, a0, v, out, pa, n);
            return;
        }
        // The common activations call their rule constant itself: the JIT sees its exact
        // class and inlines it, where through `r` every element is a call on a site that every
        // rule in the program shares, which it cannot inline once several rules have used it.
        if (r == Elementary.TANH) {
            for (int k = 0; k < n; k++) {
                double x = v[a0 + k];
                double y = Elementary.TANH.value(x);
                v[out + k] = y;
                pa[k] = Elementary.TANH.partial(x, y);
            }
        } else if (r == Elementary.EXP) {
            for (int k = 0; k < n; k++) {
                double x = v[a0 + k];
                double y = Elementary.EXP.value(x);
                v[out + k] = y;
                pa[k] = Elementary.EXP.partial(x, y);
            }
        } else if (r == Elementary.LOG) {
            for (int k = 0; k < n; k++) {
                double x = v[a0 + k];
                double y = Elementary.LOG.value(x);
                v[out + k] = y;
                pa[k] = Elementary.LOG.partial(x, y);
            }
        } else if (r == Special.SIGMOID) {
            for (int k = 0; k < n; k++) {
                double x = v[a0 + k];
                double y = Special.SIGMOID.value(x);
                v[out + k] = y;
                pa[k] = Special.SIGMOID.partial(x, y);
            }
        } else {
            for (int k = 0; k < n; k++) {
                double x = v[a0 + k];
                double y = r.value(x);
                v[out + k] = y;
                pa[k] = r.partial(x, y);
            }
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        int n = rows * cols;
        boolean all = Kernels.allHit(hit, out, n);
        if (b == null) {
            int a0 = a.start;
            if (all) {
                for (int k = 0; k < n; k++) {
                    adj[a0 + k] += pa[k] * adj[out + k];
                }
                Arrays.fill(hit, a0, a0 + n, true);
                return;
            }
            for (int k = 0; k < n; k++) {
                if (hit[out + k]) {
                    adj[a0 + k] += pa[k] * adj[out + k];
                    hit[a0 + k] = true;
                }
            }
            return;
        }
        if (!all) {
            pullbackReached(v, adj, hit);
            return;
        }
        if (a.onTape()) {
            pullbackAll(a, b, pa, true, v, adj);
            Arrays.fill(hit, a.start, a.start + a.size, true);
        }
        if (b.onTape()) {
            pullbackAll(b, a, pb, false, v, adj);
            Arrays.fill(hit, b.start, b.start + b.size, true);
        }
    }

    /**
     * Adds every output's adjoint, times ∂out/∂x, into operand x (every output was reached).
     * The partial is the rule's: 1 for + ({@code Arithmetic.ADD}), ±1 for − (the left operand x
     * or the right), the other operand for ×, so these add, subtract or multiply by the other
     * operand without a partials array (the same bits: 1·g is g and x + (−g) is x − g); any
     * other rule's partials were stored by the forward pass.
     */
    private void pullbackAll(Operand x, Operand other, double[] p, boolean left, double[] v, double[] adj) {
        double[] ov = other.array(v);
        int xs = x.colStride;
        int os = other.colStride;
        for (int i = 0; i < rows; i++) {
            int o = out + i * cols;
            int kx = x.start + i * x.rowStride;
            if (rule == Arithmetic.ADD || (rule == Arithmetic.SUB && left)) {
                Kernels.addInto(adj, kx, xs, adj, o, cols, false);
            } else if (rule == Arithmetic.SUB) {
                Kernels.addInto(adj, kx, xs, adj, o, cols, true);
            } else if (rule == Arithmetic.MUL) {
                Kernels.addProductInto(adj, kx, xs, ov, other.base() + i * other.rowStride, os, adj, o, cols);
            } else {
                Kernels.addProductInto(adj, kx, xs, p, i * cols, 1, adj, o, cols);
            }
        }
    }

    /** The pullback when only some outputs were reached: element by element, skipping the others. */
    private void pullbackReached(double[] v, double[] adj, boolean[] hit) {
        BinaryRule r = (BinaryRule) rule;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                if (!hit[out + k]) {
                    continue;
                }
                double g = adj[out + k];
                int ka = i * a.rowStride + j * a.colStride;
                int kb = i * b.rowStride + j * b.colStride;
                double x = a.get(v, ka);
                double y = b.get(v, kb);
                double z = v[out + k];
                // + − × keep no partials: they come from the rule, from the operands' values
                boolean arithmetic = r == Arithmetic.ADD || r == Arithmetic.SUB || r == Arithmetic.MUL;
                double da = arithmetic ? r.partialA(x, y, z) : pa == null ? 0 : pa[k];
                double db = arithmetic ? r.partialB(x, y, z) : pb == null ? 0 : pb[k];
                if (a.onTape()) {
                    adj[a.start + ka] += da * g;
                    hit[a.start + ka] = true;
                }
                if (b.onTape()) {
                    adj[b.start + kb] += db * g;
                    hit[b.start + kb] = true;
                }
            }
        }
    }

    // ---- forward over reverse (Hessian–vector products) ---------------------------------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        if (b == null) {
            int n = rows * cols;
            for (int k = 0; k < n; k++) {
                double tx = t[a.start + k];
                t[out + k] = tx == 0 ? 0.0 : pa[k] * tx;
            }
            return true;
        }
        // The rule, the operands' arrays and whether they are on the tape are resolved once,
        // not per element: the arithmetic's partials come from the values (one of the four
        // rules' constants or the other operand), the others' from the forward pass. Each
        // element still sums its terms as the per-element form did (from +0, the zero
        // tangents skipped, a's term first), so the bits are the same.
        BinaryRule r = (BinaryRule) rule;
        int kind = kind(r);
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        boolean aOn = a.onTape();
        boolean bOn = b.onTape();
        int as = a.colStride;
        int bs = b.colStride;
        if (kind <= MUL && aOn != bOn) {
            // one operand on the tape (a constant's tangent is 0, its term skipped): each
            // element is +0 + p·ṫ where ṫ is not 0, else 0, p the rule's partial (or the
            // constant, for a product)
            Operand x = aOn ? a : b;
            int x0 = x.start;
            int xs = x.colStride;
            double[] ov = aOn ? bv : av;
            int o0 = aOn ? b0 : a0;
            int os = aOn ? bs : as;
            Operand other = aOn ? b : a;
            double p = kind == SUB && !aOn ? -1.0 : 1.0;
            for (int i = 0; i < rows; i++) {
                int kx = x0 + i * x.rowStride;
                int ko = o0 + i * other.rowStride;
                int o = out + i * cols;
                if (kind == MUL) {
                    for (int j = 0; j < cols; j++) {
                        double tx = t[kx + j * xs];
                        t[o + j] = tx != 0 ? 0.0 + ov[ko + j * os] * tx : 0.0;
                    }
                } else {
                    for (int j = 0; j < cols; j++) {
                        double tx = t[kx + j * xs];
                        t[o + j] = tx != 0 ? 0.0 + p * tx : 0.0;
                    }
                }
            }
            return true;
        }
        for (int i = 0; i < rows; i++) {
            int ka = i * a.rowStride;
            int kb = i * b.rowStride;
            int k = i * cols;
            for (int j = 0; j < cols; j++, ka += as, kb += bs, k++) {
                double ta = aOn ? t[a0 + ka] : 0.0;
                double tb = bOn ? t[b0 + kb] : 0.0;
                double s = 0;
                if (ta != 0) {
                    s += (kind == MUL ? bv[b0 + kb] : kind >= DIV ? pa[k] : 1.0) * ta;
                }
                if (tb != 0) {
                    s += (kind == MUL ? av[a0 + ka] : kind >= DIV ? pb[k] : kind == SUB ? -1.0 : 1.0) * tb;
                }
                t[out + k] = s;
            }
        }
        return true;
    }

    /** Whether the operands' adjoint cells are apart (not one block twice, as in x + x): then each may be swept on its own. */
    private boolean apart() {
        return !a.onTape() || !b.onTape() || a.start + a.size <= b.start || b.start + b.size <= a.start;
    }

    /**
     * The pullback's tangent of + − × when every output was reached: operand a's cells, then
     * b's, each row's elements in order, so each cell adds the same terms in the same order as
     * the element-by-element loop (the operands' cells are apart, and apart from the outputs');
     * a cell that a broadcast operand shares along a row sums in a local, not through memory.
     * The terms are the loop's own: pᵢ·ȧ + ṗᵢ·ā, with ṗ = 0 for + and −, and ṗ the other
     * operand's tangent for ×.
     */
    private void pullbackTangentArithmetic(int kind, double[] v, double[] t, double[] adj, double[] at) {
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        boolean aOn = a.onTape();
        boolean bOn = b.onTape();
        if (aOn) {
            double p = 1.0;
            into(kind == MUL, p, at, a0, a.rowStride, a.colStride, bv, b0, b.rowStride, b.colStride,
                    bOn ? t : null, adj);
        }
        if (bOn) {
            double p = kind == SUB ? -1.0 : 1.0;
            into(kind == MUL, p, at, b0, b.rowStride, b.colStride, av, a0, a.rowStride, a.colStride,
                    aOn ? t : null, adj);
        }
    }

    /**
     * at[x] += p·ȧ + 0·ā for every output (x's partial p a constant), or, for a product,
     * at[x] += y·ȧ + ẏ·ā with y the other operand (ẏ = 0 where it is a constant: {@code ot} null).
     */
    private void into(boolean product, double p, double[] at, int x0, int xRow, int xCol, double[] ov, int o0,
            int oRow, int oCol, double[] ot, double[] adj) {
        for (int i = 0; i < rows; i++) {
            int o = out + i * cols;
            int kx = x0 + i * xRow;
            int ko = o0 + i * oRow;
            if (xCol == 0) {
                double acc = at[kx];                       // one cell along the row: summed in order
                for (int j = 0; j < cols; j++) {
                    double py = product ? ov[ko + j * oCol] : p;
                    double dp = product && ot != null ? ot[ko + j * oCol] : 0.0;
                    acc += py * at[o + j] + dp * adj[o + j];
                }
                at[kx] = acc;
            } else if (product) {
                if (ot != null) {
                    for (int j = 0; j < cols; j++) {
                        at[kx + j * xCol] += ov[ko + j * oCol] * at[o + j] + ot[ko + j * oCol] * adj[o + j];
                    }
                } else {
                    for (int j = 0; j < cols; j++) {
                        at[kx + j * xCol] += ov[ko + j * oCol] * at[o + j] + 0.0 * adj[o + j];
                    }
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    at[kx + j * xCol] += p * at[o + j] + 0.0 * adj[o + j];
                }
            }
        }
    }

    // the binary rules by how their partials are found: the arithmetic's from the values, the others' stored
    private static final int ADD = 0;
    private static final int SUB = 1;
    private static final int MUL = 2;
    private static final int DIV = 3;
    private static final int OTHER = 4;

    private static int kind(BinaryRule r) {
        return r == Arithmetic.ADD ? ADD : r == Arithmetic.SUB ? SUB : r == Arithmetic.MUL ? MUL
                : r == Arithmetic.DIV ? DIV : OTHER;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        if (b == null) {
            UnaryRule r = (UnaryRule) rule;
            if (!r.isHigherOrder()) {
                return false;
            }
            int n = rows * cols;
            int a0 = a.start;
            for (int k = 0; k < n; k++) {
                if (!hit[out + k]) {
                    continue;
                }
                double tx = t[a0 + k];
                double dp = tx == 0 ? 0.0 : secondPartial(r, v[a0 + k], v[out + k], tx, t[out + k]);
                at[a0 + k] += pa[k] * at[out + k] + dp * adj[out + k];
            }
            return true;
        }
        // as forwardTangent: resolved once, the same sums per element in the same order
        // (pᵢ·ȧ + ṗᵢ·ā into a, then into b; the arithmetic's ṗ from the tangents)
        BinaryRule r = (BinaryRule) rule;
        int kind = kind(r);
        if (kind <= MUL && Kernels.allHit(hit, out, rows * cols) && apart()) {
            pullbackTangentArithmetic(kind, v, t, adj, at);
            return true;
        }
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        boolean aOn = a.onTape();
        boolean bOn = b.onTape();
        int as = a.colStride;
        int bs = b.colStride;
        for (int i = 0; i < rows; i++) {
            int ka = i * a.rowStride;
            int kb = i * b.rowStride;
            int k = i * cols;
            for (int j = 0; j < cols; j++, ka += as, kb += bs, k++) {
                if (!hit[out + k]) {
                    continue;
                }
                double x = av[a0 + ka];
                double y = bv[b0 + kb];
                double ta = aOn ? t[a0 + ka] : 0.0;
                double tb = bOn ? t[b0 + kb] : 0.0;
                double g = adj[out + k];
                double gt = at[out + k];
                double pA;
                double pB;
                double dpa;
                double dpb;
                if (kind == ADD || kind == SUB) {
                    pA = 1.0;
                    pB = kind == SUB ? -1.0 : 1.0;
                    dpa = 0;
                    dpb = 0;
                } else if (kind == MUL) {
                    pA = y;
                    pB = x;
                    dpa = tb;                            // ∂(xy)/∂x = y moves by ẏ
                    dpb = ta;
                } else if (kind == DIV) {
                    pA = aOn ? pa[k] : 0.0;
                    pB = bOn ? pb[k] : 0.0;
                    double z = v[out + k];
                    dpa = -tb / y / y;                   // ∂/∂x = 1/y; ∂/∂y = −z/y
                    dpb = (-t[out + k] + z * tb / y) / y;
                } else {
                    pA = aOn ? pa[k] : 0.0;
                    pB = bOn ? pb[k] : 0.0;
                    double[] d = dev.wengert.rules.Dual1.partialTangents(r, x, y, v[out + k], ta, tb, t[out + k]);
                    dpa = d[0];
                    dpb = d[1];
                }
                if (aOn) {
                    at[a0 + ka] += pA * gt + dpa * g;
                }
                if (bOn) {
                    at[b0 + kb] += pB * gt + dpb * g;
                }
            }
        }
        return true;
    }

    /**
     * The derivative of a unary rule's partial along ẋ (y = r(x) moving by ẏ): closed forms for
     * the common rules, the rule's nested partial on dual numbers for the others.
     */
    private static double secondPartial(UnaryRule r, double x, double y, double tx, double ty) {
        if (r == Elementary.EXP) {
            return ty;                                   // exp′ = y
        }
        if (r == Elementary.TANH) {
            return -2 * y * ty;                          // tanh′ = 1 − y²
        }
        if (r == Special.SIGMOID) {
            return (1 - 2 * y) * ty;                     // σ′ = y(1 − y)
        }
        if (r == Elementary.LOG) {
            return -tx / (x * x);                        // log′ = 1/x
        }
        if (r == Arithmetic.SQUARE) {
            return 2 * tx;
        }
        if (r == Arithmetic.NEG) {
            return 0;
        }
        return dev.wengert.rules.Dual1.partialTangent(r, x, y, tx);
    }
}
