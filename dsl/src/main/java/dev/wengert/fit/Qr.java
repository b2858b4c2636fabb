package dev.wengert.fit;

/**
 * Householder QR of a tall matrix after scaling its columns to unit length, for the
 * statistics at the solution. Forming JᵀJ would square the condition number (NIST's Thurber,
 * MGH17 and the Lanczos problems lose most of their digits that way); QR of the column-scaled
 * J loses only about cond(J·D⁻¹) · ε.
 */
final class Qr {
    private final int n;
    private final int p;
    private final double[][] a;      // Householder vectors below the diagonal, R on and above
    private final double[] rDiag;
    private final double[] colScale;

    Qr(double[][] j) {
        n = j.length;
        p = n == 0 ? 0 : j[0].length;
        a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = j[i].clone();
        }
        colScale = new double[p];
        for (int k = 0; k < p; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s = Math.hypot(s, a[i][k]);
            }
            colScale[k] = s;
            if (s > 0) {
                for (int i = 0; i < n; i++) {
                    a[i][k] /= s;
                }
            }
        }
        rDiag = new double[p];
        for (int k = 0; k < p; k++) {
            double norm = 0;
            for (int i = k; i < n; i++) {
                norm = Math.hypot(norm, a[i][k]);
            }
            if (norm != 0) {
                if (a[k][k] < 0) {
                    norm = -norm;
                }
                for (int i = k; i < n; i++) {
                    a[i][k] /= norm;
                }
                a[k][k] += 1;
                for (int c = k + 1; c < p; c++) {
                    double s = 0;
                    for (int i = k; i < n; i++) {
                        s += a[i][k] * a[i][c];
                    }
                    s = -s / a[k][k];
                    for (int i = k; i < n; i++) {
                        a[i][c] += s * a[i][k];
                    }
                }
            }
            rDiag[k] = -norm;
        }
    }

    /**
     * Whether the scaled Jacobian has full column rank, to working precision: a zero column
     * (a parameter the model does not use) or a diagonal of R this far below its largest
     * entry (parameters the data cannot tell apart) makes the covariance meaningless.
     */
    boolean fullRank() {
        double max = 0;
        for (int k = 0; k < p; k++) {
            if (colScale[k] == 0) {
                return false;
            }
            max = Math.max(max, Math.abs(rDiag[k]));
        }
        for (int k = 0; k < p; k++) {
            if (Math.abs(rDiag[k]) <= 1e-15 * Math.max(n, p) * max) {
                return false;
            }
        }
        return true;
    }

    /** (JᵀJ)⁻¹ = D⁻¹ R⁻¹ R⁻ᵀ D⁻¹. */
    double[][] inverseOfNormalMatrix() {
        double[][] rinv = new double[p][p];
        for (int c = 0; c < p; c++) {
            // solve R · x = e_c by back substitution (x is column c of R⁻¹)
            for (int r = c; r >= 0; r--) {
                double s = r == c ? 1.0 : 0.0;
                for (int k = r + 1; k <= c; k++) {
                    s -= r(r, k) * rinv[k][c];
                }
                rinv[r][c] = s / rDiag[r];
            }
        }
        double[][] out = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = Math.max(i, j); k < p; k++) {
                    s += rinv[i][k] * rinv[j][k];
                }
                s /= colScale[i] * colScale[j];
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }

    /** Qᵀ·v. */
    double[] qtv(double[] v) {
        double[] x = v.clone();
        for (int k = 0; k < p; k++) {
            if (a[k][k] == 0) {
                continue;
            }
            double s = 0;
            for (int i = k; i < n; i++) {
                s += a[i][k] * x[i];
            }
            s = -s / a[k][k];
            for (int i = k; i < n; i++) {
                x[i] += s * a[i][k];
            }
        }
        return x;
    }

    /** The least-squares solution x of J·x ≈ v (full column rank assumed). */
    double[] solve(double[] v) {
        double[] qtv = qtv(v);
        double[] z = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = qtv[r];
            for (int k = r + 1; k < p; k++) {
                s -= r(r, k) * z[k];
            }
            z[r] = s / rDiag[r];
        }
        // the QR is of J·D⁻¹, so its solution is D·x
        for (int k = 0; k < p; k++) {
            z[k] /= colScale[k];
        }
        return z;
    }

    /** The column norms of J (the scaling D). */
    double[] columnNorms() {
        return colScale.clone();
    }

    private double r(int i, int k) {
        return i == k ? rDiag[i] : a[i][k];
    }
}
