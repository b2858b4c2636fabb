package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.gradient;

/**
 * The cost of a reverse-mode gradient of a small function against its plain-double primal:
 * read the ratio gradient ÷ primal from one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreBench {
    static final int N = 1000;
    final double[] x = new double[N];

    {
        for (int i = 0; i < N; i++) {
            x[i] = 0.5 + 0.001 * i;
        }
    }

    /** Rosenbrock: Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)². */
    static final Fn ROSENBROCK = v -> {
        Num s = v[0].times(0);
        for (int i = 0; i + 1 < v.length; i++) {
            Num a = v[i + 1].minus(v[i].square());
            Num b = v[i].neg().plus(1);
            s = s.plus(a.square().times(100)).plus(b.square());
        }
        return s;
    };

    @Benchmark
    public double primal() {
        double s = 0;
        for (int i = 0; i + 1 < N; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    @Benchmark
    public double[] reverseGradient() {
        return gradient(ROSENBROCK, x);
    }
}
