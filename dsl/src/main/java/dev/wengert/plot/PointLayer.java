package dev.wengert.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.annotations.XYAnnotationBoundsInfo;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * The scatter layers of a plot, drawn under everything else (bands, lines, fits).
 *
 * <p>Up to a few thousand points they are vector markers: one SVG path per series whose
 * subpaths have zero length and round caps, which every SVG renderer (and Java2D) draws as
 * dots, about 26 bytes a point instead of JFreeChart's 650. Beyond that they are one image the
 * size of the data area, embedded in the SVG: each point stamps a small disc, and each pixel's
 * opacity is that of the discs stacked on it, 1 − (1 − α)ⁿ, in 16 steps, so dense regions read
 * darker and the image compresses to tens of kilobytes at any number of points. Lines, bands
 * and text stay vector.
 *
 * <p>Written here rather than left to JFreeChart's renderer, which writes each marker as its
 * own filled and outlined path and would need the whole SVG in memory as text for 10⁶ points.
 */
final class PointLayer extends AbstractXYAnnotation implements XYAnnotationBoundsInfo {
    private static final long serialVersionUID = 1L;
    /** Marker diameter of vector points, in pixels. */
    static final float DIAMETER = 6f;
    /** Opacity of a vector marker: overlapping markers still show each other's edges. */
    static final float VECTOR_ALPHA = 0.8f;
    /** Opacity of one disc in the image: single points are visible, clusters darken. */
    static final double RASTER_ALPHA = 0.3;
    /** Radius of a disc in the image, in pixels. */
    static final double RASTER_RADIUS = 2.5;
    private static final int LEVELS = 16;

    /** One series of points and its colour. */
    record Cloud(double[] x, double[] y, Color colour) {
    }

    private final List<Cloud> clouds;
    private final boolean raster;
    private final Range xRange, yRange;
    private final boolean logX, logY;
    private Color halo;          // vector dots only: a ring of this colour around each, or null
    private float diameter = DIAMETER;
    private float alpha = VECTOR_ALPHA;

