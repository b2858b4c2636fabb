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

    /**
     * The tape's share of the figure README states (34 bytes per operation measured as heap, a
     * 40-byte handle beside it, counted above): for TapeMemory's mix s ← s²·½ + x (a unary
     * operation, one with a constant, a binary one) the tape's arrays hold 32 bytes per
     * operation when full and grow by at most a quarter, so between 32 and 40 bytes; with the
     * handle, a program that keeps every value it computes holds at most 80.5 bytes per operation.
     */
    @Test
    void theTapeHoldsAtMostFortyBytesPerOperationOfTheMix() {
        resetTape();
        try {
            Num x = param("x", 0.5);
            Num s = param("s", 0.5);
            Tape t = tape();
            int size0 = t.size();
            int loops = 100_000;
            for (int k = 0; k < loops; k++) {
                s = s.square().times(0.5).plus(x);
            }
            int ops = t.size() - size0;
            assertEquals(3 * loops, ops);
            double tapePerOp = (double) t.bytes() / ops;
            assertTrue(tapePerOp <= 40.0, tapePerOp + " bytes of tape arrays per operation");
            assertTrue(tapePerOp >= 32.0, tapePerOp + ": the layout is 32 bytes per operation of this mix at full arrays");
        } finally {
            resetTape();
        }
    }

    private static void assumeAllocationCounting(com.sun.management.ThreadMXBean mx) {
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        mx.setThreadAllocatedMemoryEnabled(true);
    }
}
