package dev.wengert.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartRenderingInfo;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * A plot drawn by JFreeChart: axes with labels, optional log scales, a legend.
 *
 * <p>Why JFreeChart with JFreeSVG rather than XChart: JFreeChart draws onto any
 * {@link Graphics2D}, so one drawing serves PNG (a {@code BufferedImage}) and SVG (JFreeSVG's
 * {@code SVGGraphics2D}, which can also group and label elements, which the tests read back);
 * it has what these plots need and XChart lacks — annotations in data coordinates (contour
 * lines, embedded heat maps), a paint-scale colour bar, deviation bands, log axes with a
 * secondary axis — and both are long-maintained on Maven Central with no native dependencies,
 * running headless. XChart would have left heat-map bands and colour bars to hand-written code.
 *
 * @param <P> the concrete plot type
 */
public abstract class ChartPlot<P extends ChartPlot<P>> extends Plot<P> {
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private String xLabel;
    private String yLabel;
    private boolean logX;
    private boolean logY;
    private boolean legend = true;
    private int rasterAbove = DEFAULT_RASTER_ABOVE;

    /**
     * Scatter layers with more points than this, in all, are drawn as an image inside the SVG
     * (lines, bands and text stay vector); up to it, as vector dots of about 26 bytes each.
     */
    public static final int DEFAULT_RASTER_ABOVE = 3_000;

    /** Sets the label of the horizontal axis. */
    public P xLabel(String label) {
        this.xLabel = label;
        return self();
    }

    /** Sets the label of the vertical axis. */
    public P yLabel(String label) {
        this.yLabel = label;
        return self();
    }

    /** Sets both axis labels. */
    public P labels(String x, String y) {
        return xLabel(x).yLabel(y);
    }

    /** Uses a logarithmic horizontal axis (every x must then be positive). */
    public P logX() {
        return logX(true);
    }

    public P logX(boolean on) {
        this.logX = on;
        return self();
    }

    /** Uses a logarithmic vertical axis (every y must then be positive). */
    public P logY() {
        return logY(true);
    }

    public P logY(boolean on) {
        this.logY = on;
        return self();
    }

    /** Shows or hides the legend (shown by default when there is more than one series). */
    public P legend(boolean on) {
        this.legend = on;
        return self();
    }

    /**
     * Draws the scatter points as vector dots up to {@code points} points in all, and as one
     * embedded image beyond (default {@value #DEFAULT_RASTER_ABOVE}); lines, bands and text
     * are vector either way. {@code rasterAbove(Integer.MAX_VALUE)} keeps every point vector
     * (for print), {@code rasterAbove(0)} always draws an image.
     *
     * <pre>{@code
     * scatter(xs, ys).rasterAbove(100_000).save("every-point.svg");
     * }</pre>
     */
    public P rasterAbove(int points) {
        if (points < 0) {
            throw new IllegalArgumentException("rasterAbove(" + points + "): give a number of points, 0 or more "
                    + "(0 draws every scatter as an image, Integer.MAX_VALUE none)");
        }
        this.rasterAbove = points;
        return self();
    }

    /** Above how many scatter points they are drawn as an image. */
    public int rasterAbove() {
        return rasterAbove;
    }

    public String xLabel() {
        return xLabel;
    }

    public String yLabel() {
        return yLabel;
    }

    public boolean isLogX() {
        return logX;
    }

    public boolean isLogY() {
        return logY;
    }

    boolean legendShown() {
        return legend;
    }

    /** The chart as drawn at the plot's {@link #size}. */
    public JFreeChart chart() {
        return chart(width(), height());
    }

    /**
     * Builds the chart afresh for a canvas of w × h pixels (long series are thinned to what
     * that many pixels show); a plot keeps its data, not a chart, so it stays a value.
     */
    public abstract JFreeChart chart(int w, int h);

    /**
     * While {@link #mimeBundle()} renders the plot several times (SVG, PNG) on this thread, the
     * chart built for the first serves the others: its data is read, thinned and (for many
     * points) rasterised once.
     */
    private final ThreadLocal<Map<Long, Built>> bundleCharts = new ThreadLocal<>();

    /** A chart and the padding it was built with (each drawing pads it for its own canvas). */
    private record Built(JFreeChart chart, RectangleInsets padding) {
    }

    @Override
    public Map<String, String> mimeBundle() {
        bundleCharts.set(new HashMap<>());
        try {
            return super.mimeBundle();
        } finally {
            bundleCharts.remove();
        }
    }

    @Override
    protected void draw(Graphics2D g, Rectangle2D area) {
        int w = (int) Math.ceil(area.getWidth()), h = (int) Math.ceil(area.getHeight());
        Map<Long, Built> shared = bundleCharts.get();
        JFreeChart chart;
        if (shared == null) {
            chart = chart(w, h);
        } else {
            Built built = shared.computeIfAbsent((long) w << 32 | h, k -> {
                JFreeChart c = chart(w, h);
                return new Built(c, c.getPadding());
            });
            chart = built.chart();
            // padding is measured for each kind of canvas anew (SVG and PNG measure text differently)
            chart.setPadding(built.padding());
        }
        keepTickLabelsInside(chart, area, g);
        chart.draw(g, area);
    }

