package dev.wengert.tensor;

import dev.wengert.reverse.BlockOp;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.UnaryRule;

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
    private final double[] pa;
    private final double[] pb;

    ElementwiseOp(UnaryRule rule, Operand a, int out, int rows, int cols) {
        this.rule = rule;
        this.a = a;
        this.b = null;
        this.out = out;
        this.rows = rows;
        this.cols = cols;
        this.pa = new double[rows * cols];
        this.pb = null;
    }

    ElementwiseOp(BinaryRule rule, Operand a, Operand b, int out, int rows, int cols) {
        this.rule = rule;
        this.a = a;
        this.b = b;
        this.out = out;
        this.rows = rows;
        this.cols = cols;
        boolean arithmetic = rule == Arithmetic.ADD || rule == Arithmetic.SUB || rule == Arithmetic.MUL;
        this.pa = arithmetic || !a.onTape() ? null : new double[rows * cols];
        this.pb = arithmetic || !b.onTape() ? null : new double[rows * cols];
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
        if (b == null) {
            UnaryRule r = (UnaryRule) rule;
            int n = rows * cols;
            for (int k = 0; k < n; k++) {
                double x = a.get(v, k * a.colStride);
                double y = r.value(x);
                v[out + k] = y;
                pa[k] = r.partial(x, y);
            }
            return;
        }
        BinaryRule r = (BinaryRule) rule;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                double x = a.get(v, i * a.rowStride + j * a.colStride);
                double y = b.get(v, i * b.rowStride + j * b.colStride);
                double z;
                if (r == Arithmetic.ADD) {
                    z = x + y;
                } else if (r == Arithmetic.SUB) {
                    z = x - y;
                } else if (r == Arithmetic.MUL) {
                    z = x * y;
                } else {
                    z = r.value(x, y);
                    if (pa != null) {
                        pa[k] = r.partialA(x, y, z);
                    }
                    if (pb != null) {
                        pb[k] = r.partialB(x, y, z);
                    }
                }
                v[out + k] = z;
            }
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        if (b == null) {
            int n = rows * cols;
            for (int k = 0; k < n; k++) {
                if (hit[out + k]) {
                    int j = a.start + k * a.colStride;
                    adj[j] += pa[k] * adj[out + k];
                    hit[j] = true;
                }
            }
            return;
        }
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
                double da;
                double db;
                if (r == Arithmetic.ADD) {
                    da = 1;
                    db = 1;
                } else if (r == Arithmetic.SUB) {
                    da = 1;
                    db = -1;
                } else if (r == Arithmetic.MUL) {
                    da = b.get(v, kb);
                    db = a.get(v, ka);
                } else {
                    da = pa == null ? 0 : pa[k];
                    db = pb == null ? 0 : pb[k];
                }
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
}
