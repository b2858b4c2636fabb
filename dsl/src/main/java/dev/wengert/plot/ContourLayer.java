package dev.wengert.plot;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * Draws a contour plot's surface inside JFreeChart's data area: the bands as one image, then
 * the contour lines and their labels.
 *
 * <p>The bands are an image, not thousands of rectangles, so an SVG of a 200 × 200 grid stays
 * small enough for a notebook; each pixel's value is interpolated bilinearly from the grid, so
 * band edges follow the same straight pieces as the contour lines. Each level's lines are an
 * SVG group {@code contour-level-k}, which tests read back.
 */
final class ContourLayer extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    /** Beyond this many pixels a side, a finer image adds bytes, not detail. */
    private static final int MAX_IMAGE = 700;

    private final double[] xs, ys;
    private final double[][] z;
    private final double[] levels;
    private final List<List<double[]>> traced;
    private final ContourPlot.Bands bands;
    private final boolean lines, labels;

    ContourLayer(double[] xs, double[] ys, double[][] z, double[] levels, List<List<double[]>> traced,
                 ContourPlot.Bands bands, boolean lines, boolean labels) {
        this.traced = traced;
        this.xs = xs;
        this.ys = ys;
        this.z = z;
        this.levels = levels;
        this.bands = bands;
        this.lines = lines;
        this.labels = labels;
    }

    @Override
    public void draw(Graphics2D g, XYPlot plot, Rectangle2D area, ValueAxis xAxis, ValueAxis yAxis,
                     int rendererIndex, PlotRenderingInfo info) {
        java.awt.Rectangle visible = g.getClipBounds();
        if (visible != null && visible.isEmpty()) {
            return;   // a layout pass (ChartPlot measures before it draws): nothing to see
        }
        RectangleEdge xe = plot.getDomainAxisEdge();
        RectangleEdge ye = plot.getRangeAxisEdge();
        double px0 = xAxis.valueToJava2D(xs[0], area, xe);
        double px1 = xAxis.valueToJava2D(xs[xs.length - 1], area, xe);
        double py0 = yAxis.valueToJava2D(ys[ys.length - 1], area, ye);   // top
        double py1 = yAxis.valueToJava2D(ys[0], area, ye);               // bottom
        int w = (int) Math.max(2, Math.min(MAX_IMAGE, Math.round(px1 - px0)));
        int h = (int) Math.max(2, Math.min(MAX_IMAGE, Math.round(py1 - py0)));
        Shape oldClip = g.getClip();
        g.clip(area);
        g.drawImage(bandImage(w, h), (int) Math.round(px0), (int) Math.round(py0),
                (int) Math.round(px1 - px0), (int) Math.round(py1 - py0), null);

        if (lines) {
            Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setStroke(new BasicStroke(0.9f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            List<Rectangle2D> placed = new java.util.ArrayList<>();
            for (int k = 0; k < levels.length; k++) {
                List<double[]> polys = traced.get(k);
                boolean svg = g instanceof SVGGraphics2D;
                if (svg) {
                    g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, "contour-level-" + k);
                }
                // dark lines over the light bands, light lines over the dark ones
                g.setColor(k >= levels.length * 0.6 ? new Color(0, 0, 0, 150) : new Color(255, 255, 255, 170));
                double[] best = null;
                double bestLen = -1;
                for (double[] poly : polys) {
                    Path2D.Double p = new Path2D.Double();
                    for (int m = 0; m < poly.length; m += 2) {
                        double x = xAxis.valueToJava2D(poly[m], area, xe);
                        double y = yAxis.valueToJava2D(poly[m + 1], area, ye);
                        if (m == 0) {
                            p.moveTo(x, y);
                        } else {
                            p.lineTo(x, y);
                        }
                    }
                    g.draw(p);
                    // the label goes on the longest piece, where it is most likely to be seen
                    if (poly.length > bestLen) {
                        bestLen = poly.length;
                        best = poly;
                    }
                }
                if (svg) {
                    g.setRenderingHint(SVGHints.KEY_END_GROUP, "contour-level-" + k);
                }
                if (labels && best != null && best.length >= 4) {
                    label(g, Levels.label(levels[k]), best, area, xAxis, yAxis, xe, ye, placed);
                }
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa == null ? RenderingHints.VALUE_ANTIALIAS_DEFAULT : aa);
        }
        g.setClip(oldClip);
    }

    /**
     * Writes a level's value on its line: at the point nearest the middle of the line where the
     * label fits inside the plot and clear of labels already placed; not at all on a line too
     * small to carry it (tight rings round a minimum would otherwise pile their labels up).
     */
    private static void label(Graphics2D g, String text, double[] poly, Rectangle2D area, ValueAxis xAxis,
                              ValueAxis yAxis, RectangleEdge xe, RectangleEdge ye, List<Rectangle2D> placed) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        double tw = fm.stringWidth(text) + 4;
        double th = fm.getAscent() + 2;
        int n = poly.length / 2;
        double[] px = new double[n], py = new double[n];
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int m = 0; m < n; m++) {
            px[m] = xAxis.valueToJava2D(poly[2 * m], area, xe);
            py[m] = yAxis.valueToJava2D(poly[2 * m + 1], area, ye);
            minX = Math.min(minX, px[m]);
            maxX = Math.max(maxX, px[m]);
            minY = Math.min(minY, py[m]);
            maxY = Math.max(maxY, py[m]);
        }
        if (Math.max(maxX - minX, maxY - minY) < 2.5 * tw) {
            return;
        }
        for (int d = 0; d <= n / 2; d++) {
            for (int m : new int[] {n / 2 + d, n / 2 - d}) {
                if (m < 0 || m >= n) {
                    continue;
                }
                Rectangle2D box = new Rectangle2D.Double(px[m] - tw / 2, py[m] - th / 2, tw, th);
                if (!area.contains(box) || placed.stream().anyMatch(b -> b.intersects(box))) {
                    continue;
                }
                placed.add(box);
                var old = g.getComposite();
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.75f));
                g.setColor(Color.WHITE);
                g.fill(new RoundRectangle2D.Double(box.getX(), box.getY(), tw, th, 4, 4));
                g.setComposite(old);
                g.setColor(Color.BLACK);
                g.drawString(text, (float) (box.getX() + 2), (float) (box.getMaxY() - 2));
                return;
            }
        }
    }

    /** The banded surface at w × h pixels, row 0 at the top (largest y). */
    BufferedImage bandImage(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int nx = xs.length, ny = ys.length;
        double x0 = xs[0], xr = xs[nx - 1] - x0, y0 = ys[0], yr = ys[ny - 1] - y0;
        int[] row = new int[w];
        // per column: grid cell and weight, found once (the grid may be uneven when made from data)
        int[] ci = new int[w];
        double[] cf = new double[w];
        for (int px = 0; px < w; px++) {
            double x = x0 + xr * (px + 0.5) / w;
            int i = cell(xs, x);
            ci[px] = i;
            cf[px] = (x - xs[i]) / (xs[i + 1] - xs[i]);
        }
        for (int py = 0; py < h; py++) {
            double y = y0 + yr * (h - py - 0.5) / h;
            int j = cell(ys, y);
            double fy = (y - ys[j]) / (ys[j + 1] - ys[j]);
            double[] lo = z[j], hi = z[j + 1];
            for (int px = 0; px < w; px++) {
                int i = ci[px];
                double fx = cf[px];
                double v = (1 - fy) * ((1 - fx) * lo[i] + fx * lo[i + 1]) + fy * ((1 - fx) * hi[i] + fx * hi[i + 1]);
                row[px] = Double.isNaN(v) ? 0 : 0xFF000000 | bands.rgb(v);
            }
            img.setRGB(0, py, w, 1, row, 0, w);
        }
        return img;
    }

    /** The index i with a[i] ≤ v ≤ a[i+1], clamped to the grid. */
    private static int cell(double[] a, double v) {
        int k = java.util.Arrays.binarySearch(a, v);
        int i = k >= 0 ? k : -k - 2;
        return Math.max(0, Math.min(a.length - 2, i));
    }
}
