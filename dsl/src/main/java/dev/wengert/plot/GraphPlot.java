package dev.wengert.plot;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.Tape;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * The computation that produced a value, drawn as a graph: inputs at the bottom, the value on
 * top, each node with its operation and value and — after {@code backward()} from that value —
 * its adjoint ∂z/∂node; each edge labelled with the local partial ∂to/∂from. Reading an
 * input's adjoint as the sum over paths of the products of edge labels is the chain rule.
 *
 * <pre>{@code
 * resetTape();
 * var u = param("u", 2.0);
 * var v = param("v", 0.5);
 * Num x = u.times(v), y = u.plus(v);
 * Num z = x.times(y).plus(sin(x));   // z = x·y + sin x
 * z.backward();
 * graph(z).save("chain-rule.svg");
 * }</pre>
 *
 * <p>Drawn by hand (JFreeChart draws charts, not graphs); the layout is {@link TapeGraph}'s.
 * Beyond {@value #LIMIT} nodes the earliest operations are folded into one summary node.
 */
public final class GraphPlot extends Plot<GraphPlot> {
    /** Readable up to about this many nodes; more are summarised. */
    public static final int LIMIT = 60;

    private static final Font OP_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font VALUE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font EDGE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    private static final Color PARAM = new Color(0xFF, 0xE0, 0xB2);
    private static final Color ROOT = new Color(0xBB, 0xDE, 0xFB);
    private static final Color OTHER = new Color(0xF2, 0xF2, 0xF2);
    private static final Color EDGE = new Color(0x55, 0x55, 0x55);
    private static final Color PARTIAL = new Color(0x0D, 0x47, 0xA1);
    private static final Color ADJOINT = new Color(0xB7, 0x1C, 0x1C);

    private final TapeGraph graph;
    private String rootName;

    private GraphPlot(TapeGraph graph, String rootName) {
        this.graph = graph;
        this.rootName = rootName;
        name(rootName);
        // room for every layer, and for each node of the most crowded one at the width of its widest box
        int w = Math.max(480, Math.min(10_000, widestLayer() + 60));
        int h = Math.max(320, Math.min(2400, graph.layers() * 95 + 70));
        size(w, h);
    }

    /**
     * Names the value drawn (titles the plot and labels the top node), e.g. {@code graph(z).name("z")}:
     * only parameters carry names of their own.
     */
    public GraphPlot name(String name) {
        rootName = name == null || name.isEmpty() ? "#" + graph.root() : name;
        return title("computation graph of " + rootName + " = " + number(graph.nodes().stream()
                .filter(n -> n.position() == graph.root()).findFirst().orElseThrow().value()));
    }

    /**
     * The graph of {@code z}: the operations recorded on its tape that lead to it.
     *
     * <pre>{@code
     * var a = param("a", 3.0);
     * GraphPlot.of(a.times(a).plus(1)).svg();
     * }</pre>
     */
    public static GraphPlot of(Num z) {
        if (z == null) {
            throw new IllegalArgumentException("graph(null): pass a value computed from parameters, e.g. graph(z)");
        }
        if (z.mode() == Mode.FORWARD) {
            throw new IllegalArgumentException("graph(" + z + "): this value was computed in forward mode, which keeps "
                    + "no record of its operations; compute it in reverse mode (mode(Mode.REVERSE), the default) to draw it");
        }
        if (z.mode() == null) {
            throw new IllegalArgumentException("graph(" + z + "): this value is a constant — it depends on no "
                    + "parameter, so no operation was recorded; build it from param(...) values");
        }
        // the value's own tape (the implicit one, or a private one while a functional call
        // runs); a value from before resetTape() or of a rewound tape is refused by name
        Tape tape = z.tape("graph");
        int pos = z.position();
        String name = z.name() != null ? z.name() : "#" + pos;
        return of(tape, pos, name);
    }

    /** The graph of the node at {@code position} on any tape; {@code name} titles it. */
    public static GraphPlot of(Tape tape, int position, String name) {
        if (tape == null) {
            throw new IllegalArgumentException("graph: the tape is null");
        }
        return new GraphPlot(TapeGraph.of(tape, position, LIMIT), name == null ? "#" + position : name);
    }

    /** Pixels the most crowded layer needs: its node count times its widest box, with a gap. */
    private int widestLayer() {
        java.awt.image.BufferedImage scratch = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = scratch.createGraphics();
        try {
            Map<Integer, Integer> count = new HashMap<>();
            Map<Integer, Double> widest = new HashMap<>();
            for (TapeGraph.Node n : graph.nodes()) {
                count.merge(n.layer(), 1, Integer::sum);
                widest.merge(n.layer(), boxWidth(g, lines(n)), Math::max);
            }
            double need = 0;
            for (Map.Entry<Integer, Integer> e : count.entrySet()) {
                need = Math.max(need, e.getValue() * (widest.get(e.getKey()) + NODE_GAP));
            }
            return (int) Math.ceil(need);
        } finally {
            g.dispose();
        }
    }

    /** Space between two boxes of a layer, in pixels. */
    private static final double NODE_GAP = 24;

    private static double boxWidth(Graphics2D g, String[] lines) {
        double w = 0;
        for (int k = 0; k < lines.length; k++) {
            FontMetrics fm = g.getFontMetrics(k == 0 ? OP_FONT : VALUE_FONT);
            w = Math.max(w, fm.stringWidth(lines[k]));
        }
        return w + 14;
    }

    /** The nodes, edges and layout drawn. */
    public TapeGraph graph() {
        return graph;
    }

    @Override
    protected String describe() {
        long params = graph.nodes().stream().filter(n -> "param".equals(n.op())).count();
        return "GraphPlot[" + rootName + ": " + graph.nodes().size() + " nodes, " + graph.edges().size() + " edges, "
                + params + " parameter" + (params == 1 ? "" : "s")
                + (graph.isSummarised() ? ", " + graph.totalOperations() + " operations in all, earliest folded" : "") + "]";
    }

    // ---- drawing -------------------------------------------------------------------------------

    @Override
    protected void draw(Graphics2D g, Rectangle2D area) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double top = area.getY() + 14;
        if (title() != null) {
            g.setFont(ChartPlot.TITLE_FONT);
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title(), (float) (area.getCenterX() - fm.stringWidth(title()) / 2.0), (float) (top + fm.getAscent()));
            top += fm.getHeight() + 8;
        }
        int layers = graph.layers();
        Map<Integer, Integer> perLayer = new HashMap<>();
        graph.nodes().forEach(n -> perLayer.merge(n.layer(), 1, Integer::sum));
        double bottom = area.getMaxY() - 20;
        double rowH = layers > 1 ? (bottom - top - 50) / (layers - 1) : 0;

        // boxes first, so edges can end at their borders
        Map<Integer, RoundRectangle2D> box = new HashMap<>();
        Map<Integer, String[]> text = new HashMap<>();
        for (TapeGraph.Node n : graph.nodes()) {
            String[] lines = lines(n);
            text.put(n.position(), lines);
            double w = boxWidth(g, lines);
            double h = 8;
            for (int k = 0; k < lines.length; k++) {
                h += g.getFontMetrics(k == 0 ? OP_FONT : VALUE_FONT).getHeight();
            }
            int count = perLayer.get(n.layer());
            double cx = area.getX() + area.getWidth() * (n.order() + 0.5) / count;
            double cy = layers > 1 ? bottom - 25 - n.layer() * rowH : (top + bottom) / 2;
            box.put(n.position(), new RoundRectangle2D.Double(cx - w / 2, cy - h / 2, w, h, 10, 10));
        }

        // edges, with parallel uses of one input bent apart; each label goes where it hides no
        // other text: boxes and the title are taken, then each label placed
        Map<Long, Integer> parallel = new HashMap<>();
        graph.edges().forEach(e -> parallel.merge(key(e), 1, Integer::sum));
        List<Rectangle2D> taken = new ArrayList<>();
        box.values().forEach(b -> taken.add(b.getBounds2D()));
        taken.add(new Rectangle2D.Double(area.getX(), area.getY(), area.getWidth(), top - area.getY()));
        List<double[]> curves = new ArrayList<>();
        for (TapeGraph.Edge e : graph.edges()) {
            RoundRectangle2D a = box.get(e.from());
            RoundRectangle2D b = box.get(e.to());
            double x0 = a.getCenterX(), y0 = a.getMinY();
            double x1 = b.getCenterX(), y1 = b.getMaxY();
            int n = parallel.get(key(e));
            double bend = n == 1 ? 0 : (e.repeat() - (n - 1) / 2.0) * 36;
            double mx = (x0 + x1) / 2 + bend, my = (y0 + y1) / 2;
            // control point so the curve passes through (mx, my); a straight edge has it in its middle
            double qx = 2 * mx - (x0 + x1) / 2, qy = 2 * my - (y0 + y1) / 2;
            double[] c = {x0, y0, qx, qy, x1, y1};
            curves.add(c);
            g.setColor(e.from() == TapeGraph.EARLIER ? Color.GRAY : EDGE);
            g.setStroke(e.from() == TapeGraph.EARLIER
                    ? new BasicStroke(1.1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {4f, 3f}, 0f)
                    : new BasicStroke(1.2f));
            g.draw(bend == 0 ? new Line2D.Double(x0, y0, x1, y1) : new QuadCurve2D.Double(x0, y0, qx, qy, x1, y1));
            arrow(g, bend == 0 ? x0 : qx, bend == 0 ? y0 : qy, x1, y1);
        }
        List<Runnable> labels = new ArrayList<>();
        for (int k = 0; k < curves.size(); k++) {
            TapeGraph.Edge e = graph.edges().get(k);
            if (!Double.isNaN(e.partial())) {
                String s = number(e.partial());
                Rectangle2D at = placeLabel(g, s, k, curves, area, taken);
                taken.add(at);
                labels.add(() -> edgeLabel(g, s, at));
            }
        }
        labels.forEach(Runnable::run);

        for (TapeGraph.Node n : graph.nodes()) {
            RoundRectangle2D r = box.get(n.position());
            boolean svg = g instanceof SVGGraphics2D;
            if (svg) {
                g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, n.position() == TapeGraph.EARLIER ? "node-earlier" : "node-" + n.position());
            }
            g.setColor(n.position() == graph.root() ? ROOT : "param".equals(n.op()) ? PARAM : OTHER);
            g.fill(r);
            g.setColor(EDGE);
            g.setStroke(n.position() == TapeGraph.EARLIER
                    ? new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {4f, 3f}, 0f)
                    : new BasicStroke(1f));
            g.draw(r);
            String[] lines = text.get(n.position());
            double y = r.getY() + 4;
            for (int k = 0; k < lines.length; k++) {
                g.setFont(k == 0 ? OP_FONT : VALUE_FONT);
                FontMetrics fm = g.getFontMetrics();
                g.setColor(lines[k].startsWith("adj") ? ADJOINT : Color.BLACK);
                y += fm.getAscent();
                g.drawString(lines[k], (float) (r.getCenterX() - fm.stringWidth(lines[k]) / 2.0), (float) y);
                y += fm.getDescent() + (fm.getHeight() - fm.getAscent() - fm.getDescent());
            }
            if (svg) {
                g.setRenderingHint(SVGHints.KEY_END_GROUP, "node");
            }
        }
    }

    private static long key(TapeGraph.Edge e) {
        return ((long) e.from() << 32) ^ (e.to() & 0xFFFFFFFFL);
    }

    /** The text of a node: what it is, its value, its adjoint when known. */
    private String[] lines(TapeGraph.Node n) {
        if (n.position() == TapeGraph.EARLIER) {
            List<String> out = new ArrayList<>();
            out.add(n.op());
            StringBuilder sb = new StringBuilder();
            int shown = 0;
            for (Map.Entry<String, Integer> e : graph.summary().entrySet().stream()
                    .sorted((p, q) -> q.getValue() - p.getValue()).toList()) {
                if (shown++ == 4) {
                    sb.append(", …");
                    break;
                }
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(" ×").append(e.getValue());
            }
            out.add(sb.toString());
            return out.toArray(String[]::new);
        }
        String head = n.name() != null && !n.name().isEmpty() ? n.name() : n.op();
        if (n.position() == graph.root() && !"param".equals(n.op())) {
            head = rootName.startsWith("#") ? n.op() : rootName + " = " + n.op();
        }
        head = "#" + n.position() + " " + head;
        String value = "= " + number(n.value());
        return n.adjoint() == null ? new String[] {head, value} : new String[] {head, value, "adj " + number(n.adjoint())};
    }

    /** Where along an edge its label goes: the middle, else the nearest point towards either end that is free. */
    private static final double[] ALONG = {0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.18, 0.82};

    /**
     * The box of edge k's label: centred on its curve (quadratic through {x0, y0, qx, qy, x1, y1})
     * at the first place of {@link #ALONG} that overlaps no node, title or label placed before
     * it, stays in the picture and sits on no other edge, so each number reads as its own edge's;
     * failing that, the first place free of text; failing that, where it overlaps least. (Two
     * edges that cross, ∂x/∂v and ∂y/∂u of the chain-rule picture, would otherwise put their
     * labels on the same spot.)
     */
    private static Rectangle2D placeLabel(Graphics2D g, String s, int k, List<double[]> curves, Rectangle2D area,
                                          List<Rectangle2D> taken) {
        FontMetrics fm = g.getFontMetrics(EDGE_FONT);
        double w = fm.stringWidth(s) + 6, h = fm.getAscent() + fm.getDescent() + 2;
        double[] c = curves.get(k);
        Rectangle2D best = null, clearOfText = null;
        double bestOverlap = Double.POSITIVE_INFINITY;
        for (double t : ALONG) {
            double[] p = at(c, t);
            Rectangle2D r = new Rectangle2D.Double(p[0] - w / 2, p[1] - h / 2, w, h);
            double overlap = area.contains(r) ? 0 : w * h;
            for (Rectangle2D o : taken) {
                Rectangle2D i = r.createIntersection(o);
                if (i.getWidth() > 0 && i.getHeight() > 0) {
                    overlap += i.getWidth() * i.getHeight();
                }
            }
            if (overlap == 0) {
                if (!onOtherEdge(r, k, curves)) {
                    return r;
                }
                if (clearOfText == null) {
                    clearOfText = r;
                }
            } else if (overlap < bestOverlap) {
                bestOverlap = overlap;
                best = r;
            }
        }
        return clearOfText != null ? clearOfText : best;
    }

    private static double[] at(double[] c, double t) {
        double u = 1 - t;
        return new double[] {u * u * c[0] + 2 * u * t * c[2] + t * t * c[4], u * u * c[1] + 2 * u * t * c[3] + t * t * c[5]};
    }

    /** Whether an edge other than k passes through r (each curve taken as 16 straight pieces). */
    private static boolean onOtherEdge(Rectangle2D r, int k, List<double[]> curves) {
        for (int j = 0; j < curves.size(); j++) {
            if (j == k) {
                continue;
            }
            double[] c = curves.get(j);
            double[] p = at(c, 0);
            for (int m = 1; m <= 16; m++) {
                double[] q = at(c, m / 16.0);
                if (r.intersectsLine(p[0], p[1], q[0], q[1])) {
                    return true;
                }
                p = q;
            }
        }
        return false;
    }

    private static void edgeLabel(Graphics2D g, String s, Rectangle2D r) {
        g.setFont(EDGE_FONT);
        FontMetrics fm = g.getFontMetrics();
        g.setColor(new Color(255, 255, 255, 225));
        g.fill(r);
        g.setColor(PARTIAL);
        g.drawString(s, (float) (r.getX() + 3), (float) (r.getY() + 1 + fm.getAscent()));
    }

    private static void arrow(Graphics2D g, double fx, double fy, double x, double y) {
        double ang = Math.atan2(y - fy, x - fx);
        double len = 8, spread = 0.4;
        Path2D.Double head = new Path2D.Double();
        head.moveTo(x, y);
        head.lineTo(x - len * Math.cos(ang - spread), y - len * Math.sin(ang - spread));
        head.lineTo(x - len * Math.cos(ang + spread), y - len * Math.sin(ang + spread));
        head.closePath();
        g.fill(head);
    }

    /** Four significant digits: enough to check the chain rule by hand, short enough to read. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        String s = a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.3e", v);
        if (s.contains("e")) {
            return s;
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
