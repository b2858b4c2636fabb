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
import java.lang.management.ThreadMXBean;
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
 * it, the CPU time of the calling thread and how many times the OS took the core from it
 * (involuntary context switches, from Linux's {@code /proc/thread-self/status}; -1 elsewhere);
 * with {@code WENGERT_WARM_CALLS_DIR} set (warm_calls.sh --note sets it; the table of a run
 * without it is the one to quote, since reading the MXBeans and /proc between calls touches the
 * JVM's own data and the caches) it writes them, one line per call in call order, to
 * {@code calls-<workload>.txt} there, so that the report can say which of the slow calls had a
 * collection, a compilation or a preemption inside them, and which were slow in CPU time too
 * (work of their own) rather than in wall time alone (time the thread did not run). Both
 * fixtures run on the benchmark's one thread, so the CPU time is the call's, plus JMH's few
 * microseconds between a fixture and the call.
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
    /** Per call: CPU nanoseconds of the calling thread, and involuntary context switches (-1: unknown). */
    private long[] cpuNs;
    private long[] preempted;
    private int calls;
    /** Whether calls are noted (WENGERT_WARM_CALLS_DIR set): reading the MXBeans between calls touches the JVM's own data. */
    private boolean noting;
    private long gcBefore;
    private long jitBefore;
    private long cpuBefore;
    private long switchesBefore;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void setup() {
        w = Gradbench.of(workload);
        w.check();
        Gradbench.settle(w);
        noting = System.getenv("WENGERT_WARM_CALLS_DIR") != null;
        gcs = new long[WARMUP + CALLS];
        jitMs = new long[WARMUP + CALLS];
        cpuNs = new long[WARMUP + CALLS];
        preempted = new long[WARMUP + CALLS];
    }

    @Setup(Level.Iteration)
    public void beforeCall() {
        if (!noting) {
            return;
        }
        gcBefore = collections();
        jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        switchesBefore = involuntarySwitches();
        cpuBefore = threads.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void afterCall() {
        if (noting && calls < gcs.length) {
            cpuNs[calls] = threads.getCurrentThreadCpuTime() - cpuBefore;
            long switches = involuntarySwitches();
            preempted[calls] = switches < 0 || switchesBefore < 0 ? -1 : switches - switchesBefore;
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
                + " untimed): garbage collections during it, milliseconds of JIT compilation, CPU nanoseconds"
                + " of the calling thread, involuntary context switches (-1: unknown)\n");
        for (int k = 0; k < Math.min(calls, gcs.length); k++) {
            out.append(gcs[k]).append(' ').append(jitMs[k]).append(' ').append(cpuNs[k]).append(' ')
                    .append(preempted[k]).append('\n');
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

    /** The calling thread's involuntary context switches so far (Linux), or -1 where /proc does not say. */
    private static long involuntarySwitches() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the note says unknown
        }
        return -1;
    }

    @Benchmark
    public Object derivative() {
        return w.derivative();
    }
}
