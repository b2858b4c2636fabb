package dev.wengert.fit;

import dev.wengert.compile.Parallel;

import java.util.Arrays;

/**
 * The triangular factor R of the QR factorisation of a tall matrix, given its rows a block at
 * a time: each block of up to {@link #BLOCK} rows is stacked under the R so far and reduced by
 * Householder reflections, so only c×c numbers and one block are ever held, whatever the
 * number of rows (a fit of 10⁷ rows never forms its m×p Jacobian as m row arrays, nor as a
 * matrix to copy).
 *
 * <p>A fit factors [A | f], A the Jacobian of its residuals f: R's last column then holds Qᵀf
 * in its first c − 1 entries, and in its corner the norm of the part of f that no step can
 * remove. Householder reflections keep R's columns exactly as accurate as those of a
 * factorisation of the whole matrix at once (each column is backward stable relative to its own
 * norm), without squaring the condition number as forming AᵀA would. Column norms are
 * computed with scaling (no overflow for any finite entries); products of two columns' entries
 * must be finite, which holds for entries up to about 1e150 in magnitude.
 *
 * <p>Written here because the libraries we use factor only a matrix held whole (Commons Math's
 * QR and its Levenberg–Marquardt copy it into m row arrays first).
 */
final class BlockQr {
    /**
     * Rows per block. Each block costs a fixed amount per column (its norm, the reflection's
     * scalars, the reflected row of R) besides its work per row, so taller blocks cost less: 256
     * rows made the QR of 5·10⁴ rows 7–19% faster than 64 did at 3 to 25 columns (the block,
     * 256·c doubles, outgrows the first-level cache above 16 columns; at 40 it was about as fast),
     * and 512 no faster again (bench/RESULTS.md, "Stop 35"). A constant: as a field chosen by
     * the number of columns, the same heights gained nothing, the JIT's loops over the block no
     * longer knowing its stride.
     */
    static final int BLOCK = 256;

    private final int c;
    /** R, c×c row-major; only the upper triangle is used. */
    private final double[] r;
    /** The pending rows, column by column: entry (row b, column j) at j·BLOCK + b, so every loop is contiguous. */
    private final double[] block;
    private int pending;
    private long rows;
    /** The QRs of the parts of a large addition ({@link #byChunks}), one per part, kept from pass to pass. */
    private BlockQr[] helpers;

    BlockQr(int columns) {
        this.c = columns;
        this.r = new double[columns * columns];
        this.block = new double[BLOCK * columns];
    }

    /** Starts over with no rows. */
    void reset() {
        Arrays.fill(r, 0.0);
        pending = 0;
        rows = 0;
    }

    int columns() {
        return c;
    }

    /** Rows added so far. */
    long rows() {
        return rows + pending;
    }

    /**
     * Adds rows i in [from, to) of [A | f] where A's column j is {@code scale[i]·sign·a[j·m + i]}
     * (a column-major, m rows; scale null for 1) and the last column is f[i]: a fit's weighted
     * residual Jacobian read straight from the model's Jacobian.
     */
    void add(double[] a, int m, double[] scale, double sign, double[] f, int from, int to) {
        if (to - from > CHUNK) {
            byChunks(from, to, (q, i0, i1) -> q.add(a, m, scale, sign, f, i0, i1));
            return;
        }
        int k = c - 1;
        int i = from;
        while (i < to) {
            int n = Math.min(BLOCK - pending, to - i);
            for (int j = 0; j < k; j++) {
                int src = j * m + i;
                int dst = j * BLOCK + pending;
                if (scale == null) {
                    for (int b = 0; b < n; b++) {
                        block[dst + b] = sign * a[src + b];
                    }
                } else {
                    for (int b = 0; b < n; b++) {
                        block[dst + b] = sign * scale[i + b] * a[src + b];
                    }
                }
            }
            System.arraycopy(f, i, block, k * BLOCK + pending, n);
            pending += n;
            i += n;
            if (pending == BLOCK) {
                flush();
            }
        }
    }

