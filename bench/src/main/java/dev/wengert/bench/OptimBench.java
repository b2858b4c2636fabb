package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.optim.OptimizationResult;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.analysis.MultivariateVectorFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.wengert.Wengert.asObjectiveFunction;
import static dev.wengert.Wengert.asObjectiveFunctionGradient;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.sum;

/**
 * Time to solution on the extended Rosenbrock function (Moré–Garbow–Hillstrom problem 21,
 * standard start (−1.2, 1, −1.2, 1, …)): our L-BFGS on reverse-mode gradients (recorded at
 * every evaluation, and with {@code compiled()} recorded once and replayed) against Commons
 * Math's {@link NonLinearConjugateGradientOptimizer} (Polak–Ribière) given finite-difference
 * gradients of a plain-double f, as a Commons Math user without AD would run it; and, to
 * separate the algorithm from the gradient, the same Commons Math optimizer on our exact
 * gradients ({@code asObjectiveFunctionGradient}).
 *
 * <p>Each benchmark is one whole minimisation, timed one run at a time: sampled over many runs at
 * n = 1,000, single shots at n = 100,000. Read the medians (p0.50 and p(50.0000)): on a shared
 * machine a run can be stalled by other processes, which moves the mean but not the median.
 * Read ratios within one run.
 * Commons Math with finite differences at n = 100,000 is not timed: one forward-difference
 * gradient costs n + 1 = 100,001 evaluations of f, each O(n); {@link #fdGradient100000} times
 * one such gradient so the whole run can be estimated from the gradient count that
 * {@link #main} prints.
 *
 * <p>Evaluation counts and final values are deterministic: {@code java -cp
 * bench/target/benchmarks.jar dev.wengert.bench.OptimBench} prints them as a Markdown table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class OptimBench {

    // f(x) = Σ 100 (x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²
    static final Fn ROSENBROCK = x -> {
        Num[] terms = new Num[x.length];
        for (int i = 0; i + 1 < x.length; i += 2) {
            Num a = x[i + 1].minus(x[i].square());
            Num b = x[i].neg().plus(1);
            terms[i] = a.square().times(100);
            terms[i + 1] = b.square();
        }
        return sum(terms);
    };

    /** The same function in plain doubles, as a Commons Math user writes it. */
    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    static double[] start(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i += 2) {
            x[i] = -1.2;
            x[i + 1] = 1;
        }
        return x;
    }

    /** Forward differences with the usual step √ε·max(1, |xᵢ|): n + 1 evaluations of f. */
    static double[] forwardDifferences(MultivariateFunction f, double[] x) {
        double[] g = new double[x.length];
        double f0 = f.value(x);
        double[] xh = x.clone();
        double eps = Math.sqrt(Math.ulp(1.0));
        for (int i = 0; i < x.length; i++) {
            double h = eps * Math.max(1, Math.abs(x[i]));
            xh[i] = x[i] + h;
            g[i] = (f.value(xh) - f0) / h;
            xh[i] = x[i];
        }
        return g;
    }

    /** A Commons Math run and what it cost. */
    record CmRun(PointValuePair optimum, int iterations, long values, long gradients, long evaluations) {
    }

    static CmRun commonsMath(int n, boolean exactGradients) {
        AtomicLong values = new AtomicLong();
        AtomicLong gradients = new AtomicLong();
        AtomicLong evaluations = new AtomicLong();
        MultivariateFunction f = x -> {
            evaluations.incrementAndGet();
            return rosenbrock(x);
        };
        ObjectiveFunction objective = new ObjectiveFunction(x -> {
            values.incrementAndGet();
            return f.value(x);
        });
        ObjectiveFunctionGradient gradient;
        if (exactGradients) {
            MultivariateVectorFunction exact = asObjectiveFunctionGradient(ROSENBROCK).getObjectiveFunctionGradient();
            gradient = new ObjectiveFunctionGradient(x -> {
                gradients.incrementAndGet();
                evaluations.incrementAndGet();
                return exact.value(x);
            });
            objective = new ObjectiveFunction(x -> {
                values.incrementAndGet();
                evaluations.incrementAndGet();
                return asObjectiveFunction(ROSENBROCK).getObjectiveFunction().value(x);
            });
        } else {
            gradient = new ObjectiveFunctionGradient(x -> {
                gradients.incrementAndGet();
                return forwardDifferences(f, x);
            });
        }
        var cg = new NonLinearConjugateGradientOptimizer(NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
                new SimpleValueChecker(1e-12, 1e-12));
        PointValuePair p = cg.optimize(new MaxEval(1_000_000), objective, gradient, GoalType.MINIMIZE,
                new InitialGuess(start(n)));
        return new CmRun(p, cg.getIterations(), values.get(), gradients.get(), evaluations.get());
    }

    static OptimizationResult ours(int n) {
        return lbfgs().keepPoints(false).progress(false).minimize(ROSENBROCK, start(n));
    }

    /** The same run with {@code compiled()}: f recorded once, replayed for every later gradient. */
    static OptimizationResult oursCompiled(int n) {
        return lbfgs().keepPoints(false).progress(false).compiled().minimize(ROSENBROCK, start(n));
    }

    final double[] x100k = start(100_000);
    final MultivariateFunction plain = OptimBench::rosenbrock;

    @Benchmark
    public OptimizationResult lbfgs1000() {
        return ours(1_000);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 7)
    public OptimizationResult lbfgs100000() {
        return ours(100_000);
    }

    @Benchmark
    public OptimizationResult lbfgsCompiled1000() {
        return oursCompiled(1_000);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 7)
    public OptimizationResult lbfgsCompiled100000() {
        return oursCompiled(100_000);
    }

    @Benchmark
    public CmRun commonsMathCgFiniteDifferences1000() {
        return commonsMath(1_000, false);
    }

    @Benchmark
    public CmRun commonsMathCgExactGradients1000() {
        return commonsMath(1_000, true);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 7)
    public CmRun commonsMathCgExactGradients100000() {
        return commonsMath(100_000, true);
    }

    /** One forward-difference gradient at n = 100,000 (100,001 evaluations of f). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public double[] fdGradient100000() {
        return forwardDifferences(plain, x100k);
    }

    /** Prints evaluation counts and final values (deterministic) as Markdown table rows. */
    public static void main(String[] args) {
        System.out.println("| method | n | iterations | gradients | evaluations of f | final f |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (int n : new int[] {1_000, 100_000}) {
            OptimizationResult r = ours(n);
            System.out.printf("| L-BFGS (m = 10), reverse-mode gradients | %,d | %d | %d | %d | %.3g |%n", n,
                    r.iterations(), r.evaluations(), r.evaluations(), r.value());
            OptimizationResult c = oursCompiled(n);
            System.out.printf("| L-BFGS (m = 10), `compiled()` (the same run to the bit) | %,d | %d | %d | %d | %.3g |%n", n,
                    c.iterations(), c.evaluations(), c.evaluations(), c.value());
        }
        CmRun fd = commonsMath(1_000, false);
        System.out.printf("| Commons Math NLCG (Polak–Ribière), forward differences | 1,000 | %d | %d | %,d | %.3g |%n",
                fd.iterations(), fd.gradients(), fd.values() + fd.gradients() * 1_001, fd.optimum().getValue());
        for (int n : new int[] {1_000, 100_000}) {
            CmRun ex = commonsMath(n, true);
            System.out.printf("| Commons Math NLCG (Polak–Ribière), our exact gradients | %,d | %d | %d | %d | %.3g |%n", n,
                    ex.iterations(), ex.gradients(), ex.evaluations(), ex.optimum().getValue());
        }
    }
}
