package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static dev.wengert.compile.WithThreads.withThreads;

/**
 * A large addition to the block QR is a TSQR ({@link BlockQr#CHUNK}-row chunks factored on
 * their own, possibly on several threads, their R factors merged in chunk order): its R agrees
 * with the one-block-after-another R within rounding, is the same bits for any number of
 * threads, and an addition of at most one chunk is reduced exactly as before.
 */
class BlockQrTsqrTest {
    static final int M = 50_000;
    static final int K = 5;

    /** A column-major M×K matrix of badly scaled columns (1 to 10⁴), weights and a right-hand side. */
    static double[][] problem(long seed) {
        Random r = new Random(seed);
        double[] a = new double[M * K];
        double[] w = new double[M];
        double[] f = new double[M];
        for (int j = 0; j < K; j++) {
            double s = Math.pow(10, j);
            for (int i = 0; i < M; i++) {
                a[j * M + i] = s * r.nextGaussian() + (j == 1 ? 3 * a[i] : 0);   // columns 0 and 1 correlated
            }
        }
        for (int i = 0; i < M; i++) {
            w[i] = 0.5 + r.nextDouble();
            f[i] = r.nextGaussian();
        }
        return new double[][] {a, w, f};
    }

    /** R of [√w·A·(−1) | f] with every row added in one call (a TSQR), under the given thread count. */
    static double[] tsqr(double[][] pr, String threads) {
        return withThreads(threads, () -> {
            BlockQr q = new BlockQr(K + 1);
            q.addColumns(pr[0], M, null, pr[1], -1.0, pr[2], 1.0, 0, M);
            assertEquals(M, q.rows());
            return q.r();
        });
    }

    /** The same R with the rows added one block after another (calls of at most one chunk: no TSQR). */
    static double[] sequential(double[][] pr) {
        BlockQr q = new BlockQr(K + 1);
        for (int i = 0; i < M; i += 1000) {
            q.addColumns(pr[0], M, null, pr[1], -1.0, pr[2], 1.0, i, Math.min(M, i + 1000));
        }
        assertEquals(M, q.rows());
        return q.r();
    }

    /**
     * The TSQR's R against the sequential one, up to the signs of their rows: every entry within
     * 1e-13 of the norm of its column of [√w·A | f] (the accuracy each column of a Householder
     * R has, relative to that norm; the differences measured here are 1.4e-15 to 2.4e-15).
     */
    @Test
    void tsqrAgreesWithOneBlockAfterAnotherWithinRounding() {
        for (long seed = 1; seed <= 3; seed++) {
            double[][] pr = problem(seed);
            double[] t = tsqr(pr, "1");
            double[] s = sequential(pr);
            int c = K + 1;
            double worst = 0;
            for (int j = 0; j < c; j++) {
                double norm = 0;
                for (int i = 0; i < M; i++) {
                    double v = j < K ? Math.sqrt(pr[1][i]) * pr[0][j * M + i] : pr[2][i];
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i <= j; i++) {
                    double sign = Math.signum(t[i * c + i]) * Math.signum(s[i * c + i]);
                    double d = Math.abs(sign * t[i * c + j] - s[i * c + j]) / norm;
                    worst = Math.max(worst, d);
                    assertTrue(d <= 1e-13, "R[" + i + "][" + j + "] differs by " + d + " of its column's norm (seed "
                            + seed + ")");
                }
            }
            assertTrue(worst > 0, "a TSQR of " + M / BlockQr.CHUNK + " chunks is not the sequential R to the bit");
        }
    }

    @Test
    void theSameBitsForAnyNumberOfThreads() {
        double[][] pr = problem(7);
        double[] one = tsqr(pr, "1");
        for (String t : new String[] {"2", "3", "8"}) {
            double[] many = tsqr(pr, t);
            for (int e = 0; e < one.length; e++) {
                assertEquals(Double.doubleToRawLongBits(one[e]), Double.doubleToRawLongBits(many[e]),
                        "R entry " + e + " with " + t + " threads");
            }
        }
    }

