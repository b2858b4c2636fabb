package dev.wengert.fit;

import dev.wengert.core.NonFiniteException;

import java.util.Arrays;

/**
 * A fit as {@link Lm} sees it: residuals fᵢ = √wᵢ·(yᵢ − m(p, xᵢ)) and their Jacobian
 * Aᵢⱼ = −√wᵢ·∂m/∂pⱼ, which {@link #factor} feeds to the block QR straight from the model's
 * column-major Jacobian (no m×p copy). One pass over the rows per point; the values and
 * Jacobian of the last point evaluated are kept (8·(p + 1) bytes per row), and ‖f‖ of the last
 * two, so a restart from where a run ended costs nothing.
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
    private final double[] target;
    private final double[] sqrtW;
    private final double[] res;
    private final double[] jac;
    /** The point res and jac belong to. */
    private double[] held;
    private final double[][] points = new double[2][];
    private final double[] costs = new double[2];
    private int next;

    LmProblem(Residuals model, int parameters) {
        this.model = model;
        this.n = model.target().length;
        this.k = parameters;
        this.target = model.target();
        this.sqrtW = model.sqrtW();
        this.res = new double[n];
        this.jac = new double[n * parameters];
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
            if (Arrays.equals(points[s], q)) {
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
        if (!Arrays.equals(held, points[point])) {
            compute(points[point]);
        }
        qr.add(jac, n, sqrtW, -1.0, res, 0, n);
    }

    /** The residuals and Jacobian at q into res and jac; returns ‖f‖. */
    private double compute(double[] q) {
        held = q.clone();
        boolean finite = true;
        try {
            model.evaluateInto(q, res, jac);
        } catch (NonFiniteException e) {
            finite = false;                       // checking mode is on: a point where the model is undefined
        }
        double sum = 0;
        for (int i = 0; i < n && finite; i++) {
            double r = target[i] - sqrtW[i] * res[i];
            res[i] = r;
            sum += r * r;
        }
        finite &= Double.isFinite(sum);
        for (int i = 0; i < jac.length && finite; i++) {
            finite = Double.isFinite(jac[i]);
        }
        model.noteEvaluation(q, sum, finite);
        if (!finite) {
            Arrays.fill(res, NOT_FINITE_RESIDUAL);
            Arrays.fill(jac, 0.0);
            sum = n * NOT_FINITE_RESIDUAL * NOT_FINITE_RESIDUAL;
        }
        return Math.sqrt(sum);
    }
}
