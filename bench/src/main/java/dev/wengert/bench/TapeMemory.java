package dev.wengert.bench;

import dev.wengert.core.Num;
import dev.wengert.core.Tape;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;

import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.resetTape;
import static dev.wengert.Wengert.tape;
import static dev.wengert.Wengert.tapeWarning;

/**
 * Tape memory (issue 4): heap bytes retained per recorded scalar operation, measured as the
 * heap delta (after full GCs) of recording 10⁷ operations on the implicit tape. Not a JMH
 * benchmark: JMH measures time, this measures what a recording keeps alive.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseSerialGC -cp bench/target/benchmarks.jar dev.wengert.bench.TapeMemory [ops]
 * </pre>
 *
 * The recorded program is a loop of three operations, s ← (s² · ½) + x: one unary op
 * (square), one op with a constant (times 0.5, recorded with one input) and one binary op
 * (plus x), the mix a scalar loss such as W1 records. Intermediate {@code Num} handles become
 * garbage as the loop runs, as in user code; only the tape and the final handle stay alive.
 * Also reported: the delta after a backward sweep (adjoints), and the allocation-free bound
 * the tape's layout gives when its arrays are exactly full.
 */
public final class TapeMemory {
    private TapeMemory() {
    }

    public static void main(String[] args) {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        tapeWarning(Long.MAX_VALUE);
        resetTape();
        Num x = param("x", 0.5);
        Num s = param("s", 0.5);
        Tape t = tape();
        int size0 = t.size();
        long before = used(mem);
        int loops = (int) (target / 3);
        for (int k = 0; k < loops; k++) {
            // s ← s²·½ + x  (stays in (0, 1]: no overflow, no special cases)
            s = s.square().times(0.5).plus(x);
        }
        long afterRecord = used(mem);
        long ops = t.size() - size0;
        s.backward();
        long afterSweep = used(mem);
        Reference.reachabilityFence(s);
        Reference.reachabilityFence(x);

        double perOp = (double) (afterRecord - before) / ops;
        double perOpSweep = (double) (afterSweep - before) / ops;
        System.out.printf("recorded operations: %,d (unary %,d, with a constant %,d, binary %,d)%n",
                ops, loops, loops, loops);
        System.out.printf("heap delta after recording: %,d bytes = %.1f bytes per operation%n", afterRecord - before, perOp);
        System.out.printf("heap delta after backward sweep: %,d bytes = %.1f bytes per operation%n",
                afterSweep - before, perOpSweep);
        System.out.printf("tape.bytes() estimate: %,d bytes = %.1f bytes per operation%n", t.bytes(), (double) t.bytes() / ops);
        System.out.printf("RESULT bytesPerOp=%.1f bytesPerOpAfterSweep=%.1f ops=%d%n", perOp, perOpSweep, ops);
        withHandles(mem, target);
    }

    /**
     * The same recording by a program that keeps every value it computes (a Num[] per
     * operation, as code over small matrices or arrays of Num does): the tape plus one live
     * handle and one array slot per operation.
     */
    private static void withHandles(MemoryMXBean mem, long target) {
        resetTape();
        Num x = param("x", 0.5);
        Num s = param("s", 0.5);
        int loops = (int) (target / 3);
        Num[] kept = new Num[3 * loops];
        Tape t = tape();
        int size0 = t.size();
        long before = used(mem);
        for (int k = 0; k < loops; k++) {
            Num a = s.square();
            Num b = a.times(0.5);
            s = b.plus(x);
            kept[3 * k] = a;
            kept[3 * k + 1] = b;
            kept[3 * k + 2] = s;
        }
        long after = used(mem);
        long ops = t.size() - size0;
        Reference.reachabilityFence(kept);
        double perOp = (double) (after - before) / ops;
        System.out.printf("keeping every handle: %,d bytes = %.1f bytes per operation (tape, a Num handle and "
                + "a reference to it)%n", after - before, perOp);
        System.out.printf("RESULT bytesPerOpWithHandles=%.1f%n", perOp);
    }

    private static long used(MemoryMXBean mem) {
        long u = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            u = Math.min(u, mem.getHeapMemoryUsage().getUsed());
        }
        return u;
    }
}
