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
    /**
     * The pending rows, column by column: col[j][b] is row b's entry in column j. An array per
     * column, not one array of c·BLOCK: the JIT (C2, JDK 17) does not vectorise a loop that
     * writes one part of an array while reading another part of the same array, and a
     * reflection's loop over two separate arrays ran about 4× faster.
     */
    private final double[][] col;
    private int pending;
    private long rows;
    /** The QRs of the parts of a large addition ({@link #byChunks}), two per part, kept from pass to pass. */
    private BlockQr[] helpers;
    /** While set, a full block waits for {@link #flushPair} instead of being reduced at once. */
    private boolean hold;
    // one column's scalars, from firstSums and head to the reflections of the columns to its right
    private double below;
    private double u0;
    private double u1;
    private double v0;
    private double alpha;
    private double gap;

    BlockQr(int columns) {
        this.c = columns;
        this.r = new double[columns * columns];
        this.col = new double[columns][BLOCK];
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
                double[] d = col[j];
                int at = pending;
                if (scale == null) {
                    for (int b = 0; b < n; b++) {
                        d[at + b] = sign * a[src + b];
                    }
                } else {
                    for (int b = 0; b < n; b++) {
                        d[at + b] = sign * scale[i + b] * a[src + b];
                    }
                }
            }
            System.arraycopy(f, i, col[k], pending, n);
            pending += n;
            i += n;
            if (pending == BLOCK && !hold) {
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
                double[] d = col[j];
                int at = pending;
                if (scale == null) {
                    for (int b = 0; b < n; b++) {
                        d[at + b] = sign * a[src + b];
                    }
                } else {
                    for (int b = 0; b < n; b++) {
                        d[at + b] = sign * scale[i + b] * a[src + b];
                    }
                }
            }
            double[] d = col[k];
            int at = pending;
            for (int b = 0; b < n; b++) {
                d[at + b] = fSign * f[i + b];
            }
            pending += n;
            i += n;
            if (pending == BLOCK && !hold) {
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
                double[] d = col[j];
                int at = pending;
                for (int b = 0; b < n; b++) {
                    d[at + b] = scale[o + b] * a[src + b];
                }
            }
            System.arraycopy(f, o, col[k], pending, n);
            pending += n;
            i += n;
            if (pending == BLOCK && !hold) {
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
        if (helpers == null || helpers.length < 2 * parts) {
            helpers = helpers == null ? new BlockQr[2 * parts] : Arrays.copyOf(helpers, 2 * parts);
        }
        BlockQr[] qs = helpers;
        Parallel.run(parts, k -> {
            // two QRs per part, kept for the next pass and started over for each chunk (a QR's
            // pending block is BLOCK·c doubles: made per chunk, it was most of what a pass
            // allocated; made per pass, 6 kB at 3 columns, more than the rest of an LM iteration)
            BlockQr qa = helper(qs, 2 * k);
            BlockQr qb = helper(qs, 2 * k + 1);
            int ch = (int) ((long) k * chunks / parts);
            int e = (int) ((long) (k + 1) * chunks / parts);
            for (; ch + 1 < e; ch += 2) {
                int a0 = from + ch * CHUNK;
                int b0 = a0 + CHUNK;
                pairOfChunks(chunk, qa, a0, qb, b0, Math.min(to, b0 + CHUNK));
                part[ch] = qa.r.clone();
                part[ch + 1] = qb.r.clone();
            }
            if (ch < e) {
                int i0 = from + ch * CHUNK;
                qa.reset();
                chunk.addTo(qa, i0, Math.min(to, i0 + CHUNK));
                qa.flush();
                part[ch] = qa.r.clone();
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

    /** Helper QR k of the array, made when first needed (the caller starts it over). */
    private BlockQr helper(BlockQr[] qs, int k) {
        if (qs[k] == null) {
            qs[k] = new BlockQr(c);
        }
        return qs[k];
    }

    /**
     * Factors two chunks, a full one from a0 and one of rows [b0, b1), each on its own QR as
     * {@link #byChunks} would, to the same bits, but their full blocks side by side: see
     * {@link #flushPair}.
     */
    private static void pairOfChunks(Rows chunk, BlockQr qa, int a0, BlockQr qb, int b0, int b1) {
        qa.reset();
        qb.reset();
        int ia = a0;
        int ib = b0;
        qa.hold = true;
        qb.hold = true;
        try {
            for (; b1 - ib >= BLOCK; ia += BLOCK, ib += BLOCK) {
                chunk.addTo(qa, ia, ia + BLOCK);
                chunk.addTo(qb, ib, ib + BLOCK);
                flushPair(qa, qb);
            }
        } finally {
            qa.hold = false;
            qb.hold = false;
        }
        // the rest of each chunk, block after block as before (the same block boundaries)
        chunk.addTo(qa, ia, a0 + CHUNK);
        qa.flush();
        if (ib < b1) {
            chunk.addTo(qb, ib, b1);
        }
        qb.flush();
    }

    /** Adds one row of c values. */
    void addRow(double[] row) {
        for (int j = 0; j < c; j++) {
            col[j][pending] = row[j];
        }
        if (++pending == BLOCK && !hold) {
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
            firstSums(j, n);
            if (head(j, n)) {
                rest(j, n);
            }
        }
    }

    /**
     * Reduces the full pending blocks of two QRs of as many columns at once, each to the same
     * bits as its own {@link #flush}. Why: the sums of a block's column are chains of dependent
     * additions (their order is fixed, so the JIT may not split them), and at a few columns a
     * chain's latency, not the processor's throughput, sets the pace: a loop that runs the two
     * blocks' chains side by side does twice the work in about the same time. The sums of
     * each block are still added one after the other, in the same order, so nothing changes but
     * the time.
     */
    private static void flushPair(BlockQr a, BlockQr b) {
        int n = BLOCK;
        a.rows += n;
        b.rows += n;
        a.pending = 0;
        b.pending = 0;
        for (int j = 0; j < a.c; j++) {
            boolean ua = !a.allZero(j, n);
            boolean ub = !b.allZero(j, n);
            if (ua && ub) {
                firstSums(a, b, j, n);
            } else if (ua) {
                a.firstSums(j, n);
            } else if (ub) {
                b.firstSums(j, n);
            }
            ua = ua && a.head(j, n);
            ub = ub && b.head(j, n);
            if (ua && ub) {
                rest(a, b, j, n);
            } else if (ua) {
                a.rest(j, n);
            } else if (ub) {
                b.rest(j, n);
            }
        }
    }

    /** How many columns right of j share column j's first loop (its sum of squares and up to two dot products). */
    private int first(int j) {
        return Math.min(2, c - 1 - j);
    }

    /**
     * Column j's sum of squares in the block and its dot products with the next (up to) two
     * columns, into below, u0 and u1, in one loop: each summed in the same order as alone, side
     * by side instead of each waiting on the latency of its own additions (the dot products do
     * not need α).
     */
    private void firstSums(int j, int n) {
        int first = first(j);
        double[] v = col[j];
        double s = 0;
        double t0 = 0;
        double t1 = 0;
        if (first == 2) {
            double[] d0 = col[j + 1];
            double[] d1 = col[j + 2];
            for (int b = 0; b < n; b++) {
                double e = v[b];
                s += e * e;
                t0 += e * d0[b];
                t1 += e * d1[b];
            }
        } else if (first == 1) {
            double[] d0 = col[j + 1];
            for (int b = 0; b < n; b++) {
                double e = v[b];
                s += e * e;
                t0 += e * d0[b];
            }
        } else {
            s = sumOfSquares(j, n);
        }
        below = s;
        u0 = t0;
        u1 = t1;
    }

    /** {@link #firstSums(int, int)} of two QRs' blocks in one loop. */
    private static void firstSums(BlockQr qa, BlockQr qb, int j, int n) {
        int first = qa.first(j);
        double[] v = qa.col[j];
        double[] w = qb.col[j];
        double sa = 0;
        double a0 = 0;
        double a1 = 0;
        double sb = 0;
        double b0 = 0;
        double b1 = 0;
        if (first == 2) {
            double[] x0 = qa.col[j + 1];
            double[] x1 = qa.col[j + 2];
            double[] y0 = qb.col[j + 1];
            double[] y1 = qb.col[j + 2];
            for (int b = 0; b < n; b++) {
                double e = v[b];
                double f = w[b];
                sa += e * e;
                a0 += e * x0[b];
                a1 += e * x1[b];
                sb += f * f;
                b0 += f * y0[b];
                b1 += f * y1[b];
            }
        } else if (first == 1) {
            double[] x0 = qa.col[j + 1];
            double[] y0 = qb.col[j + 1];
            for (int b = 0; b < n; b++) {
                double e = v[b];
                double f = w[b];
                sa += e * e;
                a0 += e * x0[b];
                sb += f * f;
                b0 += f * y0[b];
            }
        } else {
            for (int b = 0; b < n; b++) {
                double e = v[b];
                double f = w[b];
                sa += e * e;
                sb += f * f;
            }
        }
        qa.below = sa;
        qa.u0 = a0;
        qa.u1 = a1;
        qb.below = sb;
        qb.u0 = b0;
        qb.u1 = b1;
    }

    /**
     * Column j's reflection from its sums ({@link #firstSums}): R[j][j] becomes α and the
     * reflection is applied to the (up to) two columns whose dot products are known. False when
     * the column's norm is not finite: R[j][j] is then NaN (a non-finite entry: the caller
     * refuses such a point) and the columns to the right are left alone.
     */
    private boolean head(int j, int n) {
        double x0 = r[j * c + j];
        double norm = norm(x0, below, j, n);
        if (!Double.isFinite(norm)) {
            r[j * c + j] = Double.NaN;
            return false;
        }
        alpha = x0 > 0 ? -norm : norm;
        v0 = x0 - alpha;
        // the reflection I − v·vᵀ/(α·(α − x₀)); divided in two steps so that neither the
        // denominator nor its reciprocal overflows for entries near 1e154 and beyond
        gap = alpha - x0;
        r[j * c + j] = alpha;
        int first = first(j);
        if (first >= 1) {
            reflect(j, j + 1, u0, n);
        }
        if (first == 2) {
            reflect(j, j + 2, u1, n);
        }
        return true;
    }

    /** Column j's reflection applied to the columns right of those {@link #head} did, four (then two, then one) at a time. */
    private void rest(int j, int n) {
        double[] v = col[j];
        int l = j + 1 + first(j);
        for (; l + 3 < c; l += 4) {
            double[] x0 = col[l];
            double[] x1 = col[l + 1];
            double[] x2 = col[l + 2];
            double[] x3 = col[l + 3];
            double w0 = 0;
            double w1 = 0;
            double w2 = 0;
            double w3 = 0;
            for (int b = 0; b < n; b++) {
                double e = v[b];
                w0 += e * x0[b];
                w1 += e * x1[b];
                w2 += e * x2[b];
                w3 += e * x3[b];
            }
            reflect(j, l, w0, n);
            reflect(j, l + 1, w1, n);
            reflect(j, l + 2, w2, n);
            reflect(j, l + 3, w3, n);
        }
        for (; l + 1 < c; l += 2) {
            double[] x0 = col[l];
            double[] x1 = col[l + 1];
            double w0 = 0;
            double w1 = 0;
            for (int b = 0; b < n; b++) {
                double e = v[b];
                w0 += e * x0[b];
                w1 += e * x1[b];
            }
            reflect(j, l, w0, n);
            reflect(j, l + 1, w1, n);
        }
        for (; l < c; l++) {
            double[] x0 = col[l];
            double w = 0;
            for (int b = 0; b < n; b++) {
                w += v[b] * x0[b];
            }
            reflect(j, l, w, n);
        }
    }

    /** {@link #rest(int, int)} of two QRs' blocks, their dot products in shared loops. */
    private static void rest(BlockQr qa, BlockQr qb, int j, int n) {
        int c = qa.c;
        double[][] x = qa.col;
        double[][] y = qb.col;
        double[] v = x[j];
        double[] w = y[j];
        int l = j + 1 + qa.first(j);
        for (; l + 3 < c; l += 4) {
            double[] x0 = x[l];
            double[] x1 = x[l + 1];
            double[] x2 = x[l + 2];
            double[] x3 = x[l + 3];
            double[] y0 = y[l];
            double[] y1 = y[l + 1];
            double[] y2 = y[l + 2];
            double[] y3 = y[l + 3];
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            double b0 = 0;
            double b1 = 0;
            double b2 = 0;
            double b3 = 0;
            for (int b = 0; b < n; b++) {
                double e = v[b];
                double f = w[b];
                a0 += e * x0[b];
                a1 += e * x1[b];
                a2 += e * x2[b];
                a3 += e * x3[b];
                b0 += f * y0[b];
                b1 += f * y1[b];
                b2 += f * y2[b];
                b3 += f * y3[b];
            }
            qa.reflect(j, l, a0, n);
            qa.reflect(j, l + 1, a1, n);
            qa.reflect(j, l + 2, a2, n);
            qa.reflect(j, l + 3, a3, n);
            qb.reflect(j, l, b0, n);
            qb.reflect(j, l + 1, b1, n);
            qb.reflect(j, l + 2, b2, n);
            qb.reflect(j, l + 3, b3, n);
        }
        for (; l + 1 < c; l += 2) {
            double[] x0 = x[l];
            double[] x1 = x[l + 1];
            double[] y0 = y[l];
            double[] y1 = y[l + 1];
            double a0 = 0;
            double a1 = 0;
            double b0 = 0;
            double b1 = 0;
            for (int b = 0; b < n; b++) {
                double e = v[b];
                double f = w[b];
                a0 += e * x0[b];
                a1 += e * x1[b];
                b0 += f * y0[b];
                b1 += f * y1[b];
            }
            qa.reflect(j, l, a0, n);
            qa.reflect(j, l + 1, a1, n);
            qb.reflect(j, l, b0, n);
            qb.reflect(j, l + 1, b1, n);
        }
        for (; l < c; l++) {
            double[] x0 = x[l];
            double[] y0 = y[l];
            double a0 = 0;
            double b0 = 0;
            for (int b = 0; b < n; b++) {
                a0 += v[b] * x0[b];
                b0 += w[b] * y0[b];
            }
            qa.reflect(j, l, a0, n);
            qb.reflect(j, l, b0, n);
        }
    }

    /**
     * Applies column j's reflection (v0, alpha, gap from {@link #head}) to column l, given the
     * dot product of their block parts: R[j][l] and the block's column l move by w·v,
     * w = (v₀·R[j][l] + dot)/α/(α − x₀).
     */
    private void reflect(int j, int l, double dot, int n) {
        double w = (v0 * r[j * c + l] + dot) / alpha / gap;
        r[j * c + l] -= w * v0;
        double[] x = col[l];
        double[] v = col[j];
        for (int b = 0; b < n; b++) {
            x[b] -= w * v[b];
        }
    }

    private boolean allZero(int j, int n) {
        double[] v = col[j];
        for (int b = 0; b < n; b++) {
            if (v[b] != 0) {
                return false;
            }
        }
        return true;
    }

    private double sumOfSquares(int j, int n) {
        double[] v = col[j];
        double s = 0;
        for (int b = 0; b < n; b++) {
            s += v[b] * v[b];
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
        double[] v = col[j];
        double big = Math.abs(x0);
        for (int b = 0; b < n; b++) {
            big = Math.max(big, Math.abs(v[b]));
        }
        if (big == 0 || !Double.isFinite(big)) {
            return big;
        }
        double t = (x0 / big) * (x0 / big);
        for (int b = 0; b < n; b++) {
            double x = v[b] / big;
            t += x * x;
        }
        return big * Math.sqrt(t);
    }
}
