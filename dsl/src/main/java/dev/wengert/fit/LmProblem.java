package dev.wengert.fit;

import dev.wengert.core.NonFiniteException;


/**
 * A fit as {@link Lm} sees it: residuals fᵢ = √wᵢ·(yᵢ − m(p, xᵢ)) and their Jacobian
 * Aᵢⱼ = −√wᵢ·∂m/∂pⱼ, which {@link #factor} feeds to the block QR straight from the model's
 * column-major Jacobian (no m×p copy). One pass over the rows per point ({@link Residuals#at},
 * which keeps the last point's arrays: a restart from where a run ended, the refinement and
 * the statistics reuse them), and ‖f‖ of the last two points.
 *
 * <p>A point where the model or its derivative is not finite (a trial step into a region
 * where it is undefined) gets residuals of 10⁵⁰ and a zero Jacobian, so LM rejects the step and
 * shrinks its trust region instead of NaN poisoning its comparisons.
 */
final class LmProblem implements Lm.Problem {
    /** A residual where the model is not finite: large, so the step is rejected, yet its square sums safely. */
    static final double NOT_FINITE_RESIDUAL = 1e50;

    private final Residuals model;
    private final int n;
    private final int k;
    private final double[] sqrtW;
    private final double[][] points = new double[2][];
    private final double[] costs = new double[2];
    private int next;

    LmProblem(Residuals model, int parameters) {
        this.model = model;
        this.n = model.target().length;
        this.k = parameters;
        this.sqrtW = model.sqrtW();
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int unknowns() {
        return k;
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
        costs[s] = compute(q);
        points[s] = q.clone();
        return s;
    }

    @Override
    public double cost(int point) {
        return costs[point];
    }

    @Override
    public void factor(int point, BlockQr qr) {
        Evaluation e = model.at(points[point]);
        if (!e.finite) {
            // LM factors only points it accepted, which are finite; a start where the model is
            // not finite is refused before (checkStart): rows of 10⁵⁰ against a zero Jacobian
            double[] row = new double[k + 1];
            row[k] = NOT_FINITE_RESIDUAL;
            for (int i = 0; i < n; i++) {
                qr.addRow(row);
            }
            return;
        }
        qr.add(e.jac, n, sqrtW, -1.0, e.wr, 0, n);
    }

    /** ‖f‖ at q (huge where the model is not finite), with the point noted for the solver's account. */
    private double compute(double[] q) {
        Evaluation e;
        try {
            e = model.at(q);
        } catch (NonFiniteException ex) {
            e = null;                             // checking mode is on: a point where the model is undefined
        }
        boolean finite = e != null && e.finite;
        model.noteEvaluation(q, finite ? e.rss : Double.NaN, finite);
        return finite ? Math.sqrt(e.rss) : Math.sqrt((double) n) * NOT_FINITE_RESIDUAL;
    }
}
