package dev.wengert.optim;

/**
 * Armijo backtracking: from the first trial step, shrink until
 * f(x + α·d) ≤ f(x) + c₁·α·∇f·d. Each shrink takes the minimiser of the quadratic through
 * φ(0), φ′(0) and φ(α), kept within [0.1·α, shrink·α] so it neither stalls nor overshoots.
 *
 * <p>Our own code: Commons Math 3.6.1 has no Armijo search (its only line search is the
 * Brent one).
 *
 * <pre>{@code
 * minimize(x -> square(x[0]).plus(square(x[1]).times(10)), new double[] {1, 1},
 *     lbfgs().lineSearch(LineSearch.backtracking()));
 * }</pre>
 */
public final class BacktrackingLineSearch extends LineSearch {
    private double c1 = 1e-4;
    private double shrink = 0.5;
    private int maxSteps = 60;

    BacktrackingLineSearch() {
    }

    /** The sufficient-decrease constant c₁ in (0, 1); default 1e-4. */
    public BacktrackingLineSearch c1(double c1) {
        this.c1 = checkFraction("c1", c1, 0, 1);
        return this;
    }

    /** The largest factor a step shrinks by, in (0, 1); default 0.5. */
    public BacktrackingLineSearch shrink(double factor) {
        this.shrink = checkFraction("shrink", factor, 0, 1);
        return this;
    }

    /** At most this many trial points per search; default 60. */
    public BacktrackingLineSearch maxSteps(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxSteps(" + n + "): at least one trial point is needed");
        }
        this.maxSteps = n;
        return this;
    }

    @Override
    Trial search(Line line, double initial) {
        double alpha = initial;
        for (int k = 0; k < maxSteps && alpha > 0; k++) {
            Trial t = line.at(alpha);
            if (t.finite() && t.f() <= line.f0 + c1 * alpha * line.slope0) {
                return t.f() < line.f0 ? t : null;
            }
            double next = shrink * alpha;
            if (t.finite()) {
                // minimiser of q(a) = f0 + slope0·a + c·a² through φ(alpha)
                double c = (t.f() - line.f0 - line.slope0 * alpha) / (alpha * alpha);
                double q = c > 0 ? -line.slope0 / (2 * c) : next;
                next = Math.max(0.1 * alpha, Math.min(next, q));
            }
            alpha = next;
        }
        return null;
    }

    @Override
    public String toString() {
        return "Armijo backtracking (c1 " + c1 + ")";
    }
}
