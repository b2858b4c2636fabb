import dev.wengert.bench.Gradbench;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/** One JVM, several rounds: a fresh workload (new tape arrays) each round, settled, then timed windows (CPU per call). */
public class BaRounds {
    static Object sink;
    public static void main(String[] a) {
        String name = a.length > 0 ? a[0] : "ba.scalar";
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 4;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder all = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            Gradbench.Workload w = Gradbench.of(name);
            w.check();
            Gradbench.settle(w);
            double[] res = new double[4];
            for (int it = 0; it < res.length; it++) {
                long wallEnd = System.nanoTime() + 1_000_000_000L;
                long c0 = mx.getCurrentThreadCpuTime();
                long n = 0;
                while (System.nanoTime() < wallEnd) {
                    sink = w.derivative();
                    n++;
                }
                res[it] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / n;
            }
            all.append(" |");
            for (double x : res) all.append(String.format(" %.0f", x));
        }
        System.out.println("ROUNDS " + name + all);
    }
}
