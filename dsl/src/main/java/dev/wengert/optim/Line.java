package dev.wengert.optim;

/**
 * φ(α) = f(x₀ + α·d) for one line search: the start point, the direction, and φ(0), φ′(0)
 * already known from the iteration that chose the direction.
 */
final class Line {
    final Objective objective;
    final double[] x0;
    final double[] d;
    final double f0;
    final double[] g0;
    final double slope0;

    Line(Objective objective, double[] x0, double f0, double[] g0, double[] d) {
        this.objective = objective;
        this.x0 = x0;
        this.d = d;
        this.f0 = f0;
        this.g0 = g0;
        this.slope0 = Vectors.dot(g0, d);
    }

    /** The start of the line, as a trial at α = 0. */
    Trial start() {
        return new Trial(0, x0, f0, g0, slope0);
    }

    /** Value, gradient and slope at x₀ + α·d. */
    Trial at(double alpha) {
        return objective.trial(x0, d, alpha);
    }

    /** The value alone at x₀ + α·d. */
    double value(double alpha) {
        return objective.value(Vectors.axpy(alpha, d, x0));
    }
}
