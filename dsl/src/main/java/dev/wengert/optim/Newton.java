package dev.wengert.optim;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * Newton's method with the exact Hessian (forward over reverse, {@code hessian(f, x)}): each
 * step solves (H + τI)·d = −∇f by Commons Math's Cholesky decomposition, with τ = 0 where H is
 * positive definite and otherwise grown until it is (Nocedal &amp; Wright, Algorithm 3.3:
 * "Cholesky with added multiple of the identity"), so d is always downhill; then a line search
 * that tries the full Newton step first (Armijo backtracking by default).
 *
 * <pre>{@code
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * newton().minimize(rosenbrock, -1.2, 1.0);   // about 20 iterations; quadratic convergence near (1, 1)
 * }</pre>
 *
 * <p>Each iteration costs one Hessian (about n gradients' work, n² memory): the method for
 * small n, where its quadratic convergence pays. {@link OptimizationResult#evaluations()}
 * counts each Hessian as one evaluation, besides the value-and-gradient evaluations. f never
 * rises.
 */
public final class Newton extends Optimizer<Newton> {
    private LineSearch lineSearch = LineSearch.backtracking();

    private Newton() {
        super(500);
    }

    /** Newton's method with Armijo backtracking from the full step. */
    public static Newton create() {
        return new Newton();
    }

    /** The line search; default {@link LineSearch#backtracking()} (first trial: the full Newton step). */
    public Newton lineSearch(LineSearch search) {
        if (search == null) {
            throw new IllegalArgumentException("lineSearch(null): pass LineSearch.backtracking(), strongWolfe() or brent()");
        }
        this.lineSearch = search;
        return this;
    }

    @Override
    public String name() {
        return "Newton (exact Hessian" + (lineSearch instanceof BacktrackingLineSearch ? "" : ", " + lineSearch) + ")";
    }

    @Override
    void iterate(Run run) {
        while (run.running()) {
            double[] g = run.g();
            double[][] h = run.objective.hessian(run.x());
            if (!finite(h)) {
                run.stop("the Hessian at iteration " + run.iteration() + " is not finite; stopped and kept the "
                        + "best point", false);
                return;
            }
            Trial t = lineSearch.search(run.line(direction(h, g)), 1);
            if (t == null) {
                // rounding can spoil a Newton step near the minimum: one try downhill before giving up
                t = lineSearch.search(run.line(Vectors.negate(g)), 1 / Math.max(1, Vectors.norm(g)));
            }
            if (t == null) {
                run.stopNoDecrease();
                return;
            }
            run.accept(t);
        }
    }

    /** d solving (H + τI)·d = −g, τ ≥ 0 the smallest tried that makes H + τI positive definite. */
    static double[] direction(double[][] h, double[] g) {
        int n = g.length;
        double[][] a = new double[n][n];
        double minDiagonal = Double.POSITIVE_INFINITY;
        double size = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // the AD Hessian is symmetric up to rounding; Cholesky wants it exactly symmetric
                a[i][j] = 0.5 * (h[i][j] + h[j][i]);
                size = Math.max(size, Math.abs(a[i][j]));
            }
            minDiagonal = Math.min(minDiagonal, a[i][i]);
        }
        double beta = 1e-3 * Math.max(1, size);
        double tau = minDiagonal > 0 ? 0 : beta - minDiagonal;
        ArrayRealVector rhs = new ArrayRealVector(Vectors.negate(g));
        for (int k = 0; k < 80; k++) {
            Array2DRowRealMatrix m = new Array2DRowRealMatrix(a);
            for (int i = 0; i < n; i++) {
                m.addToEntry(i, i, tau);
            }
            try {
                double[] d = new CholeskyDecomposition(m).getSolver().solve(rhs).toArray();
                if (Vectors.finite(d)) {
                    return d;
                }
            } catch (NonPositiveDefiniteMatrixException e) {
                // not positive definite yet: shift further
            }
            tau = Math.max(2 * tau, beta);
        }
        return Vectors.negate(g);
    }

    private static boolean finite(double[][] h) {
        for (double[] row : h) {
            if (!Vectors.finite(row)) {
                return false;
            }
        }
        return true;
    }
}
