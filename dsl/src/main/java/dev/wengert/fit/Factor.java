package dev.wengert.fit;

/**
 * The triangular factor R of the QR factorisation of [J | f], made from the rows in blocks
 * ({@link BlockQr}), and what the solvers and the refinement read from it: whether J has full
 * rank, (JᵀJ)⁻¹, the least-squares solution of J·x ≈ f (a Gauss–Newton step), and how much of
 * f it explains. Forming JᵀJ would square
 * J's condition number (NIST's Thurber, MGH17 and the Lanczos problems lose most of their
 * digits that way); R loses only about cond(J·D⁻¹)·ε, D the column norms, which the inversion
 * scales out as before.
 */
final class Factor {
    private final int k;
    private final int rows;
    /** R, (k + 1)×(k + 1) row-major. */
    private final double[] r;
    private final double[] norms;

    private Factor(int k, int rows, double[] r) {
        this.k = k;
        this.rows = rows;
        this.r = r;
        this.norms = new double[k];
        int c = k + 1;
        for (int j = 0; j < k; j++) {
            // ‖J's column j‖ = ‖R's column j‖ (Q is orthogonal), scaled against overflow
            double big = 0;
            for (int i = 0; i <= j; i++) {
                big = Math.max(big, Math.abs(r[i * c + j]));
            }
            double s = 0;
            if (big > 0 && Double.isFinite(big)) {
                for (int i = 0; i <= j; i++) {
                    double v = r[i * c + j] / big;
                    s += v * v;
                }
            }
            norms[j] = big * Math.sqrt(s);
        }
    }

    /**
     * R of [A | fSign·f] with A the columns {@code cols} of a column-major matrix of n rows (cols
     * null: the first k).
     */
    static Factor of(double[] a, int n, int k, int[] cols, double[] f, double fSign) {
        BlockQr q = new BlockQr(k + 1);
        q.addColumns(a, n, cols, 1.0, f, fSign, 0, n);
        return new Factor(k, n, q.r());
    }

    /** R of whatever rows were given to q (k + 1 columns, the last the right-hand side). */
    static Factor of(BlockQr q) {
        return new Factor(q.columns() - 1, (int) Math.min(Integer.MAX_VALUE, q.rows()), q.r());
    }

    /** R of [J | r] from J's rows (and r; null for zeros): for a Jacobian made elsewhere (finite differences). */
    static Factor ofRows(double[][] j, double[] r) {
        int k = j[0].length;
        BlockQr q = new BlockQr(k + 1);
        double[] row = new double[k + 1];
        for (int i = 0; i < j.length; i++) {
            System.arraycopy(j[i], 0, row, 0, k);
            row[k] = r == null ? 0.0 : r[i];
            q.addRow(row);
        }
        return new Factor(k, j.length, q.r());
    }

    private double u(int i, int j) {
        return r[i * (k + 1) + j];
    }

    /** R[i][j] (j = k: the right-hand side's column), for statistics built from this factor ({@link RowSums}). */
    double entry(int i, int j) {
        return u(i, j);
    }

    /** The number of columns of J. */
    int columns() {
        return k;
    }

    /** The column norms of J (the scaling D). */
    double[] columnNorms() {
        return norms.clone();
    }

    /**
     * Whether J has full column rank, to working precision: a zero column (a parameter the
     * model does not use) or a diagonal of R·D⁻¹ this far below its largest entry (parameters
     * the data cannot tell apart) makes the covariance meaningless.
     */
    boolean fullRank() {
        double max = 0;
        for (int j = 0; j < k; j++) {
            if (!(norms[j] > 0)) {
                return false;
            }
            max = Math.max(max, Math.abs(u(j, j)) / norms[j]);
        }
        for (int j = 0; j < k; j++) {
            if (Math.abs(u(j, j)) / norms[j] <= 1e-15 * Math.max(rows, k) * max) {
                return false;
            }
        }
        return true;
    }

    /** (JᵀJ)⁻¹ = D⁻¹·S⁻¹·S⁻ᵀ·D⁻¹ with S = R·D⁻¹ (full rank assumed). */
    double[][] inverseOfNormalMatrix() {
        double[][] sinv = new double[k][k];
        for (int c = 0; c < k; c++) {
            // column c of S⁻¹ by back substitution
            for (int i = c; i >= 0; i--) {
                double s = i == c ? 1.0 : 0.0;
                for (int l = i + 1; l <= c; l++) {
                    s -= u(i, l) / norms[l] * sinv[l][c];
                }
                sinv[i][c] = s / (u(i, i) / norms[i]);
            }
        }
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int l = Math.max(i, j); l < k; l++) {
                    s += sinv[i][l] * sinv[j][l];
                }
                s /= norms[i] * norms[j];
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }

    /** The least-squares solution x of J·x ≈ r (full rank assumed): R₁₁·x = Qᵀr. */
    double[] gaussNewtonStep() {
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = u(i, k);
            for (int l = i + 1; l < k; l++) {
                s -= u(i, l) * x[l];
            }
            x[i] = s / u(i, i);
        }
        return x;
    }

    /** ‖Q₁ᵀr‖²: the part of the residuals' sum of squares the columns of J could still explain. */
    double explained() {
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += u(i, k) * u(i, k);
        }
        return s;
    }

    /** The rest, R's corner squared: what no step can remove. */
    double unexplained() {
        return u(k, k) * u(k, k);
    }
}
