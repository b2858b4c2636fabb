package dev.wengert.plot;

import dev.wengert.core.Num;
import dev.wengert.core.Fn;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Filled contours of a function of two variables — a banded heat map with the contour lines
 * drawn over it, labelled, and a colour bar — with optional paths on top (the iterates of an
 * optimizer descending the surface).
 *
 * <pre>{@code
 * // J(θ0, θ1) = Σ (θ0 + θ1·x − y)²   for x = 1, 2, 3 and y = 2, 4, 7
 * Fn J = t -> square(t[0].plus(t[1].times(1)).minus(2))
 *          .plus(square(t[0].plus(t[1].times(2)).minus(4)))
 *          .plus(square(t[0].plus(t[1].times(3)).minus(7)));
 * var gd = minimize(J, new double[] {3, 4}, gradientDescent(0.02));
 * contour(J, -4, 4, -1, 5).labels("θ0", "θ1").path(gd, minimize(J, 3, 4)).save("cost.png");
 * }</pre>
 *
 * <p>Levels are chosen automatically (logarithmic for non-negative values spanning more than
 * three decades, as cost surfaces do; round linear values otherwise), or set with
 * {@link #levels(int)}, {@link #logLevels(int)} or {@link #levels(double...)}.
 */
public final class ContourPlot extends ChartPlot<ContourPlot> {
    /** Paths longer than this are drawn without a marker per point. */
    static final int MARKERS_UP_TO = 60;
    private final DoubleBinaryOperator f;
    private final String source;
    private final double x0, x1, y0, y1;
    private double[][] fixedGrid;   // set when built from data, else sampled from f
    private double[] fixedXs, fixedYs;

    private int gridX = 100, gridY = 100;
    private int levelCount = 10;
    private Boolean log;            // null: automatic
    private double[] explicitLevels;
    private boolean lines = true;
    private boolean levelLabels = true;
    private String valueLabel;
    private final List<Path> paths = new ArrayList<>();

    // the sampled grid, kept between renderings; cleared when the grid changes
    private double[] xs, ys;
    private double[][] z;
    // the contour lines of the levels last drawn, kept so SVG, PNG and HTML trace them once
    private double[] linesOf;
    private List<List<double[]>> lines_;

    /** A path drawn over the surface: a label (shown in the legend) and points {x, y}. */
    public record Path(String label, double[][] points) {
    }

    private ContourPlot(DoubleBinaryOperator f, String source, double x0, double x1, double y0, double y1) {
        if (!(x1 > x0) || !(y1 > y0)) {
            throw new IllegalArgumentException("contour(f, " + x0 + ", " + x1 + ", " + y0 + ", " + y1
                    + "): the ranges must be x0 < x1 and y0 < y1 (finite)");
        }
        if (!Double.isFinite(x1 - x0) || !Double.isFinite(y1 - y0)) {
            throw new IllegalArgumentException("contour: the ranges must be finite");
        }
        this.f = f;
        this.source = source;
        this.x0 = x0;
        this.x1 = x1;
        this.y0 = y0;
        this.y1 = y1;
    }

    /**
     * Contours of {@code f(x, y)} over [x0, x1] × [y0, y1]; f is a function of the DSL,
     * evaluated on constants (nothing is recorded on the tape).
     *
     * <pre>{@code
     * ContourPlot.of(v -> v[0].times(v[0]).plus(v[1].times(v[1])), -2, 2, -2, 2).svg();
     * }</pre>
     */
    public static ContourPlot of(Fn f, double x0, double x1, double y0, double y1) {
        if (f == null) {
            throw new IllegalArgumentException("contour(null, …): pass a function of two variables, e.g. v -> v[0].times(v[1])");
        }
        DoubleBinaryOperator g = (x, y) -> {
            Num z;
            try {
                z = f.apply(Num.constant(x), Num.constant(y));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("contour: f(" + x + ", " + y + ") failed: " + e.getMessage()
                        + " (f must take two arguments, v[0] and v[1])", e);
            }
            if (z == null) {
                throw new IllegalArgumentException("contour: f(" + x + ", " + y + ") returned null; return a Num, "
                        + "e.g. v -> v[0].times(v[1])");
            }
            return z.value();
        };
        ContourPlot p = new ContourPlot(g, "f", x0, x1, y0, y1);
        // sampled lazily when first shown: try f once now, so a broken f fails here and not in toString()
        g.applyAsDouble(0.5 * (x0 + x1), 0.5 * (y0 + y1));
        return p;
    }

    /**
     * Contours of a plain function of two doubles (no DSL), for data and speed.
     *
     * <pre>{@code
     * ContourPlot.ofDoubles((x, y) -> Math.hypot(x, y), -1, 1, -1, 1).save("cone.svg");
     * }</pre>
     */
    public static ContourPlot ofDoubles(DoubleBinaryOperator f, double x0, double x1, double y0, double y1) {
        if (f == null) {
            throw new IllegalArgumentException("ofDoubles(null, …): pass a function (x, y) -> value");
        }
        return new ContourPlot(f, "f", x0, x1, y0, y1);
    }

    /**
     * Contours of values already on a grid: {@code z[j][i]} is the value at {@code (xs[i], ys[j])};
     * both coordinate arrays increasing.
     */
    public static ContourPlot ofGrid(double[] xs, double[] ys, double[][] z) {
        if (xs == null || ys == null || z == null || xs.length < 2 || ys.length < 2 || z.length != ys.length) {
            throw new IllegalArgumentException("ofGrid(xs, ys, z): needs at least 2 xs and 2 ys, and z.length == ys.length"
                    + " (z[j][i] is the value at xs[i], ys[j])");
        }
        for (int j = 0; j < z.length; j++) {
            if (z[j].length != xs.length) {
                throw new IllegalArgumentException("ofGrid: row z[" + j + "] has " + z[j].length + " values, xs has " + xs.length);
            }
        }
        ContourPlot p = new ContourPlot(null, "grid", xs[0], xs[xs.length - 1], ys[0], ys[ys.length - 1]);
        p.fixedXs = xs.clone();
        p.fixedYs = ys.clone();
        p.fixedGrid = new double[z.length][];
        for (int j = 0; j < z.length; j++) {
            p.fixedGrid[j] = z[j].clone();
        }
        return p;
    }

    // ---- settings ------------------------------------------------------------------------------

    /** Samples f on an n × n grid (default 100; 200 is smooth for most surfaces). */
    public ContourPlot grid(int n) {
        return grid(n, n);
    }

    /** Samples f on nx × ny points. */
    public ContourPlot grid(int nx, int ny) {
        if (nx < 2 || ny < 2 || (long) nx * ny > 4_000_000) {
            throw new IllegalArgumentException("grid(" + nx + ", " + ny + "): needs 2 to 2000 points a side");
        }
        if (fixedGrid != null) {
            throw new IllegalStateException("grid(…): this contour was made from a grid of data; its size is the data's");
        }
        gridX = nx;
        gridY = ny;
        xs = null;
        lines_ = null;
        return this;
    }

    /** About {@code n} linear levels at round values. */
    public ContourPlot levels(int n) {
        checkCount(n);
        levelCount = n;
        log = false;
        explicitLevels = null;
        return this;
    }

    /** {@code n} logarithmically spaced levels (the values must reach above 0). */
    public ContourPlot logLevels(int n) {
        checkCount(n);
        levelCount = n;
        log = true;
        explicitLevels = null;
        return this;
    }

    /** Exactly these levels. */
    public ContourPlot levels(double... values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("levels(): give at least one level, or levels(n) for n automatic ones");
        }
        explicitLevels = Levels.clean(values);
        return this;
    }

    private static void checkCount(int n) {
        if (n < 1 || n > 100) {
            throw new IllegalArgumentException("levels(" + n + "): choose 1 to 100 levels");
        }
    }

    /** Draws the contour lines over the bands (default on). */
    public ContourPlot lines(boolean on) {
        lines = on;
        return this;
    }

    /** Labels the colour bar, e.g. with the name of the function: {@code valueLabel("J(θ0, θ1)")}. */
    public ContourPlot valueLabel(String label) {
        valueLabel = label;
        return this;
    }

    /** Writes each level's value on its line (default on). */
    public ContourPlot levelLabels(boolean on) {
        levelLabels = on;
        return this;
    }

    /**
     * Draws a path over the surface, e.g. iterates of your own descent loop.
     *
     * <pre>{@code
     * contour(J, -4, 4, -1, 5).path("my descent", new double[][] {{3, 4}, {1, 2}, {0.2, 1.9}});
     * }</pre>
     */
    public ContourPlot path(String label, double[][] points) {
        if (points == null || points.length == 0) {
            throw new IllegalArgumentException("path(\"" + label + "\", points): give at least one point {x, y}");
        }
        double[][] copy = new double[points.length][];
        for (int k = 0; k < points.length; k++) {
            if (points[k] == null || points[k].length < 2) {
                throw new IllegalArgumentException("path(\"" + label + "\"): point " + k
                        + " needs two coordinates {x, y}; a contour shows functions of two variables");
            }
            copy[k] = new double[] {points[k][0], points[k][1]};
        }
        paths.add(new Path(label == null ? "path " + (paths.size() + 1) : label, copy));
        return this;
    }

    /**
     * Draws the iterates of optimization runs over the surface, each labelled by its method.
     *
     * <pre>{@code
     * Fn J = t -> square(t[0].minus(1)).plus(square(t[1].times(3)));
     * contour(J, -2, 3, -1, 1).path(minimize(J, -1.5, 0.8), minimize(J, new double[] {-1.5, 0.8}, gradientDescent(0.05)));
     * }</pre>
     */
    public ContourPlot path(dev.wengert.optim.OptimizationResult... runs) {
        if (runs == null || runs.length == 0) {
            throw new IllegalArgumentException("path(): give at least one OptimizationResult");
        }
        for (dev.wengert.optim.OptimizationResult r : runs) {
            if (r == null) {
                throw new IllegalArgumentException("path(…): one of the runs is null");
            }
            List<dev.wengert.optim.Iteration> h = r.history();
            double[][] pts = new double[h.size()][];
            for (int k = 0; k < pts.length; k++) {
                double[] p = h.get(k).point();
                if (p.length == 0) {
                    throw new IllegalArgumentException("path(" + r.method() + "): this run kept no points "
                            + "(the optimizer was told keepPoints(false)); run it again keeping them to draw its path");
                }
                if (p.length != 2) {
                    throw new IllegalArgumentException("path(" + r.method() + "): the run has " + p.length
                            + " coordinates; a contour shows functions of two variables, so it can draw only 2-D paths");
                }
                pts[k] = p;
            }
            path(r.method(), pts);
        }
        return this;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The paths drawn over the surface. */
    public List<Path> paths() {
        return List.copyOf(paths);
    }

    /** The x coordinates of the grid. */
    public double[] gridX() {
        sample();
        return xs.clone();
    }

    /** The y coordinates of the grid. */
    public double[] gridY() {
        sample();
        return ys.clone();
    }

    /** The sampled values, {@code values()[j][i]} at {@code (gridX()[i], gridY()[j])}. */
    public double[][] values() {
        sample();
        double[][] c = new double[z.length][];
        for (int j = 0; j < z.length; j++) {
            c[j] = z[j].clone();
        }
        return c;
    }

    /** The levels drawn, increasing. */
    public double[] levels() {
        sample();
        if (explicitLevels != null) {
            return explicitLevels.clone();
        }
        double[] mm = minMax();
        if (Double.isNaN(mm[0])) {
            return new double[0];
        }
        boolean useLog = log != null ? log : Levels.autoIsLog(mm[0], mm[1]);
        if (useLog) {
            return Levels.log(Math.max(mm[0], mm[1] * 1e-4), mm[1], levelCount);
        }
        return Levels.linear(mm[0], mm[1], levelCount);
    }

    /** Whether the colour bar and levels are on a log scale. */
    public boolean isLogScale() {
        if (explicitLevels != null || log != null) {
            return log != null && log && explicitLevels == null;
        }
        double[] mm = minMax();
        return !Double.isNaN(mm[0]) && Levels.autoIsLog(mm[0], mm[1]);
    }

    /** The contour lines at one level, each a polyline {x0, y0, x1, y1, …} in data coordinates. */
    public List<double[]> contourLines(double level) {
        sample();
        return MarchingSquares.lines(xs, ys, z, level);
    }

    private List<List<double[]>> traced(double[] lv) {
        if (lines_ == null || !Arrays.equals(linesOf, lv)) {
            lines_ = MarchingSquares.lines(xs, ys, z, lv);
            linesOf = lv.clone();
        }
        return lines_;
    }

    private void sample() {
        if (xs != null) {
            return;
        }
        if (fixedGrid != null) {
            xs = fixedXs;
            ys = fixedYs;
            z = fixedGrid;
            return;
        }
        double[] gx = new double[gridX];
        double[] gy = new double[gridY];
        for (int i = 0; i < gridX; i++) {
            gx[i] = x0 + (x1 - x0) * i / (gridX - 1);
        }
        for (int j = 0; j < gridY; j++) {
            gy[j] = y0 + (y1 - y0) * j / (gridY - 1);
        }
        double[][] v = new double[gridY][gridX];
        for (int j = 0; j < gridY; j++) {
            for (int i = 0; i < gridX; i++) {
                double w = f.applyAsDouble(gx[i], gy[j]);
                v[j][i] = Double.isFinite(w) ? w : Double.NaN;
            }
        }
        z = v;
        ys = gy;
        xs = gx;
    }

    /** {min, max} of the finite values, NaN when there are none. */
    private double[] minMax() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                if (v < lo) {
                    lo = v;
                }
                if (v > hi) {
                    hi = v;
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {Double.NaN, Double.NaN};
    }

    // ---- drawing -------------------------------------------------------------------------------

    /** The halo under each path: white, mostly opaque. */
    private static final Color HALO = new Color(255, 255, 255, 210);

    @Override
    public JFreeChart chart(int w, int h) {
        sample();
        double[] lv = levels();
        double[] mm = minMax();
        boolean logScale = isLogScale();

        NumberAxis xAxis = (NumberAxis) axis(xLabel() == null ? "x" : xLabel(), false, "x", 0);
        NumberAxis yAxis = (NumberAxis) axis(yLabel() == null ? "y" : yLabel(), false, "y", 0);
        xAxis.setRange(x0, x1);
        yAxis.setRange(y0, y1);
        xAxis.setLowerMargin(0);
        xAxis.setUpperMargin(0);

        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        // each path on a white halo, so its colour (the same as in lossCurve) reads over any part of the map
        XYSeriesCollection haloData = new XYSeriesCollection();
        XYLineAndShapeRenderer halo = new XYLineAndShapeRenderer(true, false);
        halo.setDefaultSeriesVisibleInLegend(false);
        // one SVG path per series, not an element per segment
        r.setDrawSeriesLineAsPath(true);
        halo.setDrawSeriesLineAsPath(true);
        // the markers are one compact layer over the lines (JFreeChart's would be two SVG paths each)
        r.setDefaultShapesVisible(false);
        List<PointLayer.Cloud> markerClouds = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        List<String> keys = new ArrayList<>();
        for (Path p : paths) {
            String key = p.label();
            for (int n = 2; !used.add(key); n++) {
                key = p.label() + " (" + n + ")";
            }
            keys.add(key);
        }
        int[] colour = SeriesColours.of(keys);
        Decimation.Scale sx = Decimation.Scale.range(x0, x1), sy = Decimation.Scale.range(y0, y1);
        for (int k = 0; k < paths.size(); k++) {
            Path p = paths.get(k);
            double[] px = new double[p.points().length], py = new double[px.length];
            for (int m = 0; m < px.length; m++) {
                px[m] = p.points()[m][0];
                py[m] = p.points()[m][1];
            }
            // a run of 10⁵ iterates is thinned to what the pixels show; a short one is drawn as it is
            int[] keep = px.length <= 2 * w ? SeriesPlot.all(px.length)
                    : Decimation.stride(Decimation.line(px, py, sx, sy, w, h), SeriesPlot.LINE_LIMIT);
            XYSeries s = new XYSeries(keys.get(k), false, true);
            for (int m : keep) {
                s.add(px[m], py[m]);
            }
            data.addSeries(s);
            haloData.addSeries(s);
            Color c = Palette.series(colour[k]);
            r.setSeriesPaint(k, c);
            r.setSeriesStroke(k, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            halo.setSeriesPaint(k, HALO);
            halo.setSeriesStroke(k, new BasicStroke(4.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            // a long run's markers would merge into a thick smear: then the line alone, with its ends marked
            boolean markers = p.points().length <= MARKERS_UP_TO;
            r.setSeriesShapesVisible(k, false);
            if (markers) {
                markerClouds.add(new PointLayer.Cloud(px, py, c));
            } else {
                double[] first = p.points()[0], last = p.points()[p.points().length - 1];
                r.addAnnotation(new org.jfree.chart.annotations.XYShapeAnnotation(
                        ring(first[0], first[1], xAxis.getRange().getLength(), yAxis.getRange().getLength()),
                        new BasicStroke(2f), c), Layer.FOREGROUND);
                r.addAnnotation(new org.jfree.chart.annotations.XYShapeAnnotation(
                        ring(last[0], last[1], xAxis.getRange().getLength() / 2, yAxis.getRange().getLength() / 2),
                        new BasicStroke(1f), Color.BLACK, c), Layer.FOREGROUND);
            }
        }
        if (!markerClouds.isEmpty()) {
            // foreground: over every path's line, each marker ringed in white
            r.addAnnotation(new PointLayer(markerClouds, false, false, false).ringed(HALO, 7f, 1.2f), Layer.FOREGROUND);
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        if (!paths.isEmpty()) {
            plot.setDataset(1, haloData);
            plot.setRenderer(1, halo);
            // halos (index 1) first, then the paths over them
            plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
        }
        plot.setNoDataMessage(null);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        Bands bands = new Bands(lv);
        // under the paths: JFreeChart draws plot annotations last, renderer background layers first
        r.addAnnotation(new ContourLayer(xs, ys, z, lv, traced(lv), bands, lines, levelLabels), Layer.BACKGROUND);

        JFreeChart chart = new JFreeChart(null, TITLE_FONT, plot, !paths.isEmpty() && legendShown());
        style(chart);
        if (!Double.isNaN(mm[0])) {
            chart.addSubtitle(colourBar(bands, logScale, mm, lv));
        }
        return chart;
    }

    /** A small ellipse around (x, y) in data units that looks round on screen: 1.2% of each range. */
    private static java.awt.Shape ring(double x, double y, double xRange, double yRange) {
        double rx = xRange * 0.012, ry = yRange * 0.016;
        return new Ellipse2D.Double(x - rx, y - ry, 2 * rx, 2 * ry);
    }

    private PaintScaleLegend colourBar(Bands bands, boolean logScale, double[] mm, double[] lv) {
        double lo = mm[0], hi = mm[1];
        if (logScale && !(lo > 0)) {
            lo = lv.length > 0 ? lv[0] / 2 : hi * 1e-4;
        }
        if (!(hi > lo)) {
            hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 1e-6);
        }
        ValueAxis barAxis = axis(valueLabel, logScale, "colour-bar", lo);
        barAxis.setRange(lo, hi);
        double flo = lo, fhi = hi;
        PaintScale scale = new PaintScale() {
            @Override
            public double getLowerBound() {
                return flo;
            }

            @Override
            public double getUpperBound() {
                return fhi;
            }

            @Override
            public java.awt.Paint getPaint(double value) {
                return new Color(bands.rgb(value));
            }
        };
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setStripWidth(14);
        bar.setSubdivisionCount(150);   // the bands are flat colours: more strips only add bytes
        bar.setAxisOffset(4);
        bar.setMargin(new RectangleInsets(8, 10, 8, 4));
        bar.setBackgroundPaint(Color.WHITE);
        return bar;
    }

    @Override
    protected String describe() {
        sample();
        StringBuilder sb = new StringBuilder("ContourPlot[")
                .append(source).append(" on ").append(xs.length).append('×').append(ys.length).append(" grid over [")
                .append(Levels.label(x0)).append(", ").append(Levels.label(x1)).append("]×[")
                .append(Levels.label(y0)).append(", ").append(Levels.label(y1)).append("], ")
                .append(levels().length).append(isLogScale() ? " log level" : " level")
                .append(levels().length == 1 ? "" : "s");
        if (!paths.isEmpty()) {
            sb.append(", paths ");
            for (int k = 0; k < paths.size(); k++) {
                sb.append(k == 0 ? "" : ", ").append(paths.get(k).label());
            }
        }
        return sb.append(']').toString();
    }

    /** The colour of each band between levels: one viridis colour per band. */
    static final class Bands {
        private final double[] levels;
        private final int[] rgb;

        Bands(double[] levels) {
            this.levels = levels;
            this.rgb = new int[levels.length + 1];
            for (int k = 0; k <= levels.length; k++) {
                rgb[k] = Palette.viridisRgb(levels.length == 0 ? 0.5 : (double) k / levels.length);
            }
        }

        /** The band index of v: how many levels lie at or below it. */
        int band(double v) {
            int k = Arrays.binarySearch(levels, v);
            return k >= 0 ? k + 1 : -k - 1;
        }

        int rgb(double v) {
            return rgb[band(v)];
        }
    }
}
