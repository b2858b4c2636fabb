package dev.wengert.tensor;

import dev.wengert.rules.Arithmetic;

/**
 * Loops shared by the array operations. Their arithmetic is the rules' own: a rule constant's
 * methods ({@code Arithmetic.ADD.value(a, b)}) inline to the bare operation, so the kernels
 * compute what the scalar rules compute, to the bit.
 *
 * <p>On Java 17, C2's SuperWord vectorises a loop only when all its arrays are indexed by the
 * same expression (here: the loop counter, from 0); an offset such as {@code row + j} in one of
 * them keeps the loop scalar. So the matrix kernels copy the short rows they reuse into
 * arrays of their own and run {@link #axpy} on those.
 */
final class Kernels {
    private Kernels() {
    }

    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;

    /**
     * v[o + j] = x[kx + j·xs] op y[ky + j·ys] for j &lt; n, where a stride is 1 (a row) or 0 (one
     * value broadcast). The strides are tested once, outside the loops: a loop whose index is
     * multiplied by a variable stride stays scalar, one with unit strides is vectorised.
     */
    static void combine(int op, double[] x, int kx, int xs, double[] y, int ky, int ys, double[] v, int o, int n) {
        if (xs == 1 && ys == 1) {
            switch (op) {
                case ADD -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.ADD.value(x[kx + j], y[ky + j]);
                    }
                }
                case SUB -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.SUB.value(x[kx + j], y[ky + j]);
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.MUL.value(x[kx + j], y[ky + j]);
                    }
                }
            }
        } else if (xs == 1 && ys == 0) {
            double c = y[ky];
            switch (op) {
                case ADD -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.ADD.value(x[kx + j], c);
                    }
                }
                case SUB -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.SUB.value(x[kx + j], c);
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        v[o + j] = Arithmetic.MUL.value(x[kx + j], c);
                    }
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                double a = x[kx + j * xs];
                double b = y[ky + j * ys];
                v[o + j] = op == ADD ? Arithmetic.ADD.value(a, b) : op == SUB ? Arithmetic.SUB.value(a, b)
                        : Arithmetic.MUL.value(a, b);
            }
        }
    }

    /**
     * adj[kx + j·xs] += g[o + j] (or −=) for j &lt; n. With stride 0 (a broadcast operand) every
     * term goes to one cell: summed in a local, in the same order.
     */
    static void addInto(double[] adj, int kx, int xs, double[] g, int o, int n, boolean subtract) {
        if (xs == 1) {
            if (subtract) {
                for (int j = 0; j < n; j++) {
                    adj[kx + j] -= g[o + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    adj[kx + j] += g[o + j];
                }
            }
        } else if (xs == 0) {
            double s = adj[kx];
            for (int j = 0; j < n; j++) {
                s = subtract ? s - g[o + j] : s + g[o + j];
            }
            adj[kx] = s;
        } else {
            for (int j = 0; j < n; j++) {
                adj[kx + j * xs] = subtract ? adj[kx + j * xs] - g[o + j] : adj[kx + j * xs] + g[o + j];
            }
        }
    }

    /** adj[kx + j·xs] += p[kp + j·ps]·g[o + j] for j &lt; n (strides 1 or 0, as in {@link #combine}). */
    static void addProductInto(double[] adj, int kx, int xs, double[] p, int kp, int ps, double[] g, int o, int n) {
        if (xs == 1 && ps == 1) {
            for (int j = 0; j < n; j++) {
                adj[kx + j] += p[kp + j] * g[o + j];
            }
        } else if (xs == 1 && ps == 0) {
            double c = p[kp];
            for (int j = 0; j < n; j++) {
                adj[kx + j] += c * g[o + j];
            }
        } else if (xs == 0) {
            double s = adj[kx];
            for (int j = 0; j < n; j++) {
                s += p[kp + j * ps] * g[o + j];
            }
            adj[kx] = s;
        } else {
            for (int j = 0; j < n; j++) {
                adj[kx + j * xs] += p[kp + j * ps] * g[o + j];
            }
        }
    }

    /** y[0..n) += a·x[0..n). */
    static void axpy(double a, double[] x, double[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += a * x[j];
        }
    }

    /**
     * y[0..n) += Σ_q c[off + q·stride]·x[q][0..n) over q = 0 … count−1, the terms added one
     * after the other (the rounding of count axpys) but four per pass, so y is loaded and
     * stored a quarter as often.
     */
    static void axpys(double[] c, int off, int stride, double[][] x, double[] y, int count, int n) {
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            double c0 = c[off + q * stride];
            double c1 = c[off + (q + 1) * stride];
            double c2 = c[off + (q + 2) * stride];
            double c3 = c[off + (q + 3) * stride];
            double[] x0 = x[q];
            double[] x1 = x[q + 1];
            double[] x2 = x[q + 2];
            double[] x3 = x[q + 3];
            for (int j = 0; j < n; j++) {
                y[j] = y[j] + c0 * x0[j] + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];
            }
        }
        for (; q < count; q++) {
            axpy(c[off + q * stride], x[q], y, n);
        }
    }

    /**
     * {@link #axpys} into two rows at once: ya gets the coefficients at offA, yb those at offB.
     * Each x[q] is loaded once for both (the loads, not the arithmetic, bound these loops), and
     * each row gets exactly the sums axpys would give it.
     */
    static void axpys2(double[] c, int offA, int offB, int stride, double[][] x, double[] ya, double[] yb,
                       int count, int n) {
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            double a0 = c[offA + q * stride];
            double a1 = c[offA + (q + 1) * stride];
            double a2 = c[offA + (q + 2) * stride];
            double a3 = c[offA + (q + 3) * stride];
            double b0 = c[offB + q * stride];
            double b1 = c[offB + (q + 1) * stride];
            double b2 = c[offB + (q + 2) * stride];
            double b3 = c[offB + (q + 3) * stride];
            double[] x0 = x[q];
            double[] x1 = x[q + 1];
            double[] x2 = x[q + 2];
            double[] x3 = x[q + 3];
            for (int j = 0; j < n; j++) {
                double v0 = x0[j];
                double v1 = x1[j];
                double v2 = x2[j];
                double v3 = x3[j];
                ya[j] = ya[j] + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
                yb[j] = yb[j] + b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3;
            }
        }
        for (; q < count; q++) {
            axpy(c[offA + q * stride], x[q], ya, n);
            axpy(c[offB + q * stride], x[q], yb, n);
        }
    }

    /** Rows p = 0 … rows−1 of the row-major matrix at {@code v[base …]}, each as an array of its own. */
    static double[][] rows(double[] v, int base, int rows, int cols) {
        double[][] r = new double[rows][cols];
        for (int p = 0; p < rows; p++) {
            System.arraycopy(v, base + p * cols, r[p], 0, cols);
        }
        return r;
    }

    /** Column j of the row-major matrix at {@code v[base …]} as row j of the result (the transpose). */
    static double[][] columns(double[] v, int base, int rows, int cols) {
        double[][] c = new double[cols][rows];
        for (int p = 0; p < rows; p++) {
            for (int j = 0; j < cols; j++) {
                c[j][p] = v[base + p * cols + j];
            }
        }
        return c;
    }

    /**
     * Whether every element of the block [from, from + n) was reached by the sweep. Pullbacks
     * then take their fast loops; otherwise they skip the unreached elements one by one, so that
     * a zero adjoint never meets an infinite partial (0·∞ would be NaN).
     */
    static boolean allHit(boolean[] hit, int from, int n) {
        for (int k = from, e = from + n; k < e; k++) {
            if (!hit[k]) {
                return false;
            }
        }
        return true;
    }
}
