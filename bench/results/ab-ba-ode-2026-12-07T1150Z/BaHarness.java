import dev.wengert.bench.Gradbench;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/** One JVM: check, settle as GradbenchBench does, then JMH-like warm-up and measured windows of derivative() calls, CPU time per call. */
public class BaHarness {
    static Object sink;
    public static void main(String[] a) {
        String name = a.length > 0 ? a[0] : "ba.scalar";
        String what = a.length > 1 ? a[1] : "derivative";
        int warm = a.length > 2 ? Integer.parseInt(a[2]) : 3;
        int meas = a.length > 3 ? Integer.parseInt(a[3]) : 5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Gradbench.Workload w = Gradbench.of(name);
        w.check();
        Gradbench.settle(w);
        double[] res = new double[warm + meas];
        for (int it = 0; it < warm + meas; it++) {
            long wallEnd = System.nanoTime() + (it < warm ? 2_000_000_000L : 1_000_000_000L);
            long c0 = mx.getCurrentThreadCpuTime();
            long n = 0;
            while (System.nanoTime() < wallEnd) {
                sink = what.equals("derivative") ? w.derivative() : w.objective();
                n++;
            }
            res[it] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / n;
        }
        double[] m = Arrays.copyOfRange(res, warm, warm + meas);
        double[] s = m.clone();
        Arrays.sort(s);
        StringBuilder sb = new StringBuilder();
        for (double r : res) sb.append(String.format(" %.0f", r));
        System.out.printf("RESULT %s %s median %.1f us/call (cpu); iters:%s%n", name, what, s[s.length / 2], sb);
    }
}
