package dev.wengert.plot;

import java.util.ArrayList;
import java.util.List;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Lines and scatters of data, overlaid: the everyday plot.
 *
 * <pre>{@code
 * double[] xs = {0, 1, 2, 3}, ys = {1, 3, 2, 5};
 * line(xs, ys).scatter("measured", xs, new double[] {1.2, 2.7, 2.1, 4.8})
 *             .title("two series").labels("t", "value").save("lines.svg");
 * scatter(table, "area", "price").logY();
 * }</pre>
 */
public final class LinePlot extends SeriesPlot<LinePlot> {
    private final List<Series> series = new ArrayList<>();

    /** An empty plot; add series with {@link #line} and {@link #scatter}. */
    public LinePlot() {
    }

    /** A line through (xs[i], ys[i]). */
    public static LinePlot line(double[] xs, double[] ys) {
        return new LinePlot().line("y", xs, ys);
    }

    /** Points at (xs[i], ys[i]). */
    public static LinePlot scatter(double[] xs, double[] ys) {
        return new LinePlot().scatter("y", xs, ys);
    }

    /**
     * Points of two numeric columns of a tablesaw table; the axes are labelled with the column
     * names. Rows with a missing value are left out.
     */
    public static LinePlot scatter(Table table, String x, String y) {
        if (table == null) {
            throw new IllegalArgumentException("scatter(null, \"" + x + "\", \"" + y + "\"): pass a tablesaw Table");
        }
        double[][] xy = columns(table, x, y);
        return new LinePlot().scatter(y, xy[0], xy[1]).labels(x, y).title(table.name());
    }

    static double[][] columns(Table table, String x, String y) {
        NumericColumn<?> cx = numeric(table, x);
        NumericColumn<?> cy = numeric(table, y);
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            if (!cx.isMissing(r) && !cy.isMissing(r)) {
                rows.add(new double[] {cx.getDouble(r), cy.getDouble(r)});
            }
        }
        double[][] out = new double[2][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            out[0][r] = rows.get(r)[0];
            out[1][r] = rows.get(r)[1];
        }
        return out;
    }

    private static NumericColumn<?> numeric(Table table, String name) {
        if (name == null) {
            throw new IllegalArgumentException("scatter: a column name is null; name two of " + table.columnNames());
        }
        if (!table.containsColumn(name)) {
            throw new IllegalArgumentException("scatter: table " + table.name() + " has no column \"" + name
                    + "\"; its columns are " + table.columnNames());
        }
        Column<?> c = table.column(name);
        if (!(c instanceof NumericColumn)) {
            throw new IllegalArgumentException("scatter: column \"" + name + "\" is " + c.type()
                    + ", not numeric; plot numeric columns (or convert this one)");
        }
        return (NumericColumn<?>) c;
    }

    /** Adds a line through (xs[i], ys[i]) with a legend label. */
    public LinePlot line(String label, double[] xs, double[] ys) {
        return add(label, xs, ys, Style.LINE, "line");
    }

    /** Adds points at (xs[i], ys[i]) with a legend label. */
    public LinePlot scatter(String label, double[] xs, double[] ys) {
        return add(label, xs, ys, Style.POINTS, "scatter");
    }

    /** Adds a series drawn in any {@link SeriesPlot.Style}. */
    public LinePlot add(String label, double[] xs, double[] ys, Style style) {
        return add(label, xs, ys, style, "add");
    }

    private LinePlot add(String label, double[] xs, double[] ys, Style style, String op) {
        checkSameLength(op + "(\"" + label + "\", xs, ys)", xs, ys);
        String name = label == null ? "series " + (series.size() + 1) : label;
        String unique = name;
        for (int n = 2; taken(unique); n++) {
            unique = name + " (" + n + ")";
        }
        series.add(new Series(unique, xs.clone(), ys.clone(), style == null ? Style.LINE : style, 0, 0));
        return this;
    }

    private boolean taken(String label) {
        return series.stream().anyMatch(s -> s.label().equals(label));
    }

    /** The series in the order added, each coloured by its label (the same label, the same colour, in every plot). */
    @Override
    public List<Series> series() {
        int[] colour = SeriesColours.of(series.stream().map(Series::label).toList());
        List<Series> out = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            out.add(new Series(s.label(), s.x(), s.y(), s.style(), s.axis(), colour[k]));
        }
        return out;
    }

    @Override
    protected String describe() {
        StringBuilder sb = new StringBuilder("LinePlot[");
        if (title() != null) {
            sb.append(title()).append(": ");
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            sb.append(k == 0 ? "" : ", ").append(s.label()).append(" (").append(s.size()).append(" points)");
        }
        return sb.append(']').toString();
    }
}
