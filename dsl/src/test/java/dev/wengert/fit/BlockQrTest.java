package dev.wengert.fit;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The block QR against Commons Math's QR of the whole matrix: the same R up to the signs of its
 * rows, for tall matrices of many blocks, badly scaled columns, and entries near overflow and
 * underflow.
 */
class BlockQrTest {

    static double[][] random(int m, int c, long seed, double[] colScale) {
        Random r = new Random(seed);
        double[][] a = new double[m][c];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < c; j++) {
                a[i][j] = r.nextGaussian() * colScale[j];
            }
        }
        return a;
    }

    /** |R| of our block QR against |R| of Commons Math's Householder QR, entry by entry, relative to the row's diagonal. */
    static void sameR(double[][] a, double tol) {
        int m = a.length;
        int c = a[0].length;
        BlockQr q = new BlockQr(c);
        for (double[] row : a) {
            q.addRow(row);
        }
        assertEquals(m, q.rows());
        double[] r = q.r();
        RealMatrix want = new QRDecomposition(new Array2DRowRealMatrix(a, true)).getR();
        for (int i = 0; i < c; i++) {
            double sign = Math.signum(r[i * c + i]) * Math.signum(want.getEntry(i, i));
            double scale = Math.abs(want.getEntry(i, i));
            for (int j = 0; j < c; j++) {
                double w = j >= i ? want.getEntry(i, j) : 0.0;
                double g = j >= i ? r[i * c + j] : 0.0;
                double colScale = 0;
                for (double[] row : a) {
                    colScale = Math.max(colScale, Math.abs(row[j]));
                }
                assertEquals(w, sign * g, tol * Math.max(scale, colScale * Math.sqrt(m)), "R[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void manyBlocksOfRows() {
        sameR(random(1000, 4, 1, new double[] {1, 1, 1, 1}), 1e-13);
        sameR(random(BlockQr.BLOCK * 3 + 17, 9, 2, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}), 1e-13);
        sameR(random(5, 3, 3, new double[] {1, 1, 1}), 1e-14);          // fewer rows than a block
    }

    @Test
    void badlyScaledColumns() {
        sameR(random(500, 4, 4, new double[] {1e-8, 1, 1e8, 1e3}), 1e-13);
    }

    @Test
    void entriesNearOverflowAndUnderflow() {
        // scaling a column by a power of two scales R's column by it exactly, where nothing over- or
        // underflows; Commons Math's QR overflows here (a sum of squares beyond 1e308), so R of the
        // unscaled matrix is the oracle. Products of two columns' entries must stay finite: up
        // to about 1e150 each, far beyond any Jacobian column a fit meets
        double[] d = {Math.scalb(1.0, 480), Math.scalb(1.0, 300), 1.0, Math.scalb(1.0, -480)};
        double[][] a = random(300, 4, 5, new double[] {1, 1, 1, 1});
        double[][] scaled = new double[300][4];
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 4; j++) {
                scaled[i][j] = a[i][j] * d[j];
            }
        }
        BlockQr small = new BlockQr(4);
        BlockQr big = new BlockQr(4);
        for (int i = 0; i < 300; i++) {
            small.addRow(a[i]);
            big.addRow(scaled[i]);
        }
        double[] rs = small.r();
        double[] rb = big.r();
        for (int i = 0; i < 4; i++) {
            for (int j = i; j < 4; j++) {
                assertEquals(rs[i * 4 + j], rb[i * 4 + j] / d[j], 1e-13 * Math.abs(rs[i * 4 + i]) + 1e-13,
                        "R[" + i + "][" + j + "]");
            }
        }
        sameR(a, 1e-13);
    }

    @Test
    void theCornerIsTheResidualOfTheLeastSquaresFit() {
        // [A | f]: |R[c-1][c-1]| = ‖f − A·x*‖ for the least-squares x*
        double[][] a = random(777, 3, 7, new double[] {1, 1, 1});
        BlockQr q = new BlockQr(3);
        for (double[] row : a) {
            q.addRow(row);
        }
        double[] r = q.r();
        double[][] aa = new double[777][2];
        double[] f = new double[777];
        for (int i = 0; i < 777; i++) {
            aa[i][0] = a[i][0];
            aa[i][1] = a[i][1];
            f[i] = a[i][2];
        }
        double[] x = new QRDecomposition(new Array2DRowRealMatrix(aa, false)).getSolver()
                .solve(new org.apache.commons.math3.linear.ArrayRealVector(f, false)).toArray();
        double res = 0;
        for (int i = 0; i < 777; i++) {
            double e = f[i] - aa[i][0] * x[0] - aa[i][1] * x[1];
            res += e * e;
        }
        assertEquals(Math.sqrt(res), Math.abs(r[8]), 1e-12 * Math.sqrt(res));
    }

    @Test
    void columnMajorRowsWithScaleAndSign() {
        // add() reads A from a column-major array, scaled per row and negated, with f beside it
        double[][] a = random(200, 3, 8, new double[] {1, 1, 1});
        double[] col = new double[200 * 2];
        double[] f = new double[200];
        double[] s = new double[200];
        double[][] want = new double[200][3];
        for (int i = 0; i < 200; i++) {
            s[i] = 0.5 + i % 3;
            col[i] = a[i][0];
            col[200 + i] = a[i][1];
            f[i] = a[i][2];
            want[i] = new double[] {-s[i] * a[i][0], -s[i] * a[i][1], a[i][2]};
        }
        BlockQr q = new BlockQr(3);
        q.add(col, 200, s, -1.0, f, 0, 200);
        BlockQr w = new BlockQr(3);
        for (double[] row : want) {
            w.addRow(row);
        }
        assertArrayEquals(w.r(), q.r(), 0.0);
    }
}