    PointLayer(List<Cloud> clouds, boolean raster, boolean logX, boolean logY) {
        this.clouds = clouds;
        this.raster = raster;
        this.logX = logX;
        this.logY = logY;
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Cloud c : clouds) {
            for (int i = 0; i < c.x().length; i++) {
                double x = c.x()[i], y = c.y()[i];
                if (drawable(x, logX) && drawable(y, logY)) {
                    b[0] = Math.min(b[0], x);
                    b[1] = Math.max(b[1], x);
                    b[2] = Math.min(b[2], y);
                    b[3] = Math.max(b[3], y);
                }
            }
        }
        xRange = b[0] <= b[1] ? new Range(b[0], b[1]) : null;
        yRange = b[2] <= b[3] ? new Range(b[2], b[3]) : null;
    }

    private static boolean drawable(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /**
     * Vector dots of the given diameter, opaque, each on a ring of {@code halo} {@code ring}
     * pixels wide: the markers of a path drawn over a colour map.
     */
    PointLayer ringed(Color halo, float diameter, float ring) {
        this.halo = halo;
        this.diameter = diameter;
        this.ring = ring;
        this.alpha = 1f;
        return this;
    }

    private float ring;
    private transient BufferedImage image;
    private transient double[] imageKey;

    /** Whether the points are drawn as an image. */
    boolean isRaster() {
        return raster;
    }

    @Override
    public boolean getIncludeInDataBounds() {
        return xRange != null;
    }

    @Override
    public Range getXRange() {
        return xRange;
    }

    @Override
    public Range getYRange() {
        return yRange;
    }

    @Override
    public void draw(Graphics2D g, XYPlot plot, Rectangle2D area, ValueAxis xAxis, ValueAxis yAxis,
                     int rendererIndex, PlotRenderingInfo info) {
        Rectangle clip = g.getClipBounds();
        if (clip != null && clip.isEmpty()) {
            return;   // a layout pass (ChartPlot measures before it draws): nothing to see
        }
        RectangleEdge xe = plot.getDomainAxisEdge();
        RectangleEdge ye = plot.getRangeAxisEdge();
        boolean svg = g instanceof SVGGraphics2D;
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_BEGIN_GROUP, raster ? "points-image" : "points");
        }
        java.awt.Shape old = g.getClip();
        g.clip(area);
        if (raster) {
            int ox = (int) Math.floor(area.getX()), oy = (int) Math.floor(area.getY());
            int w = (int) Math.ceil(area.getMaxX()) - ox, h = (int) Math.ceil(area.getMaxY()) - oy;
            if (w > 0 && h > 0) {
                // a chart drawn twice (SVG and PNG of one notebook output) rasterises once
                double[] key = {w, h, ox, oy, area.getWidth(), area.getHeight(), xAxis.getLowerBound(),
                    xAxis.getUpperBound(), yAxis.getLowerBound(), yAxis.getUpperBound()};
                if (image == null || !java.util.Arrays.equals(key, imageKey)) {
                    image = image(w, h, ox, oy, area, xAxis, yAxis, xe, ye);
                    imageKey = key;
                }
                g.drawImage(image, ox, oy, null);
            }
        } else {
            for (Cloud c : clouds) {
                Path2D.Double dots = new Path2D.Double(Path2D.WIND_NON_ZERO, 2 * c.x().length);
                for (int i = 0; i < c.x().length; i++) {
                    if (drawable(c.x()[i], logX) && drawable(c.y()[i], logY)) {
                        double px = xAxis.valueToJava2D(c.x()[i], area, xe);
                        double py = yAxis.valueToJava2D(c.y()[i], area, ye);
                        dots.moveTo(px, py);
                        dots.lineTo(px, py);
                    }
                }
                if (halo != null) {
                    g.setStroke(new BasicStroke(diameter + 2 * ring, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    g.setColor(halo);
                    g.draw(dots);
                }
                Color k = c.colour();
                g.setStroke(new BasicStroke(diameter, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.setColor(new Color(k.getRed(), k.getGreen(), k.getBlue(), Math.round(255 * alpha)));
                g.draw(dots);
            }
        }
        g.setClip(old);
        if (svg) {
            g.setRenderingHint(SVGHints.KEY_END_GROUP, "points");
        }
    }

    /** The points as an ARGB image of w × h pixels whose top left corner is (ox, oy). */
    private BufferedImage image(int w, int h, int ox, int oy, Rectangle2D area, ValueAxis xAxis, ValueAxis yAxis,
                                RectangleEdge xe, RectangleEdge ye) {
        int[] disc = disc(RASTER_RADIUS);
        Linear mx = Linear.of(xAxis, area, xe), my = Linear.of(yAxis, area, ye);
        double[] alpha = new double[w * h];        // the composite so far: coverage
        double[] red = new double[w * h], green = new double[w * h], blue = new double[w * h];
        int[] count = new int[w * h];
        double[] opacity = new double[LEVELS * 64 + 1];
        for (Cloud c : clouds) {
            java.util.Arrays.fill(count, 0);
            int most = 0;
            for (int i = 0; i < c.x().length; i++) {
                if (!drawable(c.x()[i], logX) || !drawable(c.y()[i], logY)) {
                    continue;
                }
                int px = (int) Math.floor(mx.at(c.x()[i])) - ox;
                int py = (int) Math.floor(my.at(c.y()[i])) - oy;
                for (int d = 0; d < disc.length; d += 2) {
                    int x = px + disc[d], y = py + disc[d + 1];
                    if (x >= 0 && y >= 0 && x < w && y < h) {
                        int k = y * w + x;
                        if (++count[k] > most) {
                            most = count[k];
                        }
                    }
                }
            }
            // opacity of n stacked discs, quantised so the image compresses; cached for small n
            for (int n = 1; n < opacity.length; n++) {
                opacity[n] = quantise(1 - Math.pow(1 - RASTER_ALPHA, n));
            }
            double r = c.colour().getRed(), gr = c.colour().getGreen(), b = c.colour().getBlue();
            for (int k = 0; k < count.length; k++) {
                int n = count[k];
                if (n == 0) {
                    continue;
                }
                double a = n < opacity.length ? opacity[n] : 1;
                // "over": this series on top of the ones before it
                red[k] = r * a + red[k] * (1 - a);
                green[k] = gr * a + green[k] * (1 - a);
                blue[k] = b * a + blue[k] * (1 - a);
                alpha[k] = a + alpha[k] * (1 - a);
            }
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] pixels = ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int k = 0; k < pixels.length; k++) {
            double a = alpha[k];
            pixels[k] = a == 0 ? 0 : (int) Math.round(255 * a) << 24
                    | channel(red[k] / a) << 16 | channel(green[k] / a) << 8 | channel(blue[k] / a);
        }
        return img;
    }

    /**
     * An axis' map from values to pixels as a + b·t(v), t the identity or log10: two calls to
     * the axis instead of one per point (10⁶ calls cost more than the rest of the image).
     */
    private record Linear(double a, double b, boolean log) {
        static Linear of(ValueAxis axis, Rectangle2D area, RectangleEdge edge) {
            boolean log = axis instanceof org.jfree.chart.axis.LogAxis;
            double lo = axis.getLowerBound(), hi = axis.getUpperBound();
            double p0 = axis.valueToJava2D(lo, area, edge), p1 = axis.valueToJava2D(hi, area, edge);
            double t0 = log ? Math.log10(lo) : lo, t1 = log ? Math.log10(hi) : hi;
            double b = t1 == t0 ? 0 : (p1 - p0) / (t1 - t0);
            return new Linear(p0 - b * t0, b, log);
        }

        double at(double v) {
            return a + b * (log ? Math.log10(v) : v);
        }
    }

    private static double quantise(double a) {
        return Math.max(1, Math.round(a * (LEVELS - 1))) / (double) (LEVELS - 1);
    }

    private static int channel(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Offsets {dx, dy, …} of the pixels whose centres lie within radius r of a pixel's centre. */
    static int[] disc(double r) {
        int m = (int) Math.ceil(r);
        int[] out = new int[2 * (2 * m + 1) * (2 * m + 1)];
        int n = 0;
        for (int dy = -m; dy <= m; dy++) {
            for (int dx = -m; dx <= m; dx++) {
                if (dx * dx + dy * dy <= r * r) {
                    out[n++] = dx;
                    out[n++] = dy;
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The number of points of all series. */
    int size() {
        int n = 0;
        for (Cloud c : clouds) {
            n += c.x().length;
        }
        return n;
    }
}
