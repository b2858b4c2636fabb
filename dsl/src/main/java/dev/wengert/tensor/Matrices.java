package dev.wengert.tensor;

import dev.wengert.core.Num;
import dev.wengert.core.WengertException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Small dense matrices and vectors in scalar code: {@code Num[][]} (rows) and {@code Num[]},
 * the shapes a rotation, a camera or a 4×4 transform takes in a loss written over Num. Every
 * result is made of Num operations, so it is differentiated in every mode (forward, reverse,
 * nested, compiled tapes) like the rest of the code; for whole arrays of data use
 * {@link Tensor}, whose operations are one tape node each.
 *
 * <p>{@link #det}, {@link #inverse} and {@link #solve} go through an LU factorisation with
 * partial pivoting (the pivot is chosen by comparing recorded values, which a compiled tape
 * guards). The {@code double[][]} versions use Commons Math's {@link LUDecomposition}; these
 * are written over Num because Commons Math's field matrices need a field (exact division),
 * which a differentiable value with comparisons on its value is not.
 *
 * <pre>{@code
 * Num[][] a = {{param("a", 2.0), constant(1)}, {constant(1), constant(3)}};
 * Num d = det(a);            // 2·3 − 1·1 = 5
 * d.backward();              // ∂det/∂a₀₀ = a₁₁ = 3
 * }</pre>
 */
public final class Matrices {
    private Matrices() {
    }

    /** The matrix product a·b ({@code a} is n×k, {@code b} k×m). */
    public static Num[][] matmul(Num[][] a, Num[][] b) {
        int k = columns(a, "matmul", "a");
        int m = columns(b, "matmul", "b");
        if (b.length != k) {
            throw new IllegalArgumentException("matmul: a is " + a.length + "×" + k + " and b is " + b.length + "×" + m
                    + ": a's column count must equal b's row count");
        }
        Num[][] c = new Num[a.length][m];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < m; j++) {
                Num s = a[i][0].times(b[0][j]);
                for (int p = 1; p < k; p++) {
                    s = s.plus(a[i][p].times(b[p][j]));
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    /** The matrix–vector product a·x. */
    public static Num[] matvec(Num[][] a, Num[] x) {
        int k = columns(a, "matvec", "a");
        vector(x, "matvec", "x");
        if (x.length != k) {
            throw new IllegalArgumentException("matvec: a is " + a.length + "×" + k + " but x has " + x.length
                    + " elements: they must match a's column count");
        }
        Num[] y = new Num[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = dot(a[i], x);
        }
        return y;
    }

    /** The transpose. */
    public static Num[][] transpose(Num[][] a) {
        int m = columns(a, "transpose", "a");
        Num[][] t = new Num[m][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < m; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** Σ aᵢ·bᵢ. */
    public static Num dot(Num[] a, Num[] b) {
        vector(a, "dot", "a");
        vector(b, "dot", "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException("dot: the vectors have " + a.length + " and " + b.length
                    + " elements; they must have as many");
        }
        Num s = a[0].times(b[0]);
        for (int i = 1; i < a.length; i++) {
            s = s.plus(a[i].times(b[i]));
        }
        return s;
    }

    /** The cross product a × b of two 3-vectors. */
    public static Num[] cross(Num[] a, Num[] b) {
        vector(a, "cross", "a");
        vector(b, "cross", "b");
        if (a.length != 3 || b.length != 3) {
            throw new IllegalArgumentException("cross: the vectors have " + a.length + " and " + b.length
                    + " elements; the cross product is of two 3-vectors");
        }
        return new Num[] {
            a[1].times(b[2]).minus(a[2].times(b[1])),
            a[2].times(b[0]).minus(a[0].times(b[2])),
            a[0].times(b[1]).minus(a[1].times(b[0]))
        };
    }

    /**
     * The determinant, from an LU factorisation with partial pivoting: the product of the
     * pivots, its sign that of the row permutation. An exactly singular matrix (a zero pivot)
     * is expanded by cofactors instead, so that its derivatives, the cofactors, are exact there
     * too (that costs n! operations, so only small singular matrices are cheap).
     */
    public static Num det(Num[][] a) {
        int n = square(a, "det");
        Lu f = Lu.of(a);
        if (f.singular >= 0) {
            return cofactors(a, n);
        }
        Num d = f.lu[0][0];
        for (int i = 1; i < n; i++) {
            d = d.times(f.lu[i][i]);
        }
        return f.sign < 0 ? d.neg() : d;
    }

    /** The inverse; a singular matrix is an error naming the zero pivot. */
    public static Num[][] inverse(Num[][] a) {
        int n = square(a, "inverse");
        Lu f = factor(a, "inverse");
        Num[][] inv = new Num[n][n];
        for (int j = 0; j < n; j++) {
            Num[] e = new Num[n];
            for (int i = 0; i < n; i++) {
                e[i] = Num.constant(i == j ? 1.0 : 0.0);
            }
            Num[] col = f.solve(e);
            for (int i = 0; i < n; i++) {
                inv[i][j] = col[i];
            }
        }
        return inv;
    }

    /** The solution x of a·x = b. */
    public static Num[] solve(Num[][] a, Num[] b) {
        int n = square(a, "solve");
        vector(b, "solve", "b");
        if (b.length != n) {
            throw new IllegalArgumentException("solve: a is " + n + "×" + n + " but b has " + b.length + " elements");
        }
        return factor(a, "solve").solve(b);
    }

    /** The solution X of a·X = b, column by column. */
    public static Num[][] solve(Num[][] a, Num[][] b) {
        int n = square(a, "solve");
        int m = columns(b, "solve", "b");
        if (b.length != n) {
            throw new IllegalArgumentException("solve: a is " + n + "×" + n + " but b has " + b.length + " rows");
        }
        Lu f = factor(a, "solve");
        Num[][] x = new Num[n][m];
        for (int j = 0; j < m; j++) {
            Num[] col = new Num[n];
            for (int i = 0; i < n; i++) {
                col[i] = b[i][j];
            }
            Num[] s = f.solve(col);
            for (int i = 0; i < n; i++) {
                x[i][j] = s[i];
            }
        }
        return x;
    }

    /** The n×n identity, as constants. */
    public static Num[][] identity(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("identity(" + n + "): the size must be at least 1");
        }
        Num[][] e = new Num[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e[i][j] = Num.constant(i == j ? 1.0 : 0.0);
            }
        }
        return e;
    }

    /** A matrix of constants. */
    public static Num[][] constants(double[][] a) {
        if (a == null || a.length == 0 || a[0] == null || a[0].length == 0) {
            throw new IllegalArgumentException("constants(a): give a matrix with at least one row and column");
        }
        Num[][] c = new Num[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != a[0].length) {
                throw new IllegalArgumentException("constants(a): row " + i + " has "
                        + (a[i] == null ? "no values" : a[i].length + " values") + " but row 0 has " + a[0].length);
            }
            for (int j = 0; j < a[i].length; j++) {
                c[i][j] = Num.constant(a[i][j]);
            }
        }
        return c;
    }

    /** The values of a matrix. */
    public static double[][] values(Num[][] a) {
        int m = columns(a, "values", "a");
        double[][] v = new double[a.length][m];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < m; j++) {
                v[i][j] = a[i][j].value();
            }
        }
        return v;
    }

    // ---- doubles --------------------------------------------------------------------------------

    /** The determinant of a matrix of doubles (Commons Math's LU). */
    public static double det(double[][] a) {
        return new LUDecomposition(squareMatrix(a, "det")).getDeterminant();
    }

    /** The inverse of a matrix of doubles; a singular one is an error. */
    public static double[][] inverse(double[][] a) {
        LUDecomposition lu = new LUDecomposition(squareMatrix(a, "inverse"));
        if (!lu.getSolver().isNonSingular()) {
            throw new WengertException("inverse: the matrix is singular; a singular matrix has no inverse "
                    + "(use solve with a least-squares method, or regularise it)");
        }
        return lu.getSolver().getInverse().getData();
    }

    /** The solution of a·x = b for doubles; a singular a is an error. */
    public static double[] solve(double[][] a, double[] b) {
        LUDecomposition lu = new LUDecomposition(squareMatrix(a, "solve"));
        if (!lu.getSolver().isNonSingular()) {
            throw new WengertException("solve: the matrix is singular, so a·x = b has no unique solution");
        }
        if (b == null || b.length != a.length) {
            throw new IllegalArgumentException("solve: a has " + a.length + " rows but b has "
                    + (b == null ? "no" : String.valueOf(b.length)) + " elements");
        }
        return lu.getSolver().solve(new ArrayRealVector(b)).toArray();
    }

    /** The matrix product of doubles. */
    public static double[][] matmul(double[][] a, double[][] b) {
        RealMatrix ma = matrix(a, "matmul");
        RealMatrix mb = matrix(b, "matmul");
        if (ma.getColumnDimension() != mb.getRowDimension()) {
            throw new IllegalArgumentException("matmul: a is " + ma.getRowDimension() + "×" + ma.getColumnDimension()
                    + " and b is " + mb.getRowDimension() + "×" + mb.getColumnDimension()
                    + ": a's column count must equal b's row count");
        }
        return ma.multiply(mb).getData();
    }

    /** The cross product of two 3-vectors of doubles. */
    public static double[] cross(double[] a, double[] b) {
        if (a == null || b == null || a.length != 3 || b.length != 3) {
            throw new IllegalArgumentException("cross: the cross product is of two 3-vectors");
        }
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static RealMatrix matrix(double[][] a, String op) {
        if (a == null || a.length == 0 || a[0] == null || a[0].length == 0) {
            throw new IllegalArgumentException(op + ": give a matrix with at least one row and column");
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != a[0].length) {
                throw new IllegalArgumentException(op + ": the matrix is not rectangular: row " + i + " has "
                        + (a[i] == null ? "no values" : a[i].length + " values") + " but row 0 has " + a[0].length);
            }
        }
        return new Array2DRowRealMatrix(a, true);
    }

    private static RealMatrix squareMatrix(double[][] a, String op) {
        RealMatrix m = matrix(a, op);
        if (!m.isSquare()) {
            throw new IllegalArgumentException(op + ": the matrix is " + m.getRowDimension() + "×" + m.getColumnDimension()
                    + "; it must be square");
        }
        return m;
    }

    // ---- LU with partial pivoting ----------------------------------------------------------------

    /** P·a = L·U, L unit lower triangular below the diagonal of {@code lu}, U on and above it. */
    private static final class Lu {
        final Num[][] lu;
        final int[] perm;
        int sign = 1;
        /** The column of the first zero pivot, or −1. */
        int singular = -1;

        private Lu(Num[][] lu, int[] perm) {
            this.lu = lu;
            this.perm = perm;
        }

        static Lu of(Num[][] a) {
            int n = a.length;
            Num[][] lu = new Num[n][];
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                lu[i] = a[i].clone();
                perm[i] = i;
            }
            Lu f = new Lu(lu, perm);
            for (int k = 0; k < n; k++) {
                int p = k;
                Num best = lu[k][k].abs();
                for (int i = k + 1; i < n; i++) {
                    Num c = lu[i][k].abs();
                    if (c.gt(best)) {
                        best = c;
                        p = i;
                    }
                }
                if (best.eq(0)) {
                    f.singular = k;
                    return f;
                }
                if (p != k) {
                    Num[] r = lu[p];
                    lu[p] = lu[k];
                    lu[k] = r;
                    int t = perm[p];
                    perm[p] = perm[k];
                    perm[k] = t;
                    f.sign = -f.sign;
                }
                for (int i = k + 1; i < n; i++) {
                    Num l = lu[i][k].div(lu[k][k]);
                    lu[i][k] = l;
                    for (int j = k + 1; j < n; j++) {
                        lu[i][j] = lu[i][j].minus(l.times(lu[k][j]));
                    }
                }
            }
            return f;
        }

        /** x with a·x = b: forward substitution through L (b permuted), back substitution through U. */
        Num[] solve(Num[] b) {
            int n = lu.length;
            Num[] y = new Num[n];
            for (int i = 0; i < n; i++) {
                Num s = b[perm[i]];
                for (int j = 0; j < i; j++) {
                    s = s.minus(lu[i][j].times(y[j]));
                }
                y[i] = s;
            }
            Num[] x = new Num[n];
            for (int i = n - 1; i >= 0; i--) {
                Num s = y[i];
                for (int j = i + 1; j < n; j++) {
                    s = s.minus(lu[i][j].times(x[j]));
                }
                x[i] = s.div(lu[i][i]);
            }
            return x;
        }
    }

    private static Lu factor(Num[][] a, String op) {
        Lu f = Lu.of(a);
        if (f.singular >= 0) {
            throw new WengertException(op + ": the matrix is singular (column " + f.singular + " has no non-zero pivot "
                    + "left): it has no inverse, and a·x = b no unique solution");
        }
        return f;
    }

    /** det by cofactor expansion along the first row (exact derivatives at singular matrices). */
    private static Num cofactors(Num[][] a, int n) {
        if (n == 1) {
            return a[0][0];
        }
        Num d = null;
        for (int j = 0; j < n; j++) {
            Num[][] minor = new Num[n - 1][n - 1];
            for (int i = 1; i < n; i++) {
                for (int c = 0, k = 0; c < n; c++) {
                    if (c != j) {
                        minor[i - 1][k++] = a[i][c];
                    }
                }
            }
            Num t = a[0][j].times(cofactors(minor, n - 1));
            d = d == null ? t : j % 2 == 0 ? d.plus(t) : d.minus(t);
        }
        return d;
    }

    // ---- checks -----------------------------------------------------------------------------------

    /** The column count of a rectangular matrix, or an error naming the operation and argument. */
    private static int columns(Num[][] a, String op, String name) {
        if (a == null || a.length == 0) {
            throw new IllegalArgumentException(op + ": " + name + " is " + (a == null ? "null" : "empty")
                    + "; give a matrix with at least one row");
        }
        int m = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length == 0) {
                throw new IllegalArgumentException(op + ": row " + i + " of " + name + " is "
                        + (a[i] == null ? "null" : "empty"));
            }
            if (m >= 0 && a[i].length != m) {
                throw new IllegalArgumentException(op + ": " + name + " is not rectangular: row " + i + " has "
                        + a[i].length + " elements but row 0 has " + m);
            }
            m = a[i].length;
            for (int j = 0; j < m; j++) {
                if (a[i][j] == null) {
                    throw new IllegalArgumentException(op + ": " + name + "[" + i + "][" + j + "] is null");
                }
            }
        }
        return m;
    }

    private static int square(Num[][] a, String op) {
        int m = columns(a, op, "the matrix");
        if (m != a.length) {
            throw new IllegalArgumentException(op + ": the matrix is " + a.length + "×" + m + "; it must be square");
        }
        return m;
    }

    private static void vector(Num[] x, String op, String name) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(op + ": " + name + " is " + (x == null ? "null" : "empty"));
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null) {
                throw new IllegalArgumentException(op + ": " + name + "[" + i + "] is null");
            }
        }
    }
}
