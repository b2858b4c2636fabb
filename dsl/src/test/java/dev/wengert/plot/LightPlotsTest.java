package dev.wengert.plot;

import static dev.wengert.Wengert.fit1;
import static dev.wengert.Wengert.fitPlot;
import static dev.wengert.Wengert.line;
import static dev.wengert.Wengert.residualPlot;
import static dev.wengert.Wengert.scatter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Mode;
import dev.wengert.fit.FitResult;

import java.awt.geom.Rectangle2D;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Plots of big data stay light: what a notebook stores of a plot of 10⁶ points, and how the
 * points, bands and lines are drawn — read back from the SVG itself.
 */
class LightPlotsTest {
    /** What a plot may send at 10⁶ points, all representations together (issue 22). */
    static final int BUDGET = 300_000;
    static final int MILLION = 1_000_000;

    private static double[] xs;
    private static double[] ys;
    private static FitResult bigFit;

    /** y = 3·exp(−0.3x) + noise at 10⁶ points. */
    @BeforeAll
    static void data() {
        Random rnd = new Random(22);
        xs = new double[MILLION];
        ys = new double[MILLION];
        for (int i = 0; i < MILLION; i++) {
            xs[i] = 10.0 * i / MILLION;
            ys[i] = 3 * Math.exp(-0.3 * xs[i]) + 0.2 * rnd.nextGaussian();
        }
    }

    /** A straight line fitted to the 10⁶ points, once (forward mode; the slowest step here, seconds). */
    private static synchronized FitResult bigFit() {
        if (bigFit == null) {
            bigFit = fit1((p, x) -> p[0].plus(p[1].times(x))).start(2, -0.2).mode(Mode.FORWARD).to(xs, ys);
        }
        return bigFit;
    }

