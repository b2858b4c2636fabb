package dev.wengert.display;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Rows and columns shown as a notebook table ({@code text/html}) and as aligned text
 * ({@code text/plain}), capped so that a table of 10⁶ rows shows in a glance: up to
 * {@link #maxRows()} rows are shown whole, a longer table shows its first and last
 * {@value #EDGE_ROWS} rows with a "…" row between; beyond {@value #MAX_COLUMNS} columns, the
 * first and last {@value #EDGE_COLUMNS}. The row and column counts are always shown.
 *
 * <pre>{@code
 * Table t = Table.create("decay", DoubleColumn.create("t", 0, 1, 2), DoubleColumn.create("y", 10.2, 6.1, 3.6));
 * TableView.of(t).text();
 * // decay: 3 rows × 2 columns
 * //  t  |   y
 * // ... (aligned rows)
 * }</pre>
 *
 * <p>tablesaw {@link Table}s are not ours, so the Jupyter kernel (and an IJava renderer) wraps
 * them in a {@code TableView}; our own tabular values (an optimizer's history, a 2-D tensor)
 * offer one through {@link Displayable}.
 */
public final class TableView implements Displayable {
    /** Rows shown at each end of a table too long to show whole. */
    public static final int EDGE_ROWS = 5;
    /** Columns shown whole up to this many. */
    public static final int MAX_COLUMNS = 20;
    /** Columns shown at each end of a wider table. */
    public static final int EDGE_COLUMNS = 10;

    private static volatile int maxRows = 60;

    /** The text of one cell. */
    @FunctionalInterface
    public interface Cell {
        /** The cell at {@code row}, {@code column} as it should read. */
        String at(int row, int column);
    }

    private final String title;
    private final List<String> header;
    private final boolean[] numeric;
    private final int rows;
    private final Cell cell;
    private final boolean grid;   // a matrix: indices label rows and columns, the caption is the title alone

    private TableView(String title, List<String> header, boolean[] numeric, int rows, Cell cell, boolean grid) {
        this.title = title;
        this.header = List.copyOf(header);
        this.numeric = numeric.clone();
        this.rows = rows;
        this.cell = cell;
        this.grid = grid;
    }

    /**
     * A matrix of numbers, rows and columns labelled by their indices, under a caption such as
     * its shape.
     *
     * <pre>{@code
     * TableView.grid("Tensor(2, 2)", 2, 2, (r, c) -> "" + (2 * r + c + 1.0)).html();
     * }</pre>
     */
    public static TableView grid(String caption, int rows, int columns, Cell cell) {
        if (rows < 0 || columns < 0 || cell == null) {
            throw new IllegalArgumentException("TableView.grid: give rows ≥ 0, columns ≥ 0 and the cells");
        }
        List<String> header = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            header.add(Integer.toString(c));
        }
        boolean[] numeric = new boolean[columns];
        java.util.Arrays.fill(numeric, true);
        return new TableView(caption, header, numeric, rows, cell, true);
    }

    /**
     * A view of rows × header.size() cells; numeric columns are right-aligned.
     *
     * <pre>{@code
     * TableView.of("squares", List.of("n", "n²"), new boolean[] {true, true}, 4, (r, c) -> "" + (c == 0 ? r : r * r));
     * }</pre>
     */
    public static TableView of(String title, List<String> header, boolean[] numeric, int rows, Cell cell) {
        if (header == null || numeric == null || cell == null || numeric.length != header.size() || rows < 0) {
            throw new IllegalArgumentException("TableView.of: give a header, one numeric flag per column, "
                    + "a row count ≥ 0 and the cells");
        }
        return new TableView(title, header, numeric, rows, cell, false);
    }

    /**
     * A tablesaw table: its name, column names, and each cell as tablesaw formats it (missing
     * values blank).
     */
    public static TableView of(Table table) {
        if (table == null) {
            throw new IllegalArgumentException("TableView.of(null): pass a tablesaw Table");
        }
        List<String> names = new ArrayList<>();
        boolean[] numeric = new boolean[table.columnCount()];
        for (int c = 0; c < table.columnCount(); c++) {
            Column<?> col = table.column(c);
            names.add(col.name());
            numeric[c] = col instanceof NumericColumn;
        }
        return new TableView(table.name(), names, numeric, table.rowCount(),
                (r, c) -> table.column(c).isMissing(r) ? "" : table.column(c).getString(r), false);
    }

    /** Tables longer than this show only their first and last rows in notebooks (default 60). */
    public static int maxRows() {
        return maxRows;
    }

    /**
     * Sets how many rows a table may have and still be shown whole (at least
     * {@code 2 × EDGE_ROWS}); the facade offers it as {@code tableRows(n)}.
     */
    public static void maxRows(int n) {
        if (n < 2 * EDGE_ROWS) {
            throw new IllegalArgumentException("tableRows(" + n + "): show at least " + 2 * EDGE_ROWS
                    + " rows (a longer table shows its first and last " + EDGE_ROWS + ")");
        }
        maxRows = n;
    }

    /** The row indices shown, with -1 where rows are left out. */
    private int[] shownRows() {
        if (rows <= maxRows) {
            int[] all = new int[rows];
            for (int r = 0; r < rows; r++) {
                all[r] = r;
            }
            return all;
        }
        int[] out = new int[2 * EDGE_ROWS + 1];
        for (int k = 0; k < EDGE_ROWS; k++) {
            out[k] = k;
            out[EDGE_ROWS + 1 + k] = rows - EDGE_ROWS + k;
        }
        out[EDGE_ROWS] = -1;
        return out;
    }

    /** The column indices shown, with -1 where columns are left out. */
    private int[] shownColumns() {
        int n = header.size();
        if (n <= MAX_COLUMNS) {
            int[] all = new int[n];
            for (int c = 0; c < n; c++) {
                all[c] = c;
            }
            return all;
        }
        int[] out = new int[2 * EDGE_COLUMNS + 1];
        for (int k = 0; k < EDGE_COLUMNS; k++) {
            out[k] = k;
            out[EDGE_COLUMNS + 1 + k] = n - EDGE_COLUMNS + k;
        }
        out[EDGE_COLUMNS] = -1;
        return out;
    }

    /** "decay: 8 rows × 2 columns". */
    public String caption() {
        if (grid) {
            return title == null ? "" : title;
        }
        String counts = count(rows, "row") + " × " + count(header.size(), "column");
        return title == null || title.isEmpty() ? counts : title + ": " + counts;
    }

    private static String count(int n, String what) {
        return String.format(Locale.ROOT, "%,d", n) + " " + what + (n == 1 ? "" : "s");
    }

    /** The table as HTML: a caption with the counts, a header row, the shown rows. */
    public String html() {
        int[] cols = shownColumns();
        StringBuilder h = new StringBuilder("<table class=\"wengert-table\"><caption style=\"caption-side:top;text-align:left\">")
                .append(escape(caption())).append("</caption><thead><tr>");
        if (grid) {
            h.append("<th></th>");
        }
        for (int c : cols) {
            h.append("<th").append(c >= 0 && numeric[c] ? " style=\"text-align:right\">" : ">")
                    .append(c < 0 ? "…" : escape(header.get(c))).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (int r : shownRows()) {
            h.append("<tr>");
            if (grid) {
                h.append("<th style=\"text-align:right\">").append(r < 0 ? "…" : Integer.toString(r)).append("</th>");
            }
            for (int c : cols) {
                String text = r < 0 || c < 0 ? "…" : cell.at(r, c);
                h.append(c >= 0 && numeric[c] ? "<td style=\"text-align:right\">" : "<td>")
                        .append(escape(text == null ? "" : text)).append("</td>");
            }
            h.append("</tr>");
        }
        return h.append("</tbody></table>").toString();
    }

    /** The table as aligned text under its caption: numbers right-aligned, text left-aligned. */
    public String text() {
        int[] cols = shownColumns();
        int[] rs = shownRows();
        String[][] grid = new String[rs.length + 1][cols.length];
        int[] width = new int[cols.length];
        for (int j = 0; j < cols.length; j++) {
            grid[0][j] = cols[j] < 0 ? "…" : header.get(cols[j]);
            for (int i = 0; i < rs.length; i++) {
                String text = rs[i] < 0 || cols[j] < 0 ? "…" : cell.at(rs[i], cols[j]);
                grid[i + 1][j] = text == null ? "" : text;
            }
            for (String[] row : grid) {
                width[j] = Math.max(width[j], row[j].codePointCount(0, row[j].length()));
            }
        }
        StringBuilder sb = new StringBuilder(caption());
        for (int i = 0; i < grid.length; i++) {
            sb.append('\n');
            for (int j = 0; j < cols.length; j++) {
                String s = grid[i][j];
                String pad = " ".repeat(width[j] - s.codePointCount(0, s.length()));
                boolean right = cols[j] >= 0 && numeric[cols[j]];
                sb.append(j == 0 ? "" : " | ").append(right ? pad + s : s + (j == cols.length - 1 ? "" : pad));
            }
            if (i == 0) {
                sb.append('\n');
                for (int j = 0; j < cols.length; j++) {
                    sb.append(j == 0 ? "" : "-+-").append("-".repeat(width[j]));
                }
            }
        }
        return sb.toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/html", html());
        m.put("text/plain", text());
        return m;
    }

    @Override
    public String toString() {
        return text();
    }

    /** Escapes text for HTML element content and attribute values. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
