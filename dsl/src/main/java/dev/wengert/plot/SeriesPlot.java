package dev.wengert.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jfree.chart.JFreeChart;
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

    /** A shaded band between lower and upper, e.g. a confidence band, under the series, in a series colour. */
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

    @Override
    public JFreeChart chart() {
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
        plot.setNoDataMessage("no data");
        if (xAxis instanceof org.jfree.chart.axis.NumberAxis) {
            // data at x = 0 keeps its margin instead of sitting on the frame
            ((org.jfree.chart.axis.NumberAxis) xAxis).setAutoRangeStickyZero(false);
        }
        if (tightX()) {
            xAxis.setLowerMargin(0);
            xAxis.setUpperMargin(0);
        }
        if (integerX() && xAxis instanceof org.jfree.chart.axis.NumberAxis) {
            ((org.jfree.chart.axis.NumberAxis) xAxis).setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        }
        if (zeroLine() && !isLogY()) {
            plot.addRangeMarker(0, new org.jfree.chart.plot.ValueMarker(0, new Color(0x99, 0x99, 0x99), new BasicStroke(1f)),
                    org.jfree.chart.ui.Layer.BACKGROUND);
        }

        // one dataset per axis, so each is scaled by its own axis; index 0 must hold a renderer,
        // which JFreeChart asks to draw the grid lines and markers
        Set<String> used = new HashSet<>();
        for (int axis = 0; axis < 2; axis++) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
            // one path per series, so a dash pattern runs along the curve instead of restarting per segment
            r.setDrawSeriesLineAsPath(true);
            int n = 0;
            for (int k = 0; k < all.size(); k++) {
                Series s = all.get(k);
                if (s.axis() != axis) {
                    continue;
                }
                XYSeries xy = new XYSeries(unique(used, s.label()), false, true);
                for (int m = 0; m < s.size(); m++) {
                    // a non-finite value leaves a gap in the line rather than breaking the axis range
                    double y = Double.isFinite(s.y()[m]) ? s.y()[m] : Double.NaN;
                    if (isLogY() && !(y > 0)) {
                        y = Double.NaN;
                    }
                    xy.add(s.x()[m], y);
                }
                data.addSeries(xy);
                style(r, n++, s.style(), Palette.series(s.colour()));
            }
            if (n == 0 && axis == 1) {
                continue;
            }
            plot.setDataset(axis, data);
            plot.setRenderer(axis, r);
            if (axis == 1) {
                ValueAxis right = axis(secondAxisLabel(), isLogY(), "y", minY[1]);
                plot.setRangeAxis(1, right);
                plot.mapDatasetToRangeAxis(1, 1);
            }
        }
        if (!bands.isEmpty()) {
            YIntervalSeriesCollection bd = new YIntervalSeriesCollection();
            DeviationRenderer dr = new DeviationRenderer(false, false);
            for (int k = 0; k < bands.size(); k++) {
                Band b = bands.get(k);
                YIntervalSeries ys = new YIntervalSeries(unique(used, b.label()), false, true);
                for (int m = 0; m < b.x().length; m++) {
                    ys.add(b.x()[m], (b.lower()[m] + b.upper()[m]) / 2, b.lower()[m], b.upper()[m]);
                }
                bd.addSeries(ys);
                Color c = Palette.series(b.colour());
                dr.setSeriesFillPaint(k, c);
                dr.setSeriesPaint(k, c);
                dr.setSeriesStroke(k, new BasicStroke(0f));
                dr.setSeriesVisibleInLegend(k, false);
            }
            dr.setAlpha(BAND_ALPHA);
            // the highest index is drawn first in JFreeChart's (reverse) order: bands under the series
            plot.setDataset(2, bd);
            plot.setRenderer(2, dr);
        }
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
        if (!bands.isEmpty()) {
            // a band's legend entry is a swatch of its shade (JFreeChart would show an invisible line)
            org.jfree.chart.LegendItemCollection items = plot.getLegendItems();
            for (Band b : bands) {
                Color c = Palette.series(b.colour());
                Color shade = new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(255 * BAND_ALPHA * 1.6f));
                items.add(new org.jfree.chart.LegendItem(b.label(), null, null, null,
                        new java.awt.geom.Rectangle2D.Double(-7, -5, 14, 10), shade));
            }
            plot.setFixedLegendItems(items);
        }
        boolean legend = legendShown() && all.size() + bands.size() > 1;
        JFreeChart chart = new JFreeChart(null, TITLE_FONT, plot, legend);
        return style(chart);
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
