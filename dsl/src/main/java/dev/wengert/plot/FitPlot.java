package dev.wengert.plot;

import dev.wengert.fit.FitResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fit drawn over its data: the points, the fitted curve and a pointwise confidence band
 * (optionally the wider prediction band, where new observations are expected to fall).
 *
 * <p>With one predictor the x axis is that predictor and the curve is sampled between the
 * smallest and largest x. With several predictors there is no single curve to draw, so the
 * plot shows observed against fitted values around the line y = ŷ, with the band of the
 * fitted mean at each row.
 *
 * <pre>{@code
 * var r = fit1((p, x) -> p[0].times(exp(p[1].times(-x))), xs, ys, 10, 0.5);
 * fitPlot(r).predictionBand(true).save("fit.svg");
 * }</pre>
 */
public final class FitPlot extends SeriesPlot<FitPlot> {
    private static final int CURVE_POINTS = 200;

    private final FitResult fit;
    private double level = 0.95;
    private boolean prediction;
    // the fit's data, read once (its accessors copy); the bands, kept for the settings they were made with
    private final double[][] x;
    private final double[] y;
    private final double[] fitted;
    private List<Band> bands;
    private String bandsFor;

    private FitPlot(FitResult fit) {
        this.fit = fit;
        this.x = fit.xData();
        this.y = fit.yData();
        this.fitted = fit.fitted();
        String[] names = fit.predictorNames();
        if (names.length == 1) {
            labels(names[0], fit.responseName());
        } else {
            labels("fitted " + fit.responseName(), "observed " + fit.responseName());
        }
    }

    /** The data, fit and 95% confidence band of a fit. */
    public static FitPlot of(FitResult fit) {
        if (fit == null) {
            throw new IllegalArgumentException("fitPlot(null): pass the result of fit(...)");
        }
        if (fit.datasets() > 1 && fit.datasetShown() < 0) {
            throw new IllegalArgumentException("fitPlot: this global fit has " + fit.datasets() + " datasets, each with "
                    + "its own model; draw one with fitPlot(r, k), k from 0 to " + (fit.datasets() - 1));
        }
        return new FitPlot(fit);
    }

    /**
     * Dataset k (0-based) of a global fit: its data, its model's curve and band (with the
     * covariance of the whole fit), titled "dataset k".
     *
     * <pre>{@code
     * fitPlot(peaks, 2).save("peak3.svg");
     * }</pre>
     */
    public static FitPlot of(FitResult fit, int dataset) {
        if (fit == null) {
            throw new IllegalArgumentException("fitPlot(null, " + dataset + "): pass the result of a global fit");
        }
        return new FitPlot(fit.dataset(dataset)).title("dataset " + dataset);
    }

    /** The confidence level of the bands (default 0.95). */
    public FitPlot level(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level(" + level + "): a confidence level lies strictly between 0 and 1, e.g. 0.95");
        }
        this.level = level;
        return this;
    }

    /** Also shades the prediction band for new observations. */
    public FitPlot predictionBand(boolean on) {
        prediction = on;
        return this;
    }

    private boolean onePredictor() {
        return fit.predictorNames().length == 1;
    }

    /** The x positions of the curve (one predictor) and the grid the bands are computed on. */
    private double[][] grid() {
        if (onePredictor()) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] r : x) {
                lo = Math.min(lo, r[0]);
                hi = Math.max(hi, r[0]);
            }
            int n = hi > lo ? CURVE_POINTS : 1;
            double[][] g = new double[n][];
            for (int i = 0; i < n; i++) {
                g[i] = new double[] {n == 1 ? lo : lo + (hi - lo) * i / (n - 1)};
            }
            return g;
        }
        // several predictors: the rows themselves, ordered by fitted value so the band is one piece
        double[] f = fitted;
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(f[a], f[b]));
        double[][] g = new double[x.length][];
        for (int i = 0; i < g.length; i++) {
            g[i] = x[order[i]];
        }
        return g;
    }

    private double[] position(double[][] grid, double[] fitted) {
        double[] px = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            px[i] = onePredictor() ? grid[i][0] : fitted[i];
        }
        return px;
    }

    /**
     * The data (drawn first, under everything; as an image beyond {@link #rasterAbove()}
     * points) and the fitted curve (drawn last, over the data and the bands).
     */
    @Override
    public List<Series> series() {
        boolean one = onePredictor();
        double[] dataX = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            dataX[i] = one ? x[i][0] : fitted[i];
        }
        double[] curve;
        double[][] g;
        if (one) {
            g = grid();
            curve = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                curve[i] = fit.predict(g[i]);
            }
        } else {
            // ŷ against ŷ: the line through the fitted values, in order
            curve = fitted.clone();
            Arrays.sort(curve);
            g = null;
        }
        List<Series> out = new ArrayList<>();
        out.add(new Series("data", dataX, y, Style.POINTS, 0, 1));
        out.add(new Series(one ? "fit" : "y = ŷ", one ? position(g, curve) : curve, curve, Style.LINE, 0, 0));
        return out;
    }

    @Override
    public List<Band> bands() {
        String key = level + "/" + prediction;
        if (bands == null || !key.equals(bandsFor)) {
            bands = computeBands();
            bandsFor = key;
        }
        return bands;
    }

    private List<Band> computeBands() {
        double[][] g = grid();
        List<Band> out = new ArrayList<>();
        String pct = Levels.label(level * 100) + "%";
        if (prediction) {
            dev.wengert.fit.Band b = fit.predictionBand(g, level);
            out.add(new Band(pct + " prediction band", position(g, b.fit()), b.lower(), b.upper(), 2));
        }
        dev.wengert.fit.Band b = fit.confidenceBand(g, level);
        out.add(new Band(pct + " confidence band", position(g, b.fit()), b.lower(), b.upper(), 0));
        return List.copyOf(out);
    }

    @Override
    protected String describe() {
        return "FitPlot[" + fit.responseName() + " ~ " + String.join(", ", fit.predictorNames()) + ": "
                + y.length + " points, fit, " + Levels.label(level * 100) + "% confidence band"
                + (prediction ? " and prediction band" : "") + "]";
    }
}
