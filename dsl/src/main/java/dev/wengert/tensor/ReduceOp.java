package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

import java.util.Arrays;

/**
 * An array reduced to one number as one tape node: sum, mean, dot product, log-sum-exp.
 */
final class ReduceOp implements BlockOp {
    enum Kind { SUM, MEAN, DOT, LOGSUMEXP }

    private final Kind kind;
    private final Operand a;
    private final Operand b;          // the second vector of a dot product
    private final int out;
    private final int n;
    private final double[] weights;   // softmax weights of logsumexp

    ReduceOp(Kind kind, Operand a, Operand b, int out, int n) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.out = out;
        this.n = n;
        this.weights = kind == Kind.LOGSUMEXP ? new double[n] : null;
    }

    @Override
    public String name() {
        return kind.name().toLowerCase();
    }

    @Override
    public int[] inputs() {
        if (b != null && a.onTape() && b.onTape()) {
            return new int[] {a.start, b.start};
        }
        return new int[] {a.onTape() ? a.start : b.start};
    }

    @Override
    public void forward(double[] v) {
        double[] av = a.array(v);
        int a0 = a.base();
        switch (kind) {
            case SUM, MEAN -> {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += av[a0 + k];
                }
                v[out] = kind == Kind.SUM ? s : s / n;
            }
            case DOT -> {
                double[] bv = b.array(v);
                int b0 = b.base();
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += av[a0 + k] * bv[b0 + k];
                }
                v[out] = s;
            }
            default -> {
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    m = Math.max(m, av[a0 + k]);
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    weights[k] = Math.exp(av[a0 + k] - m);
                    s += weights[k];
                }
                for (int k = 0; k < n; k++) {
                    weights[k] /= s;
                }
                v[out] = Double.isInfinite(m) ? m : m + Math.log(s);
            }
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        if (!hit[out]) {
            return;
        }
        double g = adj[out];
        if (a.onTape()) {
            int a0 = a.start;
            switch (kind) {
                case SUM, MEAN -> {
                    double d = (kind == Kind.SUM ? 1.0 : 1.0 / n) * g;   // the same for every element
                    for (int k = 0; k < n; k++) {
                        adj[a0 + k] += d;
                    }
                }
                case DOT -> {
                    double[] bv = b.array(v);
                    int b0 = b.base();
                    for (int k = 0; k < n; k++) {
                        adj[a0 + k] += bv[b0 + k] * g;
                    }
                }
                default -> {
                    for (int k = 0; k < n; k++) {
                        adj[a0 + k] += weights[k] * g;
                    }
                }
            }
            Arrays.fill(hit, a0, a0 + n, true);
        }
        if (kind == Kind.DOT && b.onTape()) {
            double[] av = a.array(v);
            int a0 = a.base();
            int b0 = b.start;
            for (int k = 0; k < n; k++) {
                adj[b0 + k] += av[a0 + k] * g;
            }
            Arrays.fill(hit, b0, b0 + n, true);
        }
    }

    // ---- forward over reverse: sums and means are linear, a dot product bilinear, and the
    // ---- log-sum-exp's weights w move by w ⊙ (ẋ − ẏ) -------------------------------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            double ta = a.onTape() ? t[a.start + k] : 0.0;
            switch (kind) {
                case SUM, MEAN -> s += ta;
                case DOT -> {
                    double tb = b.onTape() ? t[b.start + k] : 0.0;
                    s += ta * b.get(v, k) + a.get(v, k) * tb;
                }
                default -> s += weights[k] * ta;
            }
        }
        t[out] = kind == Kind.MEAN ? s / n : s;
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        if (!hit[out]) {
            return true;
        }
        double g = adj[out];
        double gt = at[out];
        for (int k = 0; k < n; k++) {
            switch (kind) {
                case SUM -> at[a.start + k] += gt;
                case MEAN -> at[a.start + k] += gt / n;
                case DOT -> {
                    if (a.onTape()) {
                        double tb = b.onTape() ? t[b.start + k] : 0.0;
                        at[a.start + k] += b.get(v, k) * gt + tb * g;
                    }
                    if (b.onTape()) {
                        double ta = a.onTape() ? t[a.start + k] : 0.0;
                        at[b.start + k] += a.get(v, k) * gt + ta * g;
                    }
                }
                default -> {
                    double wk = weights[k];
                    double dw = wk * (t[a.start + k] - t[out]);
                    at[a.start + k] += wk * gt + dw * g;
                }
            }
        }
        return true;
    }
}
