package dev.wengert.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One JVM: ba.scalar settled, then windows of 0.4 s each, in turn: the derivative as the bench
 * writes it (D), the objective (O), and (with jacobianInto available) the derivative into reused
 * buffers (N). CPU time per call, µs. Shows whether slow windows hit all code alike (the machine)
 * or one kind (allocation-heavy calls).
 */
public class BaMix {
    static Object sink;

    public static void main(String[] a) throws Exception {
        int windows = a.length > 0 ? Integer.parseInt(a[0]) : 12;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Gradbench.Ba w = (Gradbench.Ba) Gradbench.of("ba.scalar");
        w.check();
        Gradbench.settle(w);
        boolean into = false;
        try {
            w.block.getClass().getMethod("jacobianInto", double[].class, double[][].class);
            into = true;
        } catch (NoSuchMethodException e) {
            // old jar
        }
        final boolean haveInto = into;
        double[] vals = new double[Gradbench.BA_P * 30 + Gradbench.BA_P];
        double[][] jac = new double[2][17];
        double[] g = new double[1];
        Runnable d = () -> sink = w.derivative();
        Runnable o = () -> sink = w.objective();
        Runnable n = () -> {
            for (int j = 0; j < Gradbench.BA_P; j++) {
                w.block.jacobianInto(w.input(j), jac);
                System.arraycopy(jac[0], 0, vals, 30 * j, 15);
                System.arraycopy(jac[1], 0, vals, 30 * j + 15, 15);
                w.wErr.valueAndGradientInto(new double[] {w.w[j]}, g);
                vals[30 * Gradbench.BA_P + j] = g[0];
            }
            sink = vals;
        };
        // warm every kind
        for (int k = 0; k < 3; k++) {
            time(mx, d, 1.0);
            time(mx, o, 0.5);
            if (haveInto) time(mx, n, 1.0);
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < windows; k++) {
            sb.append(String.format(" | D %.0f O %.0f", time(mx, d, 0.4), time(mx, o, 0.4)));
            if (haveInto) sb.append(String.format(" N %.0f", time(mx, n, 0.4)));
        }
        System.out.println("MIX" + sb);
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
