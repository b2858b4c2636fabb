package dev.wengert.bench;

import dev.wengert.compile.CompiledFn;
import dev.wengert.core.Fn;
import dev.wengert.core.Functional;
import dev.wengert.tensor.Tensor;
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

import java.util.Arrays;

import static dev.wengert.Wengert.*;

/**
 * Second order (issue 20, item 3). kmeans' cost as tensors (k = 10, n = 1,000, d = 8): its
 * gradient, its Hessian–vector product by forward over reverse on the tape's nodes
 * ({@code hvp}, and from the compiled tape), and the same product the nested way (forward
 * values through the element path: {@code Functional.hvp}), so hvp ÷ gradient reads off one
 * run ({@link SaddleBench} times nesting in the four pairings of modes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SecondOrderBench {
    static final int K = 10;
    static final int N = 1000;
    static final int D = 8;

    final double[] points = new GradbenchData(5).uniform(N * D);
    final double[] c0 = Arrays.copyOfRange(points, (N - K) * D, N * D);
    final Tensor p = tensor(points, N, D);
    final Tensor pt = p.transpose();
    final double[] ones = new double[K * D];
    final double[] g = new double[K * D];
    Fn cost;
    CompiledFn compiled;

    @Setup(Level.Trial)
    public void setup() {
        Arrays.fill(ones, 1);
        cost = c -> {
            Tensor cm = tensor(c, 0, K, D);
            return cm.matmul(pt).times(-2).plus(p.square().sum(1)).plus(cm.square().sum(1).reshape(K, 1)).amin(0).sum();
        };
        compiled = compile(cost, c0);
        Gradbench.agree("kmeans hvp", Functional.hvp(cost, c0, ones), hvp(cost, c0, ones), 1e-12);
    }

    @Benchmark
    public double[] kmeansGradient() {
        return gradient(cost, c0);
    }

    @Benchmark
    public double kmeansCompiledGradient() {
        return compiled.valueAndGradientInto(c0, g);
    }

    @Benchmark
    public double[] kmeansHvp() {
        return hvp(cost, c0, ones);
    }

    @Benchmark
    public double[] kmeansCompiledHvp() {
        return compiled.hvp(c0, ones);
    }

    @Benchmark
    public double[] kmeansNestedHvp() {
        return Functional.hvp(cost, c0, ones);
    }

}
