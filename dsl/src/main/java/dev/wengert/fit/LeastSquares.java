package dev.wengert.fit;

import dev.wengert.core.NonFiniteException;

/**
 * The problem every solver sees: minimise ½·Σ C²·ρ(rᵢ²/C²) over the free parameters q, with
 * rᵢ = √wᵢ·(yᵢ − mᵢ(p)) the weighted residuals, p the full parameter vector (fixed values put
 * back) and ρ the {@link Loss} (ρ(z) = z for least squares).
 *
 * <p>It is written as an ordinary sum of squares ½·Σ r̃ᵢ², with r̃ᵢ = rᵢ·√(ρ(zᵢ)/zᵢ), so
 * r̃ᵢ² = C²·ρ(zᵢ) exactly and a least-squares solver minimises the robust cost itself; its
 * Jacobian ∂r̃ᵢ/∂q = ρ′(zᵢ)/√(ρ(zᵢ)/zᵢ)·∂rᵢ/∂q is exact, so the gradient J̃ᵀr̃ is the exact
 * gradient of the cost and the solvers' convergence tests mean what they say. Where the model
 * comes from ({@link ModelEvaluator}) is not this class's business: it only scales rows.
 */
final class LeastSquares {
    private final ModelEvaluator model;
    private final ParameterSet params;
    private final double[] y;
    private final double[] sqrtW;
    private final Loss loss;
    private final double scale;
    private int notFinitePoints;
    private double[] bestQ;
    private double bestCost = Double.POSITIVE_INFINITY;

    /**
     * One evaluation: the full parameters, the model's values and Jacobian (all parameters),
     * the weighted residuals r, the solver's residuals r̃ and their Jacobian ∂r̃/∂q over the free
     * parameters, and the cost ½·Σ r̃². {@code finite} is false where the model or its
     * derivative is not finite (then only q and p are meaningful).
     */
    record Point(double[] q, double[] p, ModelEvaluator.Eval eval, double[] r, double[] rt, double[][] jt,
                 double cost, boolean finite) {

        /** The gradient of the cost, J̃ᵀr̃. */
        double[] gradient() {
            int k = q.length;
            double[] g = new double[k];
            for (int i = 0; i < rt.length; i++) {
                for (int j = 0; j < k; j++) {
                    g[j] += jt[i][j] * rt[i];
                }
            }
            return g;
        }
    }

    LeastSquares(ModelEvaluator model, ParameterSet params, double[] y, double[] w, Loss loss, double scale) {
        this.model = model;
        this.params = params;
        this.y = y;
        this.sqrtW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            sqrtW[i] = Math.sqrt(w[i]);
        }
        this.loss = loss;
        this.scale = scale;
    }

    ModelEvaluator model() {
        return model;
    }

    ParameterSet parameters() {
        return params;
    }

    Loss loss() {
        return loss;
    }

    double scale() {
        return scale;
    }

    int rows() {
        return y.length;
    }

    /** The number of free parameters (the solver's unknowns). */
    int unknowns() {
        return params.freeCount();
    }

    /** Passes over the data so far. */
    int passes() {
        return model.passes();
    }

    /** Trial points where the model was NaN or infinite. */
    int notFinitePoints() {
        return notFinitePoints;
    }

    /** The finite point with the lowest cost seen so far (free parameters), or null. */
    double[] bestPoint() {
        return bestQ == null ? null : bestQ.clone();
    }

    /** Evaluates the model at free parameters q. */
    Point at(double[] q) {
        double[] p = params.full(q);
        ModelEvaluator.Eval e;
        try {
            e = model.evaluate(p);
        } catch (NonFiniteException ex) {
            // checking mode is on in the session: a point where the model is undefined
            notFinitePoints++;
            return new Point(q.clone(), p, null, null, null, null, Double.NaN, false);
        }
        int n = y.length;
        int k = params.freeCount();
        int[] free = params.free;
        double[] r = new double[n];
        double[] rt = new double[n];
        double[][] jt = new double[n][k];
        double cost = 0;
        boolean finite = true;
        for (int i = 0; i < n && finite; i++) {
            r[i] = sqrtW[i] * (y[i] - e.values()[i]);
            double z = (r[i] / scale) * (r[i] / scale);
            double s = loss.sqrtRatio(z);
            double slope = loss.rho1(z) / s;
            rt[i] = s * r[i];
            cost += 0.5 * rt[i] * rt[i];
            for (int c = 0; c < k; c++) {
                jt[i][c] = -slope * sqrtW[i] * e.jacobian()[i][free[c]];
                finite &= Double.isFinite(jt[i][c]);
            }
            finite &= Double.isFinite(rt[i]);
        }
        finite &= Double.isFinite(cost);
        if (!finite) {
            notFinitePoints++;
        } else if (cost < bestCost) {
            bestCost = cost;
            bestQ = q.clone();
        }
        return new Point(q.clone(), p, e, r, rt, jt, finite ? cost : Double.NaN, finite);
    }

    /**
     * The exact Hessian of the cost over the free parameters at a finite point:
     * Σ aᵢ·∇rᵢ∇rᵢᵀ + Σ ρ′ᵢ·rᵢ·∇²rᵢ with aᵢ = ρ′ + 2ρ″zᵢ and ∇rᵢ = −√wᵢ∇mᵢ, the second term by
     * automatic differentiation (forward over reverse); null where it is not finite.
     */
    double[][] hessian(Point at) {
        int n = y.length;
        int[] free = params.free;
        int k = free.length;
        double[] c = new double[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            double z = (at.r[i] / scale) * (at.r[i] / scale);
            c[i] = -loss.rho1(z) * at.r[i] * sqrtW[i];
            a[i] = loss.rho1(z) + 2 * loss.rho2(z) * z;
        }
        double[][] full = model.curvature(at.p, c);
        if (full == null) {
            return null;
        }
        double[][] h = new double[k][k];
        double[][] jm = at.eval.jacobian();
        for (int u = 0; u < k; u++) {
            for (int v = 0; v < k; v++) {
                double s = full[free[u]][free[v]];
                for (int i = 0; i < n; i++) {
                    s += a[i] * sqrtW[i] * sqrtW[i] * jm[i][free[u]] * jm[i][free[v]];
                }
                h[u][v] = s;
            }
        }
        return h;
    }

    /**
     * How much the cost can move from rounding alone at a point: each residual is exact to a
     * few ulps of its terms.
     */
    double noise(Point at) {
        double eps = Math.ulp(1.0);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double z = (at.r[i] / scale) * (at.r[i] / scale);
            double slope = loss.rho1(z) / loss.sqrtRatio(z);
            s += Math.abs(at.rt[i]) * slope * 16 * eps * sqrtW[i] * (Math.abs(y[i]) + Math.abs(at.eval.values()[i]));
        }
        return s;
    }
}
