package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wengert.display.Displayable;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

/** The registration the IJava startup script makes, on basekernel's renderer (IJava's too). */
class IJavaRenderersTest {

    @Test
    void displayablesRenderEveryTypeOfTheirBundle() {
        Renderer renderer = new Renderer();
        IJavaRenderers.register(renderer);
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/plain", "a plot");
        bundle.put("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        Displayable plot = () -> bundle;

        DisplayData data = renderer.render(plot);

        assertEquals("a plot", data.getData(MIMEType.TEXT_PLAIN));
        assertEquals("<svg xmlns='http://www.w3.org/2000/svg'/>", data.getData(MIMEType.IMAGE_SVG));
        assertEquals(null, data.getData(MIMEType.TEXT_HTML));
    }

    @Test
    void tablesawTablesRenderAsHtmlTablesWithTheirCounts() {
        Renderer renderer = new Renderer();
        IJavaRenderers.register(renderer);
        tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create("decay",
                tech.tablesaw.api.DoubleColumn.create("t", 0, 1, 2));

        DisplayData data = renderer.render(t);

        String html = (String) data.getData(MIMEType.TEXT_HTML);
        org.junit.jupiter.api.Assertions.assertTrue(html.startsWith("<table") && html.contains("decay: 3 rows × 1 column"), html);
        assertEquals(dev.wengert.display.TableView.of(t).text(), data.getData(MIMEType.TEXT_PLAIN));
    }
}
