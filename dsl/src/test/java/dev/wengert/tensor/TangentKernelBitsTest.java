package dev.wengert.tensor;

import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Dual1;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tangent kernels of element-wise operations and of matmul (forward over reverse: hvp)
 * give the bits of the element-by-element formulas they replaced, kept here as the oracle:
 * every binary rule kind (+ − × ÷ and a rule with stored partials), every broadcast (same
 * shape, row, column, scalar; operands on the tape or constant, one block twice), outputs
 * all reached or only some, zero and −0 tangents and adjoints, and a matmul whose constant
 * operand holds an infinity (its unreached columns may then not be skipped: 0·∞ is NaN).
 */
class TangentKernelBitsTest {
    static final int ROWS = 3;
    static final int COLS = 5;
    // tape layout: a's block at A, b's at B, the output at OUT, N positions in all
    static final int A = 0;
    static final int B = 20;
    static final int OUT = 40;
    static final int N = 80;

    /** Random values, some exactly 0 or −0 where {@code zeros} (tangents, adjoints). */
    static double[] random(Random r, int n, boolean zeros) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(8);
            x[i] = zeros && c == 0 ? 0.0 : zeros && c == 1 ? -0.0 : 0.5 + r.nextDouble() * (r.nextBoolean() ? 1 : -1);
        }
        return x;
    }

    /** An operand of shape (rows, cols) broadcast as {@code shape}: 0 same, 1 row vector, 2 column vector, 3 scalar. */
    static Operand operand(int shape, int start, double[] constant) {
        int rowStride = shape == 0 ? COLS : shape == 2 ? 1 : 0;
        int colStride = shape == 0 || shape == 1 ? 1 : 0;
        int size = shape == 0 ? ROWS * COLS : shape == 1 ? COLS : shape == 2 ? ROWS : 1;
        return new Operand(constant == null ? start : -1, constant, rowStride, colStride, size);
    }

    static long[] bits(double[] d) {
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToLongBits(d[i]);
        }
        return b;
    }

    @Test
    void elementwiseTangentsHaveTheBitsOfTheElementByElementFormulas() {
        BinaryRule[] rules = {Arithmetic.ADD, Arithmetic.SUB, Arithmetic.MUL, Arithmetic.DIV, Arithmetic.HYPOT};
        Random rnd = new Random(7);
        int cases = 0;
        for (BinaryRule rule : rules) {
            for (int sa = 0; sa < 4; sa++) {
                for (int sb = 0; sb < 4; sb++) {
                    for (int onTape = 1; onTape < 4; onTape++) {     // bit 0: a on the tape, bit 1: b
                        for (int reach = 0; reach < 2; reach++) {
                            for (int same = 0; same < 2; same++) {
                                boolean aOn = (onTape & 1) != 0;
                                boolean bOn = (onTape & 2) != 0;
                                if (same == 1 && !(aOn && bOn && sa == sb)) {
                                    continue;                       // one block twice: x op x
                                }
                                check(rule, sa, sb, aOn, bOn, reach == 1, same == 1, rnd);
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases > 300, cases + " cases");
    }

    private static void check(BinaryRule rule, int sa, int sb, boolean aOn, boolean bOn, boolean allReached,
            boolean same, Random rnd) {
        String what = rule.name() + " a" + sa + (aOn ? "" : "k") + " b" + sb + (bOn ? "" : "k")
                + (allReached ? " all reached" : " some reached") + (same ? " same block" : "");
        double[] v = random(rnd, N, false);
        Operand a = operand(sa, A, aOn ? null : random(rnd, ROWS * COLS, false));
        Operand b = operand(sb, same ? A : B, bOn ? null : random(rnd, ROWS * COLS, false));
        ElementwiseOp op = new ElementwiseOp(rule, a, b, OUT, ROWS, COLS);
        op.forward(v);
        double[] t = random(rnd, N, true);
        double[] tWant = t.clone();
        assertTrue(op.forwardTangent(v, t));
        ForwardTangentOracle.elementwise(op, rule, a, b, v, tWant);
        assertArrayEquals(bits(tWant), bits(t), what + ": forward tangents");
        double[] adj = random(rnd, N, true);
        double[] at = random(rnd, N, true);
        boolean[] hit = new boolean[N];
        for (int k = 0; k < N; k++) {
            hit[k] = allReached || rnd.nextInt(3) > 0;
            if (!hit[k] && k >= OUT && k < OUT + ROWS * COLS) {
                adj[k] = 0.0;                                      // an unreached output's cells are 0
                at[k] = 0.0;
            }
        }
        double[] atWant = at.clone();
        assertTrue(op.pullbackTangent(v, t, adj, at, hit));
        ForwardTangentOracle.elementwisePullback(op, rule, a, b, v, t, adj, atWant, hit);
        assertArrayEquals(bits(atWant), bits(at), what + ": adjoint tangents");
    }

    @Test
    void matmulTangentsHaveTheBitsOfTheDotProducts() {
        Random rnd = new Random(11);
        int m = 3;
        int k = 4;
        int n = 6;
        for (int onTape = 1; onTape < 4; onTape++) {
            for (int reach = 0; reach < 3; reach++) {            // all, some, and some with ∞ in B
                boolean aOn = (onTape & 1) != 0;
                boolean bOn = (onTape & 2) != 0;
                String what = "matmul a" + (aOn ? "" : "k") + " b" + (bOn ? "" : "k") + " reach " + reach;
                double[] v = random(rnd, 120, false);
                double[] bConst = random(rnd, k * n, false);
                if (reach == 2) {
                    bConst[7] = Double.POSITIVE_INFINITY;
                    v[30 + 7] = Double.NEGATIVE_INFINITY;
                }
                Operand a = new Operand(aOn ? 0 : -1, aOn ? null : random(rnd, m * k, false), k, 1, m * k);
                Operand b = new Operand(bOn ? 30 : -1, bOn ? null : bConst, n, 1, k * n);
                MatMulOp op = new MatMulOp(a, b, 60, m, k, n);
                double[] t = random(rnd, 120, true);
                double[] adj = random(rnd, 120, true);
                double[] at = random(rnd, 120, true);
                boolean[] hit = new boolean[120];
                for (int c = 60; c < 60 + m * n; c++) {
                    hit[c] = reach == 0 || rnd.nextInt(3) == 0;
                    if (!hit[c]) {
                        adj[c] = 0.0;
                        at[c] = rnd.nextBoolean() ? 0.0 : -0.0;
                    }
                }
                double[] atWant = at.clone();
                assertTrue(op.pullbackTangent(v, t, adj, at, hit));
                ForwardTangentOracle.matmulPullback(a, b, 60, m, k, n, v, t, adj, atWant);
                assertArrayEquals(bits(atWant), bits(at), what);
            }
        }
    }

    /** The element-by-element formulas the kernels replaced (the oracle). */
    static final class ForwardTangentOracle {
        static double partialA(BinaryRule r, double x, double y, double z, double stored) {
            return r == Arithmetic.ADD || r == Arithmetic.SUB || r == Arithmetic.MUL ? r.partialA(x, y, z) : stored;
        }

        static double partialB(BinaryRule r, double x, double y, double z, double stored) {
            return r == Arithmetic.ADD || r == Arithmetic.SUB || r == Arithmetic.MUL ? r.partialB(x, y, z) : stored;
        }

        static void elementwise(ElementwiseOp op, BinaryRule r, Operand a, Operand b, double[] v, double[] t) {
            for (int i = 0; i < ROWS; i++) {
                for (int j = 0; j < COLS; j++) {
                    int k = i * COLS + j;
                    int ka = i * a.rowStride + j * a.colStride;
                    int kb = i * b.rowStride + j * b.colStride;
                    double x = a.get(v, ka);
                    double y = b.get(v, kb);
                    double z = v[OUT + k];
                    double ta = a.onTape() ? t[a.start + ka] : 0.0;
                    double tb = b.onTape() ? t[b.start + kb] : 0.0;
                    double s = 0;
                    if (ta != 0) {
                        s += partialA(r, x, y, z, r.partialA(x, y, z)) * ta;
                    }
                    if (tb != 0) {
                        s += partialB(r, x, y, z, r.partialB(x, y, z)) * tb;
                    }
                    t[OUT + k] = s;
                }
            }
        }

        static void elementwisePullback(ElementwiseOp op, BinaryRule r, Operand a, Operand b, double[] v, double[] t,
                double[] adj, double[] at, boolean[] hit) {
            for (int i = 0; i < ROWS; i++) {
                for (int j = 0; j < COLS; j++) {
                    int k = i * COLS + j;
                    if (!hit[OUT + k]) {
                        continue;
                    }
                    int ka = i * a.rowStride + j * a.colStride;
                    int kb = i * b.rowStride + j * b.colStride;
                    double x = a.get(v, ka);
                    double y = b.get(v, kb);
                    double z = v[OUT + k];
                    double ta = a.onTape() ? t[a.start + ka] : 0.0;
                    double tb = b.onTape() ? t[b.start + kb] : 0.0;
                    double g = adj[OUT + k];
                    double gt = at[OUT + k];
                    double dpa;
                    double dpb;
                    if (r == Arithmetic.ADD || r == Arithmetic.SUB) {
                        dpa = 0;
                        dpb = 0;
                    } else if (r == Arithmetic.MUL) {
                        dpa = tb;
                        dpb = ta;
                    } else if (r == Arithmetic.DIV) {
                        dpa = -tb / y / y;
                        dpb = (-t[OUT + k] + z * tb / y) / y;
                    } else {
                        double[] d = Dual1.partialTangents(r, x, y, z, ta, tb, t[OUT + k]);
                        dpa = d[0];
                        dpb = d[1];
                    }
                    if (a.onTape()) {
                        at[a.start + ka] += partialA(r, x, y, z, r.partialA(x, y, z)) * gt + dpa * g;
                    }
                    if (b.onTape()) {
                        at[b.start + kb] += partialB(r, x, y, z, r.partialB(x, y, z)) * gt + dpb * g;
                    }
                }
            }
        }

        static void matmulPullback(Operand a, Operand b, int out, int m, int k, int n, double[] v, double[] t,
                double[] adj, double[] at) {
            double[] av = a.array(v);
            double[] bv = b.array(v);
            int a0 = a.base();
            int b0 = b.base();
            if (a.onTape()) {
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            int c = out + i * n + j;
                            s += at[c] * bv[b0 + p * n + j];
                            if (b.onTape()) {
                                s += adj[c] * t[b.start + p * n + j];
                            }
                        }
                        at[a.start + i * k + p] += s;
                    }
                }
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
        }
    }
}
