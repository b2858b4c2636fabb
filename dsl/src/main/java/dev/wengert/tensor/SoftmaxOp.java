package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

/** yᵢ = e^(xᵢ − m) / Σ e^(xⱼ − m), as one node; its pullback is dxᵢ = yᵢ (dyᵢ − Σⱼ dyⱼ yⱼ). */
final class SoftmaxOp implements BlockOp {
    private final Operand a;
    private final int out;
    private final int n;

    SoftmaxOp(Operand a, int out, int n) {
        this.a = a;
        this.out = out;
        this.n = n;
    }

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public int[] inputs() {
        return new int[] {a.start};
    }

    @Override
    public void forward(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            m = Math.max(m, a.get(v, k));
        }
        double s = 0;
        for (int k = 0; k < n; k++) {
            double e = Math.exp(a.get(v, k) - m);
            v[out + k] = e;
            s += e;
        }
        for (int k = 0; k < n; k++) {
            v[out + k] /= s;
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        double dot = 0;
        boolean any = false;
        for (int k = 0; k < n; k++) {
            if (hit[out + k]) {
                dot += adj[out + k] * v[out + k];
                any = true;
            }
        }
        if (!any) {
            return;
        }
        for (int k = 0; k < n; k++) {
            double g = hit[out + k] ? adj[out + k] : 0.0;
            adj[a.start + k] += v[out + k] * (g - dot);
            hit[a.start + k] = true;
        }
    }
}
