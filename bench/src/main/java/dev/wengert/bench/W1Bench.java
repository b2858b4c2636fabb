package dev.wengert.bench;

import dev.wengert.core.Mode;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.gradient;

/**
 * W1 (issue 4): Rosenbrock written as a scalar loop over {@code Num}.
 *
 * <p>n = 10,000: plain-double primal, hand-written gradient, reverse gradient re-recorded on
 * every call ({@link W1CompiledBench} has the compiled tape). n = 100: full gradients by
 * vector forward mode, Commons Math {@code DerivativeStructure} and Hipparchus {@code Gradient}
 * (n free parameters, order 1), all with the same operations as the primal.
 *
 * <p>Read ratios within one run: reverse ÷ primal (target ≤ 4), forward vs DerivativeStructure
 * (target ≥ 3× faster).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// a fixed, pre-touched heap: otherwise first touches of a growing young generation (kernel page
// zeroing) make some iterations of the allocating benchmarks ~10× slower; see bench/RESULTS.md
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class W1Bench {
    static final int N = 10_000;
    static final int N_SMALL = 100;

    final double[] x = Workloads.rosenbrockPoint(N);
    final double[] g = new double[N];
    final double[] xs = Workloads.rosenbrockPoint(N_SMALL);

    @Setup(Level.Trial)
    public void check() {
        double[] want = new double[N];
        Workloads.rosenbrockGradient(x, want);
        Workloads.check("W1 reverse", gradient(Workloads.ROSENBROCK, x), want, 1e-12);
        double[] wantS = new double[N_SMALL];
        Workloads.rosenbrockGradient(xs, wantS);
        Workloads.check("W1 forward n=100", gradient(Mode.FORWARD, Workloads.ROSENBROCK, xs), wantS, 1e-12);
        Workloads.check("W1 DerivativeStructure n=100", commonsMath(xs), wantS, 1e-12);
        Workloads.check("W1 Hipparchus Gradient n=100", hipparchus(xs), wantS, 1e-12);
    }

    @Benchmark
    public double primal() {
        return Workloads.rosenbrock(x);
    }

    /** The primal with the recording's order of additions (see Workloads.rosenbrockRecordedOrder). */
    @Benchmark
    public double primalRecordedOrder() {
        return Workloads.rosenbrockRecordedOrder(x);
    }

    /** Hand-written adjoint code: value and gradient in one loop, into a reused buffer. */
    @Benchmark
    public double[] handGradient() {
        Workloads.rosenbrockGradient(x, g);
        return g;
    }

    /** {@code gradient(f, x)}: a fresh recording on the session's private tape, one backward sweep. */
    @Benchmark
    public double[] reverseGradient() {
        return gradient(Workloads.ROSENBROCK, x);
    }

    @Benchmark
    public double primal100() {
        return Workloads.rosenbrock(xs);
    }

    /** Vector forward mode: one pass, each value carries 100 tangents. */
    @Benchmark
    public double[] forwardGradient100() {
        return gradient(Mode.FORWARD, Workloads.ROSENBROCK, xs);
    }

    @Benchmark
    public double[] commonsMathDS100() {
        return commonsMath(xs);
    }

    @Benchmark
    public double[] hipparchusGradient100() {
        return hipparchus(xs);
    }

    /** The same loop over Commons Math 3.6.1 DerivativeStructure (n parameters, order 1). */
    static double[] commonsMath(double[] x) {
        int n = x.length;
        DerivativeStructure[] v = new DerivativeStructure[n];
        for (int i = 0; i < n; i++) {
            v[i] = new DerivativeStructure(n, 1, i, x[i]);
        }
        DerivativeStructure s = new DerivativeStructure(n, 1, 0.0);
        for (int i = 0; i + 1 < n; i++) {
            DerivativeStructure a = v[i + 1].subtract(v[i].multiply(v[i]));
            DerivativeStructure b = v[i].negate().add(1);
            s = s.add(a.multiply(a).multiply(100)).add(b.multiply(b));
        }
        double[] all = s.getAllDerivatives();       // [value, ∂/∂x0, …, ∂/∂x_{n−1}] at order 1
        return java.util.Arrays.copyOfRange(all, 1, n + 1);
    }

    /** The same loop over Hipparchus 3.1 Gradient (n free parameters). */
    static double[] hipparchus(double[] x) {
        int n = x.length;
        Gradient[] v = new Gradient[n];
        for (int i = 0; i < n; i++) {
            v[i] = Gradient.variable(n, i, x[i]);
        }
        Gradient s = Gradient.constant(n, 0.0);
        for (int i = 0; i + 1 < n; i++) {
            Gradient a = v[i + 1].subtract(v[i].multiply(v[i]));
            Gradient b = v[i].negate().add(1.0);
            s = s.add(a.multiply(a).multiply(100.0)).add(b.multiply(b));
        }
        return s.getGradient();
    }
}
