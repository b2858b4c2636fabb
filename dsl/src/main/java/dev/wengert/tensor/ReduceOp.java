package dev.wengert.tensor;

import dev.wengert.reverse.BlockOp;

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
        switch (kind) {
            case SUM, MEAN -> {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a.get(v, k);
                }
                v[out] = kind == Kind.SUM ? s : s / n;
            }
            case DOT -> {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a.get(v, k) * b.get(v, k);
                }
                v[out] = s;
            }
            default -> {
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    m = Math.max(m, a.get(v, k));
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    weights[k] = Math.exp(a.get(v, k) - m);
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
        for (int k = 0; k < n; k++) {
            if (a.onTape()) {
                double p = switch (kind) {
                    case SUM -> 1.0;
                    case MEAN -> 1.0 / n;
                    case DOT -> b.get(v, k);
                    default -> weights[k];
                };
                adj[a.start + k] += p * g;
                hit[a.start + k] = true;
            }
            if (kind == Kind.DOT && b.onTape()) {
                adj[b.start + k] += a.get(v, k) * g;
                hit[b.start + k] = true;
            }
        }
    }
}
