package dev.wengert.tensor;

import dev.wengert.core.ForwardArrays;
import dev.wengert.core.Num;
import dev.wengert.core.Session;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;

/**
 * Every forward-mode (JVP) kernel of the tensor operations, over {@link Dual}s: values and local
 * partials from the scalar rules, then each tangent column in one loop.
 *
 * <p><b>The same numbers as the element path.</b> Before these kernels, a forward-mode tensor
 * was a {@code Num} per element; each kernel computes what those elements computed, in the
 * same order: values and partials by the rule's own methods with the same arguments
 * ({@code Num.apply}), and tangents as {@code ForwardTag} combines them — a zero tangent stays
 * zero whatever the partial ({@code scale}: no 0·∞), and of two operands pa·ta first, then
 * + pb·tb where tb ≠ 0 ({@code combine}); sums over elements (reductions, matrix products)
 * add the terms one after the other, from the first. So values and tangents equal the element
 * path's to the bit, with one exception: where the element path had a constant element inside
 * a forward tensor (a tensor stacked from parameters and constants), a Dual treats it as an
 * element with zero tangents, which can change the sign of a zero tangent (+0 for −0).
 *
 * <p>An operand ({@link In}) is a Dual, a constant tensor, or a scalar (a forward-mode
 * {@code Num}, or a constant), read through broadcast strides like the tape's {@link Operand}.
 */
final class TangentKernels {
    private TangentKernels() {
    }

    /**
     * An operand: values (element (i, j) of the output reads {@code value[base + i·rowStride +
     * j·colStride]}), and tangent columns by slot read the same way, or {@code tangent == null}
     * for a constant.
     */
    static final class In {
        final double[] value;
        final int base;
        final int rowStride;
        final int colStride;
        final double[][] tangent;

        In(double[] value, int base, int rowStride, int colStride, double[][] tangent) {
            this.value = value;
            this.base = base;
            this.rowStride = rowStride;
            this.colStride = colStride;
            this.tangent = tangent;
        }

        boolean variable() {
            return tangent != null;
        }

        double[] column(int s) {
            return tangent == null || s >= tangent.length ? null : tangent[s];
        }

        int slots() {
            return tangent == null ? 0 : tangent.length;
        }

        /** A scalar operand: a constant, or a forward value with its tangents as one-element columns. */
        static In scalar(double v, ForwardArrays tag, Num x) {
            if (tag == null) {
                return new In(new double[] {v}, 0, 0, 0, null);
            }
            double[] t = tag.tangents(x);
            double[][] cols = new double[t.length][];
            for (int s = 0; s < t.length; s++) {
                if (Double.doubleToRawLongBits(t[s]) != 0L) {
                    cols[s] = new double[] {t[s]};
                }
            }
            return new In(new double[] {v}, 0, 0, 0, cols);
        }
    }

    private static boolean checking() {
        return Session.current().checkNonFinite();
    }

    // ---- elementwise ---------------------------------------------------------------------------------

