package dev.wengert.compile;

import java.util.function.Supplier;

/** For tests of the parallel passes: runs a body with {@value Parallel#THREADS_PROPERTY} set, then puts the property back. */
public final class WithThreads {
    private WithThreads() {
    }

    /** {@code body}'s result, computed with the fit's passes on {@code threads} threads. */
    public static <T> T withThreads(String threads, Supplier<T> body) {
        String before = System.getProperty(Parallel.THREADS_PROPERTY);
        System.setProperty(Parallel.THREADS_PROPERTY, threads);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(Parallel.THREADS_PROPERTY);
            } else {
                System.setProperty(Parallel.THREADS_PROPERTY, before);
            }
        }
    }
}
