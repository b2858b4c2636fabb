package dev.wengert.tensor;

import dev.wengert.core.BlockOp;

import java.util.Arrays;

/**
 * C = A·B for A of m×k and B of k×n (n = 1 for a matrix–vector product), as one tape node.
 * The pullback is the two products dA += dC·Bᵀ and dB += Aᵀ·dC, each only for an operand on
 * the tape. Loops run in i-p-j order so the inner loop walks rows of B and C contiguously; a
 * matrix–vector product has kernels of its own.
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

    @Override
    public void forward(double[] v) {
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        if (n == 1) {
            matvec(av, a0, bv, b0, v);
            return;
        }
        // i-p-j: row i of C is Σ_p A[i][p]·B[p][·], accumulated in a row of its own over rows of
        // B of their own, so the inner loop is a vectorised axpy (see Kernels)
        double[][] bRows = Kernels.rows(bv, b0, k, n);
        double[] c = new double[n];
        double[] c2 = new double[n];
        int i = 0;
        for (; i + 2 <= m; i += 2) {                // two rows of C per pass over B
            Arrays.fill(c, 0.0);
            Arrays.fill(c2, 0.0);
            Kernels.axpys2(av, a0 + i * k, a0 + (i + 1) * k, 1, bRows, c, c2, k, n);
            System.arraycopy(c, 0, v, out + i * n, n);
            System.arraycopy(c2, 0, v, out + (i + 1) * n, n);
        }
        for (; i < m; i++) {
            Arrays.fill(c, 0.0);
            Kernels.axpys(av, a0 + i * k, 1, bRows, c, k, n);
            System.arraycopy(c, 0, v, out + i * n, n);
        }
    }

    /**
     * C = A·b for a vector b: four rows at a time, so four independent sums are in flight, each
     * summed in the order p = 0 … k−1 (the rounding of the one-row loop). The inner loop takes
     * four columns per step: with k known only at run time, C2 schedules the one-column loop
     * over a short row (logistic regression's k = 20) about 1.25× slower.
     */
    private void matvec(double[] av, int a0, double[] bv, int b0, double[] v) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = a0 + i * k;
            int r1 = r0 + k;
            int r2 = r1 + k;
            int r3 = r2 + k;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                double c0 = bv[b0 + p];
                double c1 = bv[b0 + p + 1];
                double c2 = bv[b0 + p + 2];
                double c3 = bv[b0 + p + 3];
                // left to right: ((s + a·c0) + a·c1) + …, the one-column loop's order
                s0 = s0 + av[r0 + p] * c0 + av[r0 + p + 1] * c1 + av[r0 + p + 2] * c2 + av[r0 + p + 3] * c3;
                s1 = s1 + av[r1 + p] * c0 + av[r1 + p + 1] * c1 + av[r1 + p + 2] * c2 + av[r1 + p + 3] * c3;
                s2 = s2 + av[r2 + p] * c0 + av[r2 + p + 1] * c1 + av[r2 + p + 2] * c2 + av[r2 + p + 3] * c3;
                s3 = s3 + av[r3 + p] * c0 + av[r3 + p + 1] * c1 + av[r3 + p + 2] * c2 + av[r3 + p + 3] * c3;
            }
            for (; p < k; p++) {
                double bp = bv[b0 + p];
                s0 += av[r0 + p] * bp;
                s1 += av[r1 + p] * bp;
                s2 += av[r2 + p] * bp;
                s3 += av[r3 + p] * bp;
            }
            v[out + i] = s0;
            v[out + i + 1] = s1;
            v[out + i + 2] = s2;
            v[out + i + 3] = s3;
        }
        for (; i < m; i++) {
            int r = a0 + i * k;
            double s = 0;
            for (int p = 0; p < k; p++) {
                s += av[r + p] * bv[b0 + p];
            }
            v[out + i] = s;
        }
    }

    @Override
    public void pullback(double[] v, double[] adj, boolean[] hit) {
        int c = out;
        while (c < out + m * n && !hit[c]) {
            c++;
        }
        if (c == out + m * n) {
            return;                                // no output was reached
        }
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        if (a.onTape()) {
            // dA[i][p] += Σ_j dC[i][j]·B[p][j]: for each row i, a sum of rows of Bᵀ scaled by
            // dC[i][j], in the order j = 0 … n−1 (as the dot product over j would add them)
            double[][] bt = Kernels.columns(bv, b0, k, n);
            double[] d = new double[k];
            for (int i = 0; i < m; i++) {
                Arrays.fill(d, 0.0);
                Kernels.axpys(adj, out + i * n, 1, bt, d, n, k);
                int ai = a0 + i * k;
                for (int p = 0; p < k; p++) {
                    adj[ai + p] += d[p];
                }
            }
            Arrays.fill(hit, a0, a0 + m * k, true);
        }
        if (b.onTape()) {
            if (n == 1) {
                // dB[p] += Σ_i A[i][p]·dC[i]: an axpy of row i of A per row, four rows per pass
                // (each dB[p] still adds the rows in order), so dB is loaded and stored a
                // quarter as often
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    double g0 = adj[out + i];
                    double g1 = adj[out + i + 1];
                    double g2 = adj[out + i + 2];
                    double g3 = adj[out + i + 3];
                    int r0 = a0 + i * k;
                    int r1 = r0 + k;
                    int r2 = r1 + k;
                    int r3 = r2 + k;
                    for (int p = 0; p < k; p++) {
                        adj[b0 + p] = adj[b0 + p] + av[r0 + p] * g0 + av[r1 + p] * g1 + av[r2 + p] * g2 + av[r3 + p] * g3;
                    }
                }
                for (; i < m; i++) {
                    double g = adj[out + i];
                    int ai = a0 + i * k;
                    for (int p = 0; p < k; p++) {
                        adj[b0 + p] += av[ai + p] * g;
                    }
                }
            } else {
                // dB[p][·] += Σ_i A[i][p]·dC[i][·], accumulated on rows of their own over four
                // rows of dC at a time, in the order i of the plain loop
                double[][] d = Kernels.rows(adj, b0, k, n);
                double[][] g = new double[4][n];
                for (int i = 0; i < m; i += 4) {
                    int rows = Math.min(4, m - i);
                    for (int q = 0; q < rows; q++) {
                        System.arraycopy(adj, out + (i + q) * n, g[q], 0, n);
                    }
                    int p = 0;
                    for (; p + 2 <= k; p += 2) {   // two rows of dB per pass over the rows of dC
                        Kernels.axpys2(av, a0 + i * k + p, a0 + i * k + p + 1, k, g, d[p], d[p + 1], rows, n);
                    }
                    for (; p < k; p++) {
                        Kernels.axpys(av, a0 + i * k + p, k, g, d[p], rows, n);
                    }
                }
                for (int p = 0; p < k; p++) {
                    System.arraycopy(d[p], 0, adj, b0 + p * n, n);
                }
            }
            Arrays.fill(hit, b0, b0 + k * n, true);
        }
    }

    // ---- forward over reverse: Ċ = ȦB + AḂ; the pullbacks differentiated: Ǡ += Ċ̄Bᵀ + C̄Ḃᵀ,
    // ---- Ḃ̄ += ȦᵀC̄ + AᵀĊ̄ ------------------------------------------------------------------------

    @Override
    public boolean forwardTangent(double[] v, double[] t) {
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        boolean aOn = a.onTape();
        boolean bOn = b.onTape();
        // row by row, the inner loop along a row of B (unit stride); each element still sums its
        // terms in the order p = 0, 1, …, Ȧ's term before Ḃ's, as the dot-product form would
        for (int i = 0; i < m; i++) {
            int row = out + i * n;
            java.util.Arrays.fill(t, row, row + n, 0.0);
            for (int p = 0; p < k; p++) {
                double ta = aOn ? t[a.start + i * k + p] : 0.0;
                double va = av[a0 + i * k + p];
                int bp = b0 + p * n;
                int tb = b.start + p * n;
                if (aOn && bOn) {
                    for (int j = 0; j < n; j++) {
                        t[row + j] = t[row + j] + ta * bv[bp + j] + va * t[tb + j];
                    }
                } else if (aOn) {
                    for (int j = 0; j < n; j++) {
                        t[row + j] += ta * bv[bp + j];
                    }
                } else if (bOn) {
                    for (int j = 0; j < n; j++) {
                        t[row + j] += va * t[tb + j];
                    }
                }
            }
        }
        return true;
    }

    /**
     * Ǡ[i][p] += Σ_j (Ċ̄[i][j]·B[p][j] + C̄[i][j]·Ḃ[p][j]) (the second term when B is on the
     * tape): each sum from +0 in the order j = 0 … n−1, as a dot product per (i, p) would add
     * it, but the k sums of a row in flight together, so they do not wait on one another's
     * additions. A column j whose adjoint and adjoint tangent are both 0 (an output the sweep
     * did not reach: kmeans' minimum reaches one output in k per column) adds ±0 to sums that
     * are never −0, which changes nothing, and is skipped — unless B or Ḃ holds a value that
     * is not finite (0·∞ is NaN), which one pass checks first.
     */
    private void pullbackTangentA(double[] bv, int b0, double[] t, double[] adj, double[] at) {
        boolean bOn = b.onTape();
        int tb0 = b.start;
        boolean skip = finite(bv, b0, k * n) && (!bOn || finite(t, tb0, k * n));
        double[] s = new double[k];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(s, 0.0);
            int c0 = out + i * n;
            for (int j = 0; j < n; j++) {
                double g1 = at[c0 + j];
                double g2 = adj[c0 + j];
                if (skip && g1 == 0 && g2 == 0) {
                    continue;
                }
                if (bOn) {
                    for (int p = 0; p < k; p++) {
                        s[p] = s[p] + g1 * bv[b0 + p * n + j] + g2 * t[tb0 + p * n + j];
                    }
                } else {
                    for (int p = 0; p < k; p++) {
                        s[p] += g1 * bv[b0 + p * n + j];
                    }
                }
            }
            int ai = a.start + i * k;
            for (int p = 0; p < k; p++) {
                at[ai + p] += s[p];
            }
        }
    }

    private static boolean finite(double[] x, int from, int count) {
        for (int q = from; q < from + count; q++) {
            if (!Double.isFinite(x[q])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean pullbackTangent(double[] v, double[] t, double[] adj, double[] at, boolean[] hit) {
        double[] av = a.array(v);
        double[] bv = b.array(v);
        int a0 = a.base();
        int b0 = b.base();
        // an output the sweep did not reach has adjoint and adjoint tangent 0: no masking needed
        if (a.onTape()) {
            pullbackTangentA(bv, b0, t, adj, at);
        }
        if (b.onTape()) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int i = 0; i < m; i++) {
                        int c = out + i * n + j;
                        s += av[a0 + i * k + p] * at[c];
                        if (a.onTape()) {
                            s += t[a.start + i * k + p] * adj[c];
                        }
                    }
                    at[b.start + p * n + j] += s;
                }
            }
        }
        return true;
    }
}
