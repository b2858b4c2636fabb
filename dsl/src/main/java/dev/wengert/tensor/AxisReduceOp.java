package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

import java.util.Arrays;

/**
 * A matrix reduced along one axis as one tape node: the sum, mean, maximum, minimum or
 * log-sum-exp of each column (axis 0, one value per column) or of each row (axis 1, one value
 * per row). A maximum's or minimum's derivative goes to the element that attains it, split
 * evenly between elements that tie (the scalar {@code max}'s ½–½, for any number of them);
 * a log-sum-exp's is the softmax of its row or column.
 */
final class AxisReduceOp implements BlockOp {
    enum Kind { SUM, MEAN, MAX, MIN, LOGSUMEXP }

    private final Kind kind;
    private final Operand a;
    private final int rows;
    private final int cols;
    private final int axis;
    private final int out;
    /** Per element, its share of its output's derivative (max, min, logsumexp). */
    private double[] weights;

    AxisReduceOp(Kind kind, Operand a, int rows, int cols, int axis, int out) {
        this.kind = kind;
        this.a = a;
        this.rows = rows;
        this.cols = cols;
        this.axis = axis;
        this.out = out;
    }

    /** How many values the reduction gives: one per column (axis 0) or per row (axis 1). */
    int outputs() {
        return axis == 0 ? cols : rows;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase() + "(axis " + axis + ")";
    }

    @Override
    public int[] inputs() {
        return new int[] {a.start};
    }

    @Override
    public void adopt(BlockOp previous) {
        if (previous instanceof AxisReduceOp p && p.weights != null && p.weights.length == rows * cols) {
            weights = p.weights;
        }
    }

