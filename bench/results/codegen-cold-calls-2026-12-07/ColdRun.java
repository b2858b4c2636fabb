package dev.wengert.bench;

import java.lang.management.*;
import java.util.*;

public class ColdRun {
    public static void main(String[] a) throws Exception {
        String name = a[0];
        int calls = Integer.parseInt(a[1]);
        boolean verbose = a.length > 2;
        Gradbench.Workload w = Gradbench.of(name);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long[] t = new long[calls];
        long[] at = new long[calls];
        long startMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        long cpu0 = tm.getCurrentThreadCpuTime();
        long alloc0 = ((com.sun.management.ThreadMXBean) tm).getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            at[i] = t0;
            w.derivative();
            t[i] = System.nanoTime() - t0;
        }
        long cpu = tm.getCurrentThreadCpuTime() - cpu0;
        long alloc = ((com.sun.management.ThreadMXBean) tm).getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0;
        long total = Arrays.stream(t).sum();
        long[] w10 = Arrays.copyOfRange(t, 10, calls);
        long[] s = w10.clone(); Arrays.sort(s);
        long med = s[s.length / 2];
        long cg = 0;
        for (ThreadInfo ti : tm.dumpAllThreads(false, false)) {
            if (ti.getThreadName().equals("wengert-codegen")) cg = tm.getThreadCpuTime(ti.getThreadId());
        }
        long gcCount = 0, gcTime = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) { gcCount += gc.getCollectionCount(); gcTime += gc.getCollectionTime(); }
        System.out.printf(Locale.ROOT, "%s total %.1f ms, slowest %.2f ms, after10 median %.3f slowest %.3f (%.1fx at %d), caller cpu %.1f ms, alloc/call %d B, codegen cpu %.1f ms, gc %d/%d ms, jit %d ms%n",
            name, total / 1e6, Arrays.stream(t).max().getAsLong() / 1e6, med / 1e6, s[s.length - 1] / 1e6, (double) s[s.length - 1] / med,
            indexOf(t, s[s.length - 1]), cpu / 1e6, alloc / calls, cg / 1e6, gcCount, gcTime, ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        if (verbose) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < calls; i++) b.append(String.format(Locale.ROOT, "call %d at %d ns: %.0f us%n", i, at[i], t[i] / 1e3));
            System.out.println(b);
        }
    }
    static int indexOf(long[] t, long v) { for (int i = 0; i < t.length; i++) if (t[i] == v) return i; return -1; }
}
