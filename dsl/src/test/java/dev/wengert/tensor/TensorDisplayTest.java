package dev.wengert.tensor;

import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.resetTape;
import static dev.wengert.Wengert.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Tensors print as what they are: a 2-D tensor as a grid, in text and in a notebook's HTML. */
class TensorDisplayTest {

    @Test
    void aMatrixPrintsAsAGridWithAlignedColumns() {
        assertEquals("Tensor(2, 2)\n[[1.0, 2.0],\n [3.0, 4.0]]", tensor(new double[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("Tensor(3, 2)\n"
                + "[[  1.0,  0.5],\n"
                + " [  2.0, -1.0],\n"
                + " [-0.25,  1.5]]",
                tensor(new double[] {1, 0.5, 2, -1, -0.25, 1.5}, 3, 2).toString());
        assertEquals("Tensor(3,) [1.0, 2.0, 3.0]", tensor(new double[] {1, 2, 3}).toString(), "1-D stays one line");
    }

    @Test
    void aLargeMatrixShowsItsCornersAsNumPyDoes() {
        double[] v = new double[1000 * 20];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        String s = tensor(v, 1000, 20).toString();
        String[] lines = s.split("\n");
        assertEquals("Tensor(1000, 20)", lines[0]);
        assertEquals(1 + 2 * Tensor.EDGE + 1, lines.length, s);
        assertEquals("[[    0.0,     1.0,     2.0, …,    17.0,    18.0,    19.0],", lines[1]);
        assertEquals(" [      …,       …,       …, …,       …,       …,       …],", lines[4]);
        assertEquals(" [19980.0, 19981.0, 19982.0, …, 19997.0, 19998.0, 19999.0]]", lines[7]);
    }

    @Test
    void inANotebookAMatrixIsAnHtmlTableWithIndices() {
        Map<String, String> m = tensor(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).mimeBundle();
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(m.keySet()));
        String html = m.get("text/html");
        assertTrue(html.contains("<caption style=\"caption-side:top;text-align:left\">Tensor(2, 3)</caption>"), html);
        assertTrue(html.contains("<tr><th style=\"text-align:right\">1</th><td style=\"text-align:right\">4.0</td>"
                + "<td style=\"text-align:right\">5.0</td><td style=\"text-align:right\">6.0</td></tr>"), html);
        assertEquals(m.get("text/plain"), tensor(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).toString());
    }

    @Test
    void aParameterTensorShowsItsCurrentValues() {
        resetTape();
        var w = param("w", new double[] {0.5, -0.25});
        assertEquals("Tensor(2,) [0.5, -0.25]", w.toString());
        Tensor m = tensor(new double[] {1, 2, 3, 4}, 2, 2).times(w.reshape(1, 2));
        assertEquals("Tensor(2, 2)\n[[0.5, -0.5],\n [1.5, -1.0]]", m.toString());
        resetTape();
    }
}
