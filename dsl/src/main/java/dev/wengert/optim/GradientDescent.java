package dev.wengert.optim;

/**
 * Steepest descent, x ← x − α·∇f(x): with a fixed rate α ({@code gradientDescent(0.01)}), or
 * with α chosen by a line search each step ({@code gradientDescent()}, Brent's method from
 * Commons Math by default).
 *
 * <pre>{@code
 * // J(θ0, θ1) = (θ0 − 1)² + 4 (θ1 + 2)²
 * Fn J = t -> square(t[0].minus(1)).plus(square(t[1].plus(2)).times(4));
 * gradientDescent(0.1).minimize(J, 0.0, 0.0);     // fixed step
 * gradientDescent().minimize(J, 0.0, 0.0);        // exact line search along −∇f
 * }</pre>
 *
 * <p>With a line search f never rises. With a fixed rate it falls as long as the rate is
 * below 2/L (L: the largest curvature); above that the iterates diverge, and the run stops on
 * the first non-finite value, keeping the best point.
 */
public final class GradientDescent extends Optimizer<GradientDescent> {
    private final double rate;
    private LineSearch lineSearch;

    private GradientDescent(double rate, LineSearch lineSearch) {
        super(lineSearch == null ? 10_000 : 1_000);
        this.rate = rate;
        this.lineSearch = lineSearch;
    }

    /** Fixed step: x ← x − rate·∇f. */
    public static GradientDescent fixed(double rate) {
        return new GradientDescent(Optimizer.checkRate("gradientDescent", rate), null);
    }

    /** Step chosen by Brent's line search (Commons Math) along −∇f. */
    public static GradientDescent withLineSearch() {
        return new GradientDescent(Double.NaN, LineSearch.brent());
    }

    /** Chooses each step by this line search (a fixed rate then becomes its first trial step). */
    public GradientDescent lineSearch(LineSearch search) {
        if (search == null) {
            throw new IllegalArgumentException("lineSearch(null): pass LineSearch.brent(), backtracking() or strongWolfe()");
        }
        this.lineSearch = search;
        return this;
    }

    @Override
    public String name() {
        return lineSearch == null ? "gradient descent (rate " + rate + ")"
                : "gradient descent (" + lineSearch + ")";
    }

    @Override
    void iterate(Run run) {
        double step = Double.isNaN(rate) ? 1 / Math.max(1, Vectors.norm(run.g())) : rate;
        while (run.running()) {
            double[] d = Vectors.negate(run.g());
            if (lineSearch == null) {
                run.accept(Vectors.axpy(rate, d, run.x()));
                continue;
            }
            Trial t = lineSearch.search(run.line(d), step);
            if (t == null) {
                run.stopNoDecrease();
                return;
            }
            // along −∇f successive steps have similar scale: start the next search a little beyond
            // this one, so a search that only shrinks (backtracking) can grow the step again
            step = 2 * t.alpha();
            run.accept(t);
        }
    }
}