    /**
     * Adds rows i in [from, to) of [A | f]: A's columns are {@code a}'s columns {@code cols}
     * (column-major, m rows; cols null for 0 … c − 2), each entry times {@code sign}, and the last
     * column is {@code fSign·f[i]}.
     */
    void addColumns(double[] a, int m, int[] cols, double sign, double[] f, double fSign, int from, int to) {
        addColumns(a, m, cols, null, sign, f, fSign, from, to);
    }

    /** As {@link #addColumns(double[], int, int[], double, double[], double, int, int)}, row i of A also times scale[i]. */
    void addColumns(double[] a, int m, int[] cols, double[] scale, double sign, double[] f, double fSign, int from,
                    int to) {
        if (to - from > CHUNK) {
            byChunks(from, to, (q, i0, i1) -> q.addColumns(a, m, cols, scale, sign, f, fSign, i0, i1));
            return;
        }
        int k = c - 1;
        int i = from;
        while (i < to) {
            int n = Math.min(BLOCK - pending, to - i);
            for (int j = 0; j < k; j++) {
                int src = (cols == null ? j : cols[j]) * m + i;
                int dst = j * BLOCK + pending;
                if (scale == null) {
                    for (int b = 0; b < n; b++) {
                        block[dst + b] = sign * a[src + b];
                    }
                } else {
                    for (int b = 0; b < n; b++) {
                        block[dst + b] = sign * scale[i + b] * a[src + b];
                    }
                }
            }
            int dst = k * BLOCK + pending;
            for (int b = 0; b < n; b++) {
                block[dst + b] = fSign * f[i + b];
            }
            pending += n;
            i += n;
            if (pending == BLOCK) {
                flush();
            }
        }
    }

    /**
     * Adds rows i in [from, to) of [A | f] with A's entries scale·a: column j of A is {@code a}'s
     * column {@code cols[j]} (column-major, m rows) times {@code scale[i − base]}, and the last
     * column {@code f[i − base]} (scale and f hold a window of the rows, from row base).
     */
    void addColumns(double[] a, int m, int[] cols, double[] scale, double[] f, int from, int to, int base) {
        if (to - from > CHUNK) {
            byChunks(from, to, (q, i0, i1) -> q.addColumns(a, m, cols, scale, f, i0, i1, base));
            return;
        }
        int k = c - 1;
        int i = from;
        while (i < to) {
            int n = Math.min(BLOCK - pending, to - i);
            int o = i - base;
            for (int j = 0; j < k; j++) {
                int src = cols[j] * m + i;
                int dst = j * BLOCK + pending;
                for (int b = 0; b < n; b++) {
                    block[dst + b] = scale[o + b] * a[src + b];
                }
            }
            System.arraycopy(f, o, block, k * BLOCK + pending, n);
            pending += n;
            i += n;
            if (pending == BLOCK) {
                flush();
            }
        }
    }

    /**
     * Rows per chunk of a large addition. Rows [from, to) of more than one chunk are added as a
     * TSQR (a tall-skinny QR): each chunk of CHUNK rows (the last one shorter) is factored on its
     * own, by {@link Parallel} parts on several threads, and the chunks' R factors are then
     * added here as rows, chunk after chunk. The chunks are fixed by the rows alone, not by the
     * number of threads, so R is the same bits whatever the threads; it differs from adding the
     * rows one block after another only by rounding (Householder reflections are backward stable
     * however the rows are grouped: each column of R stays accurate relative to the norm of its
     * column of [A | f]; BlockQrTsqrTest bounds the difference). An addition of at most
     * CHUNK rows — every NIST problem — is reduced as before, block after block.
     */
    static final int CHUNK = 4096;

    /** Adds rows [i0, i1) of some matrix to a BlockQr. */
    @FunctionalInterface
    private interface Rows {
        void addTo(BlockQr q, int i0, int i1);
    }

