package dev.wengert.bench;

import dev.wengert.reverse.CompiledFn;
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

/**
 * W1 (issue 4), compiled tape: Rosenbrock n = 10,000 recorded once by {@code compile(f, x0)},
 * then {@code gradient(x)} replays it. Read against {@code W1Bench.primal} of the same run
 * (target compiled ÷ primal ≤ 2.5); {@code compiledValue} is the replay alone, without the
 * backward sweep. Run both classes together ({@code W1}) so the ratio comes from one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// a fixed, pre-touched heap: otherwise first touches of a growing young generation (kernel page
// zeroing) make some iterations of the allocating benchmarks ~10× slower; see bench/RESULTS.md
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class W1CompiledBench {
    static final int N = 10_000;
    final double[] x = Workloads.rosenbrockPoint(N);
    CompiledFn compiled;

    @Setup(Level.Trial)
    public void setup() {
        compiled = compile(Workloads.ROSENBROCK, x);
        double[] want = new double[N];
        double f = Workloads.rosenbrockGradient(x, want);
        Workloads.check("W1 compiled gradient", compiled.gradient(x), want, 1e-12);
        if (Math.abs(compiled.value(x) - f) > 1e-12 * Math.abs(f)) {
            throw new IllegalStateException("W1 compiled value " + compiled.value(x) + " != " + f);
        }
    }

    /** A replay that re-recorded would time a recording, not a replay: refuse such a run. */
    @TearDown(Level.Trial)
    public void noRerecording() {
        Workloads.checkRecordedOnce("W1 compiled", compiled);
    }

    @Benchmark
    public double[] compiledGradient() {
        return compiled.gradient(x);
    }

    @Benchmark
    public double compiledValue() {
        return compiled.value(x);
    }
}
