package dev.wengert.compile;



import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the loops of a compiled tape: where the recording repeats one body of operations
 * with operands that move by a fixed stride from one repetition to the next (see {@link Loop}).
 * A scalar {@code for} loop over {@code Num} records exactly that, so its 10,000 iterations can
 * run again as a Java loop of one body ({@link LoopCode}) instead of 90,000 interpreted nodes.
 *
 * <p>Only what the generated code reproduces to the bit is accepted: arithmetic and the rules'
 * own functions (not n-ary rules or array blocks), the same
 * slots reached by the sweep from the output in every iteration but the last (the interpreter
 * skips nodes it does not reach, and so must the loop), and no operand that would make the
 * adjoints add up in another order than the interpreter's sweep.
 */
final class LoopFinder {
    /** The longest loop body looked for, in operations (a bigger body makes a method C2 may refuse). */
    static final int MAX_PERIOD = 64;
    /** The fewest iterations, and operations, worth a loop. */
    static final int MIN_COUNT = 4;
    static final int MIN_OPERATIONS = 64;

    private final byte[] code;
    private final Object[] op;
    private final double[] konst;
    private final int[] start;
    private final int[] args;
    private final double[] partials;
    private final boolean[] reached;
    private final int size;

    LoopFinder(byte[] code, Object[] op, double[] konst, int[] start, int[] args, double[] partials,
               boolean[] reached, int size) {
        this.code = code;
        this.op = op;
        this.konst = konst;
        this.start = start;
        this.args = args;
        this.partials = partials;
        this.reached = reached;
        this.size = size;
    }

    /**
     * The loops between {@code from} and the end of the tape, in order, with what reads each
     * slot from outside: other nodes, the guards' nodes ({@code guardNodes}) and {@code root}.
     * A loop's phase is chosen to end at {@code end} where it can (the output, or the start of
     * a chain of operations leading to it).
     */
    List<Loop> find(int from, int root, int end, int[] guardNodes) {
        List<Loop> loops = new ArrayList<>();
        int i = from;
        while (i < size) {
            Loop best = null;
            int bestRun = 0;
            for (int p = 1; p <= MAX_PERIOD && i + 2 * p <= size; p++) {
                if (!same(i, i + p)) {
                    continue;
                }
                int t = i;
                while (t + p < size && same(t, t + p)) {
                    t++;
                }
                int run = t + p - i;
                int count = run / p;
                if (count < MIN_COUNT || count * p < MIN_OPERATIONS
                        || best != null && count * p <= best.count * best.period) {
                    continue;
                }
                Loop l = describe(i, p, count);
                if (l != null && (best == null || l.count * p > best.count * best.period)) {
                    best = l;
                    bestRun = run;
                }
            }
            if (best != null) {
                best = bestPhase(best, bestRun, end);
                loops.add(best);
                i = best.end();
            } else {
                i++;
            }
        }
        markOutsideReads(loops, root, guardNodes);
        return loops;
    }

    /**
     * The same loop started up to a period later, where fewest values pass from one iteration
     * to the next: the recording's first iteration often differs from the rest (a sum that
     * starts from a constant), so the loop is found starting mid-body, where the body needs the
     * previous iteration's values; each such value costs a store going forward and a load going
     * back. A phase may give up one iteration for that. Among phases with as few, one that
     * ends at the output is preferred: a gradient can then run that loop forward and backward
     * in one pass (LoopCode.fused).
     */
    private Loop bestPhase(Loop found, int run, int end) {
        Loop best = found;
        int p = found.period;
        for (int shift = 1; shift < p; shift++) {
            Loop l = describe(found.lo + shift, p, (run - shift) / p);
            if (l == null || l.count * p < found.count * p - p) {
                continue;
            }
            int c = carried(l);
            int b = carried(best);
            if (c < b || c == b && l.last() == end && best.last() != end) {
                best = l;
            }
        }
        return best;
    }

    private static int carried(Loop l) {
        int n = 0;
        for (byte[] kinds : l.kind) {
            for (byte k : kinds) {
                n += k == Loop.CARRIED ? 1 : 0;
            }
        }
        return n;
    }