    @Test
    void oneChunkOrLessIsReducedAsBefore() {
        // rows added in one call of CHUNK rows and in calls of one block: the same reflections, so the same bits
        double[][] pr = problem(11);
        BlockQr whole = new BlockQr(K + 1);
        whole.addColumns(pr[0], M, null, pr[1], -1.0, pr[2], 1.0, 0, BlockQr.CHUNK);
        BlockQr pieces = new BlockQr(K + 1);
        for (int i = 0; i < BlockQr.CHUNK; i += BlockQr.BLOCK) {
            pieces.addColumns(pr[0], M, null, pr[1], -1.0, pr[2], 1.0, i, i + BlockQr.BLOCK);
        }
        assertArrayEquals(pieces.r(), whole.r());
    }

    /**
     * The TSQR, whose chunks are factored two at a time with their blocks' sums in shared loops
     * (BlockQr.flushPair), against its definition: every chunk factored on its own QR (an
     * addition of one chunk, block after block), the chunks' R factors then added as rows in
     * chunk order. The same bits, for 1 to 9 columns (every grouping of the shared loops), a
     * last chunk and block that are not full, a column that is zero in some blocks and not in
     * others (so one of a pair skips a column the other reduces, either one), and an infinite entry in one
     * chunk (its R has a NaN from there; the other chunk of its pair has none).
     */
    @Test
    void pairedChunksAreEachChunkAloneToTheBit() {
        int m = 5 * BlockQr.CHUNK + 3 * BlockQr.BLOCK + 17;   // the last chunk: 3 full blocks and 17 rows
        for (int cols = 1; cols <= 9; cols++) {
            int k = cols;
            for (boolean infinite : new boolean[] {false, true}) {
                Random r = new Random(31L * k + (infinite ? 1 : 0));
                double[] a = new double[m * k];
                double[] f = new double[m];
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < m; i++) {
                        // the first column is zero in the odd blocks of even chunks and the even blocks
                        // of odd chunks: in every pair of blocks reduced together, one skips it (nothing
                        // to remove under the diagonal) and the other not
                        boolean zero = j == 0 && (i / BlockQr.BLOCK + i / BlockQr.CHUNK) % 2 == 1;
                        a[j * m + i] = zero ? 0.0 : Math.pow(10, j % 4) * r.nextGaussian();
                    }
                }
                for (int i = 0; i < m; i++) {
                    f[i] = r.nextGaussian();
                }
                if (infinite) {
                    a[(k - 1) * m + 2 * BlockQr.CHUNK + 5] = Double.POSITIVE_INFINITY;   // chunk 2, paired with chunk 3
                }
                BlockQr tsqr = withThreads("1", () -> {
                    BlockQr q = new BlockQr(k + 1);
                    q.addColumns(a, m, null, -1.0, f, 1.0, 0, m);
                    return q;
                });
                BlockQr merged = new BlockQr(k + 1);
                double[] row = new double[k + 1];
                for (int i0 = 0; i0 < m; i0 += BlockQr.CHUNK) {
                    BlockQr alone = new BlockQr(k + 1);
                    alone.addColumns(a, m, null, -1.0, f, 1.0, i0, Math.min(m, i0 + BlockQr.CHUNK));
                    double[] rc = alone.r();
                    for (int i = 0; i <= k; i++) {
                        System.arraycopy(rc, i * (k + 1), row, 0, k + 1);
                        merged.addRow(row);
                    }
                }
                double[] want = merged.r();
                double[] got = tsqr.r();
                assertEquals(m, tsqr.rows());
                assertEquals(infinite, java.util.Arrays.stream(got).anyMatch(Double::isNaN), "a NaN in R, " + k + " columns");
                for (int e = 0; e < want.length; e++) {
                    assertEquals(Double.doubleToLongBits(want[e]), Double.doubleToLongBits(got[e]),
                            "R entry " + e + " of " + (k + 1) + " columns" + (infinite ? ", an infinite entry" : ""));
                }
            }
        }
    }
}
