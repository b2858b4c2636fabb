package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.compile.CompiledFn;
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
import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.gradient;

/**
 * A least-squares loss over data as a user writes it in JShell: a scalar loop over two
 * parameters and two {@code double[]} columns, L(a, k) = (1/m) Σ (a·e^(−k·tᵢ) − yᵢ)², m = 10,000.
 * Each iteration records its own constants (tᵢ, yᵢ); the compiled tape's loop runs as generated
 * code all the same. Plain-double primal, hand-written gradient, gradient recorded on every call,
 * compiled gradient, and compiled with generated code off. Not a target of issue 4: it shows
 * what generated loops give a fitting loss over a table's columns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class DataLoopBench {
    static final int M = 10_000;
    final double[] t = new double[M];
    final double[] y = new double[M];
    final double[] p = {1.0, 0.2};
    final double[] g = new double[2];
    Fn loss;
    CompiledFn compiled;
    /** Whether this trial timed the compiled function (only then must its loop be generated). */
    boolean timedCompiled;

    @Setup(Level.Trial)
    public void setup() {
        for (int i = 0; i < M; i++) {
            t[i] = 0.001 * i;
            y[i] = 1.5 * Math.exp(-0.3 * t[i]) + 0.01 * Math.sin(7 * i);
        }
        loss = q -> {
            Num s = constant(0);
            for (int i = 0; i < M; i++) {
                Num r = q[0].times(exp(q[1].times(-t[i]))).minus(y[i]);
                s = s.plus(r.square());
            }
            return s.div(M);
        };
        compiled = compile(loss, p);
        double[] want = new double[2];
        handGradient(want);
        Workloads.check("data loop compiled gradient", compiled.gradient(p), want, 1e-12);
        Workloads.check("data loop recorded gradient", gradient(loss, p), want, 1e-12);
    }

    @TearDown(Level.Trial)
    public void generated() {
        Workloads.checkRecordedOnce("data loop compiled", compiled);
        boolean off = "off".equals(System.getProperty("wengert.codegen"));
        if (timedCompiled && !off && compiled.generatedOperations() < 6 * (M - 2)) {
            throw new IllegalStateException("data loop: the loop did not become generated code: " + compiled);
        }
    }

    @Benchmark
    public double primal() {
        double s = 0;
        for (int i = 0; i < M; i++) {
            double r = p[0] * Math.exp(p[1] * -t[i]) - y[i];
            s += r * r;
        }
        return s / M;
    }

    /** ∂L/∂a = (2/m) Σ rᵢ e^(−k tᵢ), ∂L/∂k = −(2/m) Σ rᵢ a tᵢ e^(−k tᵢ). */
    @Benchmark
    public double handGradient() {
        return handGradient(g);
    }

    private double handGradient(double[] out) {
        double s = 0;
        double ga = 0;
        double gk = 0;
        for (int i = 0; i < M; i++) {
            double e = Math.exp(p[1] * -t[i]);
            double r = p[0] * e - y[i];
            s += r * r;
            ga += r * e;
            gk -= r * p[0] * t[i] * e;
        }
        out[0] = 2 * ga / M;
        out[1] = 2 * gk / M;
        return s / M;
    }

    @Benchmark
    public double[] recordedGradient() {
        return gradient(loss, p);
    }

    @Benchmark
    public double compiledGradient() {
        timedCompiled = true;
        return compiled.valueAndGradientInto(p, g);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dwengert.codegen=off"})
    public double compiledGradientInterpreted() {
        return compiled.valueAndGradientInto(p, g);
    }
}
