package dev.wengert.optim;

import dev.wengert.display.Displayable;
import dev.wengert.display.TableView;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's iterates, as an unmodifiable list of {@link Iteration}s that shows itself as
 * a table: in a notebook as HTML (the first and last rows of a long run), in JShell as
 * aligned text.
 *
 * <pre>{@code
 * var r = minimize(x -> square(x[0].minus(3)), 0.0);
 * r.history();            // a table: iteration, value, ‖∇f‖, step, x0
 * r.history().get(0);     // the start point
 * }</pre>
 *
 * <p>{@link OptimizationResult#historyTable()} gives the same rows as a tablesaw table, to
 * compute with.
 */
public final class Iterates extends AbstractList<Iteration> implements Displayable {
    private final List<Iteration> rows;
    private final List<String> names;
    private final String method;

    Iterates(String method, List<String> names, List<Iteration> rows) {
        this.method = method;
        this.names = List.copyOf(names);
        this.rows = rows;
    }

    @Override
    public Iteration get(int index) {
        return rows.get(index);
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The table shown: iteration, value, gradient norm, step, and the coordinates if points were kept. */
    public TableView view() {
        boolean points = !rows.isEmpty() && rows.get(0).point().length == names.size();
        int coordinates = points ? Math.min(names.size(), OptimizationResult.TABLE_COORDINATES) : 0;
        List<String> header = new ArrayList<>(List.of("iteration", "value", "‖∇f‖", "step"));
        for (int c = 0; c < coordinates; c++) {
            header.add(names.get(c));
        }
        boolean[] numeric = new boolean[header.size()];
        java.util.Arrays.fill(numeric, true);
        return TableView.of("history of " + method, header, numeric, rows.size(), (r, c) -> {
            Iteration it = rows.get(r);
            return switch (c) {
                case 0 -> Integer.toString(it.iteration());
                case 1 -> Double.toString(it.value());
                case 2 -> Double.toString(it.gradientNorm());
                case 3 -> Double.toString(it.step());
                default -> Double.toString(it.point()[c - 4]);
            };
        });
    }

    @Override
    public Map<String, String> mimeBundle() {
        return view().mimeBundle();
    }

    /** The table as aligned text (its first and last rows when long), so JShell shows a table too. */
    @Override
    public String toString() {
        return view().text();
    }
}
