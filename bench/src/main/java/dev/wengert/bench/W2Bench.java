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

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.compile;
import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.gradient;
import static dev.wengert.Wengert.tensor;

/**
 * W2 (issue 4): logistic regression, m = 100,000 rows, d = 20,
 * loss(w) = mean softplus(−(2yᵢ − 1)·(Xw)ᵢ). Plain-double primal, hand-written gradient (one
 * pass over the rows), {@code Tensor} reverse gradient (a handful of tape nodes, re-recorded on
 * every call) and compiled-tape gradient. Targets: tensor ÷ hand ≤ 1.3, and faster than
 * PyTorch (bench/peers).
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
public class W2Bench {
    static final int M = Workloads.W2_M;
    static final int D = Workloads.W2_D;

    final double[] xData = Workloads.w2X(M, D);
    final double[] sign = Workloads.w2Sign(Workloads.w2Y(M));
    final double[] w = Workloads.w2W(D);
    final double[] g = new double[D];

    Tensor X;
    Tensor S;
    Fn loss;
    CompiledFn compiled;

    @Setup(Level.Trial)
    public void setup() {
        X = tensor(xData, M, D);
        // S has the shape of X·w (a vector, or an m × 1 column, whichever matmul returns), so
        // the product below is elementwise with no broadcasting question
        Num[] w0 = new Num[D];
        for (int j = 0; j < D; j++) {
            w0[j] = constant(w[j]);
        }
        S = tensor(sign, X.matmul(tensor(w0)).shape());
        // loss(w) = (1/m) Σ softplus(s_i · (Xw)_i)
        loss = v -> {
            Tensor W = tensor(v);
            Tensor z = X.matmul(W);
            return z.times(S).softplus().mean();
        };
        compiled = compile(loss, w);

        double[] want = new double[D];
        double f = Workloads.logisticGradient(xData, sign, w, want);
        Workloads.check("W2 tensor gradient", gradient(loss, w), want, 1e-12);
        Workloads.check("W2 compiled gradient", compiled.gradient(w), want, 1e-12);
        if (Math.abs(compiled.value(w) - f) > 1e-12 * Math.abs(f)) {
            throw new IllegalStateException("W2 compiled value " + compiled.value(w) + " != " + f);
        }
    }

    @TearDown(Level.Trial)
    public void noRerecording() {
        Workloads.checkRecordedOnce("W2 compiled", compiled);
    }

    @Benchmark
    public double primal() {
        return Workloads.logisticLoss(xData, sign, w);
    }

    @Benchmark
    public double[] handGradient() {
        Workloads.logisticGradient(xData, sign, w, g);
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
