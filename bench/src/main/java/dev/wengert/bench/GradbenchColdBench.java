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
 * Every derivative call of a fresh JVM, timed one by one: the workload is set up (compiled
 * tapes recorded once at the point) and then called {@value #CALLS} times with no warm-up, as
 * the issue timed compiled llsq (its slowest call 5.4 s against a 4.4 ms median). Code is
 * generated once a tape's calls have taken as long as generating it is estimated to cost (0.5 s
 * plus 2 µs per recorded operation): a workload whose 500 calls do not add up to that never
 * generates here, and its calls with code generation on are those with it off. JMH's
 * single-shot mode times each call as an iteration; {@code bench/peers/gradbench_report.py}
 * reads the median and the slowest call from the JSON's raw data. Code generation for the
 * compiled tapes happens on its own thread during these calls; {@code derivativeCodegenOff}
 * makes the same calls with it off (-Dwengert.codegen=off), the total and the slowest call
 * code generation must not exceed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = GradbenchColdBench.CALLS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class GradbenchColdBench {
    static final int CALLS = 500;

    @Param({"lse.scalar", "lse.tensor", "llsq.scalar", "llsq.tensor", "det.minors", "det.lu", "ode.scalar",
        "ode.tensor", "kmeans.scalar", "kmeans.tensor", "gmm.scalar", "gmm.tensor", "ba.scalar", "ht.scalar",
        "ht.tensor", "lstm.scalar", "lstm.tensor"})
    public String workload;

    Gradbench.Workload w;

    @Setup(Level.Trial)
    public void setup() {
        w = Gradbench.of(workload);
    }

    @Benchmark
    public Object derivative() {
        return w.derivative();
    }

    /** The same calls with code generation off: what a compiled gradient must never be slower than. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "-Dwengert.codegen=off"})
    public Object derivativeCodegenOff() {
        return w.derivative();
    }
}