    @Override
    public void forward(double[] v) {
        double[] x = a.array(v);
        int x0 = a.base();
        int n = outputs();
        int len = axis == 0 ? rows : cols;
        // element k of output o is at x0 + o·step + k·stride
        int step = axis == 0 ? 1 : cols;
        int stride = axis == 0 ? cols : 1;
        if (kind != Kind.SUM && kind != Kind.MEAN && weights == null) {
            weights = new double[rows * cols];
        }
        for (int o = 0; o < n; o++) {
            int b = x0 + o * step;
            double r;
            switch (kind) {
                case SUM, MEAN -> {
                    double s = 0;
                    for (int k = 0; k < len; k++) {
                        s += x[b + k * stride];
                    }
                    r = kind == Kind.SUM ? s : s / len;
                }
                case MAX, MIN -> {
                    double m = x[b];
                    for (int k = 1; k < len; k++) {
                        m = kind == Kind.MAX ? Math.max(m, x[b + k * stride]) : Math.min(m, x[b + k * stride]);
                    }
                    // the elements that attain it (NaN attains a NaN result) share its derivative
                    int ties = 0;
                    for (int k = 0; k < len; k++) {
                        ties += attains(x[b + k * stride], m) ? 1 : 0;
                    }
                    for (int k = 0; k < len; k++) {
                        weights[(b - x0) + k * stride] = attains(x[b + k * stride], m) ? 1.0 / ties : 0.0;
                    }
                    r = m;
                }
                default -> {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < len; k++) {
                        m = Math.max(m, x[b + k * stride]);
                    }
                    double s = 0;
                    for (int k = 0; k < len; k++) {
                        double w = Math.exp(x[b + k * stride] - m);
                        weights[(b - x0) + k * stride] = w;
                        s += w;
                    }
                    for (int k = 0; k < len; k++) {
                        weights[(b - x0) + k * stride] /= s;
                    }
                    r = Double.isInfinite(m) ? m : m + Math.log(s);
                }
            }
            v[out + o] = r;
        }
    }

    /**
     * The reduction of a forward-mode tensor: the values as {@link #forward} computes them, and
     * each tangent column reduced with the same weights (a sum's 1, a mean's 1/n, the
     * extremum's even split, the softmax of log-sum-exp).
     */
    static Dual forward(Kind kind, Dual a, int rows, int cols, int axis) {
        AxisReduceOp op = new AxisReduceOp(kind, new Operand(-1, a.value, 0, 1, rows * cols), rows, cols, axis, 0);
        int n = op.outputs();
        double[] v = new double[n];
        op.forward(v);
        int len = axis == 0 ? rows : cols;
        int step = axis == 0 ? 1 : cols;
        int stride = axis == 0 ? cols : 1;
        double[][] t = new double[a.tangent.length][];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double[] o = new double[n];
            for (int r = 0; r < n; r++) {
                int b = r * step;
                double z = 0;
                for (int k = 0; k < len; k++) {
                    double u = c[b + k * stride];
                    if (u != 0) {
                        double w = kind == Kind.SUM ? 1.0 : kind == Kind.MEAN ? 1.0 / len : op.weights[b + k * stride];
                        z += w * u;
                    }
                }
                o[r] = z;
            }
            t[q] = o;
        }
        return new Dual(a.tag, v, t);
    }

    /** Whether x is the extremum m: equal (0.0 and −0.0 alike), or both NaN. */
    private static boolean attains(double x, double m) {
        return x == m || (x != x && m != m);
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        if (!a.onTape()) {
            return;
        }
        int n = outputs();
        int len = axis == 0 ? rows : cols;
        int step = axis == 0 ? 1 : cols;
        int stride = axis == 0 ? cols : 1;
        int a0 = a.start;
        boolean any = false;
        for (int o = 0; o < n; o++) {
            if (!hit[out + o]) {
                continue;
            }
            any = true;
            double g = adj[out + o];
            int b = o * step;
            switch (kind) {
                case SUM, MEAN -> {
                    double d = kind == Kind.SUM ? g : g / len;
                    for (int k = 0; k < len; k++) {
                        adj[a0 + b + k * stride] += d;
                    }
                }
                default -> {
                    for (int k = 0; k < len; k++) {
                        double w = weights[b + k * stride];
                        if (w != 0) {
                            adj[a0 + b + k * stride] += w * g;
                        }
                    }
                }
            }
        }
        if (any) {
            Arrays.fill(hit, a0, a0 + rows * cols, true);
        }
    }

    // ---- forward over reverse: along an axis, sums, means and extrema (their weights fixed) are
    // ---- linear; a log-sum-exp's weights move by w ⊙ (ẋ − ẏ) -----------------------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        int n = outputs();
        int len = axis == 0 ? rows : cols;
        int step = axis == 0 ? 1 : cols;
        int stride = axis == 0 ? cols : 1;
        for (int o = 0; o < n; o++) {
            int b = o * step;
            double s = 0;
            for (int k = 0; k < len; k++) {
                double tx = a.onTape() ? t[a.start + b + k * stride] : 0.0;
                if (tx != 0) {
                    s += kind == Kind.SUM ? tx : kind == Kind.MEAN ? tx / len : weights[b + k * stride] * tx;
                }
            }
            t[out + o] = s;
        }
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        if (!a.onTape()) {
            return true;
        }
        int n = outputs();
        int len = axis == 0 ? rows : cols;
        int step = axis == 0 ? 1 : cols;
        int stride = axis == 0 ? cols : 1;
        for (int o = 0; o < n; o++) {
            if (!hit[out + o]) {
                continue;
            }
            double g = adj[out + o];
            double gt = at[out + o];
            int b = o * step;
            for (int k = 0; k < len; k++) {
                int e = b + k * stride;
                switch (kind) {
                    case SUM -> at[a.start + e] += gt;
                    case MEAN -> at[a.start + e] += gt / len;
                    case LOGSUMEXP -> {
                        double w = weights[e];
                        at[a.start + e] += w * gt + w * (t[a.start + e] - t[out + o]) * g;
                    }
                    default -> at[a.start + e] += weights[e] * gt;
                }
            }
        }
        return true;
    }
}
