package dev.wengert.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/** Settle a workload, then record JFR over `seconds` of derivative (or objective) calls only; prints the compiled functions before and after. */
public class Probe {
    static Object sink;

    public static void main(String[] a) throws Exception {
        String name = a[0];
        String what = a[1];
        double seconds = Double.parseDouble(a[2]);
        Gradbench.Workload w = Gradbench.of(name);
        w.check();
        Gradbench.settle(w);
        Runnable r = what.equals("derivative") ? () -> sink = w.derivative() : () -> sink = w.objective();
        BaRatio.time(ManagementFactory.getThreadMXBean(), r, 3.0);
        jdk.jfr.Recording rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        rec.start();
        double us = BaRatio.time(ManagementFactory.getThreadMXBean(), r, seconds);
        rec.stop();
        rec.dump(Path.of(a[3]));
        System.out.printf("PROBE %s %s %.1f us/call%n", name, what, us);
        for (var c : Gradbench.COMPILED) {
            System.out.println("after: " + c);
        }
    }
}
