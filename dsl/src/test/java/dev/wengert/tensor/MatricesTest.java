package dev.wengert.tensor;

import dev.wengert.compile.CompiledFn;
import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.WengertException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.wengert.Wengert.*;
import static dev.wengert.tensor.TensorOpsTest.finiteDifferences;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Small dense matrices in scalar code: values against Commons Math's LU, derivatives against
 * closed forms (∂det A/∂A = det A · A⁻ᵀ, ∂A⁻¹ = −A⁻¹ ∂A A⁻¹), forward against reverse mode,
 * and finite differences.
 */
class MatricesTest {

    static double[][] random(int n, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = r.nextGaussian() + (i == j ? 0.5 : 0);
            }
        }
        return a;
    }

    /** The n×n matrix of f's first n² inputs (row-major). */
    static Num[][] matrix(Num[] x, int n, int from) {
        Num[][] a = new Num[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = x[from + i * n + j];
            }
        }
        return a;
    }

    static double[] flat(double[][] a) {
        double[] f = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        }
        return f;
    }

    @Test
    void determinantsHaveCommonsMathsValueAndTheCofactorsAsGradient() {
        for (int n = 1; n <= 6; n++) {
            double[][] a = random(n, 100 + n);
            RealMatrix m = new Array2DRowRealMatrix(a);
            double want = new LUDecomposition(m).getDeterminant();
            int size = n;
            Fn det = x -> det(matrix(x, size, 0));
            double[] x = flat(a);
            assertEquals(want, det.apply(constant(x)).value(), 1e-12 * Math.max(1, Math.abs(want)), "det " + n);
            assertEquals(want, det(a), 1e-12 * Math.max(1, Math.abs(want)));
            // ∂det/∂a_ij = det · (A⁻¹)_ji
            double[][] inv = new LUDecomposition(m).getSolver().getInverse().getData();
            for (Mode mode : Mode.values()) {
                double[] g = gradient(mode, det, x);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(want * inv[j][i], g[i * n + j], 1e-11 * Math.max(1, Math.abs(want * inv[j][i])),
                                mode + " n=" + n + " ∂/∂a" + i + j);
                    }
                }
            }
            finiteDifferences(det, x, 1e-8);
        }
    }

    @Test
    void aSingularMatrixStillHasTheAdjugateAsItsGradient() {
        // rank 2 (the second row is twice the first), and elimination meets an exact zero pivot:
        // ∂det/∂A is still the cofactor matrix, here not zero
        double[][] a = {{1, 2, 3}, {2, 4, 6}, {1, 0, 1}};
        double[] cofactors = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int r0 = (i + 1) % 3;
                int r1 = (i + 2) % 3;
                int c0 = (j + 1) % 3;
                int c1 = (j + 2) % 3;
                cofactors[i * 3 + j] = a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0];   // cyclic minors carry the sign
            }
        }
        for (Mode mode : Mode.values()) {
            assertArrayEquals(cofactors, gradient(mode, x -> det(matrix(x, 3, 0)), flat(a)), 1e-12, mode.toString());
        }
        assertEquals(0.0, det(constant(a)).value(), 0.0);
        WengertException e = assertThrows(WengertException.class, () -> inverse(constant(a)));
        assertTrue(e.getMessage().contains("singular") && e.getMessage().startsWith("inverse"), e.getMessage());
        assertThrows(WengertException.class, () -> inverse(a));
    }

    @Test
    void inverseAndSolveAgreeWithCommonsMathAndTheirDerivativesWithTheClosedForm() {
        int n = 4;
        double[][] a = random(n, 7);
        double[] b = {0.3, -1.2, 2.0, 0.7};
        RealMatrix m = new Array2DRowRealMatrix(a);
        double[][] inv = new LUDecomposition(m).getSolver().getInverse().getData();
        double[][] got = Matrices.values(inverse(constant(a)));
        for (int i = 0; i < n; i++) {
            assertArrayEquals(inv[i], got[i], 1e-12);
            assertArrayEquals(inv[i], inverse(a)[i], 1e-12);
        }
        double[] want = new LUDecomposition(m).getSolver().solve(new org.apache.commons.math3.linear.ArrayRealVector(b)).toArray();
        Num[] x = solve(constant(a), constant(b));
        for (int i = 0; i < n; i++) {
            assertEquals(want[i], x[i].value(), 1e-12);
        }
        assertArrayEquals(want, solve(a, b), 1e-12);
        // f(A) = Σ (A⁻¹)_ij w_ij: ∂f/∂A = −A⁻ᵀ W A⁻ᵀ
        double[][] w = random(n, 8);
        Fn f = p -> {
            Num[][] ai = inverse(matrix(p, n, 0));
            Num s = constant(0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s = s.plus(ai[i][j].times(w[i][j]));
                }
            }
            return s;
        };
        RealMatrix it = new Array2DRowRealMatrix(inv).transpose();
        double[][] closed = it.multiply(new Array2DRowRealMatrix(w)).multiply(it).scalarMultiply(-1).getData();
        for (Mode mode : Mode.values()) {
            double[] g = gradient(mode, f, flat(a));
            assertArrayEquals(flat(closed), g, 1e-10, mode.toString());
        }
        // solve with a matrix right-hand side: column by column
        Num[][] X = solve(constant(a), constant(new double[][] {{1, 0}, {0, 1}, {2, 1}, {0, 3}}));
        double[] col1 = solve(a, new double[] {0, 1, 1, 3});
        for (int i = 0; i < n; i++) {
            assertEquals(col1[i], X[i][1].value(), 1e-12);
        }
        finiteDifferences(p -> solve(matrix(p, n, 0), constant(b))[2].times(3).plus(solve(matrix(p, n, 0), constant(b))[0]),
                flat(a), 1e-8);
    }

    @Test
    void productsTransposeDotAndCrossMatchScalarLoops() {
        double[] x = TensorTest.data(6 + 6 + 3 + 3, 21);
        Fn f = p -> {
            Num[][] a = {{p[0], p[1], p[2]}, {p[3], p[4], p[5]}};             // 2×3
            Num[][] b = {{p[6], p[7]}, {p[8], p[9]}, {p[10], p[11]}};         // 3×2
            Num[][] c = matmul(a, b);                                         // 2×2
            Num[] u = {p[12], p[13], p[14]};
            Num[] v = {p[15], p[16], p[17]};
            Num[] w = cross(u, v);
            Num[] av = matvec(a, w);
            return c[0][1].plus(c[1][0].times(2)).plus(dot(av, matvec(transpose(b), u)));
        };
        Fn scalar = p -> {
            Num c01 = p[0].times(p[7]).plus(p[1].times(p[9])).plus(p[2].times(p[11]));
            Num c10 = p[3].times(p[6]).plus(p[4].times(p[8])).plus(p[5].times(p[10]));
            Num w0 = p[13].times(p[17]).minus(p[14].times(p[16]));
            Num w1 = p[14].times(p[15]).minus(p[12].times(p[17]));
            Num w2 = p[12].times(p[16]).minus(p[13].times(p[15]));
            Num av0 = p[0].times(w0).plus(p[1].times(w1)).plus(p[2].times(w2));
            Num av1 = p[3].times(w0).plus(p[4].times(w1)).plus(p[5].times(w2));
            Num bu0 = p[6].times(p[12]).plus(p[8].times(p[13])).plus(p[10].times(p[14]));
            Num bu1 = p[7].times(p[12]).plus(p[9].times(p[13])).plus(p[11].times(p[14]));
            return c01.plus(c10.times(2)).plus(av0.times(bu0).plus(av1.times(bu1)));
        };
        TensorTest.sameGradient(f, scalar, x, 1e-14);
        assertArrayEquals(new double[] {-3, 6, -3}, cross(new double[] {1, 2, 3}, new double[] {4, 5, 6}), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> matmul(constant(new double[][] {{1, 2}}), constant(new double[][] {{1, 2}})));
        assertTrue(e.getMessage().contains("1×2") && e.getMessage().contains("row count"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> det(constant(new double[][] {{1, 2}})));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
    }

    @Test
    void aCompiledDeterminantGuardsItsPivotsAndRecordsAgainWhenTheyChange() {
        Fn det = x -> det(matrix(x, 3, 0));
        double[][] a = random(3, 31);
        CompiledFn c = compile(det, flat(a));
        double[][] b = a.clone();
        for (int k = 0; k < 3; k++) {
            b[k] = a[k].clone();
        }
        b[0][0] *= 1.001;                                 // the same pivots
        assertArrayEquals(gradient(det, flat(b)), c.gradient(flat(b)), 0.0);
        assertEquals(1, c.recordings());
        double[][] swapped = {a[2], a[1], a[0]};          // other pivots
        assertArrayEquals(gradient(det, flat(swapped)), c.gradient(flat(swapped)), 0.0);
        assertEquals(2, c.recordings(), c.toString());
    }
}