    /**
     * A one-argument rule on every element: y = r(x), tangent scale(t, r′(x)), a chunk of
     * elements at a time (see {@link #CHUNK}).
     */
    static Dual unary(UnaryRule r, Dual a) {
        double[] x = a.value;
        int n = x.length;
        double[] v = new double[n];
        double[][] t = new double[a.tangent.length][];
        for (int s = 0; s < t.length; s++) {
            if (a.tangent[s] != null) {
                t[s] = new double[n];
            }
        }
        double[] q = new double[Math.min(n, CHUNK)];
        boolean check = checking();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            valuesAndPartial(r, x, v, from, q, len);
            if (check) {
                for (int k = from; k < from + len; k++) {
                    if (!Double.isFinite(v[k])) {
                        ForwardArrays.checkFinite(r.name(), v[k], x[k]);
                    }
                }
            }
            for (int s = 0; s < t.length; s++) {
                if (t[s] != null) {
                    scaled(a.tangent[s], q, t[s], from, len);
                }
            }
        }
        return new Dual(a.tag, v, t);
    }

    /**
     * Values (into v from {@code from}) and partials (into q from 0) of len elements of a
     * one-argument rule. The common rules call their constants, which inline; others go through
     * the rule object.
     */
    private static void valuesAndPartial(UnaryRule r, double[] x, double[] v, int from, double[] q, int len) {
        if (r == Elementary.EXP) {
            for (int k = 0; k < len; k++) {
                double y = Elementary.EXP.value(x[from + k]);
                v[from + k] = y;
                q[k] = Elementary.EXP.partial(x[from + k], y);
            }
        } else if (r == Elementary.LOG) {
            for (int k = 0; k < len; k++) {
                double y = Elementary.LOG.value(x[from + k]);
                v[from + k] = y;
                q[k] = Elementary.LOG.partial(x[from + k], y);
            }
        } else if (r == Arithmetic.NEG) {
            for (int k = 0; k < len; k++) {
                double y = Arithmetic.NEG.value(x[from + k]);
                v[from + k] = y;
                q[k] = Arithmetic.NEG.partial(x[from + k], y);
            }
        } else if (r == Arithmetic.SQUARE) {
            for (int k = 0; k < len; k++) {
                double y = Arithmetic.SQUARE.value(x[from + k]);
                v[from + k] = y;
                q[k] = Arithmetic.SQUARE.partial(x[from + k], y);
            }
        } else if (r == Arithmetic.RECIPROCAL) {
            for (int k = 0; k < len; k++) {
                double y = Arithmetic.RECIPROCAL.value(x[from + k]);
                v[from + k] = y;
                q[k] = Arithmetic.RECIPROCAL.partial(x[from + k], y);
            }
        } else if (r == Special.SIGMOID) {
            for (int k = 0; k < len; k++) {
                double y = Special.SIGMOID.value(x[from + k]);
                v[from + k] = y;
                q[k] = Special.SIGMOID.partial(x[from + k], y);
            }
        } else if (r == Elementary.TANH) {
            for (int k = 0; k < len; k++) {
                double y = Elementary.TANH.value(x[from + k]);
                v[from + k] = y;
                q[k] = Elementary.TANH.partial(x[from + k], y);
            }
        } else {
            for (int k = 0; k < len; k++) {
                double y = r.value(x[from + k]);
                v[from + k] = y;
                q[k] = r.partial(x[from + k], y);
            }
        }
    }

    /** o = scale(t, p) over len elements from {@code from} (p from 0): a zero tangent stays zero whatever its partial. */
    private static void scaled(double[] t, double[] p, double[] o, int from, int len) {
        for (int k = 0; k < len; k++) {
            double u = t[from + k];
            o[from + k] = u == 0 ? 0.0 : p[k] * u;
        }
    }

    /**
     * Elements per chunk of a kernel: a chunk's partials are computed into buffers of this
     * length and read back by each tangent column while they are still in the first-level
     * cache, instead of into arrays of every element (two more arrays written and read again
     * per tangent column, each as long as the tensor: 10⁵ rows in a column model's fit).
     */
    static final int CHUNK = 512;

    /**
     * A two-argument rule element by element, broadcast to rows × cols: y = r(a, b), partials
     * of the variable operands, tangent combine(ta, ∂a, tb, ∂b) (or scale of the variable one),
     * a chunk of elements at a time.
     */
    static Dual binary(BinaryRule r, In a, In b, int rows, int cols, ForwardArrays tag) {
        int n = rows * cols;
        double[] v = new double[n];
        boolean va = a.variable();
        boolean vb = b.variable();
        int slots = Math.max(a.slots(), b.slots());
        double[][] t = new double[slots][];
        for (int s = 0; s < slots; s++) {
            if (a.column(s) != null || b.column(s) != null) {
                t[s] = new double[n];
            }
        }
        int chunk = Math.min(cols, CHUNK);
        double[] pa = va ? new double[chunk] : null;
        double[] pb = vb ? new double[chunk] : null;
        boolean check = checking();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j += CHUNK) {
                int len = Math.min(CHUNK, cols - j);
                int ka = a.base + i * a.rowStride + j * a.colStride;
                int kb = b.base + i * b.rowStride + j * b.colStride;
                int ko = i * cols + j;
                valuesAndPartials(r, a, ka, b, kb, v, ko, pa, pb, len);
                if (check) {
                    for (int e = 0; e < len; e++) {
                        double y = v[ko + e];
                        if (!Double.isFinite(y)) {
                            ForwardArrays.checkFinite(r.name(), y, a.value[ka + e * a.colStride],
                                    b.value[kb + e * b.colStride]);
                        }
                    }
                }
                for (int s = 0; s < slots; s++) {
                    double[] o = t[s];
                    if (o == null) {
                        continue;
                    }
                    if (va && vb) {
                        combineRow(a.column(s), ka, a.colStride, pa, b.column(s), kb, b.colStride, pb, o, ko, len);
                    } else if (va) {
                        scaleRow(a.column(s), ka, a.colStride, pa, o, ko, len);
                    } else {
                        scaleRow(b.column(s), kb, b.colStride, pb, o, ko, len);
                    }
                }
            }
        }
        return new Dual(tag, v, t);
    }

    /**
     * Values (into v from o) and partials (into pa and pb from 0) of n elements of a binary
     * rule. + − × ÷ call their rule constants, which inline to the bare operations; other rules
     * are called through the rule object.
     */
    private static void valuesAndPartials(BinaryRule r, In a, int ka, In b, int kb, double[] v, int o, double[] pa,
                                          double[] pb, int n) {
        double[] x = a.value;
        double[] y = b.value;
        int xs = a.colStride;
        int ys = b.colStride;
        if (r == Arithmetic.ADD) {
            for (int j = 0; j < n; j++) {
                double p = x[ka + j * xs];
                double q = y[kb + j * ys];
                double z = Arithmetic.ADD.value(p, q);
                v[o + j] = z;
                if (pa != null) {
                    pa[j] = Arithmetic.ADD.partialA(p, q, z);
                }
                if (pb != null) {
                    pb[j] = Arithmetic.ADD.partialB(p, q, z);
                }
            }
        } else if (r == Arithmetic.SUB) {
            for (int j = 0; j < n; j++) {
                double p = x[ka + j * xs];
                double q = y[kb + j * ys];
                double z = Arithmetic.SUB.value(p, q);
                v[o + j] = z;
                if (pa != null) {
                    pa[j] = Arithmetic.SUB.partialA(p, q, z);
                }
                if (pb != null) {
                    pb[j] = Arithmetic.SUB.partialB(p, q, z);
                }
            }
        } else if (r == Arithmetic.MUL) {
            for (int j = 0; j < n; j++) {
                double p = x[ka + j * xs];
                double q = y[kb + j * ys];
                double z = Arithmetic.MUL.value(p, q);
                v[o + j] = z;
                if (pa != null) {
                    pa[j] = Arithmetic.MUL.partialA(p, q, z);
                }
                if (pb != null) {
                    pb[j] = Arithmetic.MUL.partialB(p, q, z);
                }
            }
        } else if (r == Arithmetic.DIV) {
            for (int j = 0; j < n; j++) {
                double p = x[ka + j * xs];
                double q = y[kb + j * ys];
                double z = Arithmetic.DIV.value(p, q);
                v[o + j] = z;
                if (pa != null) {
                    pa[j] = Arithmetic.DIV.partialA(p, q, z);
                }
                if (pb != null) {
                    pb[j] = Arithmetic.DIV.partialB(p, q, z);
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                double p = x[ka + j * xs];
                double q = y[kb + j * ys];
                double z = r.value(p, q);
                v[o + j] = z;
                if (pa != null) {
                    pa[j] = r.partialA(p, q, z);
                }
                if (pb != null) {
                    pb[j] = r.partialB(p, q, z);
                }
            }
        }
    }

    /**
     * o[ko + j] = scale(t, p[j]): a null column is zero. The stride is 1 (a row) or 0 (a broadcast
     * value).
     */
    private static void scaleRow(double[] t, int kt, int ts, double[] p, double[] o, int ko, int n) {
        if (t == null) {
            return;                                  // the output row stays 0.0
        }
        if (ts == 0) {
            double u = t[kt];
            if (u == 0) {
                return;
            }
            for (int j = 0; j < n; j++) {
                o[ko + j] = p[j] * u;
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            double u = t[kt + j];
            o[ko + j] = u == 0 ? 0.0 : p[j] * u;
        }
    }

    /**
     * o[ko + j] = combine(ta, pa[j], tb, pb[j]): pa·ta (0 where ta is 0), then + pb·tb where
     * tb ≠ 0. A null column is zero.
     */
    private static void combineRow(double[] ta, int ka, int as, double[] pa, double[] tb, int kb, int bs, double[] pb,
                                   double[] o, int ko, int n) {
        // the common cases of a column model (a column and a broadcast parameter: one side's
        // tangent missing in each slot, or both full columns) in loops of their own, with the
        // same operations as the general loop below, which the JIT compiles less well
        if (tb == null) {
            scaleRow(ta, ka, as, pa, o, ko, n);       // pa·ta alone: combine's first term is scale
            return;
        }
        if (ta == null) {
            addScaledRow(tb, kb, bs, pb, o, ko, n);
            return;
        }
        if (as == 1 && bs == 1) {
            for (int j = 0; j < n; j++) {
                double u = ta[ka + j];
                double w = tb[kb + j];
                double z = u == 0 ? 0.0 : pa[j] * u;
                if (w != 0) {
                    z += pb[j] * w;
                }
                o[ko + j] = z;
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            double u = ta == null ? 0.0 : ta[ka + j * as];
            double w = tb == null ? 0.0 : tb[kb + j * bs];
            double z = u == 0 ? 0.0 : pa[j] * u;
            if (w != 0) {
                z += pb[j] * w;
            }
            o[ko + j] = z;
        }
    }

    /**
     * o[ko + j] = combine(0, p[j], t, t's partial) where the first operand has no tangent: 0.0 +
     * p[j]·u where u ≠ 0, else 0.0 (the sum turns a −0.0 product into +0.0, as combine does).
     * The stride is 1 (a row) or 0 (a broadcast value).
     */
    private static void addScaledRow(double[] t, int kt, int ts, double[] p, double[] o, int ko, int n) {
        if (ts == 0) {
            double u = t[kt];
            if (u == 0) {
                return;                              // the output row stays 0.0
            }
            for (int j = 0; j < n; j++) {
                o[ko + j] = 0.0 + p[j] * u;
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            double u = t[kt + j];
            o[ko + j] = u == 0 ? 0.0 : 0.0 + p[j] * u;
        }
    }

    // ---- reductions ----------------------------------------------------------------------------------

    /**
     * Σ of all elements as a forward value: the value as {@code Arithmetic.SUM} adds, and each
     * slot's tangent as Num.sum combines the elements' tangents (with partials 1): their sum
     * from 0, one after the other.
     */
    static Num sum(Dual a) {
        double[] x = a.value;
        double s = 0;
        for (double d : x) {
            s += d;
        }
        double[] t = new double[a.tangent.length];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double z = 0.0;
            for (double u : c) {
                z += u;
            }
            t[q] = z;
        }
        return finite("sum", a.tag.value(s, t), x);
    }

    /** The mean: the sum divided by n, as {@code Num.sum(…).div(n)} divides (partial DIV.partialA). */
    static Num mean(Dual a) {
        Num s = sum(a);
        double n = a.value.length;
        double y = Arithmetic.DIV.value(s.value(), n);
        double p = Arithmetic.DIV.partialA(s.value(), n, y);
        double[] ts = a.tag.tangents(s);
        double[] t = new double[ts.length];
        for (int q = 0; q < t.length; q++) {
            double u = ts[q];
            t[q] = u == 0 ? 0.0 : p * u;
        }
        return a.tag.value(y, t);
    }

    /**
     * Σ aₖ·bₖ: each term a product (partials bₖ and aₖ, combined as for a Num product), the
     * terms summed one after the other.
     */
    static Num dot(In a, In b, int n, ForwardArrays tag) {
        double s = 0;
        double[] terms = new double[n];
        for (int k = 0; k < n; k++) {
            terms[k] = Arithmetic.MUL.value(a.value[a.base + k], b.value[b.base + k]);
            s += terms[k];
        }
        int slots = Math.max(a.slots(), b.slots());
        double[] t = new double[slots];
        for (int q = 0; q < slots; q++) {
            double[] ta = a.column(q);
            double[] tb = b.column(q);
            if (ta == null && tb == null) {
                continue;
            }
            double z = 0.0;
            for (int k = 0; k < n; k++) {
                double x = a.value[a.base + k];
                double y = b.value[b.base + k];
                double u = ta == null ? 0.0 : ta[a.base + k];
                double w = tb == null ? 0.0 : tb[b.base + k];
                double term;
                if (a.variable() && b.variable()) {
                    term = u == 0 ? 0.0 : Arithmetic.MUL.partialA(x, y, terms[k]) * u;
                    if (w != 0) {
                        term += Arithmetic.MUL.partialB(x, y, terms[k]) * w;
                    }
                } else if (a.variable()) {
                    term = u == 0 ? 0.0 : Arithmetic.MUL.partialA(x, y, terms[k]) * u;
                } else {
                    term = w == 0 ? 0.0 : Arithmetic.MUL.partialB(x, y, terms[k]) * w;
                }
                z += term;
            }
            t[q] = z;
        }
        return finite("dot", tag.value(s, t), terms);
    }

    /**
     * log Σ e^xₖ: value and weights (the softmax) by {@code Arithmetic.LOGSUMEXP}'s rule, each
     * slot's tangent as Num.logsumexp combines them: scale(t₀, w₀), then + wₖ·tₖ where tₖ ≠ 0.
     */
    static Num logsumexp(Dual a) {
        double[] x = a.value;
        double y = Arithmetic.LOGSUMEXP.value(x);
        double[] w = Arithmetic.LOGSUMEXP.partials(x, y);
        double[] t = new double[a.tangent.length];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double u0 = c[0];
            double z = u0 == 0 ? 0.0 : w[0] * u0;
            for (int k = 1; k < c.length; k++) {
                z = z == 0 ? 0.0 : z;
                double u = c[k];
                if (u != 0) {
                    z += w[k] * u;
                }
            }
            t[q] = z;
        }
        return finite("logsumexp", a.tag.value(y, t), x);
    }

    private static Num finite(String op, Num r, double[] inputs) {
        if (!Double.isFinite(r.value()) && checking()) {
            ForwardArrays.checkFinite(op, r.value(), inputs);
        }
        return r;
    }

    /**
     * e^(xₖ − l)/… as the element path computes softmax: l = logsumexp(x), then each element
     * minus l (SUB: partials 1 and −1, combined), then exp.
     */
    static Dual softmax(Dual a) {
        // as the element path (Tensor.softmax) computes it, to the bit: tᵢ = e^(xᵢ − xₘ) with xₘ
        // the largest, s = Σ tⱼ, yᵢ = tᵢ / s — so each tangent is formed from differences of
        // input tangents (dxᵢ − dxₘ) and keeps its digits when a weight is next to 1
        int n = a.value.length;
        double[] x = a.value;
        int m = 0;
        for (int i = 1; i < n; i++) {
            if (x[i] > x[m]) {
                m = i;
            }
        }
        double[] d = new double[n];
        double[] pa = new double[n];
        double[] pb = new double[n];
        double[] e = new double[n];
        double[] pe = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Arithmetic.SUB.value(x[i], x[m]);
            pa[i] = Arithmetic.SUB.partialA(x[i], x[m], d[i]);
            pb[i] = Arithmetic.SUB.partialB(x[i], x[m], d[i]);
            e[i] = Elementary.EXP.value(d[i]);
            pe[i] = Elementary.EXP.partial(d[i], e[i]);
        }
        double s = Arithmetic.SUM.value(e);
        double[] ps = Arithmetic.SUM.partials(e, s);
        double[] y = new double[n];
        double[] qa = new double[n];
        double[] qb = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Arithmetic.DIV.value(e[i], s);
            qa[i] = Arithmetic.DIV.partialA(e[i], s, y[i]);
            qb[i] = Arithmetic.DIV.partialB(e[i], s, y[i]);
        }
        double[][] t = new double[a.tangent.length][];
        double[] te = new double[n];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double um = c[m];
            for (int i = 0; i < n; i++) {
                double u = c[i];
                double z = u == 0 ? 0.0 : pa[i] * u;            // ForwardTag.combine, term by term
                if (um != 0) {
                    z += pb[i] * um;
                }
                te[i] = z == 0 ? 0.0 : pe[i] * z;
            }
            double ts = te[0] == 0 ? 0.0 : ps[0] * te[0];
            for (int i = 1; i < n; i++) {
                ts = ts == 0 ? 0.0 : 1.0 * ts;
                if (te[i] != 0) {
                    ts += ps[i] * te[i];
                }
            }
            double[] o = new double[n];
            for (int i = 0; i < n; i++) {
                double z = te[i] == 0 ? 0.0 : qa[i] * te[i];
                if (ts != 0) {
                    z += qb[i] * ts;
                }
                o[i] = z;
            }
            t[q] = o;
        }
        return new Dual(a.tag, y, t);
    }

    // ---- matrix products --------------------------------------------------------------------------

    /**
     * C = A·B for A of m×k and B of k×n, A and B plain (row-major from their base): each element
     * Σₚ A[i][p]·B[p][j], the products' tangents combined as for Num products and summed in the
     * order p = 0 … k−1, as the element path's sum does. When one operand is constant and all
     * finite, each tangent column is that operand's product with the other's column, by the
     * tape's matrix kernels (same order of additions; a finite partial times a zero tangent adds
     * nothing then, as skipping it would).
     */
    static Dual matmul(In a, In b, int m, int k, int n, ForwardArrays tag) {
        double[] v = new double[m * n];
        new MatMulOp(plain(a), plain(b), 0, m, k, n).forward(v);
        int slots = Math.max(a.slots(), b.slots());
        double[][] t = new double[slots][];
        boolean fastA = !a.variable() && allFinite(a.value, a.base, m * k);
        boolean fastB = !b.variable() && allFinite(b.value, b.base, k * n);
        for (int q = 0; q < slots; q++) {
            double[] ta = a.column(q);
            double[] tb = b.column(q);
            if (ta == null && tb == null) {
                continue;
            }
            double[] o = new double[m * n];
            if (fastB) {
                new MatMulOp(new Operand(-1, ta, 0, 1, m * k), plain(b), 0, m, k, n).forward(o);
            } else if (fastA) {
                new MatMulOp(plain(a), new Operand(-1, tb, 0, 1, k * n), 0, m, k, n).forward(o);
            } else {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double z = 0.0;
                        for (int p = 0; p < k; p++) {
                            double x = a.value[a.base + i * k + p];
                            double y = b.value[b.base + p * n + j];
                            double u = ta == null ? 0.0 : ta[a.base + i * k + p];
                            double w = tb == null ? 0.0 : tb[b.base + p * n + j];
                            double prod = Arithmetic.MUL.value(x, y);
                            double term;
                            if (a.variable() && b.variable()) {
                                term = u == 0 ? 0.0 : Arithmetic.MUL.partialA(x, y, prod) * u;
                                if (w != 0) {
                                    term += Arithmetic.MUL.partialB(x, y, prod) * w;
                                }
                            } else if (a.variable()) {
                                term = u == 0 ? 0.0 : Arithmetic.MUL.partialA(x, y, prod) * u;
                            } else {
                                term = w == 0 ? 0.0 : Arithmetic.MUL.partialB(x, y, prod) * w;
                            }
                            z += term;
                        }
                        o[i * n + j] = z;
                    }
                }
            }
            t[q] = o;
        }
        return new Dual(tag, v, t);
    }

    private static Operand plain(In x) {
        return new Operand(-1, x.base == 0 ? x.value : java.util.Arrays.copyOfRange(x.value, x.base, x.value.length),
                0, 1, x.value.length - x.base);
    }

    private static boolean allFinite(double[] x, int from, int n) {
        for (int k = from; k < from + n; k++) {
            if (!Double.isFinite(x[k])) {
                return false;
            }
        }
        return true;
    }

    // ---- moving elements -------------------------------------------------------------------------

    /** Output element i is input element {@code index[i]}: values and tangents copied (transpose, column). */
    static Dual gather(Dual a, int[] index) {
        int n = index.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = a.value[index[i]];
        }
        double[][] t = new double[a.tangent.length][];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double[] o = new double[n];
            for (int i = 0; i < n; i++) {
                o[i] = c[index[i]];
            }
            t[q] = o;
        }
        return new Dual(a.tag, v, t);
    }

    /** Elements by index, −1 giving the constant {@code fill} (tangent 0): shift, pad, triangular fill. */
    static Dual gather(Dual a, int[] index, double fill) {
        int n = index.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = index[i] >= 0 ? a.value[index[i]] : fill;
        }
        double[][] t = new double[a.tangent.length][];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double[] o = new double[n];
            for (int i = 0; i < n; i++) {
                if (index[i] >= 0) {
                    o[i] = c[index[i]];
                }
            }
            t[q] = o;
        }
        return new Dual(a.tag, v, t);
    }

    /** Elements [from, to) (a slice). */
    static Dual range(Dual a, int from, int to) {
        double[][] t = new double[a.tangent.length][];
        for (int q = 0; q < t.length; q++) {
            if (a.tangent[q] != null) {
                t[q] = java.util.Arrays.copyOfRange(a.tangent[q], from, to);
            }
        }
        return new Dual(a.tag, java.util.Arrays.copyOfRange(a.value, from, to), t);
    }

    /** The concatenation of operands (Duals or constants, plain), in order. */
    static Dual concat(In[] parts, int[] sizes, ForwardArrays tag) {
        int n = 0;
        int slots = 0;
        for (int p = 0; p < parts.length; p++) {
            n += sizes[p];
            slots = Math.max(slots, parts[p].slots());
        }
        double[] v = new double[n];
        double[][] t = new double[slots][];
        int at = 0;
        for (int p = 0; p < parts.length; p++) {
            In x = parts[p];
            System.arraycopy(x.value, x.base, v, at, sizes[p]);
            for (int q = 0; q < slots; q++) {
                double[] c = x.column(q);
                if (c == null) {
                    continue;
                }
                if (t[q] == null) {
                    t[q] = new double[n];
                }
                System.arraycopy(c, x.base, t[q], at, sizes[p]);
            }
            at += sizes[p];
        }
        return new Dual(tag, v, t);
    }
}
