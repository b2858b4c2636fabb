package dev.wengert.optim;

/**
 * Nonlinear conjugate gradients: each direction is −∇f plus β times the previous direction,
 * with β by Polak–Ribière (the default, clipped at 0, "PR+", which restarts by itself when
 * progress stalls) or Fletcher–Reeves; restarted along −∇f every n iterations and whenever the
 * direction is not downhill. The step comes from a line search: Commons Math's Brent search by
 * default, as Commons Math's own {@code NonLinearConjugateGradientOptimizer} does.
 *
 * <pre>{@code
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * conjugateGradient().minimize(rosenbrock, -1.2, 1.0);
 * conjugateGradient().fletcherReeves().lineSearch(LineSearch.strongWolfe().c2(0.1)).minimize(rosenbrock, -1.2, 1.0);
 * }</pre>
 *
 * <p>f never rises (every accepted step lowers it).
 */
public final class ConjugateGradient extends Optimizer<ConjugateGradient> {
    private boolean fletcherReeves;
    private LineSearch lineSearch = LineSearch.brent();
    private int restartEvery;

    private ConjugateGradient() {
        super(1_000);
    }

    /** Polak–Ribière (PR+) with Brent's line search. */
    public static ConjugateGradient create() {
        return new ConjugateGradient();
    }

    /** β = ‖g₊‖² / ‖g‖² (Fletcher–Reeves). */
    public ConjugateGradient fletcherReeves() {
        this.fletcherReeves = true;
        return this;
    }

    /** β = max(0, g₊·(g₊ − g) / ‖g‖²) (Polak–Ribière, PR+; the default). */
    public ConjugateGradient polakRibiere() {
        this.fletcherReeves = false;
        return this;
    }

    /** Restart along −∇f every k iterations (default 0: every n, the dimension). */
    public ConjugateGradient restartEvery(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("restartEvery(" + k + "): give k ≥ 1, or 0 for the dimension");
        }
        this.restartEvery = k;
        return this;
    }

    /** The line search for each step; default {@link LineSearch#brent()}. */
    public ConjugateGradient lineSearch(LineSearch search) {
        if (search == null) {
            throw new IllegalArgumentException("lineSearch(null): pass LineSearch.brent(), backtracking() or strongWolfe()");
        }
        this.lineSearch = search;
        return this;
    }

    @Override
    public String name() {
        return "conjugate gradient (" + (fletcherReeves ? "Fletcher–Reeves" : "Polak–Ribière") + ", " + lineSearch + ")";
    }

    @Override
    void iterate(Run run) {
        int n = run.x().length;
        int restart = restartEvery > 0 ? restartEvery : n;
        double[] d = Vectors.negate(run.g());
        double step = 1 / Math.max(1, Vectors.norm(run.g()));
        int sinceRestart = 0;
        while (run.running()) {
            double[] g = run.g();
            double slope = Vectors.dot(g, d);
            boolean steepest = sinceRestart == 0;
            if (!(slope < 0)) {
                d = Vectors.negate(g);
                slope = Vectors.dot(g, d);
                sinceRestart = 0;
                steepest = true;
            }
            Trial t = lineSearch.search(run.line(d), step);
            if (t == null && !steepest) {
                // a conjugate direction can be poor far from a quadratic region: retry downhill
                d = Vectors.negate(g);
                slope = Vectors.dot(g, d);
                sinceRestart = 0;
                t = lineSearch.search(run.line(d), step);
            }
            if (t == null) {
                run.stopNoDecrease();
                return;
            }
            if (!run.accept(t)) {
                return;
            }
            double[] gNew = t.g();
            double gg = Vectors.dot(g, g);
            double beta;
            if (++sinceRestart >= restart) {
                beta = 0;
                sinceRestart = 0;
            } else if (fletcherReeves) {
                beta = Vectors.dot(gNew, gNew) / gg;
            } else {
                beta = Math.max(0, (Vectors.dot(gNew, gNew) - Vectors.dot(gNew, g)) / gg);
            }
            double[] dNew = new double[n];
            for (int i = 0; i < n; i++) {
                dNew[i] = -gNew[i] + beta * d[i];
            }
            // Nocedal & Wright (3.60): expect the new step to change f as much as the last one did
            double newSlope = Vectors.dot(gNew, dNew);
            double guess = t.alpha() * slope / newSlope;
            step = guess > 0 && Double.isFinite(guess) ? guess : t.alpha();
            d = dNew;
        }
    }
}
