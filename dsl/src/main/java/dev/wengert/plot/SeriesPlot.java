package dev.wengert.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * A plot of named series of (x, y) points — lines, markers or both — with optional shaded
 * bands and a second y axis. Subclasses say what the series are (data, a function and its
 * derivatives, loss per iteration, a fit); this class draws them all the same way.
 *
 * @param <P> the concrete plot type
 */
public abstract class SeriesPlot<P extends SeriesPlot<P>> extends ChartPlot<P> {
    private static final float BAND_ALPHA = 0.22f;

    /** How a series is drawn. */
    public enum Style { LINE, POINTS, LINE_POINTS, DASHED }

    /**
     * One series: a label (shown in the legend), coordinates, a style, the y axis it uses
     * (0 the left, 1 the right) and its colour's index, so related series can share a colour.
     */
    public record Series(String label, double[] x, double[] y, Style style, int axis, int colour) {
        /** The number of points. */
        public int size() {
            return x.length;
        }
    }

    /** A shaded band between lower and upper, e.g. a confidence band, over the points and under the lines, in a series colour. */
    public record Band(String label, double[] x, double[] lower, double[] upper, int colour) {
    }

    /** The series drawn, in legend order. */
    public abstract List<Series> series();

    /** The bands drawn under the series (none by default). */
    public List<Band> bands() {
        return List.of();
    }

    /** Whether x counts something (iterations): ticks at whole numbers. */
    boolean integerX() {
        return false;
    }

    /** Whether x spans exactly the data (a function over [a, b]) rather than with margins. */
    boolean tightX() {
        return false;
    }

    /** Whether to draw the line y = 0 (for curves that cross it, such as derivatives). */
    boolean zeroLine() {
        return false;
    }

    /** Whether the zero line is drawn over the series (residuals: a dense cloud would hide it) rather than under. */
    boolean zeroLineOver() {
        return false;
    }

    /** The label of the right-hand y axis when a series uses it. */
    String secondAxisLabel() {
        return null;
    }

    /** The series labels, in legend order. */
    public List<String> seriesLabels() {
        List<String> out = new ArrayList<>();
        for (Series s : series()) {
            out.add(s.label());
        }
        return out;
    }

    static void checkSameLength(String op, double[] xs, double[] ys) {
        if (xs == null || ys == null) {
            throw new IllegalArgumentException(op + ": x and y must not be null");
        }
        if (xs.length != ys.length) {
            throw new IllegalArgumentException(op + ": x has " + xs.length + " values but y has " + ys.length
                    + "; give one y per x");
        }
    }

    /** Lines with more points than this after thinning to pixels are thinned further, every k-th point kept. */
    static final int LINE_LIMIT = 4_000;

