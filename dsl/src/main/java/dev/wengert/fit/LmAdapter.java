package dev.wengert.fit;

import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import java.util.Arrays;

/**
 * A {@link LeastSquares} problem as Commons Math's Levenberg–Marquardt wants it: a "model"
 * −r̃(q) with Jacobian −∂r̃/∂q against a target of zeros, so its residuals are r̃.
 *
 * <p>A point where the model is not finite (a trial step into a region where it is undefined)
 * gets huge finite residuals, so the step is rejected and the trust region shrinks, instead of
 * NaN poisoning the solver's comparisons. LM re-evaluates the last accepted point after a
 * rejected step; that is answered from memory.
 */
final class LmAdapter implements MultivariateJacobianFunction {
    /** A residual where the model is not finite: large, so the step is rejected, yet its square sums safely. */
    private static final double NOT_FINITE_RESIDUAL = 1e50;

    private final LeastSquares problem;
    private final double[][] cachedPoint = new double[2][];
    private final Pair<?, ?>[] cachedValue = new Pair<?, ?>[2];
    private int cacheNext;

    LmAdapter(LeastSquares problem) {
        this.problem = problem;
    }

    double[] target() {
        return new double[problem.rows()];
    }

    @Override
    @SuppressWarnings("unchecked")
    public Pair<RealVector, RealMatrix> value(RealVector point) {
        double[] q = point.toArray();
        for (int c = 0; c < 2; c++) {
            if (Arrays.equals(cachedPoint[c], q)) {
                Pair<RealVector, RealMatrix> hit = (Pair<RealVector, RealMatrix>) cachedValue[c];
                // copies: LM must not be able to change what is cached
                return new Pair<>(hit.getFirst().copy(), hit.getSecond().copy());
            }
        }
        Pair<RealVector, RealMatrix> r = compute(q);
        cachedPoint[cacheNext] = q;
        cachedValue[cacheNext] = r;
        cacheNext = 1 - cacheNext;
        return new Pair<>(r.getFirst().copy(), r.getSecond().copy());
    }

    private Pair<RealVector, RealMatrix> compute(double[] q) {
        int n = problem.rows();
        int k = q.length;
        LeastSquares.Point at = problem.at(q);
        double[] v = new double[n];
        double[][] j = new double[n][k];
        if (at.finite()) {
            for (int i = 0; i < n; i++) {
                v[i] = -at.rt()[i];
                for (int c = 0; c < k; c++) {
                    j[i][c] = -at.jt()[i][c];
                }
            }
        } else {
            Arrays.fill(v, -NOT_FINITE_RESIDUAL);
        }
        return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(j, false));
    }
}
