package dev.wengert.tensor;

import dev.wengert.reverse.BlockOp;

/**
 * C = A·B for A of m×k and B of k×n (n = 1 for a matrix–vector product), as one tape node.
 * The pullback is the two products dA += dC·Bᵀ and dB += Aᵀ·dC, each only for an operand on
 * the tape. Loops run in i-p-j order so the inner loop walks rows of B and C contiguously.
 */
final class MatMulOp implements BlockOp {
    private final Operand a;
    private final Operand b;
    private final int out;
    private final int m;
    private final int k;
    private final int n;

    MatMulOp(Operand a, Operand b, int out, int m, int k, int n) {
        this.a = a;
        this.b = b;
        this.out = out;
        this.m = m;
        this.k = k;
        this.n = n;
    }

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public int[] inputs() {
        if (a.onTape() && b.onTape()) {
            return new int[] {a.start, b.start};
        }
        return new int[] {a.onTape() ? a.start : b.start};
    }

    private static double[] array(Operand o, double[] v) {
        return o.onTape() ? v : o.constant;
    }

    private static int base(Operand o) {
        return o.onTape() ? o.start : 0;
    }

    @Override
    public void forward(double[] v) {
        double[] av = array(a, v);
        double[] bv = array(b, v);
        int a0 = base(a);
        int b0 = base(b);
        java.util.Arrays.fill(v, out, out + m * n, 0.0);
        for (int i = 0; i < m; i++) {
            int ci = out + i * n;
            for (int p = 0; p < k; p++) {
                double aip = av[a0 + i * k + p];
                if (aip == 0) {
                    continue;
                }
                int bp = b0 + p * n;
                for (int j = 0; j < n; j++) {
                    v[ci + j] += aip * bv[bp + j];
                }
            }
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        double[] av = array(a, v);
        double[] bv = array(b, v);
        int a0 = base(a);
        int b0 = base(b);
        boolean any = false;
        for (int c = out; c < out + m * n; c++) {
            any |= hit[c];
        }
        if (!any) {
            return;
        }
        if (a.onTape()) {
            // dA[i][p] += Σ_j dC[i][j] · B[p][j]
            for (int i = 0; i < m; i++) {
                int ci = out + i * n;
                for (int p = 0; p < k; p++) {
                    int bp = b0 + p * n;
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += adj[ci + j] * bv[bp + j];
                    }
                    adj[a0 + i * k + p] += s;
                    hit[a0 + i * k + p] = true;
                }
            }
        }
        if (b.onTape()) {
            // dB[p][j] += Σ_i A[i][p] · dC[i][j]
            for (int i = 0; i < m; i++) {
                int ci = out + i * n;
                for (int p = 0; p < k; p++) {
                    double aip = av[a0 + i * k + p];
                    int bp = b0 + p * n;
                    for (int j = 0; j < n; j++) {
                        adj[bp + j] += aip * adj[ci + j];
                    }
                }
            }
            for (int q = b0; q < b0 + k * n; q++) {
                hit[q] = true;
            }
        }
    }
}
