package dev.wengert.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;

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

    /** Builds the chart afresh; a plot keeps its data, not a chart, so it stays a value. */
    public abstract JFreeChart chart();

    @Override
    protected void draw(Graphics2D g, Rectangle2D area) {
        chart().draw(g, area);
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
