package dev.wengert.bench;

import java.lang.management.*;
import java.util.Arrays;
import static dev.wengert.Wengert.fit;
public class Dist {
  public static void main(String[] a) {
    FitModels m = FitModels.valueOf(a[0]); int rows = Integer.parseInt(a[1]); int reps = Integer.parseInt(a[2]);
    double[][] d = m.data(rows); double[][] x = new double[rows][];
    for (int i = 0; i < rows; i++) x[i] = new double[]{d[0][i]};
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] t = new long[reps];
    for (int k = 0; k < reps; k++) { long t0 = cpu.getCurrentThreadCpuTime(); fit(m.model, x, d[1], m.start); t[k] = cpu.getCurrentThreadCpuTime() - t0; }
    for (int w = 0; w < 10; w++) { int lo = w * reps / 10, hi = (w + 1) * reps / 10; long[] s = Arrays.copyOfRange(t, lo, hi); Arrays.sort(s); long sum=0; for (long v: s) sum+=v;
      System.out.printf("decile %d: min %.2f med %.2f mean %.2f p90 %.2f ms%n", w, s[0]/1e6, s[s.length/2]/1e6, sum/1e6/s.length, s[s.length*9/10]/1e6); }
  }
}
