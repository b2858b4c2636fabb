package dev.wengert.plot;

import static dev.wengert.Wengert.contour;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lossCurve;
import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.plotMime;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Fn;
import dev.wengert.optim.OptimizationResult;

import java.awt.Color;
import java.awt.Paint;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;

/** One colour per series across plots; what a plot sends to a notebook, per plot and for all. */
class ColoursAndMimeTest {
    private static final Fn F = t -> square(t[0].minus(1)).plus(square(t[1].times(3)));

    /** Legend label → colour, read from the chart JFreeChart draws. */
    private static Map<String, Color> legendColours(JFreeChart chart) {
        LegendItemCollection items = chart.getXYPlot().getLegendItems();
        Map<String, Color> out = new HashMap<>();
        for (int i = 0; i < items.getItemCount(); i++) {
            Paint p = items.get(i).getLinePaint() != null && items.get(i).isLineVisible()
                    ? items.get(i).getLinePaint() : items.get(i).getFillPaint();
            out.put(items.get(i).getLabel(), (Color) p);
        }
        return out;
    }

    private static String rgb(Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    @Test
    void aRunHasTheSameColourInTheContourAndTheLossCurveWhateverTheOrder() {
        OptimizationResult gd = minimize(F, new double[] {-1.5, 0.8}, gradientDescent(0.05));
        OptimizationResult heavy = minimize(F, new double[] {-1.5, 0.8}, momentum(0.02, 0.9));
        OptimizationResult bfgs = minimize(F, -1.5, 0.8);
        Map<String, Color> contourColours = legendColours(contour(F, -2, 3, -1, 1).path(gd, heavy, bfgs).chart());
        Map<String, Color> lossColours = legendColours(lossCurve(bfgs, gd, heavy).chart());
        Set<Color> distinct = new HashSet<>();
        for (OptimizationResult r : List.of(gd, heavy, bfgs)) {
            Color c = contourColours.get(r.method());
            assertEquals(c, lossColours.get(r.method()), r.method() + " has one colour in both plots");
            distinct.add(c);
        }
        assertEquals(3, distinct.size(), "three runs, three colours: " + contourColours);
        // and in the pictures themselves: each run's path and curve are stroked in its colour
        String contourSvg = contour(F, -2, 3, -1, 1).path(gd, heavy, bfgs).svg();
        String lossSvg = lossCurve(bfgs, gd, heavy).svg();
        for (Color c : distinct) {
            assertTrue(contourSvg.contains("stroke:" + rgb(c)), "the contour draws a path in " + rgb(c));
            assertTrue(lossSvg.contains("stroke:" + rgb(c)), "the loss curve draws a curve in " + rgb(c));
        }
        // a run and its gradient norm share the colour
        Map<String, Color> withNorm = legendColours(lossCurve(gd).withGradientNorm().chart());
        assertEquals(withNorm.get(gd.method()), withNorm.get(gd.method() + " ‖∇f‖"));
        assertEquals(contourColours.get(gd.method()), withNorm.get(gd.method()));
    }

    @Test
    void twoRunsOfOneMethodGetTwoColoursAndKeepThemAcrossPlots() {
        OptimizationResult a = minimize(F, -1.5, 0.8);
        OptimizationResult b = minimize(F, 2.5, -0.5);
        Map<String, Color> contourColours = legendColours(contour(F, -2, 3, -1, 1).path(a, b).chart());
        Map<String, Color> lossColours = legendColours(lossCurve(a, b).chart());
        String second = a.method() + " (2)";
        assertEquals(Set.of(a.method(), second), contourColours.keySet());
        assertNotEquals(contourColours.get(a.method()), contourColours.get(second));
        assertEquals(contourColours, lossColours);
    }

    @Test
    void labelledLinesKeepTheirColourFromPlotToPlot() {
        double[] x = {0, 1, 2};
        Map<String, Color> first = legendColours(LinePlot.line(x, x).line("measured", x, x).chart());
        Map<String, Color> second = legendColours(new LinePlot().line("measured", x, x).line("model", x, x).chart());
        assertEquals(first.get("measured"), second.get("measured"));
        assertNotEquals(second.get("measured"), second.get("model"));
        int[] more = SeriesColours.of(List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"));
        Set<Integer> seen = new HashSet<>();
        for (int c : more) {
            seen.add(c);
        }
        assertEquals(Palette.SERIES_COUNT, seen.size(), "as many labels as colours: all different");
    }

    // ---- MIME types ----------------------------------------------------------------------------

    @Test
    void aPlotSendsTheTypesItIsGiven() {
        LinePlot p = LinePlot.line(new double[] {0, 1}, new double[] {1, 0}).size(200, 150);
        assertEquals(List.of("text/html", "image/png"), p.mime(), "the default");
        assertEquals(List.of("text/html", "image/png", "text/plain"), List.copyOf(p.mimeBundle().keySet()));
        p.mime("image/png");
        Map<String, String> png = p.mimeBundle();
        assertEquals(List.of("image/png", "text/plain"), List.copyOf(png.keySet()));
        Svg.png(Base64.getDecoder().decode(png.get("image/png")), 200, 150);
        p.mime("svg", "html");
        Map<String, String> svg = p.mimeBundle();
        assertEquals(List.of("image/svg+xml", "text/html", "text/plain"), List.copyOf(svg.keySet()));
        Svg.parse(svg.get("image/svg+xml"));
        assertEquals("<div class=\"wengert-plot\">" + svg.get("image/svg+xml") + "</div>", svg.get("text/html"),
                "one rendering serves both");
        assertEquals(List.of("text/plain"), List.copyOf(p.mime("text/plain").mimeBundle().keySet()));
    }

    @Test
    void theBundlesPngIsThePlotsPngThoughItsChartIsBuiltOnce() {
        java.util.Random rnd = new java.util.Random(5);
        double[] x = new double[20_000], y = new double[20_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
            y[i] = x[i] * 1000 + rnd.nextGaussian();
        }
        LinePlot p = LinePlot.scatter(x, y).line("trend", new double[] {-4, 4}, new double[] {-4000, 4000});
        byte[] fromBundle = Base64.getDecoder().decode(p.mimeBundle().get("image/png"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(p.png(), fromBundle,
                "the SVG drawn first does not change the PNG drawn after it from the same chart");
    }

    @Test
    void theDefaultChangesForEveryPlotWithoutAChoiceOfItsOwn() {
        List<String> before = Plot.defaultMime();
        try {
            plotMime("png");
            assertEquals(List.of("image/png"), Plot.defaultMime());
            LinePlot plain = LinePlot.line(new double[] {0, 1}, new double[] {1, 0});
            LinePlot chosen = LinePlot.line(new double[] {0, 1}, new double[] {1, 0}).mime("svg");
            assertEquals(List.of("image/png", "text/plain"), List.copyOf(plain.mimeBundle().keySet()));
            assertEquals(List.of("image/svg+xml", "text/plain"), List.copyOf(chosen.mimeBundle().keySet()));
        } finally {
            Plot.defaultMime(before.toArray(String[]::new));
        }
        assertEquals(List.of("text/html", "image/png"), Plot.defaultMime());
    }

    @Test
    void unknownTypesAreRefusedWithTheChoices() {
        LinePlot p = LinePlot.line(new double[] {0, 1}, new double[] {1, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.mime("image/jpeg"));
        assertTrue(e.getMessage().contains("mime(\"image/jpeg\")") && e.getMessage().contains("image/png"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plotMime());
        assertTrue(e.getMessage().contains("plotMime()"), e.getMessage());
        assertEquals(List.of("text/html", "image/png"), Plot.defaultMime(), "a refused setting changes nothing");
    }
}
