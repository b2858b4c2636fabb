package dev.wengert.compile;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * The external operands grouped into clusters: operands whose cells (ref + stride·k for
     * k in [0, count)) can meet share a cluster, and each cluster's base (its smallest ref) is
     * a parameter of the generated code, its operands at fixed distances from it. Loops that
     * differ only in where they sit on the tape (lo, argBase, count, the cluster bases) and in
     * constants read from arrays share one generated method: {@code cluster[j][a]} and
     * {@code delta[j][a]} per external operand, {@code bases} per cluster.
     */
    int[][] cluster;
    int[][] delta;
    int[] bases;

    /** How many n-ary nodes come before the loop (the replay counts them to find their arguments). */
    int naryBefore;

    /** Whether this loop also runs forward and backward in one pass (it ends at the output; see OnePass). */
    boolean onePass;
    /** The generated code this loop runs, shared with the loops of the same shape (null until generated). */
    LoopGroup group;

    /** The generated code: forward(values, partials, offsets, constants), backward(values, adjoints, partials, offsets, constants). */
    MethodHandle forward;
    /** Values only, no partials (values, offsets, constants): what a compiled value(x) runs. */
    MethodHandle values;
    MethodHandle backward;
    /** Forward and backward in one pass (values, adjoints, partials, offsets, constants), or null: see LoopCode.fused. */
    MethodHandle fused;
    /** The parameters of the shared code: lo, argBase, count, then the cluster bases. */
    int[] offsets;

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

    /** Groups the external operands into clusters (see {@link #cluster}) and sets the offsets. */
    void clusters() {
        int p = period;
        cluster = new int[p][];
        delta = new int[p][];
        List<int[]> ext = new ArrayList<>();          // {lowest cell, highest cell, j, a}
        for (int j = 0; j < p; j++) {
            cluster[j] = new int[kind[j].length];
            delta[j] = new int[kind[j].length];
            for (int a = 0; a < kind[j].length; a++) {
                if (kind[j][a] == EXTERNAL) {
                    long span = (long) stride[j][a] * (count - 1);
                    ext.add(new int[] {(int) Math.min(ref[j][a], ref[j][a] + span),
                            (int) Math.max(ref[j][a], ref[j][a] + span), j, a});
                }
            }
        }
        ext.sort((x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]));
        List<Integer> base = new ArrayList<>();
        long end = Long.MIN_VALUE;
        List<int[]> members = new ArrayList<>();
        for (int[] e : ext) {
            if (e[0] > end) {
                closeCluster(members, base);
                members.clear();
            }
            members.add(e);
            end = Math.max(end, e[1]);
        }
        closeCluster(members, base);
        bases = new int[base.size()];
        for (int c = 0; c < bases.length; c++) {
            bases[c] = base.get(c);
        }
        offsets = new int[3 + bases.length];
        offsets[0] = lo;
        offsets[1] = argBase;
        offsets[2] = count;
        System.arraycopy(bases, 0, offsets, 3, bases.length);
    }

    private void closeCluster(List<int[]> members, List<Integer> base) {
        if (members.isEmpty()) {
            return;
        }
        int c = base.size();
        int b = Integer.MAX_VALUE;
        for (int[] e : members) {
            b = Math.min(b, ref[e[2]][e[3]]);
        }
        for (int[] e : members) {
            cluster[e[2]][e[3]] = c;
            delta[e[2]][e[3]] = ref[e[2]][e[3]] - b;
        }
        base.add(b);
    }

    /** The constants of every node of the loop (by node − lo), for slots whose constants are read from an array. */
    void keepConstants(double[] konst) {
        if (constants == null) {
            constants = Arrays.copyOfRange(konst, lo, end());
        }
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