    /** Adds rows [from, to) chunk by chunk, as a TSQR: see {@link #CHUNK}. */
    private void byChunks(int from, int to, Rows chunk) {
        int chunks = (int) (((long) to - from + CHUNK - 1) / CHUNK);
        double[][] part = new double[chunks][];
        int parts = Parallel.parts(chunks, Parallel.MIN_ROWS_PER_PART / CHUNK);
        if (helpers == null || helpers.length < parts) {
            helpers = helpers == null ? new BlockQr[parts] : Arrays.copyOf(helpers, parts);
        }
        BlockQr[] qs = helpers;
        Parallel.run(parts, k -> {
            // one QR per part, kept for the next pass and started over for each chunk (a QR's
            // pending block is BLOCK·c doubles: made per chunk, it was most of what a pass
            // allocated; made per pass, 6 kB at 3 columns, more than the rest of an LM iteration)
            BlockQr q = qs[k];
            for (int ch = (int) ((long) k * chunks / parts), e = (int) ((long) (k + 1) * chunks / parts); ch < e; ch++) {
                int i0 = from + ch * CHUNK;
                if (q == null) {
                    q = qs[k] = new BlockQr(c);
                } else {
                    q.reset();
                }
                chunk.addTo(q, i0, Math.min(to, i0 + CHUNK));
                q.flush();
                part[ch] = q.r.clone();
            }
        });
        double[] row = new double[c];
        for (double[] r : part) {
            for (int i = 0; i < c; i++) {
                System.arraycopy(r, i * c, row, 0, c);
                addRow(row);
            }
        }
        // the rows added are the chunks' rows, not the c rows of each chunk's R
        this.rows += (long) (to - from) - (long) chunks * c;
    }

    /** Adds one row of c values. */
    void addRow(double[] row) {
        for (int j = 0; j < c; j++) {
            block[j * BLOCK + pending] = row[j];
        }
        if (++pending == BLOCK) {
            flush();
        }
    }

    /** R (c×c, row-major, upper triangular; a copy) after every row added so far. */
    double[] r() {
        flush();
        return r.clone();
    }

