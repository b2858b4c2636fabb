package dev.wengert.optim;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BracketFinder;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * Brent's method along the direction, as Commons Math's own
 * {@code org.apache.commons.math3.optim.nonlinear.scalar.LineSearch} does it: a
 * {@link BracketFinder} brackets the minimum of φ(α) = f(x + α·d), then a
 * {@link BrentOptimizer} narrows the bracket using values only.
 *
 * <p>Why not that {@code LineSearch} class itself: it evaluates f through the
 * {@code MultivariateOptimizer} that owns it ({@code computeObjectiveValue}, which only works
 * inside that optimizer's {@code optimize} call), so it cannot serve an optimizer of ours. The
 * two classes it combines are used here exactly as it uses them.
 *
 * <pre>{@code
 * minimize(x -> square(x[0]).plus(square(x[1]).times(10)), new double[] {1, 1},
 *     conjugateGradient().lineSearch(LineSearch.brent().relativeTolerance(1e-10)));
 * }</pre>
 */
public final class BrentLineSearch extends LineSearch {
    private double relativeTolerance = 1e-8;
    private double absoluteTolerance = 1e-14;
    private int maxEvaluations = 200;

    BrentLineSearch() {
    }

    /** Relative tolerance on α (Commons Math needs at least 2·ulp(1) ≈ 4.4e-16); default 1e-8. */
    public BrentLineSearch relativeTolerance(double tol) {
        if (!(tol >= 2 * Math.ulp(1d))) {
            throw new IllegalArgumentException("relativeTolerance(" + tol + "): Brent's method needs at least 2·ulp(1) = "
                    + 2 * Math.ulp(1d));
        }
        this.relativeTolerance = tol;
        return this;
    }

    /** Absolute tolerance on α (&gt; 0); default 1e-14. */
    public BrentLineSearch absoluteTolerance(double tol) {
        if (!(tol > 0)) {
            throw new IllegalArgumentException("absoluteTolerance(" + tol + "): it must be positive");
        }
        this.absoluteTolerance = tol;
        return this;
    }

    /** At most this many values per search (bracketing and Brent each); default 200. */
    public BrentLineSearch maxEvaluations(int n) {
        if (n < 3) {
            throw new IllegalArgumentException("maxEvaluations(" + n + "): a line search needs at least 3 values");
        }
        this.maxEvaluations = n;
        return this;
    }

    @Override
    Trial search(Line line, double initial) {
        double[] best = {0, line.f0};
        UnivariateFunction phi = a -> {
            double v = line.value(a);
            if (!Double.isFinite(v)) {
                // NaN or ∞ beyond some step: worse than any value, so the bracket stops short of it
                return Double.MAX_VALUE;
            }
            if (v < best[1] && a > 0) {
                best[0] = a;
                best[1] = v;
            }
            return v;
        };
        try {
            BracketFinder bracket = new BracketFinder(100, maxEvaluations);
            bracket.search(phi, GoalType.MINIMIZE, 0, initial);
            BrentOptimizer brent = new BrentOptimizer(relativeTolerance, absoluteTolerance);
            brent.optimize(new MaxEval(maxEvaluations), new UnivariateObjectiveFunction(phi), GoalType.MINIMIZE,
                    new SearchInterval(bracket.getLo(), bracket.getHi(), bracket.getMid()));
        } catch (TooManyEvaluationsException e) {
            // keep the best step seen so far: it still lowers f
        }
        if (best[0] <= 0) {
            return null;
        }
        Trial t = line.at(best[0]);
        return t.finite() && t.f() < line.f0 ? t : null;
    }

    @Override
    public String toString() {
        return "Brent line search (Commons Math)";
    }
}
