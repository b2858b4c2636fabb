package dev.wengert.bench;

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

/**
 * W1 (issue 4), compiled tape: Rosenbrock n = 10,000 recorded once by {@code compile(f, x0)},
 * then replayed. Its loop of 9,998 identical terms runs as generated Java once warm-up has
 * replayed it enough ({@link CompiledFn#generatedOperations()}; the teardown checks it did).
 * Read against {@code W1Bench.primal} of the same run (target compiled ÷ primal ≤ 2.5):
 * {@code compiledGradientInto} writes into a reused buffer as the hand-written gradient does,
 * {@code compiledGradient} returns a new array, {@code compiledGradientInterpreted} is the same
 * replay with generated code off, and {@code compiledValue} a replay of values alone (no
 * partials, no sweep; {@code compiledValueInterpreted} with generated code off). Run both classes together ({@code W1}) so the ratios come from one run.
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
    final double[] g = new double[N];
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
        if (compiled.value(x) != Workloads.rosenbrockRecordedOrder(x)) {
            throw new IllegalStateException("W1 compiled value " + compiled.value(x) + " is not the recorded program's "
                    + Workloads.rosenbrockRecordedOrder(x));
        }
    }

    /**
     * A replay that re-recorded would time a recording, not a replay: refuse such a run. So is
     * one whose loop never became generated code (unless the fork turned that off), and one
     * whose generated gradient is wrong.
     */
    @TearDown(Level.Trial)
    public void noRerecording() {
        Workloads.checkRecordedOnce("W1 compiled", compiled);
        boolean off = "off".equals(System.getProperty("wengert.codegen"));
        if (!off && compiled.generatedOperations() < 9 * (N - 2)) {
            throw new IllegalStateException("W1 compiled: the loop did not become generated code: " + compiled);
        }
        double[] want = new double[N];
        Workloads.rosenbrockGradient(x, want);
        Workloads.check("W1 compiled gradient (" + compiled + ")", compiled.gradient(x), want, 1e-12);
    }

    /** {@code gradient(x)}: a new gradient array per call. */
    @Benchmark
    public double[] compiledGradient() {
        return compiled.gradient(x);
    }

    /** Value and gradient into a reused buffer, as {@code W1Bench.handGradient} does. */
    @Benchmark
    public double compiledGradientInto() {
        return compiled.valueAndGradientInto(x, g);
    }

    /** The same with the tape interpreted (generated loops off), for comparison. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dwengert.codegen=off"})
    public double compiledGradientInterpreted() {
        return compiled.valueAndGradientInto(x, g);
    }

    /**
     * f(x) alone: a replay that computes values only (no partials; the loop runs its generated
     * values-only method). Read against {@code W1Bench.primalRecordedOrder}, the same additions
     * on doubles, which it equals to the bit.
     */
    @Benchmark
    public double compiledValue() {
        return compiled.value(x);
    }

    /** The same with the tape interpreted (generated loops off): the values-only interpreter. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dwengert.codegen=off"})
    public double compiledValueInterpreted() {
        return compiled.value(x);
    }
}
