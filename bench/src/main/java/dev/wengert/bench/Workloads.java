package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;

import static dev.wengert.Wengert.constant;

/**
 * The data and the plain-double code of workloads W1–W4 of issue 4, defined exactly (and
 * deterministically) so that the PyTorch peers in {@code bench/peers/} compute the same numbers.
 *
 * <p>The hand-written gradients here are the "adjoint code" baselines: what a careful programmer
 * writes without AD. Every AD benchmark checks, once per trial, that its gradient agrees with
 * them (see {@link #check}), so a fast but wrong gradient cannot be reported.
 */
public final class Workloads {
    private Workloads() {
    }

    // ---- W1 / W4: Rosenbrock ---------------------------------------------------------------------

    /** x_i = 0.5 + 0.001·i, i = 0 … n−1. */
    public static double[] rosenbrockPoint(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.5 + 0.001 * i;
        }
        return x;
    }

    /** f(x) = Σ_{i<n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)², as a user writes it: a scalar loop over Num. */
    public static final Fn ROSENBROCK = x -> {
        Num s = constant(0);
        for (int i = 0; i + 1 < x.length; i++) {
            // a = x_{i+1} − x_i², b = 1 − x_i
            Num a = x[i + 1].minus(x[i].square());
            Num b = x[i].neg().plus(1);
            s = s.plus(a.square().times(100)).plus(b.square());
        }
        return s;
    };

    /** The plain-double primal of {@link #ROSENBROCK}. */
    public static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /**
     * The primal with its sums in the order {@link #ROSENBROCK} adds them, (s + 100a²) + b²:
     * two dependent additions per term where {@link #rosenbrock} has one. A replay of the
     * recording must compute exactly this (it does, to the bit), so it bounds how fast one can be.
     */
    public static double rosenbrockRecordedOrder(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = -x[i] + 1;
            s = s + a * a * 100 + b * b;
        }
        return s;
    }

    /**
     * Hand-written value and gradient (adjoint code): g is overwritten, the value returned.
     * ∂f/∂x_i = −400 x_i a_i − 2 b_i  (+ 200 a_{i−1} from the previous term).
     */
    public static double rosenbrockGradient(double[] x, double[] g) {
        double s = 0;
        int n = x.length;
        java.util.Arrays.fill(g, 0.0);
        for (int i = 0; i + 1 < n; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return s;
    }

    // ---- W2: logistic regression -----------------------------------------------------------------

    public static final int W2_M = 100_000;
    public static final int W2_D = 20;

    /** X[i][j] = sin(0.7·i + 1.3·j) + 0.01·j, row-major, m × d. */
    public static double[] w2X(int m, int d) {
        double[] x = new double[m * d];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = Math.sin(0.7 * i + 1.3 * j) + 0.01 * j;
            }
        }
        return x;
    }

    /** y_i = 1 if sin(0.37·i) > 0 else 0. */
    public static double[] w2Y(int m) {
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            y[i] = Math.sin(0.37 * i) > 0 ? 1.0 : 0.0;
        }
        return y;
    }

    /** s_i = −(2y_i − 1): the sign that turns the loss into mean softplus(s_i·(Xw)_i). */
    public static double[] w2Sign(double[] y) {
        double[] s = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            s[i] = -(2 * y[i] - 1);
        }
        return s;
    }

    /** w_j = 0.05·(j − 10)/10. */
    public static double[] w2W(int d) {
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            w[j] = 0.05 * (j - 10) / 10.0;
        }
        return w;
    }

    /** softplus(z) = log(1 + eᶻ), stable for large |z|. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    /** σ(z) = 1 / (1 + e⁻ᶻ), stable for large |z|. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    /** loss(w) = (1/m) Σ softplus(s_i·(Xw)_i): the plain-double primal. */
    public static double logisticLoss(double[] x, double[] s, double[] w) {
        int d = w.length;
        int m = s.length;
        double acc = 0;
        for (int i = 0, r = 0; i < m; i++, r += d) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += x[r + j] * w[j];
            }
            acc += softplus(s[i] * z);
        }
        return acc / m;
    }

    /**
     * Hand-written value and gradient in one pass over the rows:
     * ∂loss/∂w_j = (1/m) Σ σ(s_i z_i) s_i X_ij.
     */
    public static double logisticGradient(double[] x, double[] s, double[] w, double[] g) {
        int d = w.length;
        int m = s.length;
        java.util.Arrays.fill(g, 0.0);
        double acc = 0;
        for (int i = 0, r = 0; i < m; i++, r += d) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += x[r + j] * w[j];
            }
            double u = s[i] * z;
            acc += softplus(u);
            double c = sigmoid(u) * s[i];
            for (int j = 0; j < d; j++) {
                g[j] += c * x[r + j];
            }
        }
        double inv = 1.0 / m;
        for (int j = 0; j < d; j++) {
            g[j] *= inv;
        }
        return acc * inv;
    }

    // ---- W3: a one-hidden-layer MLP --------------------------------------------------------------

    public static final int W3_M = 4096;
    public static final int W3_D = 20;
    public static final int W3_H = 64;
    /** Offsets of the flattened weights: W1 (h × d, row-major), b1 (h), W2 (h), b2 (1). */
    public static final int W3_W1 = 0;
    public static final int W3_B1 = W3_W1 + W3_H * W3_D;
    public static final int W3_W2 = W3_B1 + W3_H;
    public static final int W3_B2 = W3_W2 + W3_H;
    public static final int W3_P = W3_B2 + 1;

    /** The first 4096 rows of W2's X. */
    public static double[] w3X() {
        return w2X(W3_M, W3_D);
    }

    /** t_i = sin(0.01·i). */
    public static double[] w3T() {
        double[] t = new double[W3_M];
        for (int i = 0; i < W3_M; i++) {
            t[i] = Math.sin(0.01 * i);
        }
        return t;
    }

    /** W1[h][j] = 0.01·sin(h + 2j), b1 = 0, W2[h] = 0.01·cos(h), b2 = 0, flattened. */
    public static double[] w3Weights() {
        double[] w = new double[W3_P];
        for (int h = 0; h < W3_H; h++) {
            for (int j = 0; j < W3_D; j++) {
                w[W3_W1 + h * W3_D + j] = 0.01 * Math.sin(h + 2 * j);
            }
            w[W3_W2 + h] = 0.01 * Math.cos(h);
        }
        return w;
    }

    /** loss = (1/m) Σ (y_i − t_i)², y = W2·tanh(W1·x_i + b1) + b2: the plain-double primal. */
    public static double mlpLoss(double[] x, double[] t, double[] w) {
        int d = W3_D;
        int nh = W3_H;
        double acc = 0;
        for (int i = 0; i < W3_M; i++) {
            double y = w[W3_B2];
            for (int h = 0; h < nh; h++) {
                double z = w[W3_B1 + h];
                for (int j = 0, k = W3_W1 + h * d, r = i * d; j < d; j++) {
                    z += w[k + j] * x[r + j];
                }
                y += w[W3_W2 + h] * Math.tanh(z);
            }
            double e = y - t[i];
            acc += e * e;
        }
        return acc / W3_M;
    }

    /** Hand-written value and gradient (backpropagation row by row); g is overwritten. */
    public static double mlpGradient(double[] x, double[] t, double[] w, double[] g) {
        int d = W3_D;
        int nh = W3_H;
        java.util.Arrays.fill(g, 0.0);
        double[] a = new double[nh];
        double acc = 0;
        double c = 2.0 / W3_M;
        for (int i = 0; i < W3_M; i++) {
            int r = i * d;
            double y = w[W3_B2];
            for (int h = 0; h < nh; h++) {
                double z = w[W3_B1 + h];
                for (int j = 0, k = W3_W1 + h * d; j < d; j++) {
                    z += w[k + j] * x[r + j];
                }
                a[h] = Math.tanh(z);
                y += w[W3_W2 + h] * a[h];
            }
            double e = y - t[i];
            acc += e * e;
            double dy = c * e;
            g[W3_B2] += dy;
            for (int h = 0; h < nh; h++) {
                g[W3_W2 + h] += dy * a[h];
                double dz = dy * w[W3_W2 + h] * (1 - a[h] * a[h]);
                g[W3_B1 + h] += dz;
                for (int j = 0, k = W3_W1 + h * d; j < d; j++) {
                    g[k + j] += dz * x[r + j];
                }
            }
        }
        return acc / W3_M;
    }

    // ---- the same numbers as the peers ------------------------------------------------------------

    /**
     * Prints the workloads' values with the labels bench/peers/torch_bench.py uses, so a run
     * shows that both sides compute the same functions on the same data.
     */
    public static void main(String[] args) {
        double[][] hess = dev.wengert.Wengert.hessian(ROSENBROCK, rosenbrockPoint(100));
        double trace = 0;
        for (int i = 0; i < hess.length; i++) {
            trace += hess[i][i];
        }
        double[] x = w2X(W2_M, W2_D);
        System.out.printf(java.util.Locale.ROOT, "values: {\"W1 f(x), n=10000\": %s, \"W2 loss(w0)\": %s, \"W3 loss(w0)\": %s, "
                        + "\"W4 trace(H), n=100\": %s}%n",
                rosenbrock(rosenbrockPoint(10_000)), logisticLoss(x, w2Sign(w2Y(W2_M)), w2W(W2_D)),
                mlpLoss(w3X(), w3T(), w3Weights()), trace);
    }

    // ---- checks ----------------------------------------------------------------------------------

    /** A replay that re-recorded would time a recording, not a replay: refuse such a run. */
    public static void checkRecordedOnce(String what, dev.wengert.compile.CompiledFn compiled) {
        if (compiled.recordings() != 1) {
            throw new IllegalStateException(what + ": " + compiled.recordings() + " recordings, expected 1");
        }
    }

    /**
     * Fails the trial when an AD gradient disagrees with the reference (relative to the largest
     * reference component), so no benchmark times a wrong answer.
     */
    public static void check(String what, double[] got, double[] want, double tol) {
        if (got.length != want.length) {
            throw new IllegalStateException(what + ": gradient has " + got.length + " entries, expected " + want.length);
        }
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(scale, 1e-300))) {
                throw new IllegalStateException(what + ": gradient[" + i + "] = " + got[i] + " but the hand-written gradient gives "
                        + want[i] + " (tolerance " + tol + " × " + scale + ")");
            }
        }
    }
}
