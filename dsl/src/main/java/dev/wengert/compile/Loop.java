package dev.wengert.compile;

import java.lang.invoke.MethodHandle;

/**
 * A run of a compiled tape that repeats one body of {@code period} operations {@code count}
 * times: what a {@code for} loop in the user's function recorded. {@link LoopFinder} finds and
 * describes it, {@link LoopCode} turns it back into a Java loop.
 *
 * <p>Node {@code lo + k·period + j} is slot {@code j} of iteration {@code k}. Each operand of a
 * slot is one of three kinds, the same in every iteration:
 * <ul>
 *   <li>{@link #INTERNAL}: an earlier slot of the same iteration ({@code ref} is the slot);
 *   <li>{@link #CARRIED}: slot {@code ref} of the previous iteration (a loop-carried value such
 *       as a running sum; in iteration 0 the node {@code lo − period + ref}, before the loop);
 *   <li>{@link #EXTERNAL}: a node before the loop, at {@code ref + stride·k} (an input
 *       {@code x[i]} read with stride 1, or a parameter read by every iteration with stride 0).
 * </ul>
 */
final class Loop {
    static final byte INTERNAL = 0;
    static final byte CARRIED = 1;
    static final byte EXTERNAL = 2;

    /** A slot whose nodes nothing outside the loop reads. */
    static final byte OUT_NONE = 0;
    /** Only the last iteration's node of the slot is read outside the loop (a final sum). */
    static final byte OUT_LAST = 1;
    /** Nodes of the slot in other iterations are read outside the loop too. */
    static final byte OUT_ALL = 2;

    final int lo;
    final int period;
    int count;
    /** Per slot: the program opcode, the rule object, the constant operand. */
    final byte[] code;
    final Object[] rule;
    final double[] konst;
    /** Per slot and operand: kind, reference (slot or node) and stride (external operands). */
    final byte[][] kind;
    final int[][] ref;
    final int[][] stride;
    /** Per slot and operand: the partial recorded for it (used where the partial is constant). */
    final double[][] partial;
    /**
     * Per slot: whether its constant differs between iterations ({@code a.times(t[i])}), and
     * whether its recorded partials do (then they are read from the partials array, as the
     * interpreter reads them). {@code constants} holds the constants of the loop's nodes, by
     * node − lo, when any slot's differs.
     */
    final boolean[] constantVaries;
    final boolean[] partialVaries;
    double[] constants;
    /** Position of slot j's first partial in iteration 0, and partials per iteration. */
    final int[] argOffset;
    final int argBase;
    final int argsPerIteration;
    /** Per slot: what outside the loop reads its nodes (OUT_NONE, OUT_LAST or OUT_ALL). */
    final byte[] out;
    /**
     * Per slot: whether the sweep from the output reaches it, in every iteration but the last
     * ({@code live}) and in the last ({@code liveLast}: a value only the next iteration reads is
     * dead there). The interpreter skips nodes it does not reach, and so does the generated code.
     */
    final boolean[] live;
    boolean[] liveLast;

    /** The generated code: forward(values, partials), backward(values, adjoints, partials). */
    MethodHandle forward;
    MethodHandle backward;
    /** Forward and backward in one pass (values, adjoints, partials), or null: see LoopCode.fused. */
    MethodHandle fused;

    Loop(int lo, int period, int argBase, int argsPerIteration) {
        this.lo = lo;
        this.period = period;
        this.argBase = argBase;
        this.argsPerIteration = argsPerIteration;
        code = new byte[period];
        rule = new Object[period];
        konst = new double[period];
        kind = new byte[period][];
        ref = new int[period][];
        stride = new int[period][];
        partial = new double[period][];
        argOffset = new int[period];
        out = new byte[period];
        live = new boolean[period];
        constantVaries = new boolean[period];
        partialVaries = new boolean[period];
    }

    /** Whether slot j's partials are the same recorded constants in every iteration. */
    boolean fixedPartials(int j) {
        return LoopFinder.constantPartials(code[j]) && !partialVaries[j];
    }

    /** One past the loop's last node. */
    int end() {
        return lo + period * count;
    }

    /** The loop's last node. */
    int last() {
        return end() - 1;
    }

    /** Marks that node i of this loop is read from outside it. */
    void readOutside(int i) {
        int k = (i - lo) / period;
        int j = (i - lo) % period;
        if (k < count - 1) {
            out[j] = OUT_ALL;
        } else if (out[j] == OUT_NONE) {
            out[j] = OUT_LAST;
        }
    }

    @Override
    public String toString() {
        return count + " iterations of " + period + " operations at #" + lo;
    }
}
