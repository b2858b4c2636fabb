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

import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Every derivative call of a settled JVM, timed one by one: the workload is checked and settled
 * as {@link GradbenchBench} does (its compiled tapes called until their generated code, if
 * any, has arrived), then {@value #WARMUP} calls are made untimed and {@value #CALLS} timed,
 * each as a JMH single shot. {@code bench/peers/warm_calls.py} reads every call from the JSON's
 * raw data and gives the median, the slowest and their ratio: issue 20's "no gradient call
 * more than 2× its median" once the JVM has warmed up, where {@link GradbenchColdBench} gives
 * it from a fresh JVM's first call on.
 *
 * <p>Around every call, outside the timed region (JMH's per-iteration fixtures), the fork notes
 * how many garbage collections and how many milliseconds of JIT compilation happened during
 * it; with {@code WENGERT_WARM_CALLS_DIR} set (warm_calls.sh --note sets it; the table of a run without it is the one to quote, since reading the MXBeans between calls touches the JVM's own data) it writes them, one line
 * per call in call order, to {@code calls-<workload>.txt} there, so that the report can say
 * which of the slow calls had a collection or a compilation inside them.
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
    /** Per call (warm-up and timed, in order): collections and JIT milliseconds during it. */
    private long[] gcs;
    private long[] jitMs;
    private int calls;
    /** Whether calls are noted (WENGERT_WARM_CALLS_DIR set): reading the MXBeans between calls touches the JVM's own data. */
    private boolean noting;
    private long gcBefore;
    private long jitBefore;

    @Setup(Level.Trial)
    public void setup() {
        w = Gradbench.of(workload);
        w.check();
        Gradbench.settle(w);
        noting = System.getenv("WENGERT_WARM_CALLS_DIR") != null;
        gcs = new long[WARMUP + CALLS];
        jitMs = new long[WARMUP + CALLS];
    }

    @Setup(Level.Iteration)
    public void beforeCall() {
        if (!noting) {
            return;
        }
        gcBefore = collections();
        jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    @TearDown(Level.Iteration)
    public void afterCall() {
        if (noting && calls < gcs.length) {
            gcs[calls] = collections() - gcBefore;
            jitMs[calls] = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
        }
        calls++;
    }

    @TearDown(Level.Trial)
    public void write() throws IOException {
        String dir = System.getenv("WENGERT_WARM_CALLS_DIR");
        if (!noting || dir == null) {
            return;
        }
        StringBuilder out = new StringBuilder("# per call, in order (the first " + WARMUP
                + " untimed): garbage collections during it, then milliseconds of JIT compilation\n");
        for (int k = 0; k < Math.min(calls, gcs.length); k++) {
            out.append(gcs[k]).append(' ').append(jitMs[k]).append('\n');
        }
        Files.writeString(Path.of(dir, "calls-" + workload + ".txt"), out);
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    @Benchmark
    public Object derivative() {
        return w.derivative();
    }
}
