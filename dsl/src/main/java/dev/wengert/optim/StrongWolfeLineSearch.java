package dev.wengert.optim;

/**
 * A step satisfying the strong Wolfe conditions,
 * f(x + α·d) ≤ f(x) + c₁·α·∇f·d and |∇f(x + α·d)·d| ≤ c₂·|∇f(x)·d|,
 * by Nocedal &amp; Wright's bracketing phase (Algorithm 3.5) and zoom (Algorithm 3.6) with
 * safeguarded cubic interpolation.
 *
 * <p>Our own code: Commons Math 3.6.1 has no Wolfe line search. The curvature condition is
 * what keeps the L-BFGS update positive definite (sᵀy &gt; 0), hence this search is its default.
 * A point that is too far to evaluate (NaN or ∞) counts as violating sufficient decrease, so
 * the search backs off instead of failing.
 *
 * <pre>{@code
 * minimize(x -> square(x[0]).plus(square(x[1]).times(10)), new double[] {1, 1},
 *     conjugateGradient().lineSearch(LineSearch.strongWolfe().c2(0.1)));
 * }</pre>
 */
public final class StrongWolfeLineSearch extends LineSearch {
    private double c1 = 1e-4;
    private double c2 = 0.9;
    private int maxSteps = 40;

    StrongWolfeLineSearch() {
    }

    /** The sufficient-decrease constant c₁ in (0, c₂); default 1e-4. */
    public StrongWolfeLineSearch c1(double c1) {
        this.c1 = checkFraction("c1", c1, 0, c2);
        return this;
    }

    /** The curvature constant c₂ in (c₁, 1); default 0.9 (use 0.1 for conjugate gradients). */
    public StrongWolfeLineSearch c2(double c2) {
        this.c2 = checkFraction("c2", c2, c1, 1);
        return this;
    }

    /** At most this many trial points in each phase; default 40. */
    public StrongWolfeLineSearch maxSteps(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxSteps(" + n + "): at least one trial point is needed");
        }
        this.maxSteps = n;
        return this;
    }

    @Override
    Trial search(Line line, double initial) {
        double f0 = line.f0;
        double s0 = line.slope0;
        if (!(s0 < 0)) {
            return null;
        }
        Trial prev = line.start();
        double alpha = initial;
        for (int i = 0; i < maxSteps; i++) {
            Trial t = line.at(alpha);
            if (!t.finite() || t.f() > f0 + c1 * alpha * s0 || (i > 0 && t.f() >= prev.f())) {
                return zoom(line, prev, t);
            }
            if (Math.abs(t.slope()) <= -c2 * s0) {
                return t;
            }
            if (t.slope() >= 0) {
                return zoom(line, t, prev);
            }
            prev = t;
            alpha *= 2;
        }
        // still going downhill after maxSteps doublings: take the last (sufficient decrease holds)
        return prev.alpha() > 0 ? prev : null;
    }

    /** Narrows [lo, hi] (lo: lowest point satisfying sufficient decrease) to a strong-Wolfe point. */
    private Trial zoom(Line line, Trial lo, Trial hi) {
        double f0 = line.f0;
        double s0 = line.slope0;
        for (int j = 0; j < maxSteps; j++) {
            double width = hi.alpha() - lo.alpha();
            if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo.alpha()))) {
                break;
            }
            double a = interpolate(lo, hi);
            double min = Math.min(lo.alpha(), hi.alpha()) + 0.1 * Math.abs(width);
            double max = Math.max(lo.alpha(), hi.alpha()) - 0.1 * Math.abs(width);
            if (!(a >= min && a <= max)) {
                a = lo.alpha() + 0.5 * width;
            }
            Trial t = line.at(a);
            if (!t.finite() || t.f() > f0 + c1 * a * s0 || t.f() >= lo.f()) {
                hi = t;
            } else {
                if (Math.abs(t.slope()) <= -c2 * s0) {
                    return t;
                }
                if (t.slope() * width >= 0) {
                    hi = lo;
                }
                lo = t;
            }
        }
        // The interval collapsed (rounding): the lowest point found still decreases f enough.
        return lo.alpha() > 0 && lo.f() < f0 ? lo : null;
    }

    /** The minimiser of the cubic matching both ends' values and slopes (N&amp;W eq. 3.59), or NaN. */
    private static double interpolate(Trial lo, Trial hi) {
        if (!hi.finite()) {
            return Double.NaN;
        }
        double d1 = lo.slope() + hi.slope() - 3 * (lo.f() - hi.f()) / (lo.alpha() - hi.alpha());
        double disc = d1 * d1 - lo.slope() * hi.slope();
        if (!(disc >= 0)) {
            return Double.NaN;
        }
        double d2 = Math.copySign(Math.sqrt(disc), hi.alpha() - lo.alpha());
        return hi.alpha() - (hi.alpha() - lo.alpha()) * (hi.slope() + d2 - d1) / (hi.slope() - lo.slope() + 2 * d2);
    }

    @Override
    public String toString() {
        return "strong Wolfe (c1 " + c1 + ", c2 " + c2 + ")";
    }
}
