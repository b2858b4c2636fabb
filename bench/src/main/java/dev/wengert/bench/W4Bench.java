package dev.wengert.bench;

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
import static dev.wengert.Wengert.hessian;

/**
 * W4 (issue 4): the full Hessian of W1's Rosenbrock at n = 100 (forward over reverse) against
 * one reverse gradient of the same function. Target: hessian ≤ 3 × n × gradient.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// a fixed, pre-touched heap: otherwise first touches of a growing young generation (kernel page
// zeroing) make some iterations of the allocating benchmarks ~10× slower; see bench/RESULTS.md
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class W4Bench {
    static final int N = 100;
    final double[] x = Workloads.rosenbrockPoint(N);

    @Setup(Level.Trial)
    public void check() {
        double[][] h = hessian(Workloads.ROSENBROCK, x);
        for (int i = 0; i < N; i++) {
            double[] want = new double[N];
            if (i + 1 < N) {
                want[i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
                want[i + 1] = -400 * x[i];
            }
            if (i > 0) {
                want[i] += 200;
                want[i - 1] = -400 * x[i - 1];
            }
            Workloads.check("W4 hessian row " + i, h[i], want, 1e-12);
        }
    }

    @Benchmark
    public double[][] hessian100() {
        return hessian(Workloads.ROSENBROCK, x);
    }

    @Benchmark
    public double[] reverseGradient100() {
        return gradient(Workloads.ROSENBROCK, x);
    }
}
