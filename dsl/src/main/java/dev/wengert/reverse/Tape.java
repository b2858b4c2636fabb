package dev.wengert.reverse;

import dev.wengert.Num;
import dev.wengert.Session;
import dev.wengert.display.Displayable;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Wengert list: every operation recorded in reverse mode, in order, with the local partials
 * of each operation with respect to its inputs.
 *
 * <p>Stored as primitive arrays (structure of arrays) so recording allocates nothing per
 * operation and the backward sweep is one tight loop: node {@code i} has value
 * {@code value[i]}, and its inputs are {@code args[start[i] .. start[i+1])} with partials
 * {@code partials[start[i] .. start[i+1])}. Adjoints are allocated only when a sweep runs.
 *
 * <p>Users meet the tape through {@code tape()} in the facade: its {@code toString()} prints
 * the list, {@code toDot()} exports the graph.
 *
 * <pre>{@code
 * var x = param("x", 2.0);
 * var z = x.times(x).plus(sin(x));
 * z.backward();
 * System.out.println(tape());   // #0 param x, #1 mul #0 #0, #2 sin #0, #3 add #1 #2
 * }</pre>
 */
public final class Tape implements Displayable {
    /** How many rows {@link #toString()} prints before it summarises. */
    private static final int PRINT_ROWS = 200;

    private final Session session;
    private final String label;
    private final boolean implicit;

    private int generation;
    private boolean closed;
    private long level;

    // Nodes whose partials depend on an outer differentiation (nested derivatives) keep them
    // as Nums here, by node; their values also sit in `partials`, so first-order sweeps and
    // printing need nothing else. Rare and slow by nature, so a map is fine.
    private final Map<Integer, Num[]> numPartials = new HashMap<>();

    private int size;
    private double[] value = new double[64];
    private String[] op = new String[64];
    private int[] start = new int[65];
    private int nargs;
    private int[] args = new int[128];
    private double[] partials = new double[128];

    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Double> paramGrads = new HashMap<>();

    private double[] adjoint = new double[0];
    private boolean[] reached = new boolean[0];
    private int sweptRoot = -1;

    private long warnAt;
    private boolean warned;

    /**
     * @param session  the session (and so the thread) that owns this tape
     * @param label    how errors name it, e.g. "the implicit tape"
     * @param implicit whether this is a session's implicit tape (it warns when very large)
     * @param warnAt   node count at which an implicit tape warns once
     */
    public Tape(Session session, String label, boolean implicit, long warnAt) {
        this.session = session;
        this.label = label;
        this.implicit = implicit;
        this.warnAt = warnAt;
        this.level = Session.nextLevel();
    }

    // ---- recording -------------------------------------------------------------------------

    /** Records a leaf (a parameter when {@code name} is not null). Returns its position. */
    public int leaf(String opName, double v, String name) {
        int i = next(opName, v);
        start[i + 1] = nargs;
        if (name != null) {
            names.put(i, name);
        }
        return i;
    }

    /** Records a one-input operation. */
    public int push1(String opName, double v, int a, double pa) {
        int i = next(opName, v);
        ensureArgs(1);
        args[nargs] = a;
        partials[nargs++] = pa;
        start[i + 1] = nargs;
        return i;
    }

    /** Records a two-input operation. */
    public int push2(String opName, double v, int a, double pa, int b, double pb) {
        int i = next(opName, v);
        ensureArgs(2);
        args[nargs] = a;
        partials[nargs++] = pa;
        args[nargs] = b;
        partials[nargs++] = pb;
        start[i + 1] = nargs;
        return i;
    }

    /** Records an operation with any number of inputs. */
    public int pushN(String opName, double v, int[] in, double[] p) {
        int i = next(opName, v);
        ensureArgs(in.length);
        System.arraycopy(in, 0, args, nargs, in.length);
        System.arraycopy(p, 0, partials, nargs, in.length);
        nargs += in.length;
        start[i + 1] = nargs;
        return i;
    }

    private int next(String opName, double v) {
        if (size == value.length) {
            int cap = value.length * 2;
            value = Arrays.copyOf(value, cap);
            op = Arrays.copyOf(op, cap);
            start = Arrays.copyOf(start, cap + 1);
        }
        if (implicit && !warned && size >= warnAt) {
            warned = true;
            System.err.printf("wengert: the implicit tape now holds %,d operations (about %,d MB). "
                    + "Every operation on parameters is recorded until you call resetTape(); "
                    + "call it when you no longer need earlier values, or compute gradients with "
                    + "gradient(f, x), which does not grow this tape.%n", size, bytes() >> 20);
        }
        value[size] = v;
        op[size] = opName;
        return size++;
    }

    private void ensureArgs(int k) {
        if (nargs + k > args.length) {
            int cap = Math.max(args.length * 2, nargs + k);
            args = Arrays.copyOf(args, cap);
            partials = Arrays.copyOf(partials, cap);
        }
    }

