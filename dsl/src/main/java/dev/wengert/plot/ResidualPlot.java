package dev.wengert.plot;

import dev.wengert.fit.FitResult;

import java.util.List;

/**
 * The residuals of a fit, yᵢ − ŷᵢ, against the predictor (one predictor) or the fitted values
 * (several), around the zero line: structure here — a curve, a funnel — is what the fit
 * missed. A weighted fit shows √wᵢ·(yᵢ − ŷᵢ), which should all have the same spread.
 *
 * <pre>{@code
 * residualPlot(fit1((p, x) -> p[0].times(x).plus(p[1]), xs, ys, 1, 0)).save("residuals.png");
 * }</pre>
 */
public final class ResidualPlot extends SeriesPlot<ResidualPlot> {
    private final FitResult fit;

    private ResidualPlot(FitResult fit) {
        this.fit = fit;
        String[] names = fit.predictorNames();
        labels(names.length == 1 ? names[0] : "fitted " + fit.responseName(),
                fit.weighted() ? "weighted residual √w·(y − ŷ)" : "residual y − ŷ");
    }

    /** The residual plot of a fit. */
    public static ResidualPlot of(FitResult fit) {
        if (fit == null) {
            throw new IllegalArgumentException("residualPlot(null): pass the result of fit(...)");
        }
        return new ResidualPlot(fit);
    }

    /** The residuals drawn (weighted for a weighted fit). */
    public double[] residuals() {
        double[] y = fit.yData(), f = fit.fitted(), w = fit.weights();
        double[] r = new double[y.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (y[i] - f[i]) * (fit.weighted() ? Math.sqrt(w[i]) : 1);
        }
        return r;
    }

    @Override
    public List<Series> series() {
        double[][] x = fit.xData();
        double[] f = fit.fitted();
        double[] px = new double[f.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = fit.predictorNames().length == 1 ? x[i][0] : f[i];
        }
        return List.of(new Series("residuals", px, residuals(), Style.POINTS, 0, 1));
    }

    @Override
    boolean zeroLine() {
        return true;
    }

    @Override
    boolean zeroLineOver() {
        return true;
    }

    @Override
    protected String describe() {
        double[] r = residuals();
        double ss = 0;
        for (double v : r) {
            ss += v * v;
        }
        return "ResidualPlot[" + fit.responseName() + ": " + r.length + " residuals, RMS "
                + Levels.label(Math.sqrt(ss / Math.max(1, r.length))) + "]";
    }
}
