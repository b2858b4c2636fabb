package dev.wengert.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generating a compiled tape's loops, on a thread of its own: finding them, turning them into
 * Java, compiling that with {@code javac} and warming the result up, while the caller goes on
 * replaying with the interpreter. javac takes 0.2–1 s and more with the source (ARCHITECTURE:
 * never inside a caller's gradient), so nothing of this runs on the caller's thread: it hands
 * over what the recording holds and later picks up the finished loops ({@link #result()}),
 * never waiting for them.
 *
 * <p>The job reads the recording's structure (operations, operands, constants, and the
 * partials fixed when recording), which replays never change, and copies of what they do
 * change. Bounded: at most {@link #maxSource()} characters of source (the loop shapes covering
 * the most operations first; the rest stay interpreted), so javac's time is bounded too.
 * Before it is handed over, each generated method runs on copies of its loop's data until the
 * JIT has compiled it, so the caller's first call with generated code does not run it in the
 * bytecode interpreter ({@code -Dwengert.codegen.warmup=false} skips that, for tests).
 */
final class Codegen implements Runnable {
    /** Default bound on the generated source, in characters (about 40 loop shapes of 30 operations). */
    static final int MAX_SOURCE = 200_000;
    /** The longest a job warms one loop shape up, and all of them. */
    private static final long WARM_GROUP_NANOS = 1_000_000_000L;
    private static final long WARM_TOTAL_NANOS = 4_000_000_000L;

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wengert-codegen");
        t.setDaemon(true);                          // never keeps a JVM alive
        return t;
    });

    /** Whether the code generation thread's OS priority was lowered (only ever read and set on that thread). */
    private static boolean lowered;

    /** Held closed by a test to show that calls go on while a job cannot finish (null: no gate). */
    static volatile java.util.concurrent.CountDownLatch gate;

    /** Threads javac ran on, counted for tests (the caller's thread must never appear). */
    static final Map<String, AtomicLong> COMPILES_BY_THREAD = new java.util.concurrent.ConcurrentHashMap<>();

    /** What a job leaves for the program: the groups it generated, the reach it computed, or why there are none. */
    record Result(List<LoopGroup> groups, boolean[] reach, String note, int sourceChars) {
    }

    private final byte[] code;
    private final Object[] ops;
    private final double[] konst;
    private final int[] starts;
    private final int[] args;
    private final double[] partials;
    private final double[] values;
    private final int size;
    private final int firstOp;
    private final int root;
    private final int end;
    private final int[] guardNodes;
    private final int maxSource;
    private volatile boolean cancelled;
    private volatile Result result;

    /**
     * A job over a recording: {@code code} is the program's opcodes (a copy), the other arrays
     * the tape's own (read only; of {@code partials} only the entries fixed when recording are
     * read, and {@code values} only to warm up on copies).
     */
    Codegen(byte[] code, Object[] ops, double[] konst, int[] starts, int[] args, double[] partials, double[] values,
            int size, int firstOp, int root, int end, int[] guardNodes) {
        this.code = code;
        this.ops = ops;
        this.konst = konst;
        this.starts = starts;
        this.args = args;
        this.partials = partials;
        this.values = values;
        this.size = size;
        this.firstOp = firstOp;
        this.root = root;
        this.end = end;
        this.guardNodes = guardNodes;
        this.maxSource = maxSource();
    }

    /** {@code -Dwengert.codegen.source=N}: the bound on generated source, in characters. */
    static int maxSource() {
        return Integer.getInteger("wengert.codegen.source", MAX_SOURCE);
    }

    /** Queues the job on the code generation thread. */
    void start() {
        THREAD.execute(this);
    }

    /** The job's result, or null while it runs (never waits). */
    Result result() {
        return result;
    }

    /** Tells a job whose recording was replaced to stop early; its result is not used. */
    void cancel() {
        cancelled = true;
    }

    /** Waits for the result (tests only: a caller never waits). */
    Result await() {
        while (result == null) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return result;
    }

    @Override
    public void run() {
        boolean[] reach = null;
        try {
            if (!lowered) {
                lowered = true;                     // one thread runs every job: lowered once
                ChildJavac.lowerThisThread();
            }
            java.util.concurrent.CountDownLatch shut = gate;
            if (shut != null) {
                shut.await();
            }
            long t0 = System.nanoTime();
            reach = reach();
            if (cancelled) {
                result = new Result(List.of(), reach, "cancelled", 0);
                return;
            }
            List<Loop> found = new LoopFinder(code, ops, konst, starts, args, partials, reach, size)
                    .find(firstOp, root, end, guardNodes);
            long t1 = System.nanoTime();
            if (found.isEmpty()) {
                result = new Result(List.of(), reach, "no loops found", 0);
                return;
            }
            int nary = 0;
            int at = 0;
            for (Loop l : found) {
                l.clusters();
                l.onePass = l.last() == end && LoopCode.onePass(l);
                for (; at < l.lo; at++) {
                    nary += code[at] == Program.NARY ? 1 : 0;
                }
                l.naryBefore = nary;
            }
            Map<Object, Integer> ruleIds = new IdentityHashMap<>();
            share(found, ruleIds);
            LoopCode gen = new LoopCode();
            Map<String, LoopGroup> byText = new LinkedHashMap<>();
            Map<String, String> textOf = new HashMap<>();   // loops with one exact shape have one text
            for (Loop l : found) {
                String t = textOf.computeIfAbsent(shape(l, ruleIds, true), k -> gen.text(l));
                byText.computeIfAbsent(t, x -> new LoopGroup(-1, x)).loops.add(l);
            }
            // the shapes that cover the most operations first, as many as the bound on source allows
            List<LoopGroup> all = new ArrayList<>(byText.values());
            all.sort(Comparator.comparingLong(LoopGroup::operations).reversed());
            List<LoopGroup> chosen = new ArrayList<>();
            int chars = 0;
            int skipped = 0;
            for (LoopGroup g : all) {
                if (chars + g.text.length() > maxSource) {
                    skipped++;
                    continue;
                }
                chars += g.text.length();
                chosen.add(new LoopGroup(chosen.size(), g.text));
                chosen.get(chosen.size() - 1).loops.addAll(g.loops);
            }
            if (chosen.isEmpty()) {
                result = new Result(List.of(), reach, "loops not generated: each would exceed the bound of " + maxSource
                        + " characters of source (-Dwengert.codegen.source)", 0);
                return;
            }
            String source = gen.source(chosen);
            long t2 = System.nanoTime();
            COMPILES_BY_THREAD.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicLong()).incrementAndGet();
            gen.load(source, chosen, () -> cancelled);
            for (LoopGroup g : chosen) {
                for (Loop l : g.loops) {
                    l.group = g;
                    l.forward = g.forward;
                    l.values = g.values;
                    l.backward = g.backward;
                    l.fused = g.fused;
                }
            }
            long t3 = System.nanoTime();
            if (!"false".equals(System.getProperty("wengert.codegen.warmup"))) {
                warmUp(chosen);
            }
            if (Boolean.getBoolean("wengert.codegen.trace")) {
                System.err.printf(java.util.Locale.ROOT, "wengert-codegen: %d nodes, %d loops in %d shapes, %d characters: "
                        + "found in %.0f ms, written in %.0f ms, compiled in %.0f ms, warmed up in %.0f ms%n", size,
                        found.size(), chosen.size(), source.length(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                        (System.nanoTime() - t3) / 1e6);
            }
            String note = skipped == 0 ? null : skipped + " loop shape" + (skipped == 1 ? "" : "s")
                    + " left interpreted (bound of " + maxSource + " characters of source)";
            result = new Result(chosen, reach, note, source.length());
        } catch (Throwable e) {
            // whatever went wrong, the interpreter still gives the same numbers: keep it
            result = new Result(List.of(), reach, "loops not generated: " + e, 0);
        }
    }

    /** Which nodes a sweep from the root reaches: the root, and every operand of a node it reaches. */
    private boolean[] reach() {
        boolean[] r = new boolean[size];
        r[root] = true;
        for (int i = root; i >= 0; i--) {
            if (r[i]) {
                for (int k = starts[i], e = starts[i + 1]; k < e; k++) {
                    r[args[k]] = true;
                }
            }
        }
        return r;
    }

    // ---- loops of one shape share a method ------------------------------------------------------

    /**
     * Loops of the same shape whose constants differ (the rows of a loop over data, each its own
     * row of constants) read those constants, and the partials that follow them, from arrays,
     * so that their code is the same and one method serves them all.
     */
    private void share(List<Loop> loops, Map<Object, Integer> ruleIds) {
        Map<String, List<Loop>> byShape = new HashMap<>();
        for (Loop l : loops) {
            byShape.computeIfAbsent(shape(l, ruleIds, false), k -> new ArrayList<>()).add(l);
        }
        for (List<Loop> same : byShape.values()) {
            if (same.size() < 2) {
                continue;
            }
            Loop first = same.get(0);
            for (int j = 0; j < first.period; j++) {
                if (!LoopFinder.constantMayVary(first.code[j])) {
                    continue;
                }
                boolean constants = false;
                boolean partials = false;
                for (Loop l : same) {
                    constants |= l.constantVaries[j] || bits(l.konst[j]) != bits(first.konst[j]);
                    for (int a = 0; a < l.partial[j].length; a++) {
                        partials |= l.partialVaries[j] || bits(l.partial[j][a]) != bits(first.partial[j][a]);
                    }
                }
                for (Loop l : same) {
                    if (constants) {
                        l.constantVaries[j] = true;
                        l.keepConstants(konst);
                    }
                    l.partialVaries[j] |= partials;
                }
            }
        }
    }

    /**
     * What a loop's code depends on but its offsets and the constants of arithmetic with a
     * constant operand (and the partials those fix): loops with the same shape can share code.
     * With {@code exact}, those constants and partials too where the code has them as literals:
     * everything the text of the loop's methods depends on.
     */
    private static String shape(Loop l, Map<Object, Integer> ruleIds, boolean exact) {
        StringBuilder s = new StringBuilder();
        s.append(l.period).append('/').append(l.argsPerIteration).append('/').append(l.onePass).append('/')
                .append(l.bases.length);
        for (int j = 0; j < l.period; j++) {
            byte c = l.code[j];
            s.append('|').append(c).append(',').append(ruleIds.computeIfAbsent(l.rule[j], r -> ruleIds.size()))
                    .append(',').append(l.argOffset[j]).append(',').append(l.out[j]).append(',').append(l.live[j])
                    .append(',').append(l.liveLast[j]);
            boolean may = LoopFinder.constantMayVary(c) && !exact;
            if (LoopFinder.hasConstant(c) && !may) {
                s.append(",k").append(bits(l.konst[j]));
            }
            if (!may) {
                s.append(',').append(l.constantVaries[j]).append(',').append(l.partialVaries[j]);
            }
            for (int a = 0; a < l.kind[j].length; a++) {
                s.append(';').append(l.kind[j][a]).append(':');
                if (l.kind[j][a] == Loop.EXTERNAL) {
                    s.append(l.cluster[j][a]).append('+').append(l.delta[j][a]).append('*').append(l.stride[j][a]);
                } else {
                    s.append(l.ref[j][a]);
                }
                if (!may && LoopFinder.constantPartials(c)) {
                    s.append('p').append(bits(l.partial[j][a]));
                }
            }
        }
        return s.toString();
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    // ---- warming up ------------------------------------------------------------------------------

    /**
     * Runs each group's methods on copies of one of its loops' data until their time per call
     * stops improving (the JIT has compiled them), within a time bound. The copies are laid
     * out afresh — the loop's nodes, then each cluster's cells — with offsets to match: the
     * methods take their positions as parameters.
     */
    private void warmUp(List<LoopGroup> groups) throws Throwable {
        long deadline = System.nanoTime() + WARM_TOTAL_NANOS;
        for (LoopGroup g : groups) {
            Loop l = g.loops.get(0);
            Scratch s = new Scratch(l);
            int perBatch = Math.max(1, 20_000 / (l.count * l.period));
            long best = Long.MAX_VALUE;
            int sinceBest = 0;
            long calls = 0;
            long iterations = 0;
            long stop = Math.min(deadline, System.nanoTime() + WARM_GROUP_NANOS);
            while (!cancelled && System.nanoTime() < stop) {
                long t0 = System.nanoTime();
                for (int b = 0; b < perBatch; b++) {
                    s.run(g);
                }
                long t = System.nanoTime() - t0;
                calls += perBatch;
                iterations += (long) perBatch * l.count;
                if (t < best * 0.97) {
                    best = t;
                    sinceBest = 0;
                } else if (++sinceBest >= 8 && (calls >= 3000 || iterations >= 4_000_000)) {
                    break;                              // compiled (long loops: on stack), and no faster for a while
                }
            }
        }
    }

    /** A loop's data copied into arrays of its own, with the offsets that address them there. */
    private final class Scratch {
        final double[] v;
        final double[] a;
        final double[] pt;
        final int[] o;
        final double[] k;

        Scratch(Loop l) {
            int p = l.period;
            int n = l.count;
            long[] lowRel = new long[l.bases.length];
            long[] highRel = new long[l.bases.length];
            Arrays.fill(lowRel, Long.MAX_VALUE);
            Arrays.fill(highRel, Long.MIN_VALUE);
            for (int j = 0; j < p; j++) {
                for (int x = 0; x < l.kind[j].length; x++) {
                    if (l.kind[j][x] == Loop.EXTERNAL) {
                        int c = l.cluster[j][x];
                        long span = (long) l.stride[j][x] * (n - 1);
                        lowRel[c] = Math.min(lowRel[c], l.delta[j][x] + Math.min(0, span));
                        highRel[c] = Math.max(highRel[c], l.delta[j][x] + Math.max(0, span));
                    }
                }
            }
            int loopCells = (n + 1) * p;
            long total = loopCells;
            int[] base = new int[l.bases.length];
            for (int c = 0; c < base.length; c++) {
                base[c] = (int) (total - lowRel[c]);
                total += highRel[c] - lowRel[c] + 1;
            }
            v = new double[(int) total];
            a = new double[(int) total];
            pt = new double[n * l.argsPerIteration];
            System.arraycopy(values, l.lo - p, v, 0, loopCells);
            for (int c = 0; c < base.length; c++) {
                int from = (int) (l.bases[c] + lowRel[c]);
                System.arraycopy(values, from, v, (int) (base[c] + lowRel[c]), (int) (highRel[c] - lowRel[c] + 1));
            }
            System.arraycopy(partials, l.argBase, pt, 0, pt.length);
            o = new int[3 + base.length];
            o[0] = p;
            o[1] = 0;
            o[2] = n;
            System.arraycopy(base, 0, o, 3, base.length);
            k = l.constants;
        }

        void run(LoopGroup g) throws Throwable {
            g.forward.invokeExact(v, pt, o, k);
            g.values.invokeExact(v, o, k);
            Arrays.fill(a, 0.0);
            g.backward.invokeExact(v, a, pt, o, k);
            if (g.fused != null) {
                Arrays.fill(a, 0.0);
                g.fused.invokeExact(v, a, pt, o, k);
            }
        }
    }
}