    /**
     * Pads the chart so that every tick label lies inside the canvas. JFreeChart centres a
     * label on its tick, so the last one of an axis that ends at a tick ("11,000" at the right
     * edge) reaches past the plot by half its width, and the canvas edge cut it off. The chart
     * is laid out once without drawing (an empty clip), the labels it would draw are measured,
     * and the overhang becomes padding; a new layout may pick other ticks, hence a few rounds.
     * The layout is measured with the fonts as {@code target} measures them (JFreeSVG uses
     * fractional glyph advances, an image integer ones), so it is the layout then drawn.
     */
    static void keepTickLabelsInside(JFreeChart chart, Rectangle2D area, Graphics2D target) {
        if (!(chart.getPlot() instanceof XYPlot)) {
            return;
        }
        XYPlot plot = (XYPlot) chart.getPlot();
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = scratch.createGraphics();
        g.setRenderingHints(target.getRenderingHints());
        if (target instanceof org.jfree.svg.SVGGraphics2D) {
            g.setRenderingHint(java.awt.RenderingHints.KEY_FRACTIONALMETRICS, java.awt.RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        }
        try {
            for (int round = 0; round < 4; round++) {
                g.setClip(new Rectangle());
                ChartRenderingInfo info = new ChartRenderingInfo();
                chart.draw(g, area, info);
                Rectangle2D data = info.getPlotInfo().getDataArea();
                double[] over = new double[4];   // top, left, bottom, right
                for (int i = 0; i < plot.getDomainAxisCount(); i++) {
                    overhang(g, plot.getDomainAxis(i), plot.getDomainAxisEdge(i), data, area, over);
                }
                for (int i = 0; i < plot.getRangeAxisCount(); i++) {
                    overhang(g, plot.getRangeAxis(i), plot.getRangeAxisEdge(i), data, area, over);
                }
                if (over[0] == 0 && over[1] == 0 && over[2] == 0 && over[3] == 0) {
                    return;
                }
                RectangleInsets p = chart.getPadding();
                chart.setPadding(new RectangleInsets(p.getTop() + over[0], p.getLeft() + over[1],
                        p.getBottom() + over[2], p.getRight() + over[3]));
            }
        } finally {
            g.dispose();
        }
    }

    /** Margin kept between a tick label and the canvas edge, in pixels. */
    private static final double EDGE_MARGIN = 2;

    private static void overhang(Graphics2D g, ValueAxis axis, RectangleEdge edge, Rectangle2D data, Rectangle2D area,
                                 double[] over) {
        if (axis == null || !axis.isVisible() || !axis.isTickLabelsVisible()) {
            return;
        }
        FontMetrics fm = g.getFontMetrics(axis.getTickLabelFont());
        List<?> ticks = axis.refreshTicks(g, new AxisState(), data, edge);
        for (Object o : ticks) {
            ValueTick t = (ValueTick) o;
            if (t.getText() == null || t.getText().isEmpty()) {
                continue;
            }
            double at = axis.valueToJava2D(t.getValue(), data, edge);
            if (RectangleEdge.isTopOrBottom(edge)) {
                double half = fm.stringWidth(t.getText()) / 2.0;
                over[1] = Math.max(over[1], area.getMinX() + EDGE_MARGIN - (at - half));
                over[3] = Math.max(over[3], at + half - (area.getMaxX() - EDGE_MARGIN));
            } else {
                double half = fm.getHeight() / 2.0;
                over[0] = Math.max(over[0], area.getMinY() + EDGE_MARGIN - (at - half));
                over[2] = Math.max(over[2], at + half - (area.getMaxY() - EDGE_MARGIN));
            }
        }
        for (int k = 0; k < 4; k++) {
            over[k] = over[k] > 0 ? Math.ceil(over[k]) : 0;
        }
    }

    /** An axis for the given label and scale; a log axis refuses non-positive data by name. */
    static ValueAxis axis(String label, boolean log, String which, double min) {
        ValueAxis a;
        if (log) {
            if (!(min > 0)) {
                throw new IllegalArgumentException("log scale on the " + which + " axis: the smallest value is " + min
                        + ", a log axis needs every value positive; drop log" + which.toUpperCase(java.util.Locale.ROOT)
                        + "() or filter the data");
            }
            LogAxis la = new LogAxis(label);
            // ticks at powers of ten, written as plain numbers where that is short
            la.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            la.setNumberFormatOverride(new ShortFormat());
            a = la;
        } else {
            NumberAxis na = new NumberAxis(label);
            na.setAutoRangeIncludesZero(false);
            a = na;
        }
        a.setLabelFont(LABEL_FONT);
        a.setTickLabelFont(TICK_FONT);
        return a;
    }

    /** Tick labels as {@link Levels#label}: 0.001, 250, 1e6 — not 1.0E-3 or 2.51E2. */
    static final class ShortFormat extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            return to.append(Levels.label(v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return to.append(Levels.label(v));
        }

        @Override
        public Number parse(String s, java.text.ParsePosition pos) {
            pos.setIndex(s.length());
            return Double.valueOf(s);
        }
    }

    /** The house style: white plot area, light grid, title and legend fonts. */
    JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (title() != null) {
            chart.setTitle(new TextTitle(title(), TITLE_FONT));
        }
        if (chart.getPlot() instanceof XYPlot) {
            XYPlot p = (XYPlot) chart.getPlot();
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
            p.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
            p.setDomainGridlineStroke(new BasicStroke(0.6f));
            p.setRangeGridlineStroke(new BasicStroke(0.6f));
            p.setOutlinePaint(new Color(0x88, 0x88, 0x88));
        }
        LegendTitle lt = chart.getLegend();
        if (lt != null) {
            lt.setItemFont(LABEL_FONT);
            lt.setFrame(BlockBorder.NONE);
            lt.setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }
}
