package dev.wengert.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per operation, in µs/op, two ways:
 * <ul>
 *   <li>{@code cpu.time.norm}: CPU time of the benchmark (JMH worker) threads only;</li>
 *   <li>{@code all.cpu.time.norm}: CPU time of every Java thread: the benchmark threads, the
 *       common fork-join pool's workers that run a fit's parallel passes ({@code wengert.fit.threads}),
 *       and the JIT's compiler threads — so work spread over threads is counted in full;</li>
 *   <li>{@code proc.cpu.time.norm}: CPU time of the whole JVM (adds the GC's threads, which are
 *       not Java threads).</li>
 * </ul>
 *
 * <p>Why: the 2-core machine this suite runs on is shared (builds and test suites of other
 * engineers run beside it; load averages of 10–20 are normal), so wall-clock time per op is
 * inflated by however long the benchmark thread waited for a core, by a different amount for
 * each benchmark. The worker threads' CPU time counts only the cycles the benchmark itself
 * spent, so its ratios are the stable ones under load. The process figure is printed too but
 * is not a good measure there: parallel GC workers spin while a descheduled peer holds them
 * up, which bills CPU to allocation-heavy benchmarks that an idle machine would not.
 * GC work itself is visible as {@code -prof gc}'s allocation per op.
 *
 * <pre>java -jar bench/target/benchmarks.jar W1 -prof dev.wengert.bench.CpuTimeProfiler</pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> workersAtStart = new HashMap<>();
    private Map<Long, Long> allAtStart = new HashMap<>();
    private long processAtStart;

    @Override
    public String getDescription() {
        return "CPU time per operation of the benchmark threads (robust to other load on the machine) and of the JVM";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        workersAtStart = workerCpu();
        allAtStart = allCpu();
        processAtStart = processCpu();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long process = processCpu() - processAtStart;
        long workers = 0;
        for (Map.Entry<Long, Long> e : workerCpu().entrySet()) {
            workers += e.getValue() - workersAtStart.getOrDefault(e.getKey(), 0L);
        }
        long all = 0;
        for (Map.Entry<Long, Long> e : allCpu().entrySet()) {
            all += e.getValue() - allAtStart.getOrDefault(e.getKey(), 0L);
        }
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
        List<Result> out = new ArrayList<>();
        out.add(new ScalarResult("cpu.time.norm", ops > 0 ? workers / 1e3 / ops : Double.NaN, "us/op",
                AggregationPolicy.AVG));
        out.add(new ScalarResult("all.cpu.time.norm", ops > 0 ? all / 1e3 / ops : Double.NaN, "us/op",
                AggregationPolicy.AVG));
        out.add(new ScalarResult("proc.cpu.time.norm", ops > 0 ? process / 1e3 / ops : Double.NaN, "us/op",
                AggregationPolicy.AVG));
        return out;
    }

    /**
     * CPU nanoseconds of every live Java thread, by thread id (a thread that ended during the
     * iteration is missed: the common pool keeps its workers for a minute when idle, so the
     * ones a fit uses outlive an iteration).
     */
    private Map<Long, Long> allCpu() {
        Map<Long, Long> m = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long c = threads.getThreadCpuTime(id);
            if (c >= 0) {
                m.put(id, c);
            }
        }
        return m;
    }

    /** CPU nanoseconds of every live JMH worker thread, by thread id. */
    private Map<Long, Long> workerCpu() {
        Map<Long, Long> m = new HashMap<>();
        for (ThreadInfo ti : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (ti != null && ti.getThreadName().contains("jmh-worker")) {
                long c = threads.getThreadCpuTime(ti.getThreadId());
                if (c >= 0) {
                    m.put(ti.getThreadId(), c);
                }
            }
        }
        return m;
    }

    private static long processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return System.nanoTime();
    }
}
