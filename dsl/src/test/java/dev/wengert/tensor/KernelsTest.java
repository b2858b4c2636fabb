package dev.wengert.tensor;

import dev.wengert.Fn;
import dev.wengert.Mode;
import dev.wengert.Num;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The array kernels' special paths — matrix–vector rows four at a time and their remainders,
 * vectorised matrix products — against plain loops and scalar code.
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

    static void close(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + " [" + i + "]");
        }
    }

    @Test
    void matmulEqualsThePlainLoopForEveryRowRemainderAndOperandOnTheTape() {
        for (int m = 1; m <= 9; m++) {
            for (int k : new int[] {1, 3, 20}) {
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
                        assertEquals(s.value(), t.value(), 1e-14 * Math.max(1, Math.abs(s.value())), w2 + ": value");
                        close(s.gradient(), t.gradient(), 1e-14, w2 + ": gradient");
                    }
                }
            }
        }
    }
}