    /** Bytes a notebook stores for the bundle: each representation's text, UTF-8. */
    private static int bytes(Map<String, String> bundle) {
        int n = 0;
        for (String v : bundle.values()) {
            n += v.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static void assertLight(Plot<?> p, String what) {
        Map<String, String> defaults = p.mimeBundle();
        assertTrue(bytes(defaults) <= BUDGET, what + ": " + bytes(defaults) + " bytes sent by default");
        p.mime("text/html", "image/svg+xml", "image/png");
        Map<String, String> all = p.mimeBundle();
        assertEquals(List.of("text/html", "image/svg+xml", "image/png", "text/plain"), List.copyOf(all.keySet()));
        assertTrue(bytes(all) <= BUDGET, what + ": " + bytes(all) + " bytes with HTML, SVG and PNG all sent");
    }

    @Test
    void aFitPlotOfAMillionPointsSendsUnder300KB() {
        assertLight(fitPlot(bigFit()), "fitPlot of 10⁶ points");
        assertLight(fitPlot(bigFit()).predictionBand(true), "fitPlot of 10⁶ points with both bands");
        assertLight(residualPlot(bigFit()), "residualPlot of 10⁶ points");
    }

    @Test
    void scattersLinesLossCurvesAndPathsOfAMillionPointsSendUnder300KB() {
        assertLight(scatter(xs, ys), "scatter of 10⁶ points");
        assertLight(line(xs, ys), "line of 10⁶ points, x increasing");
        Random rnd = new Random(7);
        double[] wx = new double[MILLION], wy = new double[MILLION];
        for (int i = 1; i < MILLION; i++) {
            wx[i] = wx[i - 1] + rnd.nextGaussian();
            wy[i] = wy[i - 1] + rnd.nextGaussian();
        }
        assertLight(line(wx, wy), "line of a random walk of 10⁶ steps");
        assertLight(new LossCurvePlot().run("slow", ys).logScale(), "loss curve of 10⁶ iterations");
        // an optimizer's 10⁶ iterates spiralling three times into the minimum
        double[][] path = new double[MILLION][];
        for (int i = 0; i < MILLION; i++) {
            path[i] = new double[] {Math.cos(i * 2e-5) * Math.exp(-i * 2e-6), Math.sin(i * 2e-5) * Math.exp(-i * 2e-6)};
        }
        assertLight(ContourPlot.ofDoubles((x, y) -> x * x + y * y, -1.2, 1.2, -1.2, 1.2).path("spiral", path),
                "contour with a path of 10⁶ points");
    }

    @Test
    void aMillionPointsAreOneImageUnderTheBandAndTheFitWhichStayVector() {
        FitPlot p = fitPlot(bigFit());
        Document doc = Svg.parse(p.svg());
        Element image = Svg.byId(doc, "points-image");
        assertNotNull(image, "the data is drawn as an image");
        assertEquals(1, doc.getElementsByTagNameNS("*", "image").getLength(), "one image in all");
        assertNull(Svg.byId(doc, "points"), "and not as vector dots");
        List<Element> order = inOrder(doc);
        int points = order.indexOf(image);
        int band = firstAfter(order, points, "fill:rgb(214,39,40);fill-opacity:0.2");
        int fit = firstAfter(order, points, "stroke-width:2.0;stroke:rgb(214,39,40)");
        assertTrue(points < band && band < fit, "the data, then its band, then the fit: " + points + ", " + band + ", " + fit);
        // the fit is a vector curve through its 200 samples
        assertTrue(Svg.pathPoints(order.get(fit)).size() >= 150, "the fit is drawn as a path");
        assertTrue(Svg.text(doc).contains("data (1,000,000 points)"), "the legend counts the points");
    }

    @Test
    void fewPointsAreVectorDotsUnderTheFit() {
        double[] x = new double[50], y = new double[50];
        for (int i = 0; i < 50; i++) {
            x[i] = i;
            y[i] = 2 * i + (i % 3) - 1;
        }
        FitResult r = fit1((p, t) -> p[0].times(t).plus(p[1]), x, y, 1, 0);
        Document doc = Svg.parse(fitPlot(r).svg());
        Element dots = Svg.byId(doc, "points");
        assertNotNull(dots, "50 points are vector dots");
        assertEquals(0, doc.getElementsByTagNameNS("*", "image").getLength());
        // one path, a zero-length stroke per point: M x,y L x,y
        assertEquals(2 * 50, Svg.pathPoints(dots).size());
        List<Element> order = inOrder(doc);
        int fit = firstAfter(order, order.indexOf(dots), "stroke-width:2.0;stroke:rgb(214,39,40)");
        assertTrue(fit > order.indexOf(dots), "the fit is drawn over the dots");
        assertTrue(!Svg.text(doc).contains("points)"), "no count when every point is drawn as itself");
        assertTrue(((Element) dots.getElementsByTagNameNS("*", "g").item(0)).getAttribute("style")
                .contains("stroke:rgb(31,119,180)"), "the data is blue");
    }

    @Test
    void pointsLieWhereTheirValuesAre() {
        double[] x = {1, 2, 3, 4}, y = {10, 40, 90, 160};
        int w = 500, h = 400;
        LinePlot p = scatter(x, y).size(w, h);
        Rectangle2D area = Svg.dataArea(p, w, h);
        var chart = p.chart(w, h);
        var xAxis = chart.getXYPlot().getDomainAxis();
        var yAxis = chart.getXYPlot().getRangeAxis();
        assertEquals(0.85, xAxis.getLowerBound(), 1e-12, "the x axis spans the points, with 5% margins");
        assertEquals(4.15, xAxis.getUpperBound(), 1e-12);
        List<double[]> dots = Svg.pathPoints(Svg.byId(Svg.parse(p.svg()), "points"));
        assertEquals(2 * x.length, dots.size());
        for (int i = 0; i < x.length; i++) {
            double px = xAxis.valueToJava2D(x[i], area, org.jfree.chart.ui.RectangleEdge.BOTTOM);
            double py = yAxis.valueToJava2D(y[i], area, org.jfree.chart.ui.RectangleEdge.LEFT);
            assertEquals(px, dots.get(2 * i)[0], 0.006, "x of point " + i);
            assertEquals(py, dots.get(2 * i)[1], 0.006, "y of point " + i);
            assertTrue(area.contains(px, py));
        }
        // as an image, it covers the data area exactly
        Element image = (Element) Svg.parse(p.rasterAbove(0).svg()).getElementsByTagNameNS("*", "image").item(0);
        assertEquals(Math.floor(area.getX()), Double.parseDouble(image.getAttribute("x")));
        assertEquals(Math.floor(area.getY()), Double.parseDouble(image.getAttribute("y")));
        assertEquals(Math.ceil(area.getMaxX()) - Math.floor(area.getX()), Double.parseDouble(image.getAttribute("width")));
    }

    @Test
    void upTo3000PointsAreVectorAndMoreAreAnImage() {
        assertEquals(3_000, ChartPlot.DEFAULT_RASTER_ABOVE);
        double[] x = java.util.Arrays.copyOf(xs, 3_000), y = java.util.Arrays.copyOf(ys, 3_000);
        assertNotNull(Svg.byId(Svg.parse(scatter(x, y).svg()), "points"));
        double[] x1 = java.util.Arrays.copyOf(xs, 3_001), y1 = java.util.Arrays.copyOf(ys, 3_001);
        assertNotNull(Svg.byId(Svg.parse(scatter(x1, y1).svg()), "points-image"));
        // the count is of all the scatter points of the plot
        assertNotNull(Svg.byId(Svg.parse(scatter(x, y).scatter("more", new double[] {1}, new double[] {1}).svg()),
                "points-image"));
    }

    @Test
    void rasterAboveChoosesWhereImagesBegin() {
        double[] x = {1, 2, 3, 4}, y = {1, 4, 9, 16};
        assertNotNull(Svg.byId(Svg.parse(scatter(x, y).rasterAbove(3).svg()), "points-image"));
        assertNotNull(Svg.byId(Svg.parse(scatter(x, y).rasterAbove(4).svg()), "points"));
        double[] x20k = java.util.Arrays.copyOf(xs, 20_000), y20k = java.util.Arrays.copyOf(ys, 20_000);
        Element dots = Svg.byId(Svg.parse(scatter(x20k, y20k).rasterAbove(Integer.MAX_VALUE).svg()), "points");
        assertEquals(2 * 20_000, Svg.pathPoints(dots).size(), "every point vector when asked");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scatter(x, y).rasterAbove(-1));
        assertTrue(e.getMessage().contains("rasterAbove(-1)"), e.getMessage());
    }

    @Test
    void aThinnedLineKeepsEveryPixelColumnsExtremes() {
        // 10⁶ samples of a smooth curve with one spike: the drawn path must still reach the spike
        int n = MILLION, spike = 654_321;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = Math.sin(i * 1e-5);
        }
        y[spike] = 5;
        int w = 640, h = 480;
        LinePlot p = line(x, y).size(w, h);
        Document doc = Svg.parse(p.svg());
        Rectangle2D area = Svg.dataArea(p, w, h);
        List<double[]> pts = null;
        for (Element e : inOrder(doc)) {
            if (e.getAttribute("style").contains("stroke-width:2.0") && Svg.pathPoints(e).size() > 10) {
                pts = Svg.pathPoints(e);
            }
        }
        assertNotNull(pts, "the line is a path");
        assertTrue(pts.size() <= 4 * w, "at most 4 points a pixel column: " + pts.size());
        double top = Double.POSITIVE_INFINITY, bottom = Double.NEGATIVE_INFINITY;
        for (double[] q : pts) {
            top = Math.min(top, q[1]);
            bottom = Math.max(bottom, q[1]);
        }
        var yAxis = p.chart().getXYPlot().getRangeAxis();
        var xAxis = p.chart().getXYPlot().getDomainAxis();
        double spikeY = yAxis.valueToJava2D(5, area, org.jfree.chart.ui.RectangleEdge.LEFT);
        double lowY = yAxis.valueToJava2D(-1, area, org.jfree.chart.ui.RectangleEdge.LEFT);
        assertEquals(spikeY, top, 0.01, "the spike is drawn to its height");
        // the smooth troughs are simplified to within a quarter of a pixel
        assertEquals(lowY, bottom, Decimation.TOLERANCE + 0.01, "the troughs too");
        double spikeX = xAxis.valueToJava2D(spike, area, org.jfree.chart.ui.RectangleEdge.BOTTOM);
        boolean found = false;
        for (double[] q : pts) {
            found |= Math.abs(q[0] - spikeX) < 0.01 && Math.abs(q[1] - spikeY) < 0.01;
        }
        assertTrue(found, "at its x");
    }

    @Test
    void aLineThinnedBeyondItsPixelsSaysSo() {
        Random rnd = new Random(3);
        double[] x = new double[200_000], y = new double[200_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble();
            y[i] = rnd.nextDouble();
        }
        String text = Svg.text(Svg.parse(line(x, y).svg()));
        // 200,000 jumps between random pixels: every 50th is kept, 4,000 points
        assertTrue(text.contains("y (every 50th of 200,000 points)"), text);
    }

    /** Every element of the document, in document order. */
    private static List<Element> inOrder(Document doc) {
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        List<Element> out = new ArrayList<>();
        for (int k = 0; k < all.getLength(); k++) {
            out.add((Element) all.item(k));
        }
        return out;
    }

    /** The index of the first element after {@code from} whose style contains {@code style} and that draws a long path. */
    private static int firstAfter(List<Element> order, int from, String style) {
        for (int k = from + 1; k < order.size(); k++) {
            Element e = order.get(k);
            if (e.getAttribute("style").replace(" ", "").contains(style) && Svg.pathPoints(e).size() > 20) {
                return k;
            }
        }
        return -1;
    }
}
