package dev.wengert.tensor;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Special;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The array kernels' special paths — matrix–vector rows four at a time and their remainders,
 * vectorised matrix products, same-shape and broadcast elementwise loops, pullbacks when all
 * or only some outputs were reached, the fused softplus — against plain loops and scalar code.
 *
 * <p>What is exact: values (the same operations in the same order as the plain loop) and every
 * input's gradient that sums at most two contributions (addition commutes), bit for bit. An
 * input whose adjoint sums k &gt; 2 contributions (a broadcast operand, a matrix product's
 * operand, an element several reductions read) gets them added first to last by the tensor
 * pullback and last to first by the scalar sweep, so the two agree within the rounding of a
 * k-term sum taken in two orders: (k − 1)·ε·Σ|terms|, with Σ|terms| from {@code gradientScale}
 * ({@link #sameSumInAnyOrder}).
 */
class KernelsTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    static double[] data(int n, long seed) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextInt(7) == 0 ? 0.0 : r.nextGaussian();    // some exact zeros too
        }
        return d;
    }

    /** C = A·B by the textbook loop, each entry summed over p = 0 … k−1 from 0. */
    static double[] product(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static void bitwise(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), () -> what + ": " + want + " vs " + got);
    }

    /**
     * Gradients that add the same contributions to each input's adjoint, possibly in another
     * order: input i has {@code fanIn[i]} of them. Up to two, the sum is the same bits whatever the
     * order; above, each order is within (k − 1)·u·Σ|terms| of the exact sum for any order of
     * pairwise additions (u = ε/2; Higham, Accuracy and Stability of Numerical Algorithms, §4.2),
     * so the two are within (k − 1)·ε·Σ|terms| of each other.
     */
    static void sameSumInAnyOrder(double[] want, double[] got, double[] scale, int[] fanIn, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (fanIn[i] <= 2) {
                bitwise(want[i], got[i], what + " [" + i + "] (" + fanIn[i] + " contributions)");
            } else {
                double bound = (fanIn[i] - 1) * Math.ulp(1.0) * scale[i];
                assertEquals(want[i], got[i], bound, what + " [" + i + "] (" + fanIn[i] + " contributions)");
            }
        }
    }

    static int[] fanIns(int n, int k) {
        int[] f = new int[n];
        Arrays.fill(f, k);
        return f;
    }

    @Test
    void matmulEqualsThePlainLoopForEveryRowRemainderAndOperandOnTheTape() {
        for (int m = 1; m <= 9; m++) {
            for (int k : new int[] {1, 3, 7, 20}) {    // 7: a four-column step and a remainder
                // n = 0 stands for a 1-D right operand (matrix–vector); 1 for a (k, 1) matrix
                for (int n : new int[] {0, 1, 2, 5}) {
                    int nn = Math.max(n, 1);
                    int[] bShape = n == 0 ? new int[] {k} : new int[] {k, n};
                    double[] a = data(m * k, 31L * m + k);
                    double[] b = data(k * nn, 17L * k + n);
                    double[] w = data(m * nn, 7L * m + n);
                    String what = "(" + m + "×" + k + ")·" + Tensor.shapeString(bShape);
                    double[] c = product(a, b, m, k, nn);
                    assertArrayEquals(c, tensor(a, m, k).matmul(tensor(b, bShape)).values(), 0.0, what + " constants");

                    // f = Σ wᵢⱼ Cᵢⱼ over the inputs [A | B]; 'which' puts A, B or both on the tape
                    for (int which = 0; which < 3; which++) {
                        final int on = which;
                        final int mm = m;
                        final int kk = k;
                        Fn tensorForm = v -> {
                            Tensor ta = on != 1 ? tensor(Arrays.copyOfRange(v, 0, mm * kk)).reshape(mm, kk) : tensor(a, mm, kk);
                            Tensor tb = on != 0 ? tensor(Arrays.copyOfRange(v, mm * kk, v.length)).reshape(bShape)
                                    : tensor(b, bShape);
                            Tensor tc = ta.matmul(tb);
                            return tc.dot(tensor(w, tc.shape()));
                        };
                        Fn scalarForm = v -> {
                            Num s = constant(0);
                            for (int i = 0; i < mm; i++) {
                                for (int j = 0; j < nn; j++) {
                                    Num cij = constant(0);
                                    for (int p = 0; p < kk; p++) {
                                        Num aip = on != 1 ? v[i * kk + p] : constant(a[i * kk + p]);
                                        Num bpj = on != 0 ? v[mm * kk + p * nn + j] : constant(b[p * nn + j]);
                                        cij = cij.plus(aip.times(bpj));
                                    }
                                    s = s.plus(cij.times(w[i * nn + j]));
                                }
                            }
                            return s;
                        };
                        double[] x = new double[m * k + k * nn];
                        System.arraycopy(a, 0, x, 0, m * k);
                        System.arraycopy(b, 0, x, m * k, k * nn);
                        var t = valueAndGradient(tensorForm, x);
                        var s = valueAndGradient(scalarForm, x);
                        String w2 = what + (on == 0 ? " A" : on == 1 ? " B" : " A and B") + " on the tape";
                        bitwise(s.value(), t.value(), w2 + ": value, the plain loop's order of additions");
                        // A's entries sum one contribution per column of C, B's one per row
                        int[] fanIn = new int[x.length];
                        Arrays.fill(fanIn, 0, m * k, on != 1 ? nn : 0);
                        Arrays.fill(fanIn, m * k, x.length, on != 0 ? m : 0);
                        sameSumInAnyOrder(s.gradient(), t.gradient(), gradientScale(scalarForm, x), fanIn, w2 + ": gradient");
                    }
                }
            }
        }
    }

    /** How the second operand of a binary test meets the 3×5 matrix x. */
    enum Other { SAME, SELF, ROW, COLUMN, SCALAR, DOUBLE, CONSTANT }

    static final int R = 3;
    static final int C = 5;
    static final double[] CM = Arrays.stream(data(R * C, 99)).map(d -> 0.5 + Math.abs(d)).toArray();   // positive: pow and div stay finite
    static final double[] W = data(R * C, 98);

    /** The other operand as the tensor code sees it; v = [x (15) | same (15) | row (5) | column (3) | scalar]. */
    static Object other(Other o, Tensor x, Num[] v) {
        return switch (o) {
            case SAME -> tensor(Arrays.copyOfRange(v, 15, 30)).reshape(R, C);
            case SELF -> x;
            case ROW -> tensor(Arrays.copyOfRange(v, 30, 35));
            case COLUMN -> tensor(Arrays.copyOfRange(v, 35, 38)).reshape(R, 1);
            case SCALAR -> v[38];
            case DOUBLE -> 0.7;
            case CONSTANT -> tensor(CM, R, C);
        };
    }

    /** Element (i, j) of the other operand, for the scalar loop. */
    static Num otherAt(Other o, Num[] v, int i, int j) {
        return switch (o) {
            case SAME -> v[15 + i * C + j];
            case SELF -> v[i * C + j];
            case ROW -> v[30 + j];
            case COLUMN -> v[35 + i];
            case SCALAR -> v[38];
            case DOUBLE -> constant(0.7);
            case CONSTANT -> constant(CM[i * C + j]);
        };
    }

    /** How many contributions each input's adjoint sums; v = [x (15) | same (15) | row (5) | column (3) | scalar]. */
    static int[] fanIn(Other o) {
        int[] f = new int[39];
        Arrays.fill(f, 0, 15, o == Other.SELF ? 2 : 1);
        switch (o) {
            case SAME -> Arrays.fill(f, 15, 30, 1);
            case ROW -> Arrays.fill(f, 30, 35, R);
            case COLUMN -> Arrays.fill(f, 35, 38, C);
            case SCALAR -> f[38] = R * C;
            default -> { }
        }
        return f;
    }

    @Test
    void everyBroadcastOnEitherSideAgainstScalarLoops() {
        double[] x = data(39, 5);
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5 + Math.abs(x[i]);                         // away from 0: div and pow stay finite
        }
        for (BinaryRule r : new BinaryRule[] {Arithmetic.ADD, Arithmetic.SUB, Arithmetic.MUL, Arithmetic.DIV, Arithmetic.POW}) {
            for (Other o : Other.values()) {
                for (boolean left : new boolean[] {true, false}) {
                    Fn tensorForm = v -> {
                        Tensor tx = tensor(Arrays.copyOfRange(v, 0, 15)).reshape(R, C);
                        Object y = other(o, tx, v);
                        Tensor z = left ? Tensor.binary(r, tx, y) : Tensor.binary(r, y, tx);
                        return z.dot(tensor(W, R, C));
                    };
                    Fn scalarForm = v -> {
                        Num s = constant(0);
                        for (int i = 0; i < R; i++) {
                            for (int j = 0; j < C; j++) {
                                Num a = v[i * C + j];
                                Num b = otherAt(o, v, i, j);
                                s = s.plus((left ? a.apply(r, b) : b.apply(r, a)).times(W[i * C + j]));
                            }
                        }
                        return s;
                    };
                    String what = r.name() + (left ? " x∘" : " ∘x ") + o;
                    var t = valueAndGradient(tensorForm, x);
                    var s = valueAndGradient(scalarForm, x);
                    bitwise(s.value(), t.value(), what + ": the same values, added in the same order");
                    sameSumInAnyOrder(s.gradient(), t.gradient(), gradientScale(scalarForm, x), fanIn(o), what);
                }
            }
        }
    }

    @Test
    void unreachedElementsDoNotPullBackAnInfinitePartial() {
        // √ at 0 has an infinite partial; only element 2 is used, so ∂/∂x0 must be 0, not 0·∞
        Fn f = v -> tensor(v).sqrt().times(2.0).plus(tensor(new double[] {1, 2, 3, 4})).get(2);
        assertArrayEquals(new double[] {0, 0, 0.5, 0}, gradient(f, 0, 1, 4, 9), 0.0);
        Fn g = v -> tensor(v).sqrt().div(tensor(v).plus(1.0)).get(2);
        double[] dg = gradient(g, 0, 1, 4, 9);
        assertEquals(0.0, dg[0], 0.0);
        assertEquals(0.25 / 5 - 2.0 / 25, dg[2], 1e-15);
        // a broadcast row where one output is reached: only its column gets an adjoint
        double[] x = {1, 2, 3, 4, 5, 6, 0.5, 0.25, 0.125};
        Fn h = v -> tensor(Arrays.copyOfRange(v, 0, 6)).reshape(2, 3).times(tensor(Arrays.copyOfRange(v, 6, 9)))
                .get(1, 2);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0.125, 0, 0, 6}, gradient(h, x), 0.0);
    }

    @Test
    void reductionsWithEitherOperandOnTheTape() {
        double[] c = data(7, 11);
        double[] x = data(7, 12);
        Fn t = v -> {
            Tensor tx = tensor(v);
            Tensor tc = tensor(c);
            return tc.dot(tx).plus(tx.dot(tc)).plus(tx.dot(tx)).plus(tx.sum()).plus(tx.mean()).plus(tx.logsumexp());
        };
        Fn s = v -> {
            Num cx = constant(0);
            Num xc = constant(0);
            Num xx = constant(0);
            Num sum = constant(0);
            for (int i = 0; i < v.length; i++) {
                cx = cx.plus(v[i].times(c[i]));
                xc = xc.plus(v[i].times(c[i]));
                xx = xx.plus(v[i].times(v[i]));
                sum = sum.plus(v[i]);
            }
            return cx.plus(xc).plus(xx).plus(sum).plus(sum.div(v.length)).plus(logsumexp(v));
        };
        var a = valueAndGradient(t, x);
        var b = valueAndGradient(s, x);
        bitwise(b.value(), a.value(), "reductions: value");
        // each element is read by c·x, x·c, x·x (twice), sum, mean and logsumexp
        sameSumInAnyOrder(b.gradient(), a.gradient(), gradientScale(s, x), fanIns(x.length, 7), "reductions");
    }

    @Test
    void fusedSoftplusGivesExactlyTheRuleValueAndPartial() {
        Random r = new Random(4);
        double[] xs = new double[20_000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
        }
        double[] edge = {0.0, -0.0, 1e-300, -1e-300, 30, -30, 40, -40, 745, -745, 800, -800, Double.MAX_VALUE,
            -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE};
        for (double[] set : new double[][] {xs, edge}) {
            double[] y = new double[set.length];
            double[] p = new double[set.length];
            Special.softplus(set, 0, y, 0, p, set.length);      // xs spans several of its blocks
            for (int k = 0; k < set.length; k++) {
                double x = set[k];
                assertEquals(Double.doubleToLongBits(Special.softplus(x)), Double.doubleToLongBits(y[k]), "softplus(" + x + ")");
                assertEquals(Double.doubleToLongBits(Special.sigmoid(x)), Double.doubleToLongBits(p[k]), "σ(" + x + ")");
            }
        }
        // and through a tensor, element by element against the scalar rule
        double[] v = Arrays.copyOf(xs, 50);
        assertArrayEquals(Arrays.stream(v).map(Special::softplus).toArray(), param("v", v).softplus().values(), 0.0);
        double[] g = gradient(w -> tensor(w).softplus().sum(), v);
        assertArrayEquals(Arrays.stream(v).map(Special::sigmoid).toArray(), g, 0.0);
    }
}