    /**
     * Records an operation whose partials are differentiable values (they depend on an outer
     * differentiation). Their current values are stored too, for first-order sweeps.
     */
    public int pushNested(String opName, double v, int[] in, Num[] p) {
        double[] pv = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            pv[k] = p[k].value();
        }
        int i = pushN(opName, v, in, pv);
        numPartials.put(i, p.clone());
        return i;
    }

    /** Whether any operation has differentiable partials (then {@link #backwardNested} is needed for nesting). */
    public boolean isNested() {
        return !numPartials.isEmpty();
    }

    /**
     * The backward sweep over differentiable values: adjoints are {@link Num}s computed with
     * the DSL's own operations, so an outer differentiation sees through them (this is how
     * forward-over-reverse Hessians and reverse-over-reverse work). Returns the adjoint of
     * every node, null where the sweep did not reach.
     */
    public Num[] backwardNested(int[] roots, Num[] seeds) {
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        Num[] adj = new Num[top + 1];
        for (int k = 0; k < roots.length; k++) {
            adj[roots[k]] = adj[roots[k]] == null ? seeds[k] : adj[roots[k]].plus(seeds[k]);
        }
        for (int i = top; i >= 0; i--) {
            Num g = adj[i];
            if (g == null) {
                continue;
            }
            Num[] np = numPartials.get(i);
            for (int k = start[i], e = start[i + 1]; k < e; k++) {
                int j = args[k];
                Num c = np != null ? np[k - start[i]].times(g) : g.times(partials[k]);
                adj[j] = adj[j] == null ? c : adj[j].plus(c);
            }
        }
        return adj;
    }

    // ---- sweeps ----------------------------------------------------------------------------

    /**
     * Sweeps backward from {@code root} with seed 1: afterwards {@link #adjoint(int)} is
     * ∂root/∂node for every node the sweep reached, and every parameter it reached remembers
     * its gradient. Contributions of all paths add up (the multivariate chain rule).
     */
    public void backward(int root) {
        backward(new int[] {root}, new double[] {1.0});
    }

    /**
     * Sweeps backward from several outputs at once, seeding each with its weight: the
     * adjoints are then uᵀJ (a vector–Jacobian product).
     */
    public void backward(int[] roots, double[] seeds) {
        int top = -1;
        for (int r : roots) {
            top = Math.max(top, r);
        }
        if (adjoint.length < size) {
            adjoint = new double[value.length];
            reached = new boolean[value.length];
        } else {
            // clear every recorded node, not only those below the root: a later node must not
            // keep a stale adjoint from an earlier sweep
            Arrays.fill(adjoint, 0, size, 0.0);
            Arrays.fill(reached, 0, size, false);
        }
        for (int k = 0; k < roots.length; k++) {
            adjoint[roots[k]] += seeds[k];
            reached[roots[k]] = true;
        }
        final double[] adj = adjoint;
        final boolean[] hit = reached;
        final int[] st = start;
        final int[] in = args;
        final double[] p = partials;
        // Nodes the sweep never reached are skipped, not multiplied by a zero adjoint: an
        // unrelated node with an infinite partial (√ at 0) must not turn 0·∞ into NaN elsewhere.
        for (int i = top; i >= 0; i--) {
            if (!hit[i]) {
                continue;
            }
            double g = adj[i];
            for (int k = st[i], e = st[i + 1]; k < e; k++) {
                int j = in[k];
                adj[j] += p[k] * g;
                hit[j] = true;
            }
        }
        for (Integer i : names.keySet()) {
            if (i <= top && hit[i]) {
                paramGrads.put(i, adj[i]);
            }
        }
        sweptRoot = roots.length == 1 ? roots[0] : -1;
    }

    /**
     * Propagates tangents forward over the recorded operations: given tangents of some leaves,
     * returns the tangent of every node (a Jacobian–vector product without re-running code).
     */
    public double[] forwardSweep(int[] leaves, double[] seeds, int upTo) {
        double[] t = new double[upTo + 1];
        for (int k = 0; k < leaves.length; k++) {
            t[leaves[k]] += seeds[k];
        }
        for (int i = 0; i <= upTo; i++) {
            double s = t[i];
            for (int k = start[i], e = start[i + 1]; k < e; k++) {
                s += partials[k] * t[args[k]];
            }
            t[i] = s;
        }
        return t;
    }

    /** Whether the last sweep started at {@code root} alone and is still valid. */
    public boolean sweptFrom(int root) {
        return sweptRoot == root;
    }

    /** ∂root/∂node from the last sweep, 0 where it did not reach. */
    public double adjoint(int i) {
        return i < reached.length && reached[i] ? adjoint[i] : 0.0;
    }

    /** Whether the last sweep reached node i. */
    public boolean reached(int i) {
        return i < reached.length && reached[i];
    }

    /** The gradient a parameter received from the last sweep that reached it, or null. */
    public Double parameterGradient(int i) {
        return paramGrads.get(i);
    }

    // ---- life cycle ------------------------------------------------------------------------

    /**
     * Forgets everything recorded, keeping the arrays. Values recorded before carry the old
     * generation and are refused from now on.
     */
    public void rewind() {
        generation++;
        level = Session.nextLevel();
        numPartials.clear();
        size = 0;
        nargs = 0;
        names.clear();
        paramGrads.clear();
        sweptRoot = -1;
        if (reached.length > 0) {
            Arrays.fill(reached, false);
        }
    }

    /** Closes the tape for good (after {@code resetTape()}); its values are refused. */
    public void close() {
        closed = true;
        generation++;
        numPartials.clear();
        value = new double[0];
        op = new String[0];
        start = new int[1];
        args = new int[0];
        partials = new double[0];
        adjoint = new double[0];
        reached = new boolean[0];
        size = 0;
        nargs = 0;
    }

    public boolean isClosed() {
        return closed;
    }

    public int generation() {
        return generation;
    }

    /**
     * The nesting level: differentiations started later have higher levels, so an operation
     * that meets values of two tapes knows which is inner.
     */
    public long level() {
        return level;
    }

    /**
     * Starts a new differentiation on this (rewound) tape: it gets a fresh, innermost level, so
     * values of every differentiation already running count as outer to it.
     */
    public void begin() {
        level = Session.nextLevel();
    }

    /** Whether this tape belongs to one functional call (and so may nest inside others). */
    public boolean isScoped() {
        return !implicit;
    }

    public Session session() {
        return session;
    }

    public String label() {
        return label;
    }

    /** Number of recorded operations (parameters included). */
    public int size() {
        return size;
    }

    /** Approximate heap bytes held by the recording. */
    public long bytes() {
        return (long) value.length * (8 + 4 + 4) + (long) args.length * (4 + 8) + adjoint.length * 9L;
    }

    /** Sets the node count at which an implicit tape warns (once). */
    public void warnAt(long nodes) {
        this.warnAt = nodes;
        this.warned = false;
    }

    // ---- reading ---------------------------------------------------------------------------

    public double value(int i) {
        return value[i];
    }

    public String op(int i) {
        return op[i];
    }

    /** The parameter name at node i, or null. */
    public String name(int i) {
        return names.get(i);
    }

    public boolean isParameter(int i) {
        return names.containsKey(i);
    }

    /** The inputs of node i. */
    public int[] inputs(int i) {
        return Arrays.copyOfRange(args, start[i], start[i + 1]);
    }

    /** The local partials of node i with respect to its inputs. */
    public double[] partials(int i) {
        return Arrays.copyOfRange(partials, start[i], start[i + 1]);
    }

    /** The Wengert list as a table: index, operation, inputs, value, adjoint. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d operation%s%n", label, size, size == 1 ? "" : "s"));
        sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#", "op", "inputs", "value", "adjoint"));
        int shown = Math.min(size, PRINT_ROWS);
        for (int i = 0; i < shown; i++) {
            sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#" + i, opLabel(i), inputsLabel(i),
                    Double.toString(value[i]), reached(i) ? Double.toString(adjoint[i]) : ""));
        }
        if (size > shown) {
            sb.append(String.format("   … %,d more operations (tape().toDot() or tape().size())%n", size - shown));
        }
        return sb.toString();
    }

    private String opLabel(int i) {
        String n = names.get(i);
        return n == null ? op[i] : op[i] + " " + n;
    }

    private String inputsLabel(int i) {
        StringBuilder sb = new StringBuilder();
        for (int k = start[i]; k < start[i + 1]; k++) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('#').append(args[k]);
        }
        return sb.toString();
    }

    /** The recorded graph in Graphviz DOT: nodes show operation and value, edges the local partial. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
        for (int i = 0; i < size; i++) {
            String adj = reached(i) ? "\\nadj " + adjoint[i] : "";
            sb.append(String.format("  n%d [label=\"#%d %s\\n%s%s\"];%n", i, i, escape(opLabel(i)), value[i], adj));
            for (int k = start[i]; k < start[i + 1]; k++) {
                sb.append(String.format("  n%d -> n%d [label=\"%s\"];%n", args[k], i, partials[k]));
            }
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The Wengert list as an HTML table, for notebooks. */
    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder h = new StringBuilder("<table><caption>").append(html(label)).append(": ")
                .append(size).append(" operations</caption><thead><tr><th>#</th><th>op</th><th>inputs</th>"
                        + "<th>value</th><th>adjoint</th></tr></thead><tbody>");
        int shown = Math.min(size, PRINT_ROWS);
        for (int i = 0; i < shown; i++) {
            h.append("<tr><td>").append(i).append("</td><td>").append(html(opLabel(i))).append("</td><td>")
                    .append(inputsLabel(i)).append("</td><td>").append(value[i]).append("</td><td>")
                    .append(reached(i) ? Double.toString(adjoint[i]) : "").append("</td></tr>");
        }
        if (size > shown) {
            h.append("<tr><td colspan=\"5\">… ").append(size - shown).append(" more</td></tr>");
        }
        h.append("</tbody></table>");
        m.put("text/html", h.toString());
        m.put("text/plain", toString());
        return m;
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