    /** Whether nodes i and j do the same operation with the same constants (their operands aside). */
    private boolean same(int i, int j) {
        byte c = code[i];
        if (c != code[j] || !loopable(c) || op[i] != op[j]) {
            return false;
        }
        boolean sameConstant = !hasConstant(c)
                || Double.doubleToRawLongBits(konst[i]) == Double.doubleToRawLongBits(konst[j]);
        if (!sameConstant && !constantMayVary(c)) {
            return false;
        }
        if (constantPartials(c) && sameConstant) {
            for (int a = 0, n = start[i + 1] - start[i]; a < n; a++) {
                if (Double.doubleToRawLongBits(partials[start[i] + a])
                        != Double.doubleToRawLongBits(partials[start[j] + a])) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean loopable(byte c) {
        return c >= Program.ADD && c <= Program.UNARY || c == Program.BINARY || c == Program.BINARY_K
                || c == Program.K_BINARY;
    }

    static boolean hasConstant(byte c) {
        return switch (c) {
            case Program.ADD_K, Program.SUB_K, Program.K_SUB, Program.MUL_K, Program.DIV_K, Program.K_DIV,
                 Program.BINARY_K, Program.K_BINARY -> true;
            default -> false;
        };
    }

    /**
     * Arithmetic with a constant whose constant may differ from one iteration to the next
     * ({@code a.times(t[i])} over a {@code double[] t}): the generated code reads it, and a
     * partial that follows it, from arrays. A rule's constant is bound into its functions, so
     * it may not.
     */
    static boolean constantMayVary(byte c) {
        return switch (c) {
            case Program.ADD_K, Program.SUB_K, Program.K_SUB, Program.MUL_K, Program.DIV_K, Program.K_DIV -> true;
            default -> false;
        };
    }

    /** Operations whose partials were fixed when recording (replay does not recompute them). */
    static boolean constantPartials(byte c) {
        return switch (c) {
            case Program.ADD, Program.ADD_K, Program.SUB, Program.SUB_K, Program.K_SUB, Program.MUL_K,
                 Program.DIV_K, Program.NEG -> true;
            default -> false;
        };
    }

    /** Rule calls (unary, binary, or binary with a constant operand): value and partials come from the rule's functions. */
    static boolean ruleCall(byte c) {
        return c == Program.UNARY || c == Program.BINARY || c == Program.BINARY_K || c == Program.K_BINARY;
    }

    /**
     * The loop of period p from lo, as many of the count repetitions as keep their operands'
     * kinds, or null: operand kinds come from iterations 0 and 1 and are checked in every other.
     */
    private Loop describe(int lo, int p, int count) {
        int second = lo + p;
        Loop l = new Loop(lo, p, start[lo], start[second] - start[lo]);
        for (int j = 0; j < p; j++) {
            int n = lo + j;
            int arity = start[n + 1] - start[n];
            l.code[j] = code[n];
            l.rule[j] = op[n];
            l.konst[j] = konst[n];
            l.argOffset[j] = start[n] - start[lo];
            l.kind[j] = new byte[arity];
            l.ref[j] = new int[arity];
            l.stride[j] = new int[arity];
            l.partial[j] = new double[arity];
            for (int a = 0; a < arity; a++) {
                int i0 = args[start[n] + a];
                int i1 = args[start[second + j] + a];
                l.partial[j][a] = partials[start[n] + a];
                if (i1 >= second) {
                    l.kind[j][a] = Loop.INTERNAL;
                    l.ref[j][a] = i1 - second;
                } else if (i1 >= lo) {
                    l.kind[j][a] = Loop.CARRIED;
                    l.ref[j][a] = i1 - lo;
                } else {
                    l.kind[j][a] = Loop.EXTERNAL;
                    l.ref[j][a] = i0;
                    l.stride[j][a] = i1 - i0;
                }
            }
        }
        for (int j = 0; j < p; j++) {
            l.live[j] = reached[lo + j];
        }
        int k = 0;
        l.liveLast = l.live;
        while (k < count && fits(l, k)) {
            if (!sameReach(l, k)) {
                // only the last iteration may differ (a value that only the next iteration
                // reads is not reached there): end the loop with it
                l.liveLast = new boolean[p];
                for (int j = 0; j < p; j++) {
                    l.liveLast[j] = reached[lo + k * p + j];
                }
                k++;
                break;
            }
            k++;
        }
        l.count = k;
        if (k < MIN_COUNT || k * p < MIN_OPERATIONS || aliased(l)) {
            return null;
        }
        varying(l);
        return l;
    }

    /** Marks the slots whose constant or recorded partials differ between iterations, and keeps the constants. */
    private void varying(Loop l) {
        int p = l.period;
        for (int j = 0; j < p; j++) {
            int n0 = l.lo + j;
            for (int k = 1; k < l.count; k++) {
                int n = n0 + k * p;
                if (hasConstant(code[n]) && Double.doubleToRawLongBits(konst[n]) != Double.doubleToRawLongBits(konst[n0])) {
                    l.constantVaries[j] = true;
                }
                // only partials fixed when recording are compared: a replay rewrites the others
                // (which the generated code computes or stores itself) while this may be running
                for (int a = 0; constantPartials(code[n0]) && a < l.kind[j].length; a++) {
                    if (Double.doubleToRawLongBits(partials[start[n] + a]) != Double.doubleToRawLongBits(partials[start[n0] + a])) {
                        l.partialVaries[j] = true;
                    }
                }
            }
            if (l.constantVaries[j] && l.constants == null) {
                l.constants = Arrays.copyOfRange(konst, l.lo, l.end());
            }
        }
    }

    /** Whether the sweep reached the same slots of iteration k as of iteration 0. */
    private boolean sameReach(Loop l, int k) {
        int b = l.lo + k * l.period;
        for (int j = 0; j < l.period; j++) {
            if (reached[b + j] != l.live[j]) {
                return false;
            }
        }
        return true;
    }

    /** Whether iteration k has the operands the loop's kinds predict. */
    private boolean fits(Loop l, int k) {
        int b = l.lo + k * l.period;
        for (int j = 0; j < l.period; j++) {
            int n = b + j;
            for (int a = 0; a < l.kind[j].length; a++) {
                long want = switch (l.kind[j][a]) {
                    case Loop.INTERNAL -> b + l.ref[j][a];
                    case Loop.CARRIED -> (long) b - l.period + l.ref[j][a];
                    default -> l.ref[j][a] + (long) l.stride[j][a] * k;
                };
                if (args[start[n] + a] != want || l.kind[j][a] == Loop.EXTERNAL && want >= l.lo) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether a value carried into iteration 0 (a node before the loop) is also an external
     * operand of some iteration. The generated sweep sums the carried adjoint in a local and
     * stores it once at the end, so another write to the same node in between would reorder
     * the sum.
     */
    private static boolean aliased(Loop l) {
        for (int j = 0; j < l.period; j++) {
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] != Loop.CARRIED) {
                    continue;
                }
                long e = (long) l.lo - l.period + l.ref[j][a];
                for (int j2 = 0; j2 < l.period; j2++) {
                    for (int a2 = 0; a2 < l.kind[j2].length; a2++) {
                        if (l.kind[j2][a2] == Loop.EXTERNAL && hits(l.ref[j2][a2], l.stride[j2][a2], l.count, e)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Whether c + s·k = e for some k in [0, count). */
    private static boolean hits(long c, long s, int count, long e) {
        if (s == 0) {
            return c == e;
        }
        long d = e - c;
        return d % s == 0 && d / s >= 0 && d / s < count;
    }

    /** Marks, in each loop, the slots whose nodes something outside the loop reads. */
    private void markOutsideReads(List<Loop> loops, int root, int[] guardNodes) {
        if (loops.isEmpty()) {
            return;
        }
        int first = loops.get(0).lo;
        for (int n = first; n < size; n++) {
            Loop own = loopOf(loops, n);
            for (int k = start[n], e = start[n + 1]; k < e; k++) {
                int i = args[k];
                if (i >= first) {
                    Loop l = loopOf(loops, i);
                    if (l != null && l != own) {
                        l.readOutside(i);
                    }
                }
            }
        }
        for (int g : guardNodes) {
            Loop l = loopOf(loops, g);
            if (l != null) {
                l.readOutside(g);
            }
        }
        Loop l = loopOf(loops, root);
        if (l != null) {
            l.readOutside(root);
        }
    }

    /** The loop that holds node i, or null. */
    static Loop loopOf(List<Loop> loops, int i) {
        int lo = 0;
        int hi = loops.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Loop l = loops.get(mid);
            if (i < l.lo) {
                hi = mid - 1;
            } else if (i >= l.end()) {
                lo = mid + 1;
            } else {
                return l;
            }
        }
        return null;
    }
}
