package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

/**
 * yᵢ = e^(xᵢ − m) / Σ e^(xⱼ − m), as one node; its pullback is dxᵢ = yᵢ (dyᵢ − Σⱼ dyⱼ yⱼ), with
 * the difference taken so that it does not cancel: see {@link #pullback}.
 */
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

    /**
     * dxₖ = yₖ (gₖ − Σⱼ gⱼyⱼ), written as yₖ ((gₖ − gₘ) + D) with m the largest weight and
     * D = gₘ − Σⱼ gⱼyⱼ = Σⱼ≠ₘ yⱼ (gₘ − gⱼ) (Σ y = 1). Formed directly, gₘ − Σ gⱼyⱼ subtracts
     * nearly equal numbers when yₘ is near 1 — 1 − yₘ from the rounded yₘ, 3 of 16 digits lost at
     * yₘ = 1 − 4e-14 — while D sums the small weights themselves. The same holds for the tangent
     * of the element path (Tensor.softmax), so both modes keep their digits.
     */
    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        boolean any = false;
        int m = 0;
        for (int k = 0; k < n; k++) {
            any |= hit[out + k];
            if (v[out + k] > v[out + m]) {
                m = k;
            }
        }
        if (!any) {
            return;
        }
        double gm = hit[out + m] ? adj[out + m] : 0.0;
        double d = 0;
        for (int k = 0; k < n; k++) {
            if (k != m) {
                d += v[out + k] * (gm - (hit[out + k] ? adj[out + k] : 0.0));
            }
        }
        for (int k = 0; k < n; k++) {
            double g = hit[out + k] ? adj[out + k] : 0.0;
            adj[a.start + k] += v[out + k] * (k == m ? d : (g - gm) + d);
            hit[a.start + k] = true;
        }
    }

    // ---- forward over reverse: ẏ = y ⊙ (ẋ − Σ yẋ); the pullback x̄ = y ⊙ (ḡ − Σ yḡ) differentiated ----

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            double tx = a.onTape() ? t[a.start + k] : 0.0;
            s += v[out + k] * tx;
        }
        for (int k = 0; k < n; k++) {
            double tx = a.onTape() ? t[a.start + k] : 0.0;
            t[out + k] = v[out + k] * (tx - s);
        }
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        if (!a.onTape()) {
            return true;
        }
        double s = 0;
        double ds = 0;
        for (int k = 0; k < n; k++) {
            double g = hit[out + k] ? adj[out + k] : 0.0;
            double gt = hit[out + k] ? at[out + k] : 0.0;
            s += v[out + k] * g;
            ds += t[out + k] * g + v[out + k] * gt;
        }
        for (int k = 0; k < n; k++) {
            double g = hit[out + k] ? adj[out + k] : 0.0;
            double gt = hit[out + k] ? at[out + k] : 0.0;
            at[a.start + k] += t[out + k] * (g - s) + v[out + k] * (gt - ds);
        }
        return true;
    }
}
