package dev.wengert.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The gradbench workloads of issue 20 ({@link Gradbench}): the objective without derivatives
 * and the derivative gradbench asks for, warm, in one run; read the ratio derivative ÷
 * objective against PyTorch's ({@code bench/peers/gradbench.sh} runs both sides). Each trial
 * first checks the derivative against an independent route.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class GradbenchBench {
    @Param({"lse.scalar", "lse.tensor", "llsq.scalar", "llsq.tensor", "det.minors", "det.lu", "ode.scalar",
        "ode.tensor", "kmeans.scalar", "kmeans.tensor", "gmm.scalar", "gmm.tensor", "ba.scalar", "ht.scalar",
        "ht.tensor", "lstm.scalar", "lstm.tensor"})
    public String workload;

    Gradbench.Workload w;

    @Setup(Level.Trial)
    public void setup() {
        w = Gradbench.of(workload);
        w.check();
        Gradbench.settle(w);
    }

    @Benchmark
    public Object objective() {
        return w.objective();
    }

    @Benchmark
    public Object derivative() {
        return w.derivative();
    }

    /** The objective written on doubles by hand (scalar workloads that have one; the rest return null at once). */
    @Benchmark
    public Object doubles() {
        return w.doubles();
    }
}
