package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

/**
 * Output element i is a copy of tape position {@code source[i]} (or the constant
 * {@code constants[i]} where the source is −1): transposes, column slices, concatenations and
 * arrays stacked from scalars are all this one node. Its pullback routes adjoints back.
 */
final class GatherOp implements BlockOp {
    private final String name;
    private final int[] source;
    private final double[] constants;
    private final int out;

    GatherOp(String name, int[] source, double[] constants, int out) {
        this.name = name;
        this.source = source;
        this.constants = constants;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] inputs() {
        return java.util.Arrays.stream(source).filter(s -> s >= 0).distinct().limit(8).toArray();
    }

    @Override
    public void forward(double[] v) {
        for (int i = 0; i < source.length; i++) {
            v[out + i] = source[i] >= 0 ? v[source[i]] : constants[i];
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        for (int i = 0; i < source.length; i++) {
            int s = source[i];
            if (s >= 0 && hit[out + i]) {
                adj[s] += adj[out + i];
                hit[s] = true;
            }
        }
    }

    // ---- forward over reverse (Hessian–vector products): a gather is linear --------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        for (int i = 0; i < source.length; i++) {
            t[out + i] = source[i] >= 0 ? t[source[i]] : 0.0;
        }
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        for (int i = 0; i < source.length; i++) {
            int s = source[i];
            if (s >= 0 && hit[out + i]) {
                at[s] += at[out + i];
            }
        }
        return true;
    }
}
