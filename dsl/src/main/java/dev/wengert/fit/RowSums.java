package dev.wengert.fit;

import java.io.Serializable;

/**
 * What the statistics of a fit need from its rows, gathered one row at a time and mergeable,
 * so an in-memory fit and one whose rows live elsewhere (the {@code wengert-spark} module adds
 * rows per partition and merges the partitions) give their rows to the same code and get the
 * same statistics.
 *
 * <p>It keeps the triangular factor R of the QR factorisation of the augmented matrix [J | r]
 * (J the weighted Jacobian of the estimated parameters, r the weighted residuals), made from the
 * rows in blocks of Householder reflections ({@link BlockQr}; a Givens rotation per row took a
 * hypot per entry, the most expensive part of statistics over millions of rows): RᵀR =
 * [J | r]ᵀ[J | r], but never formed as such, so no digits are lost to squaring J's condition
 * number. R's last column holds Q₁ᵀr and, in its corner, the
 * part of r no step could remove. Besides R: the row count, Σ wᵢrᵢ², the loss's Σ C²ρ, Σ log wᵢ,
 * and the weighted mean and Σ wᵢ(yᵢ − ȳ)² of the response (Welford's update, merged by Chan's
 * formula; two passes where all the rows are at hand at once).
 *
 * <pre>{@code
 * RowSums s = new RowSums(2, Loss.LINEAR, 1);
 * s.add(y, 1, model, gradient);      // per row: response, weight, prediction, ∂m/∂p
 * s.merge(otherPartition);
 * }</pre>
 */