    /**
     * Reduces the pending block into R: for each column, the Householder reflection that maps
     * (R[j][j], block column j) onto a multiple of the first unit vector, applied to the columns
     * to its right. R's rows below j are zero in column j, so the reflection touches only row j
     * of R and the block.
     */
    private void flush() {
        int n = pending;
        if (n == 0) {
            return;
        }
        rows += n;
        pending = 0;
        for (int j = 0; j < c; j++) {
            if (allZero(j, n)) {
                continue;                         // nothing under the diagonal to remove
            }
            int cj = j * BLOCK;
            // column j's sum of squares and its dot products with the next (up to) two columns in
            // one loop: each summed in the same order as alone, side by side instead of each
            // waiting on the latency of its own additions (the dot products do not need α)
            int first = Math.min(2, c - 1 - j);
            int d0 = (j + 1) * BLOCK;
            int d1 = d0 + BLOCK;
            double below = 0;
            double u0 = 0;
            double u1 = 0;
            if (first == 2) {
                for (int b = 0; b < n; b++) {
                    double v = block[cj + b];
                    below += v * v;
                    u0 += v * block[d0 + b];
                    u1 += v * block[d1 + b];
                }
            } else if (first == 1) {
                for (int b = 0; b < n; b++) {
                    double v = block[cj + b];
                    below += v * v;
                    u0 += v * block[d0 + b];
                }
            } else {
                below = sumOfSquares(j, n);
            }
            double x0 = r[j * c + j];
            double norm = norm(x0, below, j, n);
            if (!Double.isFinite(norm)) {
                // a non-finite entry: R takes it as it is (the caller refuses such a point)
                r[j * c + j] = Double.NaN;
                continue;
            }
            double alpha = x0 > 0 ? -norm : norm;
            double v0 = x0 - alpha;
            // the reflection I − v·vᵀ/(α·(α − x₀)); divided in two steps so that neither the
            // denominator nor its reciprocal overflows for entries near 1e154 and beyond
            double gap = alpha - x0;
            r[j * c + j] = alpha;
            if (first >= 1) {
                reflect(j, j + 1, v0, u0, alpha, gap, cj, d0, n);
            }
            if (first == 2) {
                reflect(j, j + 2, v0, u1, alpha, gap, cj, d1, n);
            }
            // the columns further right, four (then two, then one) at a time, likewise
            int l = j + 1 + first;
            for (; l + 3 < c; l += 4) {
                int c0 = l * BLOCK;
                int c1 = c0 + BLOCK;
                int c2 = c1 + BLOCK;
                int c3 = c2 + BLOCK;
                double w0 = 0;
                double w1 = 0;
                double w2 = 0;
                double w3 = 0;
                for (int b = 0; b < n; b++) {
                    double v = block[cj + b];
                    w0 += v * block[c0 + b];
                    w1 += v * block[c1 + b];
                    w2 += v * block[c2 + b];
                    w3 += v * block[c3 + b];
                }
                reflect(j, l, v0, w0, alpha, gap, cj, c0, n);
                reflect(j, l + 1, v0, w1, alpha, gap, cj, c1, n);
                reflect(j, l + 2, v0, w2, alpha, gap, cj, c2, n);
                reflect(j, l + 3, v0, w3, alpha, gap, cj, c3, n);
            }
            for (; l + 1 < c; l += 2) {
                int c0 = l * BLOCK;
                int c1 = c0 + BLOCK;
                double w0 = 0;
                double w1 = 0;
                for (int b = 0; b < n; b++) {
                    double v = block[cj + b];
                    w0 += v * block[c0 + b];
                    w1 += v * block[c1 + b];
                }
                reflect(j, l, v0, w0, alpha, gap, cj, c0, n);
                reflect(j, l + 1, v0, w1, alpha, gap, cj, c1, n);
            }
            for (; l < c; l++) {
                int cl = l * BLOCK;
                double w = 0;
                for (int b = 0; b < n; b++) {
                    w += block[cj + b] * block[cl + b];
                }
                reflect(j, l, v0, w, alpha, gap, cj, cl, n);
            }
        }
    }

    /**
     * Applies column j's reflection to column l, given the dot product of their block parts:
     * R[j][l] and the block's column l move by w·v, w = (v₀·R[j][l] + dot)/α/(α − x₀).
     */
    private void reflect(int j, int l, double v0, double dot, double alpha, double gap, int cj, int cl, int n) {
        double w = (v0 * r[j * c + l] + dot) / alpha / gap;
        r[j * c + l] -= w * v0;
        for (int b = 0; b < n; b++) {
            block[cl + b] -= w * block[cj + b];
        }
    }

    private boolean allZero(int j, int n) {
        for (int b = j * BLOCK, e = b + n; b < e; b++) {
            if (block[b] != 0) {
                return false;
            }
        }
        return true;
    }

    private double sumOfSquares(int j, int n) {
        double s = 0;
        for (int b = j * BLOCK, e = b + n; b < e; b++) {
            s += block[b] * block[b];
        }
        return s;
    }

    /**
     * √(x0² + Σ block²), computed directly when the sum of squares neither overflowed nor
     * underflowed, otherwise scaled by the largest magnitude first (as MINPACK's enorm).
     */
    private double norm(double x0, double below, int j, int n) {
        double s = below + x0 * x0;
        if (s > 1e-290 && s < 1e290) {
            return Math.sqrt(s);
        }
        double big = Math.abs(x0);
        for (int b = j * BLOCK, e = b + n; b < e; b++) {
            big = Math.max(big, Math.abs(block[b]));
        }
        if (big == 0 || !Double.isFinite(big)) {
            return big;
        }
        double t = (x0 / big) * (x0 / big);
        for (int b = j * BLOCK, e = b + n; b < e; b++) {
            double x = block[b] / big;
            t += x * x;
        }
        return big * Math.sqrt(t);
    }
}
