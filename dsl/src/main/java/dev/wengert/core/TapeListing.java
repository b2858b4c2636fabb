package dev.wengert.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link Tape} shows itself: the Wengert list as a text table ({@code tape()} in JShell),
 * as an HTML table (notebooks), and the recorded graph in Graphviz DOT. It reads the tape only
 * through its public accessors, so the recording engine stays apart from its presentation.
 *
 * <pre>{@code
 * var x = param("x", 2.0);
 * x.times(x).plus(1).backward();
 * System.out.println(tape());   // #0 param x, #1 mul, #2 add with their values and adjoints
 * }</pre>
 */
final class TapeListing {
    /** Rows shown before "… n more": a REPL printout stays readable on a large tape. */
    private static final int ROWS = 200;

    private TapeListing() {
    }

    /** The Wengert list as a table: index, operation, inputs, value, adjoint. */
    static String text(Tape t) {
        int size = t.size();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d operation%s%n", t.label(), size, size == 1 ? "" : "s"));
        sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#", "op", "inputs", "value", "adjoint"));
        int shown = Math.min(size, ROWS);
        for (int i = 0; i < shown; i++) {
            sb.append(String.format("%6s  %-14s %-16s %-24s %s%n", "#" + i, opLabel(t, i), inputsLabel(t, i),
                    Double.toString(t.value(i)), adjointLabel(t, i)));
        }
        if (size > shown) {
            sb.append(String.format("   … %,d more operations (tape().toDot() or tape().size())%n", size - shown));
        }
        return sb.toString();
    }

    /** The recorded graph in Graphviz DOT: nodes show operation and value, edges the local partial. */
    static String dot(Tape t) {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
        for (int i = 0; i < t.size(); i++) {
            String adj = t.reached(i) ? "\\nadj " + t.adjoint(i) : "";
            sb.append(String.format("  n%d [label=\"#%d %s\\n%s%s\"];%n", i, i, escape(opLabel(t, i)), t.value(i), adj));
            int[] in = t.inputs(i);
            if (t.isArrayOperation(i)) {
                for (int a : in) {
                    sb.append(String.format("  n%d -> n%d;%n", a, i));
                }
                continue;
            }
            double[] p = t.partials(i);
            for (int k = 0; k < in.length; k++) {
                sb.append(String.format("  n%d -> n%d [label=\"%s\"];%n", in[k], i, p[k]));
            }
        }
        return sb.append("}\n").toString();
    }

    /** The Wengert list as an HTML table, for notebooks, with the text table as plain text. */
    static Map<String, String> mimeBundle(Tape t) {
        int size = t.size();
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder h = new StringBuilder("<table><caption>").append(html(t.label())).append(": ")
                .append(size).append(" operations</caption><thead><tr><th>#</th><th>op</th><th>inputs</th>"
                        + "<th>value</th><th>adjoint</th></tr></thead><tbody>");
        int shown = Math.min(size, ROWS);
        for (int i = 0; i < shown; i++) {
            h.append("<tr><td>").append(i).append("</td><td>").append(html(opLabel(t, i))).append("</td><td>")
                    .append(inputsLabel(t, i)).append("</td><td>").append(t.value(i)).append("</td><td>")
                    .append(adjointLabel(t, i)).append("</td></tr>");
        }
        if (size > shown) {
            h.append("<tr><td colspan=\"5\">… ").append(size - shown).append(" more</td></tr>");
        }
        h.append("</tbody></table>");
        m.put("text/html", h.toString());
        m.put("text/plain", text(t));
        return m;
    }

    private static String opLabel(Tape t, int i) {
        String n = t.name(i);
        return n == null || n.isEmpty() ? t.op(i) : t.op(i) + " " + n;
    }

    private static String inputsLabel(Tape t, int i) {
        StringBuilder sb = new StringBuilder();
        for (int a : t.inputs(i)) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('#').append(a);
        }
        return sb.toString();
    }

    /** The adjoint from the last sweep, blank where it did not reach. */
    private static String adjointLabel(Tape t, int i) {
        return t.reached(i) ? Double.toString(t.adjoint(i)) : "";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
