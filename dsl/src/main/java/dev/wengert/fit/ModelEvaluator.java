package dev.wengert.fit;

/**
 * The seam between how a model is differentiated and what a fit does with it: the model's
 * values over all rows with their exact Jacobian with respect to the whole parameter vector,
 * and the curvature term a Newton step needs. Everything above it (weights, a robust loss,
 * fixed parameters, bounds, the solvers and the statistics) works on what this returns, so a
 * faster way to evaluate a model (compiled rows, tangent tensors) plugs in here alone.
 *
 * <p>Weights and losses scale each row separately, so an implementation that never holds the
 * whole Jacobian (a streaming one) can apply them row by row.
 */
interface ModelEvaluator {

    /**
     * The model's values and Jacobian at a parameter point, unweighted, one row per observation:
     * the Jacobian column by column, ∂mᵢ/∂pⱼ at {@code jacobian[j·n + i]} (n rows), so a column is
     * contiguous and no array is made per row.
     */
    record Eval(double[] values, double[] jacobian) {

        /** ∂mᵢ/∂pⱼ. */
        double d(int i, int j) {
            return jacobian[j * values.length + i];
        }
    }

    /** The number of rows (observations) over all datasets. */
    int rows();

    /** The number of parameters the models see. */
    int parameters();

    /** Values mᵢ(p) and ∂mᵢ/∂pⱼ at p: one pass over the rows (none when p is the point evaluated last). */
    Eval evaluate(double[] p);

    /**
     * As {@link #evaluate(double[])}, into the caller's arrays (n values, n·p Jacobian entries,
     * every one written), returning an Eval over exactly those arrays: a fit evaluates dozens
     * of points and reuses the arrays of the points it dropped ({@link LeastSquares}). The
     * evaluator keeps no reference to them (the caller overwrites them later), so this
     * evaluation is not one that {@link #evaluate(double[])} can return again. This default
     * copies what {@code evaluate(p)} returns.
     */
    default Eval evaluate(double[] p, double[] values, double[] jacobian) {
        Eval e = evaluate(p);
        System.arraycopy(e.values(), 0, values, 0, values.length);
        System.arraycopy(e.jacobian(), 0, jacobian, 0, jacobian.length);
        return new Eval(values, jacobian);
    }

    /**
     * Σᵢ cᵢ·∇²ₚ mᵢ(p), exact, or null where it is not finite: the residual-curvature term of an
     * exact Hessian.
     */
    double[][] curvature(double[] p, double[] c);

    /**
     * Whether every entry of the Jacobian the last {@link #evaluate(double[], double[], double[])}
     * wrote is known to be finite, so a fit need not check it again. False when not known; this
     * default never knows.
     */
    default boolean jacobianFinite() {
        return false;
    }

    /** The models' values at p only (no derivative), for probes; may contain NaN. */
    double[] values(double[] p);

    /** How the Jacobian is computed, for the solver's account, e.g. "exact forward-mode". */
    String jacobianKind();

    /** Passes over the rows so far (each {@link #evaluate} or {@link #curvature} is one). */
    int passes();
}
