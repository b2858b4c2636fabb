package dev.wengert.optim;

/**
 * Adam (Kingma &amp; Ba, 2015): steps scaled per coordinate by running averages of the
 * gradient (m, decay β₁) and of its square (v, decay β₂), with bias correction:
 * x ← x − α·m̂ / (√v̂ + ε).
 *
 * <pre>{@code
 * Fn J = t -> square(t[0].minus(1)).plus(square(t[1].plus(2)).times(100));
 * adam(0.1).minimize(J, 0.0, 0.0);
 * adam(0.01).beta1(0.8).epsilon(1e-10).minimize(J, 0.0, 0.0);
 * }</pre>
 *
 * <p>Each step moves every coordinate by about α at most, whatever the scale of f; f may rise
 * on some iterations, and the result is the best point seen. Near the minimum the steps stay
 * of size ~α, so a tight gradient tolerance may need a smaller rate.
 */
public final class Adam extends Optimizer<Adam> {
    private final double rate;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    private Adam(double rate) {
        super(10_000);
        this.rate = rate;
    }

    /** Adam with step size {@code rate} and the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public static Adam of(double rate) {
        return new Adam(Optimizer.checkRate("adam", rate));
    }

    /** Decay of the gradient average, in [0, 1); default 0.9. */
    public Adam beta1(double b) {
        this.beta1 = Optimizer.checkBeta("beta1(" + b + ")", b);
        return this;
    }

    /** Decay of the squared-gradient average, in [0, 1); default 0.999. */
    public Adam beta2(double b) {
        this.beta2 = Optimizer.checkBeta("beta2(" + b + ")", b);
        return this;
    }

    /** Added to √v̂ so a zero gradient does not divide by zero; default 1e-8. */
    public Adam epsilon(double e) {
        if (!(e > 0)) {
            throw new IllegalArgumentException("epsilon(" + e + "): it must be positive, e.g. 1e-8");
        }
        this.epsilon = e;
        return this;
    }

    @Override
    public String name() {
        return "Adam (rate " + rate + ")";
    }

    @Override
    void iterate(Run run) {
        int n = run.x().length;
        double[] m = new double[n];
        double[] v = new double[n];
        double p1 = 1;
        double p2 = 1;
        while (run.running()) {
            double[] g = run.g();
            double[] x = run.x();
            p1 *= beta1;
            p2 *= beta2;
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - p1);
                double vHat = v[i] / (1 - p2);
                next[i] = x[i] - rate * mHat / (Math.sqrt(vHat) + epsilon);
            }
            run.accept(next);
        }
    }
}
