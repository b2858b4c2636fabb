package dev.wengert.compile;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The loops of a compiled tape that run one generated method: loops of the same shape that
 * differ only in where they sit on the tape and in the constants they read from arrays (the
 * rows of a double loop over data, each row's inner loop at another offset). One method per
 * shape keeps the generated source small however many rows there are, and lets the JIT
 * compile it once, after a few rows, instead of each copy after its own warm-up.
 *
 * <p>Also where a compiled tape keeps what it measured of the group: the time its loops took
 * as generated code and as interpreted nodes, so a group that is not faster is dropped.
 */
final class LoopGroup {
    /** The index in the generated class (methods f&lt;index&gt;, fv&lt;index&gt;, b&lt;index&gt;, fb&lt;index&gt;). */
    final int index;
    /** The generated text of the group's methods, before they are named. */
    final String text;
    final List<Loop> loops = new ArrayList<>();
    MethodHandle forward;
    /** The forward computing values only (values, offsets, constants): see LoopCode.values. */
    MethodHandle values;
    MethodHandle backward;
    MethodHandle fused;
    /** The fastest call measured per call kind (0 values, 1 gradients) and way (0 interpreted, 1 generated). */
    final long[][] nanos = new long[2][2];
    final int[][] calls = new int[2][2];
    /** Nanoseconds accumulated during the current call. */
    long current;

    LoopGroup(int index, String text) {
        this.index = index;
        this.text = text;
    }

    /** Operations the group's loops cover. */
    long operations() {
        long n = 0;
        for (Loop l : loops) {
            n += (long) l.period * l.count;
        }
        return n;
    }

    @Override
    public String toString() {
        return loops.size() + " loop" + (loops.size() == 1 ? "" : "s") + " of " + loops.get(0).period + " operations";
    }
}
