package dev.wengert.optim;

import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.display.TableView;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** An optimizer's history shows itself as a table, in a notebook and in JShell. */
class IteratesDisplayTest {

    @Test
    void theHistoryIsATableOfItsIterates() {
        OptimizationResult r = minimize(x -> square(x[0].minus(3)).plus(square(x[1].plus(1))), 0.0, 0.0);
        Iterates h = r.history();
        Map<String, String> m = h.mimeBundle();
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(m.keySet()));
        String html = m.get("text/html");
        assertTrue(html.contains("history of " + r.method() + ": " + h.size() + " rows × 6 columns"), html);
        assertTrue(html.contains("<th style=\"text-align:right\">‖∇f‖</th>"), html);
        assertTrue(html.contains("<th style=\"text-align:right\">x1</th>"), html);
        // the last row: the final point, to the bit
        Iteration last = h.get(h.size() - 1);
        assertTrue(html.contains("<td style=\"text-align:right\">" + last.point()[0] + "</td>"), html);
        assertEquals(h.size() + 3, h.toString().split("\n").length, "caption, header, rule and one line per iterate");
        assertTrue(h.toString().startsWith("history of " + r.method()), h.toString());
        assertEquals(0, h.get(0).iteration());
    }

    @Test
    void aLongHistoryShowsItsEnds() {
        OptimizationResult r = minimize(x -> square(x[0].minus(3)), new double[] {0},
                dev.wengert.Wengert.gradientDescent(0.001).maxIterations(500));
        Iterates h = r.history();
        assertTrue(h.size() > TableView.maxRows());
        String[] lines = h.toString().split("\n");
        assertEquals(3 + 2 * TableView.EDGE_ROWS + 1, lines.length, h.toString());
        assertTrue(lines[3 + TableView.EDGE_ROWS].contains("…"));
        assertTrue(lines[lines.length - 1].trim().startsWith(Integer.toString(h.size() - 1)), lines[lines.length - 1]);
    }
}
