package dev.wengert.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One JVM: a workload checked and settled as GradbenchBench does, warmed 2 s each side, then
 * `pairs` back-to-back windows (derivative 0.2 s, objective 0.2 s), CPU time per call. Prints
 * the medians of the derivative, the objective and of each pair's ratio: adjacent windows see
 * the same machine, so the ratio is steadier than either side on this shared machine.
 */
public class BaRatio {
    static Object sink;

    public static void main(String[] a) {
        String name = a.length > 0 ? a[0] : "ba.scalar";
        int pairs = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Gradbench.Workload w = Gradbench.of(name);
        w.check();
        Gradbench.settle(w);
        Runnable d = () -> sink = w.derivative();
        Runnable o = () -> sink = w.objective();
        time(mx, d, 2.0);
        time(mx, o, 2.0);
        double[] dv = new double[pairs], ov = new double[pairs], rv = new double[pairs];
        for (int k = 0; k < pairs; k++) {
            dv[k] = time(mx, d, 0.2);
            ov[k] = time(mx, o, 0.2);
            rv[k] = dv[k] / ov[k];
        }
        System.out.printf("RATIO %s derivative %.1f objective %.1f ratio %.2f (medians of %d pairs; ratio min %.2f)%n", name,
                med(dv), med(ov), med(rv), pairs, Arrays.stream(rv).min().getAsDouble());
    }

    static double med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double time(ThreadMXBean mx, Runnable r, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long c0 = mx.getCurrentThreadCpuTime();
        long n = 0;
        while (System.nanoTime() < end) {
            r.run();
            n++;
        }
        return (mx.getCurrentThreadCpuTime() - c0) / 1e3 / n;
    }
}
