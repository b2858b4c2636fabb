package dev.wengert.plot;

import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.contour;
import static dev.wengert.Wengert.fit1;
import static dev.wengert.Wengert.fitPlot;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lossCurve;
import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.residualPlot;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.fit.FitResult;
import dev.wengert.optim.OptimizationResult;

import java.util.List;

import org.jfree.chart.axis.LogAxis;
import org.junit.jupiter.api.Test;

/** Plots of what the optimizers and fits return: the seed's picture among them. */
class ResultPlotsTest {
    private static final double[] XS = {0, 1, 2, 3, 4};
    private static final double[] YS = {1.1, 2.9, 5.2, 6.8, 9.1};

    /** J(θ0, θ1) = 1/(2m) Σ (θ0 + θ1·x − y)², the seed's cost. */
    private static final Fn J = t -> {
        Num s = constant(0);
        for (int i = 0; i < XS.length; i++) {
            s = s.plus(square(t[0].plus(t[1].times(XS[i])).minus(YS[i])));
        }
        return s.div(2 * XS.length);
    };

    @Test
    void theSeedPictureDrawsEachRunsIteratesOverTheCost() {
        OptimizationResult gd = minimize(J, new double[] {-3, 5}, gradientDescent(0.1));
        OptimizationResult lbfgs = minimize(J, -3, 5);
        ContourPlot p = contour(J, -4, 6, -1, 6).path(gd, lbfgs).labels("θ0", "θ1");
        assertEquals(List.of(gd.method(), lbfgs.method()), p.paths().stream().map(ContourPlot.Path::label).toList());
        assertEquals(gd.history().size(), p.paths().get(0).points().length);
        assertArrayEquals(new double[] {-3, 5}, p.paths().get(0).points()[0], 0);
        assertArrayEquals(gd.history().get(gd.history().size() - 1).point(),
                p.paths().get(0).points()[gd.history().size() - 1], 0);
        var data = p.chart().getXYPlot().getDataset();
        assertEquals(2, data.getSeriesCount());
        assertEquals(lbfgs.history().size(), data.getItemCount(1));
        String text = Svg.text(Svg.parse(p.svg()));
        assertTrue(text.contains(gd.method()) && text.contains(lbfgs.method()), "both runs in the legend");
        Svg.png(p.png(640, 480), 640, 480);
    }

    @Test
    void pathsOfRunsInOtherDimensionsAreRefused() {
        OptimizationResult r = minimize(x -> square(x[0].minus(1)), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> contour(J, -1, 1, -1, 1).path(r));
        assertTrue(e.getMessage().contains("1 coordinates"), e.getMessage());
    }

    @Test
    void theLossCurveHasOneSeriesPerRunAndOneValuePerIteration() {
        OptimizationResult gd = minimize(J, new double[] {-3, 5}, gradientDescent(0.1));
        OptimizationResult lbfgs = minimize(J, -3, 5);
        LossCurvePlot p = lossCurve(gd, lbfgs).logScale().withGradientNorm();
        assertEquals(4, p.series().size());
        assertEquals(gd.history().size(), p.series().get(0).size());
        assertEquals(gd.history().get(3).value(), p.series().get(0).y()[3], 0);
        assertEquals(lbfgs.history().get(1).gradientNorm(), p.series().get(3).y()[1], 0);
        assertTrue(p.chart().getXYPlot().getRangeAxis() instanceof LogAxis);
        Svg.parse(p.svg());
    }

    private static FitResult line() {
        return fit1((p, x) -> p[0].times(x).plus(p[1]), XS, YS, 1, 0);
    }

    @Test
    void aFitPlotHasDataFitAndBandAroundTheFit() {
        FitResult r = line();
        FitPlot p = fitPlot(r).predictionBand(true);
        assertEquals(List.of("data", "fit"), p.seriesLabels());
        assertArrayEquals(XS, p.series().get(0).x(), 0);
        assertArrayEquals(YS, p.series().get(0).y(), 0);
        SeriesPlot.Series fit = p.series().get(1);
        for (int i = 0; i < fit.size(); i++) {
            assertEquals(r.predict(fit.x()[i]), fit.y()[i], 1e-12);
        }
        assertEquals(2, p.bands().size());
        SeriesPlot.Band conf = p.bands().get(1);
        SeriesPlot.Band pred = p.bands().get(0);
        for (int i = 0; i < conf.x().length; i++) {
            assertTrue(conf.lower()[i] < fit.y()[i] && fit.y()[i] < conf.upper()[i], "the fit lies inside its band");
            assertTrue(pred.upper()[i] - pred.lower()[i] > conf.upper()[i] - conf.lower()[i],
                    "new observations are less certain than the mean");
        }
        String text = Svg.text(Svg.parse(p.svg()));
        assertTrue(text.contains("95% confidence band") && text.contains("95% prediction band"), text);
    }

    @Test
    void residualsAreDataMinusFitAroundZero() {
        FitResult r = line();
        ResidualPlot p = residualPlot(r);
        double[] res = p.residuals();
        for (int i = 0; i < XS.length; i++) {
            assertEquals(YS[i] - r.fitted()[i], res[i], 1e-12);
        }
        assertArrayEquals(XS, p.series().get(0).x(), 0);
        Svg.parse(p.svg());
        Svg.png(p.png(400, 300), 400, 300);
    }
}
