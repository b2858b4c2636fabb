package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.compile.CompiledFn;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.compile;
import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.gradient;
import static dev.wengert.Wengert.tensor;
import static dev.wengert.bench.Workloads.W3_B1;
import static dev.wengert.bench.Workloads.W3_B2;
import static dev.wengert.bench.Workloads.W3_D;
import static dev.wengert.bench.Workloads.W3_H;
import static dev.wengert.bench.Workloads.W3_M;
import static dev.wengert.bench.Workloads.W3_P;
import static dev.wengert.bench.Workloads.W3_W1;
import static dev.wengert.bench.Workloads.W3_W2;

/**
 * W3 (issue 4): a one-hidden-layer MLP on the first 4096 rows of W2's X, 64 tanh units,
 * y = W2·tanh(W1·x + b1) + b2, loss = mean (y − t)², gradient with respect to all 1409
 * weights (flattened: W1 row-major, b1, W2, b2). Target: within 1.5× of PyTorch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
// a fixed, pre-touched heap: otherwise first touches of a growing young generation (kernel page
// zeroing) make some iterations of the allocating benchmarks ~10× slower; see bench/RESULTS.md.
// Three forks: the JIT compiles these kernels differently from one JVM to the next (up to 1.5×
// apart), so one fork's figure is luck; the score is the mean over the three.
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class W3Bench {
    final double[] xData = Workloads.w3X();
    final double[] tData = Workloads.w3T();
    final double[] w = Workloads.w3Weights();
    final double[] g = new double[W3_P];

    Tensor X;
    Tensor T;
    Fn loss;
    CompiledFn compiled;

    /** The network's output for weights w (a vector of 4096 predictions). */
    Tensor predict(Num[] v) {
        Tensor w1 = tensor(Arrays.copyOfRange(v, W3_W1, W3_B1)).reshape(W3_H, W3_D);
        Tensor b1 = tensor(Arrays.copyOfRange(v, W3_B1, W3_W2)).reshape(1, W3_H);
        Tensor w2 = tensor(Arrays.copyOfRange(v, W3_W2, W3_B2));
        Num b2 = v[W3_B2];
        // y = tanh(X·W1ᵀ + b1)·W2 + b2
        return X.matmul(w1.transpose()).plus(b1).tanh().matmul(w2).plus(b2);
    }

    @Setup(Level.Trial)
    public void setup() {
        X = tensor(xData, W3_M, W3_D);
        Num[] w0 = new Num[W3_P];
        for (int k = 0; k < W3_P; k++) {
            w0[k] = constant(w[k]);
        }
        // T has the shape of the prediction, so y − T is elementwise
        T = tensor(tData, predict(w0).shape());
        // loss = (1/m) Σ (y_i − t_i)²
        loss = v -> predict(v).minus(T).square().mean();
        compiled = compile(loss, w);

        double[] want = new double[W3_P];
        double f = Workloads.mlpGradient(xData, tData, w, want);
        Workloads.check("W3 tensor gradient", gradient(loss, w), want, 1e-10);
        Workloads.check("W3 compiled gradient", compiled.gradient(w), want, 1e-10);
        if (Math.abs(compiled.value(w) - f) > 1e-12 * Math.abs(f)) {
            throw new IllegalStateException("W3 compiled value " + compiled.value(w) + " != " + f);
        }
    }

    @TearDown(Level.Trial)
    public void noRerecording() {
        Workloads.checkRecordedOnce("W3 compiled", compiled);
    }

    @Benchmark
    public double primal() {
        return Workloads.mlpLoss(xData, tData, w);
    }

    @Benchmark
    public double[] handGradient() {
        Workloads.mlpGradient(xData, tData, w, g);
        return g;
    }

    @Benchmark
    public double[] tensorGradient() {
        return gradient(loss, w);
    }

    @Benchmark
    public double[] compiledGradient() {
        return compiled.gradient(w);
    }
}
