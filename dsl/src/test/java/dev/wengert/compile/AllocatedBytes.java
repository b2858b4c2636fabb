package dev.wengert.compile;

import java.lang.management.ManagementFactory;

/**
 * For tests that count, not time: the bytes the calling thread allocates, from the JVM's own
 * per-thread count (skipped, with a message, on a JVM that does not keep one).
 */
public final class AllocatedBytes {
    private AllocatedBytes() {
    }

    /** The JVM's thread bean with allocation counting on; the test is skipped where it cannot count. */
    public static com.sun.management.ThreadMXBean counter() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        mx.setThreadAllocatedMemoryEnabled(true);
        return mx;
    }

    /** Bytes the calling thread has allocated so far. */
    public static long allocated(com.sun.management.ThreadMXBean mx) {
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
