package dev.wengert.core;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What recording costs the heap per operation besides the tape (issue 20): one Num handle of
 * 40 bytes (it was 56). Counted with the JVM's per-thread allocation counter, not timed: the
 * second gradient(f, x) reuses the first one's private tape, so what it allocates is the
 * handles (and the few arrays of the call itself).
 */
class HandleSizeTest {

    @Test
    void recordingAnOperationAllocatesOneFortyByteHandle() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeAllocationCounting(mx);
        int n = 200_000;
        Fn f = x -> {
            Num s = x[0];
            for (int i = 0; i < n; i++) {
                s = s.times(0.999).plus(x[1]);       // two recorded operations per step
            }
            return s;
        };
        gradient(f, 0.5, 0.25);                      // sizes the private tape the next call reuses
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        gradient(f, 0.5, 0.25);
        long bytes = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        double perOp = (double) bytes / (2.0 * n);
        assertTrue(perOp <= 40.5, perOp + " bytes allocated per recorded operation");
        assertTrue(perOp >= 0, "the counter moved");
    }

    private static void assumeAllocationCounting(com.sun.management.ThreadMXBean mx) {
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        mx.setThreadAllocatedMemoryEnabled(true);
    }
}
