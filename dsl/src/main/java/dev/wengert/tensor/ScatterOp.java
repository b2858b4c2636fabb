package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

import java.util.Arrays;

/**
 * The adjoint of a gather: output element {@code index[i]} receives input element i, added
 * to whatever else lands there (a histogram of values by bucket; the pullback of indexing).
 * Outputs nothing lands in are 0.
 */
final class ScatterOp implements BlockOp {
    private final Operand a;
    private final int[] index;
    private final int out;
    private final int size;

    ScatterOp(Operand a, int[] index, int out, int size) {
        this.a = a;
        this.index = index;
        this.out = out;
        this.size = size;
    }

    @Override
    public String name() {
        return "scatter";
    }

    @Override
    public int[] inputs() {
        return new int[] {a.start};
    }

    @Override
    public void forward(double[] v) {
        double[] x = a.array(v);
        int x0 = a.base();
        Arrays.fill(v, out, out + size, 0.0);
        for (int i = 0; i < index.length; i++) {
            v[out + index[i]] += x[x0 + i];
        }
    }

    /** The scatter of a forward-mode tensor: values and each tangent column added into their buckets alike. */
    static Dual forward(Dual a, int[] index, int size) {
        double[] v = new double[size];
        for (int i = 0; i < index.length; i++) {
            v[index[i]] += a.value[i];
        }
        double[][] t = new double[a.tangent.length][];
        for (int q = 0; q < t.length; q++) {
            double[] c = a.tangent[q];
            if (c == null) {
                continue;
            }
            double[] o = new double[size];
            for (int i = 0; i < index.length; i++) {
                o[index[i]] += c[i];
            }
            t[q] = o;
        }
        return new Dual(a.tag, v, t);
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        if (!a.onTape()) {
            return;
        }
        int a0 = a.start;
        for (int i = 0; i < index.length; i++) {
            int o = out + index[i];
            if (hit[o]) {
                adj[a0 + i] += adj[o];
                hit[a0 + i] = true;
            }
        }
    }

    // ---- forward over reverse: a scatter is linear -------------------------------------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        Arrays.fill(t, out, out + size, 0.0);
        if (a.onTape()) {
            for (int i = 0; i < index.length; i++) {
                t[out + index[i]] += t[a.start + i];
            }
        }
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        if (a.onTape()) {
            for (int i = 0; i < index.length; i++) {
                int o = out + index[i];
                if (hit[o]) {
                    at[a.start + i] += at[o];
                }
            }
        }
        return true;
    }
}
