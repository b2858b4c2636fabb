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

    /** Operand x's tangent at element offset kx (through its strides), 0 for a constant. */
    private static double tangent(Operand x, double[] t, int kx) {
        return x.onTape() ? t[x.start + kx] : 0.0;
    }

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
        BinaryRule r = (BinaryRule) rule;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                int ka = i * a.rowStride + j * a.colStride;
                int kb = i * b.rowStride + j * b.colStride;
                double ta = tangent(a, t, ka);
                double tb = tangent(b, t, kb);
                double s = 0;
                if (ta != 0) {
                    s += partialA(r, v, ka, kb, k) * ta;
                }
                if (tb != 0) {
                    s += partialB(r, v, ka, kb, k) * tb;
                }
                t[out + k] = s;
            }
        }
        return true;
    }

    private double partialA(BinaryRule r, double[] v, int ka, int kb, int k) {
        if (r == Arithmetic.ADD || r == Arithmetic.SUB || r == Arithmetic.MUL) {
            return r.partialA(a.get(v, ka), b.get(v, kb), v[out + k]);
        }
        return pa[k];
    }

    private double partialB(BinaryRule r, double[] v, int ka, int kb, int k) {
        if (r == Arithmetic.ADD || r == Arithmetic.SUB || r == Arithmetic.MUL) {
            return r.partialB(a.get(v, ka), b.get(v, kb), v[out + k]);
        }
        return pb[k];
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
        BinaryRule r = (BinaryRule) rule;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                if (!hit[out + k]) {
                    continue;
                }
                int ka = i * a.rowStride + j * a.colStride;
                int kb = i * b.rowStride + j * b.colStride;
                double x = a.get(v, ka);
                double y = b.get(v, kb);
                double ta = tangent(a, t, ka);
                double tb = tangent(b, t, kb);
                double g = adj[out + k];
                double gt = at[out + k];
                double dpa;
                double dpb;
                if (r == Arithmetic.ADD || r == Arithmetic.SUB) {
                    dpa = 0;
                    dpb = 0;
                } else if (r == Arithmetic.MUL) {
                    dpa = tb;                            // ∂(xy)/∂x = y moves by ẏ
                    dpb = ta;
                } else if (r == Arithmetic.DIV) {
                    double z = v[out + k];
                    dpa = -tb / y / y;                   // ∂/∂x = 1/y; ∂/∂y = −z/y
                    dpb = (-t[out + k] + z * tb / y) / y;
                } else {
                    double[] d = dev.wengert.rules.Dual1.partialTangents(r, x, y, v[out + k], ta, tb, t[out + k]);
                    dpa = d[0];
                    dpb = d[1];
                }
                if (a.onTape()) {
                    at[a.start + ka] += partialA(r, v, ka, kb, k) * gt + dpa * g;
                }
                if (b.onTape()) {
                    at[b.start + kb] += partialB(r, v, ka, kb, k) * gt + dpb * g;
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
