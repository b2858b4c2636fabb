package dev.wengert.fit;

/**
 * A {@link LeastSquares} problem as {@link Lm} sees it: the residuals r̃ and their Jacobian
 * ∂r̃/∂q over the free parameters, kept column by column by {@link LeastSquares.Point}, which
 * {@link #factor} hands to the block QR as they are (no m×p copy, no row arrays). The last two
 * points are kept, so a restart from where a run ended evaluates nothing.
 *
 * <p>A point where the model or its derivative is not finite (a trial step into a region
 * where it is undefined) gets residuals of 10⁵⁰ and a zero Jacobian, so LM rejects the step and
 * shrinks its trust region instead of NaN poisoning its comparisons.
 */
final class LmProblem implements Lm.Problem {
    /** A residual where the model is not finite: large, so the step is rejected, yet its square sums safely. */
    static final double NOT_FINITE_RESIDUAL = 1e50;

    private final LeastSquares problem;
    private final LeastSquares.Point[] points = new LeastSquares.Point[2];
    private int next;

    LmProblem(LeastSquares problem) {
        this.problem = problem;
    }

    @Override
    public int rows() {
        return problem.rows();
    }

    @Override
    public int unknowns() {
        return problem.unknowns();
    }

    @Override
    public int evaluate(double[] q) {
        for (int s = 0; s < 2; s++) {
            if (points[s] != null && java.util.Arrays.equals(points[s].q(), q)) {
                return s;
            }
        }
        int s = next;
        next = 1 - next;
        points[s] = problem.at(q);
        return s;
    }

    @Override
    public double cost(int point) {
        LeastSquares.Point at = points[point];
        return at.finite() ? Math.sqrt(2 * at.cost()) : Math.sqrt((double) rows()) * NOT_FINITE_RESIDUAL;
    }

    @Override
    public void factor(int point, BlockQr qr) {
        LeastSquares.Point at = points[point];
        int n = rows();
        if (!at.finite()) {
            // LM factors only points it accepted, which are finite, and a start where the model
            // is not finite is refused before: rows of 10⁵⁰ against a zero Jacobian all the same
            double[] row = new double[unknowns() + 1];
            row[unknowns()] = NOT_FINITE_RESIDUAL;
            for (int i = 0; i < n; i++) {
                qr.addRow(row);
            }
            return;
        }
        qr.addColumns(at.jt(), n, null, 1.0, at.rt(), 1.0, 0, n);
    }
}