public final class RowSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double EPS = Math.ulp(1.0);

    final int k;
    final Loss loss;
    final double scale;
    /** The (k+1)×(k+1) upper-triangular R, row-major, as of the last {@link #settle()}. */
    final double[] r;
    /** The rows added since: R's rows first, then the new ones (made on the first add after a settle). */
    private transient BlockQr pending;
    /** A row's entries, reused. */
    private transient double[] row;
    long n;
    double rss;
    double deviance;
    double sumLogW;
    double sumW;
    double meanY;
    double m2Y;
    /** Rows whose prediction, derivative or weight was not finite (not added). */
    long notFinite;

    /**
     * Empty sums for k estimated parameters, with the loss the fit minimised ({@link Loss#LINEAR}
     * and scale 1 for least squares).
     */
    public RowSums(int k, Loss loss, double scale) {
        if (k < 0) {
            throw new FitException("RowSums(" + k + ", …): give the number of estimated parameters");
        }
        if (loss == null || !(scale > 0) || !Double.isFinite(scale)) {
            throw new FitException("RowSums: give a loss and a positive finite scale, got " + loss + ", " + scale);
        }
        this.k = k;
        this.loss = loss;
        this.scale = scale;
        this.r = new double[(k + 1) * (k + 1)];
    }

    /** The number of estimated parameters (columns of J). */
    public int parameters() {
        return k;
    }

    /** Rows added. */
    public long rows() {
        return n;
    }

    /**
     * Adds a row: response y, weight w (1 when unweighted), the model's prediction m and its
     * gradient ∂m/∂p over the estimated parameters. A row with anything non-finite is counted in
     * {@link #notFiniteRows()} and not added.
     */
    public void add(double y, double w, double m, double[] gradient) {
        if (gradient.length != k) {
            throw new FitException("RowSums.add: a gradient of " + gradient.length + " values for " + k + " parameters");
        }
        double sw = Math.sqrt(w);
        double res = sw * (y - m);
        boolean finite = Double.isFinite(res) && w > 0 && Double.isFinite(w);
        for (double g : gradient) {
            finite &= Double.isFinite(g);
        }
        if (!finite) {
            notFinite++;
            return;
        }
        // as scipy's least_squares scales rows for a robust loss: J·√a and r·ρ′/√a, a = ρ′ + 2ρ″z
        // (clipped at ε), so that JᵀJ is the Gauss–Newton Hessian and Jᵀr the exact gradient
        double z = (res / scale) * (res / scale);
        double a = loss.rho1(z) + 2 * loss.rho2(z) * z;
        double sa = Math.sqrt(Math.max(a, EPS));
        double[] row = row();
        for (int j = 0; j < k; j++) {
            row[j] = sa * sw * gradient[j];
        }
        row[k] = loss.rho1(z) / sa * res;
        acc().addRow(row);
        count(y, w, res, z);
    }

    /**
     * Adds rows i = 0 … n − 1 at once: response y[i], weight w[i], prediction m[i], and the
     * columns {@code est} of a column-major Jacobian ∂mᵢ/∂pⱼ at jac[j·n + i] (the estimated
     * parameters among all). The same sums as {@link #add} row by row.
     */
    void addRows(double[] y, double[] w, double[] m, double[] jac, int[] est) {
        int n = y.length;
        double[] row = row();
        BlockQr q = acc();
        if (loss == Loss.LINEAR) {
            addLeastSquaresRows(y, w, m, jac, est, q, row);
            return;
        }
        for (int i = 0; i < n; i++) {
            addRow(y, w, m, jac, est, i, q, row);
        }
    }

    /**
     * {@link #addRows} for least squares, where ρ′ = 1 and ρ″ = 0 make a = 1 and the row of
     * [J | r] √w·∂m and √w·(y − m), exactly (1·x = x): runs of rows go to the block QR column by
     * column ({@link BlockQr#addColumns(double[], int, int[], double[], double[], int, int, int)})
     * instead of through a row array each, and take no loss calls. A row with anything not
     * finite, or a residual whose square overflows, ends the run and takes {@link #addRow} (the
     * general path, as it always did). The same numbers in the same order as row by row; a
     * profile of a 10⁵-row fit had a tenth of its time in the row-by-row loop.
     */
    private void addLeastSquaresRows(double[] y, double[] w, double[] m, double[] jac, int[] est, BlockQr q,
                                     double[] row) {
        int n = y.length;
        int chunk = Math.min(n, 1024);
        double[] sw = new double[chunk];
        double[] res = new double[chunk];
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            int run = start;                      // the first row of the run not yet in the QR
            for (int i = start; i < end; i++) {
                double s = Math.sqrt(w[i]);
                double r = s * (y[i] - m[i]);
                double z = (r / scale) * (r / scale);
                if (finiteRow(r, w[i], jac, est, n, i) && Double.isFinite(z)) {
                    sw[i - start] = s;
                    res[i - start] = r;
                    count(y[i], w[i], r, z);
                    continue;
                }
                q.addColumns(jac, n, est, sw, res, run, i, start);
                run = i + 1;
                addRow(y, w, m, jac, est, i, q, row);
            }
            q.addColumns(jac, n, est, sw, res, run, end, start);
        }
    }

    /**
     * {@link #addRows} for least squares when the factor of these rows is already made: the
     * solver's refinement factors [∂r̃/∂q | −r̃] = −[√w·∂m/∂q | r] at its last point, over the
     * columns it polishes, and where that point, those columns (the estimated parameters) and
     * those weights are the fit's answer, a second QR over every row would only make it again
     * (9% of a 1,000-row fit). The responses, weights and predictions are still read for the
     * counts and sums besides R (a pass without a QR), with the tests of {@link #addRows}; if
     * any row would not go in as it goes in there (a residual not finite or whose square
     * overflows, a weight not positive and finite), nothing is added and false is returned, so
     * the caller factors as before. The Jacobian is not read: the factor must come from a
     * finite point of the solver's, whose every free column of √w·∂m/∂q was finite, which with
     * a positive finite weight is {@link #addRows}'s test that ∂m/∂q is.
     *
     * <p>R is a Householder factor of the same rows, made in another grouping (no zero rows of
     * an empty R first, and above {@link BlockQr#CHUNK} rows a TSQR), so it differs from the
     * one {@link #addRows} makes only in rounding; the sign of the whole matrix does not matter
     * ({@link BlockQr} maps ±[A | f] to the same R, bit for bit). The counts and sums are
     * those {@link #addRows} makes, to the bit, but for the response's mean and Σ w(y − ȳ)²,
     * taken here in two passes (the mean, then the squares about it) instead of by Welford's
     * update: R² differs from {@link #addRows}'s in rounding only. Only for fresh sums.
     */
    boolean addFactoredRows(double[] y, double[] w, double[] m, Factor qr) {
        if (loss != Loss.LINEAR || n != 0 || notFinite != 0 || pending != null || qr.columns() != k) {
            return false;
        }
        int rows = y.length;
        // the sums count() makes, in the same order (the same bits), but the response's mean and
        // Σ w(y − ȳ)² in two passes: Welford's update divides by Σw once per row, each division
        // waiting on the one before (a Michaelis–Menten fit of 10⁵ rows took 4–10% less time
        // without it: bench/RESULTS.md, Stop 34)
        double sumRss = 0;
        double sumDeviance = 0;
        double sumLog = 0;
        double sumWeights = 0;
        double sumWy = 0;
        for (int i = 0; i < rows; i++) {
            double wi = w[i];
            // √1 is 1 and r/1 is r, exactly: an unweighted row, or a scale of 1, the same bits
            // without a square root or a division (a throughput-bound one each, per row)
            double s = wi == 1.0 ? 1.0 : Math.sqrt(wi);
            double res = s * (y[i] - m[i]);
            double z = scale == 1.0 ? res * res : (res / scale) * (res / scale);
            if (!(Double.isFinite(res) && wi > 0 && Double.isFinite(wi) && Double.isFinite(z))) {
                return false;
            }
            sumRss += res * res;
            sumDeviance += scale * scale * loss.rho(z);
            if (wi != 1.0) {
                sumLog += Math.log(wi);
            }
            sumWeights += wi;
            sumWy += wi * y[i];
        }
        double mean = sumWy / sumWeights;
        double m2 = 0;
        if (Double.isFinite(mean)) {
            for (int i = 0; i < rows; i++) {
                double d = y[i] - mean;
                m2 += w[i] * d * d;
            }
        } else {
            // Σ w·y overflowed (responses near 1e308) or there are no rows: Welford's update, which
            // never forms the sum, as addRows takes it
            double sw = 0;
            mean = 0;
            for (int i = 0; i < rows; i++) {
                sw += w[i];
                double d = y[i] - mean;
                mean += d * w[i] / sw;
                m2 += w[i] * d * (y[i] - mean);
            }
        }
        n = rows;
        rss = sumRss;
        deviance = sumDeviance;
        sumLogW = sumLog;
        sumW = sumWeights;
        meanY = mean;
        m2Y = m2;
        int c = k + 1;
        for (int i = 0; i < c; i++) {
            for (int j = i; j < c; j++) {
                r[i * c + j] = qr.entry(i, j);
            }
        }
        return true;
    }

    /** Row i of {@link #addRows}: as {@link #add}. */
    private void addRow(double[] y, double[] w, double[] m, double[] jac, int[] est, int i, BlockQr q, double[] row) {
        int n = y.length;
        double sw = Math.sqrt(w[i]);
        double res = sw * (y[i] - m[i]);
        if (!finiteRow(res, w[i], jac, est, n, i)) {
            notFinite++;
            return;
        }
        double z = (res / scale) * (res / scale);
        double a = loss.rho1(z) + 2 * loss.rho2(z) * z;
        double sa = Math.sqrt(Math.max(a, EPS));
        for (int c = 0; c < k; c++) {
            row[c] = sa * sw * jac[est[c] * n + i];
        }
        row[k] = loss.rho1(z) / sa * res;
        q.addRow(row);
        count(y[i], w[i], res, z);
    }

    /** Whether row i of {@link #addRows} can be added: its weighted residual, weight and Jacobian entries finite, the weight positive. */
    private boolean finiteRow(double res, double w, double[] jac, int[] est, int n, int i) {
        boolean finite = Double.isFinite(res) && w > 0 && Double.isFinite(w);
        for (int c = 0; c < k && finite; c++) {
            finite = Double.isFinite(jac[est[c] * n + i]);
        }
        return finite;
    }

    /** The row's share of the counts and sums; the mean and Σ w(y − ȳ)² by West's weighted update. */
    private void count(double y, double w, double res, double z) {
        n++;
        rss += res * res;
        deviance += scale * scale * loss.rho(z);
        // log 1 = 0 exactly: an unweighted fit of millions of rows need not take a logarithm per row
        if (w != 1.0) {
            sumLogW += Math.log(w);
        }
        sumW += w;
        double d = y - meanY;
        meanY += d * w / sumW;
        m2Y += w * d * (y - meanY);
    }

    private double[] row() {
        if (row == null) {
            row = new double[k + 1];
        }
        return row;
    }

    /** The block QR rows go to: R so far, then what is added. */
    private BlockQr acc() {
        if (pending == null) {
            pending = new BlockQr(k + 1);
            int w = k + 1;
            double[] ri = new double[w];
            for (int i = 0; i < w; i++) {
                System.arraycopy(r, i * w, ri, 0, w);
                pending.addRow(ri);
            }
        }
        return pending;
    }

    /** Folds the rows added since the last settle into R. */
    private void settle() {
        if (pending != null) {
            System.arraycopy(pending.r(), 0, r, 0, r.length);
            pending = null;
        }
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        settle();
        out.defaultWriteObject();
    }

    /** Adds another set of sums (another partition's rows) into this one. */
    public RowSums merge(RowSums o) {
        if (o.k != k || o.loss != loss || o.scale != scale) {
            throw new FitException("RowSums.merge: sums of " + o.k + " parameters (" + o.loss + ", " + o.scale
                    + ") into sums of " + k + " (" + loss + ", " + scale + ")");
        }
        o.settle();
        int w = k + 1;
        BlockQr q = acc();
        for (int i = 0; i < w; i++) {
            double[] row = new double[w];
            System.arraycopy(o.r, i * w, row, 0, w);
            q.addRow(row);
        }
        if (o.sumW > 0) {
            double total = sumW + o.sumW;
            double d = o.meanY - meanY;
            m2Y += o.m2Y + d * d * (sumW * o.sumW / total);
            meanY += d * o.sumW / total;
            sumW = total;
        }
        n += o.n;
        rss += o.rss;
        deviance += o.deviance;
        sumLogW += o.sumLogW;
        notFinite += o.notFinite;
        return this;
    }

    /** Rows left out because something in them was not finite. */
    public long notFiniteRows() {
        return notFinite;
    }

    /** Σ wᵢ(yᵢ − mᵢ)², the weighted residual sum of squares. */
    public double residualSumOfSquares() {
        return rss;
    }

    /** R[i][j] of the factor of [J | r] (j = k is the residual column). */
    double factor(int i, int j) {
        settle();
        return r[i * (k + 1) + j];
    }

}
