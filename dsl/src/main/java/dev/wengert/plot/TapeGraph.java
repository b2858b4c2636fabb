package dev.wengert.plot;

import dev.wengert.core.Tape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of a tape that a value depends on, as a layered graph: inputs in layer 0 at the
 * bottom, every other node one layer above its highest input, the value itself on top.
 *
 * <p>Within a layer, nodes are ordered by the barycentre heuristic (each node moves towards the
 * mean position of its neighbours in the adjacent layer, sweeping up and down a few times),
 * which removes most edge crossings of the small graphs people draw to see the chain rule.
 *
 * <p>A graph with more than {@code limit} nodes is summarised rather than drawn as a hairball:
 * only the nodes nearest the output are kept (by number of steps back along the edges), and
 * everything earlier becomes one node, "… n earlier operations", with the counts per
 * operation in {@link #summary()}.
 */
public final class TapeGraph {
    /** The summary node's position. */
    public static final int EARLIER = -1;

    /**
     * A node: its tape position ({@link #EARLIER} for the summary node), operation, parameter
     * name or null, value, adjoint from the last backward sweep from the root (or null), and
     * where it is drawn: layer (0 at the bottom) and order within the layer.
     */
    public record Node(int position, String op, String name, double value, Double adjoint, int layer, int order) {
    }

    /**
     * An edge from an input to the operation that used it, with the local partial ∂to/∂from
     * (NaN for edges from the summary node); {@code repeat} numbers repeated uses of the same
     * input by the same operation (x·x has two edges).
     */
    public record Edge(int from, int to, double partial, int repeat) {
    }

    private final List<Node> nodes;
    private final List<Edge> edges;
    private final int root;
    private final int total;
    private final Map<String, Integer> earlierOps;

    private TapeGraph(List<Node> nodes, List<Edge> edges, int root, int total, Map<String, Integer> earlierOps) {
        this.nodes = nodes;
        this.edges = edges;
        this.root = root;
        this.total = total;
        this.earlierOps = earlierOps;
    }

    /** The graph of everything {@code root} depends on, summarised beyond {@code limit} nodes. */
    public static TapeGraph of(Tape tape, int root, int limit) {
        if (root < 0 || root >= tape.size()) {
            throw new IllegalArgumentException("graph: position #" + root + " is not on " + tape.label()
                    + " (it holds " + tape.size() + " operations)");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("graph: the node limit must be at least 1, got " + limit);
        }
        // steps back from the root, breadth first
        Map<Integer, Integer> dist = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        dist.put(root, 0);
        queue.add(root);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            for (int in : tape.inputs(i)) {
                if (!dist.containsKey(in)) {
                    dist.put(in, dist.get(i) + 1);
                    queue.add(in);
                }
            }
        }
        int total = dist.size();
        int maxDist = dist.values().stream().max(Integer::compare).orElse(0);
        if (total > limit) {
            // the deepest cut that keeps the drawing within the limit (always the root itself)
            int[] perDist = new int[maxDist + 2];
            dist.values().forEach(d -> perDist[d]++);
            int keep = 0;
            int count = perDist[0];
            while (keep + 1 <= maxDist && count + perDist[keep + 1] <= limit - 1) {
                keep++;
                count += perDist[keep];
            }
            maxDist = keep;
        }
        final int cut = maxDist;
        List<Integer> kept = new ArrayList<>();
        Map<String, Integer> earlier = new TreeMap<>();
        for (Map.Entry<Integer, Integer> e : dist.entrySet()) {
            if (e.getValue() <= cut) {
                kept.add(e.getKey());
            } else {
                earlier.merge(tape.op(e.getKey()), 1, Integer::sum);
            }
        }
        kept.sort(Integer::compare);   // tape order: inputs before the operations that use them
        boolean summarised = !earlier.isEmpty();

        // layers: 0 for inputs (and the summary node), one above the highest input otherwise
        Map<Integer, Integer> layer = new HashMap<>();
        if (summarised) {
            layer.put(EARLIER, 0);
        }
        List<Edge> edges = new ArrayList<>();
        for (int i : kept) {
            int[] in = tape.inputs(i);
            double[] p = tape.partials(i);
            int l = 0;
            boolean fromEarlier = false;
            Map<Integer, Integer> repeats = new HashMap<>();
            for (int k = 0; k < in.length; k++) {
                if (dist.get(in[k]) <= cut) {
                    l = Math.max(l, layer.get(in[k]) + 1);
                    edges.add(new Edge(in[k], i, p[k], repeats.merge(in[k], 1, Integer::sum) - 1));
                } else {
                    fromEarlier = true;
                }
            }
            if (fromEarlier) {
                l = Math.max(l, 1);
                edges.add(new Edge(EARLIER, i, Double.NaN, 0));
            } else if (summarised && in.length == 0) {
                l = Math.max(l, 1);   // kept inputs stand beside, not below, the summary
            }
            layer.put(i, l);
        }
        boolean swept = tape.sweptFrom(root);
        List<Integer> ids = new ArrayList<>(kept);
        if (summarised) {
            ids.add(0, EARLIER);
        }
        int[] order = orderWithinLayers(ids, layer, edges);
        List<Node> nodes = new ArrayList<>();
        int earlierCount = total - kept.size();
        for (int n = 0; n < ids.size(); n++) {
            int i = ids.get(n);
            if (i == EARLIER) {
                nodes.add(new Node(EARLIER, "… " + earlierCount + " earlier operation" + (earlierCount == 1 ? "" : "s"),
                        null, Double.NaN, null, 0, order[n]));
            } else {
                Double adj = swept && tape.reached(i) ? tape.adjoint(i) : null;
                nodes.add(new Node(i, tape.op(i), tape.name(i), tape.value(i), adj, layer.get(i), order[n]));
            }
        }
        return new TapeGraph(List.copyOf(nodes), List.copyOf(edges), root, total, earlier);
    }

    /** Barycentre ordering; returns each node's order within its layer, indexed like {@code ids}. */
    private static int[] orderWithinLayers(List<Integer> ids, Map<Integer, Integer> layer, List<Edge> edges) {
        int layers = ids.stream().mapToInt(layer::get).max().orElse(0) + 1;
        List<List<Integer>> rows = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            rows.add(new ArrayList<>());
        }
        for (int i : ids) {
            rows.get(layer.get(i)).add(i);   // tape order to begin with
        }
        Map<Integer, List<Integer>> below = new HashMap<>();
        Map<Integer, List<Integer>> above = new HashMap<>();
        for (Edge e : edges) {
            below.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e.from());
            above.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
        }
        Map<Integer, Double> pos = new HashMap<>();
        for (List<Integer> row : rows) {
            place(row, pos);
        }
        for (int sweep = 0; sweep < 4; sweep++) {
            for (int l = 1; l < layers; l++) {
                reorder(rows.get(l), below, pos);
            }
            for (int l = layers - 2; l >= 0; l--) {
                reorder(rows.get(l), above, pos);
            }
        }
        int[] out = new int[ids.size()];
        for (int n = 0; n < ids.size(); n++) {
            out[n] = rows.get(layer.get(ids.get(n))).indexOf(ids.get(n));
        }
        return out;
    }

    /** Positions in [0, 1], centred: a lone node sits in the middle. */
    private static void place(List<Integer> row, Map<Integer, Double> pos) {
        for (int k = 0; k < row.size(); k++) {
            pos.put(row.get(k), (k + 0.5) / row.size());
        }
    }

    private static void reorder(List<Integer> row, Map<Integer, List<Integer>> neighbours, Map<Integer, Double> pos) {
        Map<Integer, Double> bary = new LinkedHashMap<>();
        for (int i : row) {
            List<Integer> nb = neighbours.getOrDefault(i, List.of());
            bary.put(i, nb.isEmpty() ? pos.get(i) : nb.stream().mapToDouble(pos::get).average().orElse(0));
        }
        row.sort(Comparator.comparingDouble(bary::get));   // stable: ties keep tape order
        place(row, pos);
    }

    /** The nodes drawn (the summary node first, if any). */
    public List<Node> nodes() {
        return nodes;
    }

    /** The edges drawn, input to operation. */
    public List<Edge> edges() {
        return edges;
    }

    /** The node at a tape position, or null when it is not drawn. */
    public Node node(int position) {
        for (Node n : nodes) {
            if (n.position() == position) {
                return n;
            }
        }
        return null;
    }

    /** The root's tape position. */
    public int root() {
        return root;
    }

    /** How many operations the root depends on (itself included), drawn or not. */
    public int totalOperations() {
        return total;
    }

    /** Whether earlier operations were folded into one summary node. */
    public boolean isSummarised() {
        return !earlierOps.isEmpty();
    }

    /** Counts per operation of the folded operations (empty when nothing was folded). */
    public Map<String, Integer> summary() {
        return Map.copyOf(earlierOps);
    }

    /** The number of layers. */
    public int layers() {
        return nodes.stream().mapToInt(Node::layer).max().orElse(0) + 1;
    }

    /** The widest layer's node count. */
    int widest() {
        int[] c = new int[layers()];
        nodes.forEach(n -> c[n.layer()]++);
        return Arrays.stream(c).max().orElse(1);
    }

    @Override
    public String toString() {
        return "TapeGraph[" + nodes.size() + " nodes, " + edges.size() + " edges, " + layers() + " layers"
                + (isSummarised() ? ", " + (total - nodes.size() + 1) + " earlier operations folded" : "") + "]";
    }
}
