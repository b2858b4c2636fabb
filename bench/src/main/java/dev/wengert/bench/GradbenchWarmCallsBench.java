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
 * Every derivative call of a settled JVM, timed one by one: the workload is checked and settled
 * as {@link GradbenchBench} does (its compiled tapes called until their generated code, if
 * any, has arrived), then {@value #WARMUP} calls are made untimed and {@value #CALLS} timed,
 * each as a JMH single shot. {@code bench/peers/warm_calls.py} reads every call from the JSON's
 * raw data and gives the median, the slowest and their ratio: issue 20's "no gradient call
 * more than 2× its median" once the JVM has warmed up, where {@link GradbenchColdBench} gives
 * it from a fresh JVM's first call on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = GradbenchWarmCallsBench.WARMUP)
@Measurement(iterations = GradbenchWarmCallsBench.CALLS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class GradbenchWarmCallsBench {
    static final int WARMUP = 200;
    static final int CALLS = 1000;

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
    public Object derivative() {
        return w.derivative();
    }
}
