package dev.wengert.optim;

/**
 * Gradient descent with momentum: a velocity that accumulates past gradients,
 * v ← β·v + ∇f(x), then x ← x − α·v (heavy ball), or x ← x − α·(∇f(x) + β·v) (Nesterov's
 * accelerated gradient, in the form PyTorch and Sutskever et al. use: one gradient per
 * iteration, at the current point).
 *
 * <pre>{@code
 * Fn J = t -> square(t[0].minus(1)).plus(square(t[1].plus(2)).times(4));
 * momentum(0.05, 0.9).minimize(J, 0.0, 0.0);
 * nesterov(0.05, 0.9).minimize(J, 0.0, 0.0);
 * }</pre>
 *
 * <p>f may rise on some iterations (the velocity overshoots); the result is the best point seen.
 */
public final class Momentum extends Optimizer<Momentum> {
    private final double rate;
    private final double beta;
    private final boolean nesterov;

    private Momentum(double rate, double beta, boolean nesterov) {
        super(10_000);
        this.rate = rate;
        this.beta = beta;
        this.nesterov = nesterov;
    }

    /** Heavy-ball momentum. */
    public static Momentum heavyBall(double rate, double beta) {
        return new Momentum(Optimizer.checkRate("momentum", rate), Optimizer.checkBeta("momentum(rate, beta)", beta), false);
    }

    /** Nesterov's accelerated gradient. */
    public static Momentum nesterov(double rate, double beta) {
        return new Momentum(Optimizer.checkRate("nesterov", rate), Optimizer.checkBeta("nesterov(rate, beta)", beta), true);
    }

    @Override
    public String name() {
        return (nesterov ? "Nesterov" : "momentum") + " (rate " + rate + ", beta " + beta + ")";
    }

    @Override
    void iterate(Run run) {
        double[] v = new double[run.x().length];
        while (run.running()) {
            double[] g = run.g();
            double[] x = run.x();
            double[] next = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                v[i] = beta * v[i] + g[i];
                next[i] = x[i] - rate * (nesterov ? g[i] + beta * v[i] : v[i]);
            }
            run.accept(next);
        }
    }
}
