package dev.wengert.optim;

import dev.wengert.display.Displayable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a minimisation found, why it stopped, and how it got there.
 *
 * <pre>{@code
 * OptimizationResult r = minimize(x -> square(x[0].minus(3)).plus(square(x[1].plus(1))), 0.0, 0.0);
 * r.x();              // [3.0, -1.0]
 * r.converged();      // true
 * r.reason();         // "gradient norm 2.4e-11 ≤ 1e-06"
 * r.historyTable();   // iteration, value, gradientNorm, step, x0, x1 — a tablesaw Table
 * }</pre>
 *
 * <p>{@link #x()} is the best point found: the last one for the methods whose value never
 * rises (line searches), possibly an earlier one for momentum, Nesterov and Adam, and the last
 * finite one when a run stopped on a NaN.
 */
public final class OptimizationResult implements Displayable {
    /** Coordinates beyond this many are left out of {@link #historyTable()} (one column each). */
    static final int TABLE_COORDINATES = 50;

    private final String method;
    private final List<String> names;
    private final double[] x;
    private final double value;
    private final double[] gradient;
    private final int iterations;
    private final long evaluations;
    private final boolean converged;
    private final String reason;
    private final Iterates history;

    OptimizationResult(String method, List<String> names, double[] x, double value, double[] gradient, int iterations,
            long evaluations, boolean converged, String reason, List<Iteration> history) {
        this.method = method;
        this.names = names;
        this.x = x;
        this.value = value;
        this.gradient = gradient;
        this.iterations = iterations;
        this.evaluations = evaluations;
        this.converged = converged;
        this.reason = reason;
        this.history = new Iterates(method, names, Collections.unmodifiableList(history));
    }

    /** The method and its main setting, e.g. "L-BFGS (m = 10)", "gradient descent (rate 0.01)". */
    public String method() {
        return method;
    }

    /** The names of the coordinates: the parameters' names, or x0, x1, … for a function of an array. */
    public List<String> names() {
        return names;
    }

    /** The best point found (a copy). */
    public double[] x() {
        return x.clone();
    }

    /** f at {@link #x()}. */
    public double value() {
        return value;
    }

    /** ∇f at {@link #x()} (a copy). */
    public double[] gradient() {
        return gradient.clone();
    }

    /** ‖∇f‖₂ at {@link #x()}. */
    public double gradientNorm() {
        return Vectors.norm(gradient);
    }

    /** Iterations taken (the start point is iteration 0). */
    public int iterations() {
        return iterations;
    }

    /** Evaluations of f, with or without gradient, line searches included. */
    public int evaluations() {
        return (int) Math.min(Integer.MAX_VALUE, evaluations);
    }

    /** Whether a convergence test (gradient norm or relative change) stopped the run, not a limit or a failure. */
    public boolean converged() {
        return converged;
    }

    /** Why the run stopped, with the numbers, e.g. "gradient norm 3.089e-09 ≤ 1e-06". */
    public String reason() {
        return reason;
    }

    /**
     * The iterates, from iteration 0 (the start point), in order; unmodifiable, and shown as a
     * table in a notebook and in JShell. Every one for a run of up to
     * {@link Optimizer#historyLimit(int)} iterations (10,000 by default); a longer run keeps at
     * most that many rows: iteration 0, every k-th iteration (k a power of two) and the last.
     * {@link Iteration#iteration()} gives each row's number.
     */
    public Iterates history() {
        return history;
    }

    /**
     * The history as a table: iteration, value, gradientNorm, step and one column per
     * coordinate (named as in {@link #names()}; up to 50 coordinates, and only if points were kept);
     * one row per row of {@link #history()}.
     */
    public Table historyTable() {
        int rows = history.size();
        int[] it = new int[rows];
        double[] v = new double[rows];
        double[] gn = new double[rows];
        double[] st = new double[rows];
        for (int r = 0; r < rows; r++) {
            Iteration h = history.get(r);
            it[r] = h.iteration();
            v[r] = h.value();
            gn[r] = h.gradientNorm();
            st[r] = h.step();
        }
        Table t = Table.create(method, IntColumn.create("iteration", it), DoubleColumn.create("value", v),
                DoubleColumn.create("gradientNorm", gn), DoubleColumn.create("step", st));
        boolean points = rows > 0 && history.get(0).point().length == x.length;
        for (int c = 0; points && c < Math.min(x.length, TABLE_COORDINATES); c++) {
            double[] col = new double[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = history.get(r).point()[c];
            }
            t.addColumns(DoubleColumn.create(uniqueName(names.get(c), t), col));
        }
        return t;
    }

    private static String uniqueName(String n, Table t) {
        String name = n;
        for (int k = 2; t.containsColumn(name); k++) {
            name = n + "_" + k;
        }
        return name;
    }

    /** One line: method, value, point, iterations, evaluations and the reason. */
    @Override
    public String toString() {
        return method + ": " + (converged ? "converged" : "stopped") + ", f = " + value + " at " + pointText()
                + " after " + iterations + " iteration" + (iterations == 1 ? "" : "s") + " (" + evaluations
                + " evaluation" + (evaluations == 1 ? "" : "s") + "); " + reason;
    }

    private String pointText() {
        if (names.isEmpty() || names.get(0).equals("x0")) {
            return Format.point(x, 6);
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < Math.min(x.length, 6); i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(" = ").append(x[i]);
        }
        return sb.append(x.length > 6 ? ", …)" : ")").toString();
    }

    /** A small HTML summary table for notebooks, and the one-line text for everyone else. */
    @Override
    public Map<String, String> mimeBundle() {
        StringBuilder h = new StringBuilder("<table><caption>").append(html(method)).append("</caption><tbody>");
        row(h, "result", converged ? "converged" : "stopped");
        row(h, "reason", reason);
        row(h, "f(x)", Double.toString(value));
        row(h, "‖∇f(x)‖", Double.toString(gradientNorm()));
        for (int i = 0; i < Math.min(x.length, 10); i++) {
            row(h, names.get(i), Double.toString(x[i]));
        }
        if (x.length > 10) {
            row(h, "…", (x.length - 10) + " more coordinates");
        }
        row(h, "iterations", Integer.toString(iterations));
        row(h, "evaluations", Long.toString(evaluations));
        h.append("</tbody></table>");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/html", h.toString());
        m.put("text/plain", toString());
        return m;
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th style=\"text-align:left\">").append(html(k)).append("</th><td style=\"text-align:left\">")
                .append(html(v)).append("</td></tr>");
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
