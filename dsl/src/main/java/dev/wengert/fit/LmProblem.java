package dev.wengert.fit;

/**
 * A {@link LeastSquares} problem as {@link Lm} sees it: the residuals r̃ and their Jacobian
 * ∂r̃/∂q over the free parameters, kept column by column by {@link LeastSquares.Point}, which
 * {@link #factor} hands to the block QR as they are (no m×p copy, no row arrays). The cost of
 * the last two points is kept, so a restart from where a run ended evaluates nothing; only the
 * latest point is held (LM factors a point right after it accepted it), and it is released
 * before the next is evaluated, whose arrays are then the same ({@link LeastSquares}: a fit
 * reuses one point's values and Jacobian for all of LM's points).
 *
 * <p>A point where the model or its derivative is not finite (a trial step into a region
 * where it is undefined) gets residuals of 10⁵⁰ and a zero Jacobian, so LM rejects the step and
 * shrinks its trust region instead of NaN poisoning its comparisons.
 */
final class LmProblem implements Lm.Problem {
    /** A residual where the model is not finite: large, so the step is rejected, yet its square sums safely. */
    static final double NOT_FINITE_RESIDUAL = 1e50;

    private final LeastSquares problem;
    /** The last two points evaluated and their costs; only the latest keeps its arrays. */
    private final double[][] points = new double[2][];
    private final double[] costs = new double[2];
    private final boolean[] finite = new boolean[2];
    private LeastSquares.Point latest;
    private int latestSlot = -1;
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
            if (java.util.Arrays.equals(points[s], q)) {
                return s;
            }
        }
        int s = next;
        next = 1 - next;
        keep(s, q);
        return s;
    }

    /** Evaluates q into slot s, letting go of the latest point first (only one point is ever held here). */
    private void keep(int s, double[] q) {
        release();
        LeastSquares.Point at = problem.at(q);
        points[s] = q.clone();
        finite[s] = at.finite();
        costs[s] = at.finite() ? Math.sqrt(2 * at.cost()) : Math.sqrt((double) rows()) * NOT_FINITE_RESIDUAL;
        latest = at;
        latestSlot = s;
    }

    /** Lets go of the latest point (the solver is done with it): its arrays serve the next points. */
    void release() {
        if (latest != null) {
            latest.release();
        }
        latest = null;
        latestSlot = -1;
    }

    @Override
    public double cost(int point) {
        return costs[point];
    }

    @Override
    public void factor(int point, BlockQr qr) {
        int n = rows();
        if (!finite[point]) {
            // LM factors only points it accepted, which are finite, and a start where the model
            // is not finite is refused before: rows of 10⁵⁰ against a zero Jacobian all the same
            double[] row = new double[unknowns() + 1];
            row[unknowns()] = NOT_FINITE_RESIDUAL;
            for (int i = 0; i < n; i++) {
                qr.addRow(row);
            }
            return;
        }
        if (latestSlot != point) {
            keep(point, points[point]);               // a restart from an earlier point: evaluated again
        }
        latest.feed(qr);
    }
}
