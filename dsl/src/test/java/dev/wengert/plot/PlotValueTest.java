package dev.wengert.plot;

import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.resetTape;
import static dev.wengert.Wengert.sin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Num;
import dev.wengert.display.Displayable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Every kind of plot is a value with the same outputs: SVG, PNG, a MIME bundle, a line of text. */
class PlotValueTest {

    private static List<Plot<?>> everyKind() {
        resetTape();
        Num u = param("u", 1.0);
        Num z = u.times(u).plus(sin(u));
        return List.of(
                ContourPlot.of(v -> v[0].times(v[1]), -1, 1, -1, 1).grid(15),
                LinePlot.line(new double[] {0, 1, 2}, new double[] {0, 1, 4}),
                FunctionPlot.of(x -> sin(x), 0, 3).samples(20),
                new LossCurvePlot().run("run", new double[] {3, 2, 1}),
                GraphPlot.of(z));
    }

    @Test
    void everyPlotRendersToSvgPngAndAMimeBundle() {
        for (Plot<?> p : everyKind()) {
            p.size(360, 240);
            String name = p.getClass().getSimpleName();
            Svg.parse(p.svg());
            Svg.png(p.png(300, 200), 300, 200);
            assertTrue(p instanceof Displayable);
            Map<String, String> m = p.mimeBundle();
            assertEquals(List.of("text/html", "image/png", "text/plain"), List.copyOf(m.keySet()), name);
            assertTrue(m.get("text/html").contains("<svg"), name + ": the HTML carries the SVG inline");
            Svg.png(Base64.getDecoder().decode(m.get("image/png")), 360, 240);
            String text = m.get("text/plain");
            assertFalse(text.contains("\n"), name + ": one line: " + text);
            assertTrue(text.startsWith(name + "["), text);
            assertEquals(text, p.toString());
        }
    }

    @Test
    void showWritesATemporaryPngAndPrintsItsPath() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path f;
        try {
            System.setOut(new PrintStream(buf, true, "UTF-8"));
            f = LinePlot.line(new double[] {0, 1}, new double[] {1, 0}).size(200, 100).show();
        } finally {
            System.setOut(out);
        }
        try {
            assertTrue(buf.toString("UTF-8").contains(f.toAbsolutePath().toString()));
            Svg.png(Files.readAllBytes(f), 200, 100);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void sizesOutsideReasonAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinePlot.line(new double[] {0}, new double[] {0}).size(10, 10));
        assertTrue(e.getMessage().contains("between 50 and 10000"), e.getMessage());
    }
}
