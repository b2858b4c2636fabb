package dev.wengert.optim;

import dev.wengert.core.Mode;
import dev.wengert.core.Functional;
import dev.wengert.core.Fn;
import dev.wengert.core.NonFiniteException;
import dev.wengert.core.Num;
import dev.wengert.core.ValueAndGradient;
import dev.wengert.compile.CompiledFn;

import java.util.Arrays;

/**
 * The function being minimised, with every evaluation counted against the evaluation limit.
 * Gradients come from {@link Wengert#valueAndGradient(Fn, double...)}: a private tape per
 * call, so minimising never grows the implicit tape; or, for {@link Optimizer#compiled()},
 * from one {@link CompiledFn} recorded at the first point and replayed after.
 */
final class Objective {
    /** Thrown when the evaluation limit is reached; the run stops and keeps its best point. */
    /** Thrown instead of an evaluation when the thread was interrupted: the run stops with its best point. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    static final class LimitReached extends RuntimeException {
        LimitReached() {
            super(null, null, false, false);
        }
    }

    private final Fn f;
    private final int n;
    private final long maxEvaluations;
    private final boolean compile;
    private long evaluations;
    // made at the first gradient, so a start point f cannot evaluate fails as it does without it
    private CompiledFn compiled;

    Objective(Fn f, int n, long maxEvaluations, boolean compile) {
        this.f = f;
        this.n = n;
        this.maxEvaluations = maxEvaluations;
        this.compile = compile;
    }

    int dimension() {
        return n;
    }

    long evaluations() {
        return evaluations;
    }

    /**
     * f(x) and ∇f(x). In checking mode ({@code checkNonFinite(true)}) a NaN inside f throws;
     * mid-run we want the line search to back off instead, so it becomes a NaN result here.
     */
    ValueAndGradient valueAndGradient(double[] x) {
        count();
        try {
            if (!compile) {
                return Functional.valueAndGradient(Mode.REVERSE, f, x, "valueAndGradient(f, x)");
            }
            if (compiled == null) {
                compiled = new CompiledFn(f, x);
            }
            return compiled.valueAndGradient(x);
        } catch (NonFiniteException e) {
            double[] g = new double[n];
            Arrays.fill(g, Double.NaN);
            return new ValueAndGradient(Double.NaN, g);
        }
    }

    /**
     * f(x) alone, for searches that need no slope: compiled, a values-only replay of the same
     * tape (no partials, no Num per operation); otherwise f on constants, with no tape at all.
     */
    double value(double[] x) {
        count();
        if (compile) {
            try {
                if (compiled == null) {
                    compiled = new CompiledFn(f, x);
                }
                return compiled.value(x);
            } catch (NonFiniteException e) {
                return Double.NaN;
            }
        }
        Num[] c = new Num[n];
        for (int i = 0; i < n; i++) {
            c[i] = Num.constant(x[i]);
        }
        try {
            return f.apply(c).value();
        } catch (NonFiniteException e) {
            return Double.NaN;
        }
    }

    /** The exact Hessian at x (forward over reverse); counted as one evaluation. A NaN inside f gives NaN entries. */
    double[][] hessian(double[] x) {
        count();
        try {
            return Functional.hessian(Mode.FORWARD, Mode.REVERSE, f, x);
        } catch (NonFiniteException e) {
            double[][] h = new double[n][n];
            for (double[] row : h) {
                Arrays.fill(row, Double.NaN);
            }
            return h;
        }
    }

    /** A trial point along x0 + α·d, with its slope ∇f·d. */
    Trial trial(double[] x0, double[] d, double alpha) {
        double[] x = Vectors.axpy(alpha, d, x0);
        ValueAndGradient vg = valueAndGradient(x);
        return new Trial(alpha, x, vg.value(), vg.gradient(), Vectors.dot(vg.gradient(), d));
    }

    private void count() {
        if (evaluations >= maxEvaluations) {
            throw new LimitReached();
        }
        if (Thread.currentThread().isInterrupted()) {
            // the flag stays set: whoever runs the cell sees the interrupt too
            throw new Interrupted();
        }
        evaluations++;
    }
}
