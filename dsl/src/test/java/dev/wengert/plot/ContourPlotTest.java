package dev.wengert.plot;

import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Fn;

import java.awt.geom.Rectangle2D;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ContourPlotTest {
    private static final Fn BOWL = v -> v[0].times(v[0]).plus(v[1].times(v[1]));

    @Test
    void drawnContoursOfTheParaboloidAreCirclesOfRadiusSqrtLevel() {
        int w = 600, h = 500;
        double[] levels = {0.5, 1, 2, 3};
        ContourPlot p = ContourPlot.of(BOWL, -2, 2, -2, 2).grid(120).levels(levels).levelLabels(false).size(w, h);
        Document doc = Svg.parse(p.svg());
        Rectangle2D area = Svg.dataArea(p, w, h);
        for (int k = 0; k < levels.length; k++) {
            Element g = Svg.byId(doc, "contour-level-" + k);
            assertNotNull(g, "level " + levels[k] + " is drawn as its own group");
            List<double[]> pts = Svg.pathPoints(g);
            assertTrue(pts.size() > 40, "a drawn circle, with many points: " + pts.size());
            double r = Math.sqrt(levels[k]);
            double minAngle = 10, maxAngle = -10;
            for (double[] px : pts) {
                // pixels back to data: x grows right over [-2, 2], y grows up
                double x = -2 + 4 * (px[0] - area.getX()) / area.getWidth();
                double y = 2 - 4 * (px[1] - area.getY()) / area.getHeight();
                // one pixel is 4/area data units; the SVG writes coordinates to a few decimals
                assertEquals(r, Math.hypot(x, y), 0.01, "drawn point (" + x + ", " + y + ") of level " + levels[k]);
                double a = Math.atan2(y, x);
                minAngle = Math.min(minAngle, a);
                maxAngle = Math.max(maxAngle, a);
            }
            assertTrue(minAngle < -3.0 && maxAngle > 3.0, "the whole circle is drawn");
        }
        assertEquals(null, Svg.byId(doc, "contour-level-" + levels.length), "no more levels than asked for");
    }

    @Test
    void automaticLevelsOfACostSurfaceAreLogarithmicAndCountedInTheDescription() {
        Fn cost = t -> square(t[0].plus(t[1]).minus(2)).plus(square(t[0].plus(t[1].times(2)).minus(4)));
        ContourPlot p = ContourPlot.of(cost, -4, 4, -1, 5);
        double[] lv = p.levels();
        assertEquals(10, lv.length);
        assertTrue(p.isLogScale());
        for (int k = 1; k < lv.length; k++) {
            assertEquals(lv[1] / lv[0], lv[k] / lv[k - 1], lv[1] / lv[0] * 0.15, "geometric spacing");
        }
        assertTrue(p.toString().contains("10 log levels"), p.toString());
        // every level is drawn
        Document doc = Svg.parse(p.svg());
        for (int k = 0; k < lv.length; k++) {
            assertNotNull(Svg.byId(doc, "contour-level-" + k));
        }
    }

    @Test
    void linearLevelsOnRequestAndTheirLabelsAreWritten() {
        ContourPlot p = ContourPlot.of(v -> v[0].minus(v[1]), 0, 1, 0, 1).levels(4);
        // about 4 round levels over [-1, 1]: steps of 0.5 (0.4 is not a round step)
        assertArrayEquals(new double[] {-0.5, 0, 0.5}, p.levels(), 1e-12);
        assertTrue(!p.isLogScale());
        String text = Svg.text(Svg.parse(p.svg()));
        for (String label : new String[] {"-0.5", "0.5"}) {
            assertTrue(text.contains(label), "label " + label + " in " + text);
        }
    }

    @Test
    void pathsAreDrawnAndNamedInTheLegend() {
        ContourPlot p = ContourPlot.of(BOWL, -2, 2, -2, 2)
                .path("gradient descent", new double[][] {{1.5, 1.5}, {0.8, 0.6}, {0.2, 0.1}})
                .path("momentum", new double[][] {{-1.5, 1}, {0, 0}})
                .title("bowl").labels("θ0", "θ1");
        assertEquals(2, p.paths().size());
        assertEquals(List.of("gradient descent", "momentum"), p.paths().stream().map(ContourPlot.Path::label).toList());
        String text = Svg.text(Svg.parse(p.svg()));
        // (the vertical axis label is drawn rotated, which JFreeSVG writes as glyph outlines, not text)
        for (String s : new String[] {"gradient descent", "momentum", "bowl", "θ0"}) {
            assertTrue(text.contains(s), s + " is written on the plot");
        }
        assertEquals(2, p.chart().getXYPlot().getDataset().getSeriesCount());
        assertEquals(3, p.chart().getXYPlot().getDataset().getItemCount(0));
        assertTrue(p.toString().contains("gradient descent, momentum"), p.toString());
    }

    @Test
    void pngDecodesAtTheRequestedSize() {
        ContourPlot p = ContourPlot.of(BOWL, -1, 1, -1, 1).grid(30);
        Svg.png(p.png(320, 240), 320, 240);
        Svg.png(p.size(500, 400).png(), 500, 400);
    }

    @Test
    void mimeBundleHasHtmlWithInlineSvgPngAndOneLineOfText() {
        ContourPlot p = ContourPlot.of(BOWL, -1, 1, -1, 1).grid(20).size(300, 200);
        Map<String, String> m = p.mimeBundle();
        assertEquals(List.of("text/html", "image/png", "text/plain"), List.copyOf(m.keySet()));
        assertTrue(m.get("text/html").contains("<svg"), "the HTML carries the SVG inline");
        Svg.parse(m.get("text/html"));
        Svg.png(Base64.getDecoder().decode(m.get("image/png")), 300, 200);
        assertTrue(!m.get("text/plain").contains("\n"));
    }

    @Test
    void twoRenderingsUseDifferentIdsSoTheyCanShareAPage() {
        ContourPlot p = ContourPlot.of(BOWL, -1, 1, -1, 1).grid(10);
        String a = p.mimeBundle().get("text/html");
        String b = p.mimeBundle().get("text/html");
        String clipA = a.replaceAll("(?s).*?clip-path='url\\(#([^)]*)\\)'.*", "$1");
        String clipB = b.replaceAll("(?s).*?clip-path='url\\(#([^)]*)\\)'.*", "$1");
        assertTrue(!clipA.equals(clipB), clipA + " vs " + clipB);
    }

    @Test
    void saveWritesByExtension(@TempDir Path dir) throws Exception {
        ContourPlot p = ContourPlot.of(BOWL, -1, 1, -1, 1).grid(10).size(200, 150);
        Path svg = p.save(dir.resolve("c.svg").toString());
        Svg.parse(Files.readString(svg, StandardCharsets.UTF_8));
        Path png = p.save(dir.resolve("sub/c.png").toString());
        Svg.png(Files.readAllBytes(png), 200, 150);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.save(dir.resolve("c.pdf").toString()));
        assertTrue(e.getMessage().contains(".svg or .png"), e.getMessage());
    }

    @Test
    void aGridOfDataAndNaNHolesAreDrawn() {
        double[] xs = {0, 1, 2, 3};
        double[] ys = {0, 1, 2};
        double[][] z = {{0, 1, 2, 3}, {1, 2, Double.NaN, 4}, {2, 3, 4, 5}};
        ContourPlot p = ContourPlot.ofGrid(xs, ys, z).levels(2.5);
        assertEquals(4, p.gridX().length);
        Svg.parse(p.svg());
        assertTrue(!p.contourLines(2.5).isEmpty());
    }

    @Test
    void mistakesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContourPlot.of(BOWL, 1, -1, 0, 1));
        assertTrue(e.getMessage().contains("x0 < x1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ContourPlot.of(v -> v[2], 0, 1, 0, 1).svg());
        assertTrue(e.getMessage().contains("two arguments"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ContourPlot.of(BOWL, 0, 1, 0, 1).path("p", new double[][] {{1}}));
        assertTrue(e.getMessage().contains("two coordinates"), e.getMessage());
    }
}