    /**
     * Draws, from the bottom up: the scatter points (vector dots, or one image beyond
     * {@link #rasterAbove()} points), the bands, then the lines, so a fit and its band are never
     * hidden under its data. Lines and bands are thinned to the canvas's pixels first
     * ({@link Decimation}), so a plot of 10⁶ points is as light as one of a few thousand.
     */
    @Override
    public JFreeChart chart(int w, int h) {
        List<Series> all = series();
        List<Band> bands = bands();
        double[] minX = {Double.POSITIVE_INFINITY}, minY = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (Series s : all) {
            for (int k = 0; k < s.size(); k++) {
                // on a log y axis a value ≤ 0 (a loss that reached exactly 0) is a gap, not an error
                if (Double.isFinite(s.x()[k]) && Double.isFinite(s.y()[k]) && (!isLogY() || s.y()[k] > 0)) {
                    minX[0] = Math.min(minX[0], s.x()[k]);
                    minY[s.axis()] = Math.min(minY[s.axis()], s.y()[k]);
                }
            }
        }
        ValueAxis xAxis = axis(xLabel(), isLogX(), "x", minX[0]);
        ValueAxis yAxis = axis(yLabel(), isLogY(), "y", minY[0]);
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(xAxis);
        plot.setRangeAxis(yAxis);
        if (xAxis instanceof NumberAxis) {
            // data at x = 0 keeps its margin instead of sitting on the frame
            ((NumberAxis) xAxis).setAutoRangeStickyZero(false);
        }
        if (tightX()) {
            xAxis.setLowerMargin(0);
            xAxis.setUpperMargin(0);
        }
        if (integerX() && xAxis instanceof NumberAxis) {
            ((NumberAxis) xAxis).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        if (zeroLine() && !isLogY()) {
            plot.addRangeMarker(0, new org.jfree.chart.plot.ValueMarker(0, new Color(0x99, 0x99, 0x99), new BasicStroke(1f)),
                    zeroLineOver() ? org.jfree.chart.ui.Layer.FOREGROUND : org.jfree.chart.ui.Layer.BACKGROUND);
        }

        // the canvas's pixels, on the scales of all series together, decide how far lines are thinned
        List<double[]> xs = new ArrayList<>(), ys = new ArrayList<>();
        int points = 0;
        for (Series s : all) {
            xs.add(s.x());
            ys.add(s.y());
            if (s.style() == Style.POINTS) {
                points += s.size();
            }
        }
        Decimation.Scale sx = Decimation.Scale.of(isLogX(), xs.toArray(double[][]::new));
        Decimation.Scale sy = Decimation.Scale.of(isLogY(), ys.toArray(double[][]::new));
        boolean raster = points > rasterAbove();

        // one dataset of lines per axis, so each is scaled by its own axis; index 0 must hold a
        // renderer, which JFreeChart asks to draw the grid lines and markers (and the points)
        Set<String> used = new HashSet<>();
        String[] shownLabel = new String[all.size()];
        int[] seriesIndex = new int[all.size()];
        XYLineAndShapeRenderer[] renderers = new XYLineAndShapeRenderer[2];
        List<List<PointLayer.Cloud>> clouds = List.of(new ArrayList<>(), new ArrayList<>());
        for (int axis = 0; axis < 2; axis++) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
            // one path per series, so a dash pattern runs along the curve instead of restarting per segment
            r.setDrawSeriesLineAsPath(true);
            int n = 0;
            boolean any = false;
            for (int k = 0; k < all.size(); k++) {
                Series s = all.get(k);
                if (s.axis() != axis) {
                    continue;
                }
                any = true;
                Color c = Palette.series(s.colour());
                if (s.style() == Style.POINTS) {
                    clouds.get(axis).add(new PointLayer.Cloud(s.x(), s.y(), c));
                    shownLabel[k] = unique(used, s.label()) + (raster ? " (" + count(s.size()) + " points)" : "");
                    seriesIndex[k] = -1;
                    continue;
                }
                // a line of up to two points per pixel column is drawn as it is; a longer one is thinned
                int[] keep = s.size() <= 2 * w ? all(s.size()) : Decimation.line(s.x(), s.y(), sx, sy, w, h);
                int[] kept = Decimation.stride(keep, LINE_LIMIT);
                String note = kept == keep ? ""
                        : " (every " + ordinal(Decimation.strideOf(keep.length, LINE_LIMIT)) + " of " + count(s.size()) + " points)";
                shownLabel[k] = unique(used, s.label()) + note;
                XYSeries xy = new XYSeries(shownLabel[k], false, true);
                for (int m : kept) {
                    // a value that cannot be drawn leaves a gap in the line rather than breaking the axis range
                    double y = s.y()[m];
                    boolean ok = Double.isFinite(y) && Double.isFinite(s.x()[m]) && (!isLogY() || y > 0) && (!isLogX() || s.x()[m] > 0);
                    xy.add(s.x()[m], ok ? y : Double.NaN);
                }
                data.addSeries(xy);
                seriesIndex[k] = n;
                style(r, n++, s.style(), c);
            }
            if (!any && axis == 1) {
                continue;
            }
            plot.setDataset(axis, data);
            plot.setRenderer(axis, r);
            renderers[axis] = r;
            if (!clouds.get(axis).isEmpty()) {
                // background annotations are drawn before every dataset: the points lie under bands and lines
                r.addAnnotation(new PointLayer(clouds.get(axis), raster, isLogX(), isLogY()), org.jfree.chart.ui.Layer.BACKGROUND);
            }
            if (axis == 1) {
                ValueAxis right = axis(secondAxisLabel(), isLogY(), "y", minY[1]);
                plot.setRangeAxis(1, right);
                plot.mapDatasetToRangeAxis(1, 1);
            }
        }
        // a scatter alone has no dataset items; the points are there all the same
        plot.setNoDataMessage(points > 0 ? null : "no data");
        if (!bands.isEmpty()) {
            YIntervalSeriesCollection bd = new YIntervalSeriesCollection();
            DeviationRenderer dr = new DeviationRenderer(false, false);
            for (int k = 0; k < bands.size(); k++) {
                Band b = bands.get(k);
                double[][] e = b.x().length > 2 * w && Decimation.increasing(b.x()) ? Decimation.band(b.x(), b.lower(), b.upper(), sx, w)
                        : new double[][] {b.x(), b.lower(), b.upper()};
                YIntervalSeries ys1 = new YIntervalSeries(unique(used, b.label()), false, true);
                for (int m = 0; m < e[0].length; m++) {
                    ys1.add(e[0][m], (e[1][m] + e[2][m]) / 2, e[1][m], e[2][m]);
                }
                bd.addSeries(ys1);
                Color c = Palette.series(b.colour());
                dr.setSeriesFillPaint(k, c);
                dr.setSeriesPaint(k, c);
                dr.setSeriesStroke(k, new BasicStroke(0f));
                dr.setSeriesVisibleInLegend(k, false);
            }
            dr.setAlpha(BAND_ALPHA);
            // the highest index is drawn first in JFreeChart's (reverse) order: bands under the lines
            plot.setDataset(2, bd);
            plot.setRenderer(2, dr);
        }
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
        // the axes ranged themselves when the datasets came; the points' layers came later
        plot.configureDomainAxes();
        plot.configureRangeAxes();

        // the legend in the order of series(), then the bands as swatches of their shade
        org.jfree.chart.LegendItemCollection items = new org.jfree.chart.LegendItemCollection();
        for (int k = 0; k < all.size(); k++) {
            Series s = all.get(k);
            if (seriesIndex[k] >= 0) {
                org.jfree.chart.LegendItem item = renderers[s.axis()].getLegendItem(s.axis(), seriesIndex[k]);
                if (item != null) {
                    items.add(item);
                }
            } else {
                items.add(new org.jfree.chart.LegendItem(shownLabel[k], null, null, null,
                        new Ellipse2D.Double(-3, -3, 6, 6), Palette.series(s.colour())));
            }
        }
        for (Band b : bands) {
            Color c = Palette.series(b.colour());
            Color shade = new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(255 * BAND_ALPHA * 1.6f));
            items.add(new org.jfree.chart.LegendItem(b.label(), null, null, null,
                    new java.awt.geom.Rectangle2D.Double(-7, -5, 14, 10), shade));
        }
        plot.setFixedLegendItems(items);
        // a series thinned beyond its pixels or drawn as an image says so in the legend, even alone
        boolean noted = false;
        for (String label : shownLabel) {
            noted |= label != null && label.endsWith(" points)");
        }
        boolean legend = legendShown() && (all.size() + bands.size() > 1 || noted);
        JFreeChart chart = new JFreeChart(null, TITLE_FONT, plot, legend);
        return style(chart);
    }

    /** 0, 1, …, n − 1. */
    static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** 1,000,000 — the count as people write it. */
    static String count(int n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    /** 2nd, 3rd, 11th, 21st. */
    static String ordinal(int k) {
        int tens = k % 100, ones = k % 10;
        String suffix = tens >= 11 && tens <= 13 ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
        return k + suffix;
    }

    private static String unique(Set<String> used, String label) {
        String key = label == null ? "series" : label;
        for (int n = 2; !used.add(key); n++) {
            key = label + " (" + n + ")";
        }
        return key;
    }

    private static void style(XYLineAndShapeRenderer r, int k, Style style, Color c) {
        r.setSeriesPaint(k, c);
        r.setSeriesLinesVisible(k, style != Style.POINTS);
        r.setSeriesShapesVisible(k, style == Style.POINTS || style == Style.LINE_POINTS);
        double d = style == Style.POINTS ? 6 : 5;
        r.setSeriesShape(k, new Ellipse2D.Double(-d / 2, -d / 2, d, d));
        r.setSeriesStroke(k, style == Style.DASHED
                ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }
}
