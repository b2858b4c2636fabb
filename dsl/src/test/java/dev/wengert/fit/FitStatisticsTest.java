package dev.wengert.fit;

import dev.wengert.core.Mode;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.Map;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The statistics of a fit against independent oracles: a straight line, whose least-squares
 * answer and textbook statistics are closed-form (Commons Math's SimpleRegression and OLS), and
 * invariances every weighted fit must satisfy.
 */
class FitStatisticsTest {
    private static final double[] X = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final double[] Y = {1.1, 2.9, 5.2, 7.1, 8.8, 11.3, 12.9, 15.2, 16.8, 19.1};

    // y = b1 + b2·x
    private static final Model LINE = (p, x) -> p[0].plus(p[1].times(x[0]));

    private static Table table() {
        return Table.create("line", DoubleColumn.create("x", X), DoubleColumn.create("y", Y));
    }

    private static SimpleRegression oracle() {
        SimpleRegression s = new SimpleRegression(true);
        for (int i = 0; i < X.length; i++) {
            s.addData(X[i], Y[i]);
        }
        return s;
    }

    private static void close(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, rel * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void aStraightLineMatchesClosedFormRegression() {
        FitResult r = fit(LINE, table(), "y", "x", 0, 0);
        SimpleRegression s = oracle();
        assertTrue(r.converged(), r.reason());
        close(s.getIntercept(), r.parameters()[0], 1e-12, "intercept");
        close(s.getSlope(), r.parameters()[1], 1e-12, "slope");
        close(s.getInterceptStdErr(), r.standardErrors()[0], 1e-10, "se intercept");
        close(s.getSlopeStdErr(), r.standardErrors()[1], 1e-10, "se slope");
        close(s.getSumSquaredErrors(), r.residualSumOfSquares(), 1e-10, "rss");
        close(Math.sqrt(s.getMeanSquareError()), r.residualStandardError(), 1e-10, "rse");
        close(s.getRSquare(), r.rSquared(), 1e-12, "R²");
        assertEquals(8, r.degreesOfFreedom());
        assertEquals(10, r.observations());
        double[][] ci = r.confidenceIntervals(0.95);
        close(s.getSlope() - s.getSlopeConfidenceInterval(0.05), ci[1][0], 1e-10, "slope CI lower");
        close(s.getSlope() + s.getSlopeConfidenceInterval(0.05), ci[1][1], 1e-10, "slope CI upper");
        close(s.getSignificance(), r.pValues()[1], 1e-6, "slope p-value");
        close(s.predict(4.5), r.predict(4.5), 1e-12, "predict");
    }

    @Test
    void informationCriteriaAreRsLogLikNls() {
        FitResult r = fit(LINE, table(), "y", "x", 0, 0);
        int n = X.length;
        double rss = r.residualSumOfSquares();
        // unweighted Gaussian log-likelihood at the MLE of σ² = RSS/n
        double logLik = -n / 2.0 * (Math.log(2 * Math.PI) + 1 + Math.log(rss / n));
        close(logLik, r.logLikelihood(), 1e-12, "logLik");
        close(-2 * logLik + 2 * 3, r.aic(), 1e-12, "AIC: σ counts as a parameter");
        close(-2 * logLik + Math.log(n) * 3, r.bic(), 1e-12, "BIC");
    }

    @Test
    void bandsAreTheTextbookLineBands() {
        FitResult r = fit(LINE, table(), "y", "x", 0, 0);
        double mean = 4.5;
        double sxx = 0;
        for (double x : X) {
            sxx += (x - mean) * (x - mean);
        }
        double s2 = r.residualSumOfSquares() / r.degreesOfFreedom();
        double t = new TDistribution(8).inverseCumulativeProbability(0.975);
        double[][] grid = {{-1}, {4.5}, {12}};
        Band conf = r.confidenceBand(grid, 0.95);
        Band pred = r.predictionBand(grid, 0.95);
        assertEquals(3, conf.size());
        for (int i = 0; i < grid.length; i++) {
            double x0 = grid[i][0];
            double seMean = Math.sqrt(s2 * (1.0 / X.length + (x0 - mean) * (x0 - mean) / sxx));
            double seNew = Math.sqrt(s2 * (1 + 1.0 / X.length + (x0 - mean) * (x0 - mean) / sxx));
            close(r.predict(x0), conf.fit()[i], 1e-12, "band centre");
            close(t * seMean, conf.upper()[i] - conf.fit()[i], 1e-9, "confidence half-width at " + x0);
            close(t * seMean, conf.fit()[i] - conf.lower()[i], 1e-9, "symmetric");
            close(t * seNew, pred.upper()[i] - pred.fit()[i], 1e-9, "prediction half-width at " + x0);
        }
    }

    @Test
    void weightedFitMatchesWeightedLinearLeastSquares() {
        double[] sigma = {0.5, 1, 1, 2, 0.5, 1, 3, 1, 0.7, 1.5};
        double[][] xs = new double[X.length][];
        double[] ys = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            // weighted least squares = ordinary least squares on rows scaled by 1/σ
            xs[i] = new double[] {1 / sigma[i], X[i] / sigma[i]};
            ys[i] = Y[i] / sigma[i];
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.setNoIntercept(true);
        ols.newSampleData(ys, xs);
        double[] beta = ols.estimateRegressionParameters();
        double[] se = ols.estimateRegressionParametersStandardErrors();

        Table t = table();
        t.addColumns(DoubleColumn.create("sd", sigma));
        FitResult r = fit(LINE).start(0, 0).sigma("sd").to(t, "y", "x");
        for (int j = 0; j < 2; j++) {
            close(beta[j], r.parameters()[j], 1e-11, "estimate " + j);
            close(se[j], r.standardErrors()[j], 1e-9, "std. error " + j);
        }
        close(ols.calculateResidualSumOfSquares(), r.residualSumOfSquares(), 1e-10, "weighted RSS");
        // R² of a weighted fit: 1 − Σwᵢrᵢ² / Σwᵢ(yᵢ − ȳ_w)², around the weighted mean
        double sw = 0;
        double swy = 0;
        for (int i = 0; i < Y.length; i++) {
            sw += 1 / (sigma[i] * sigma[i]);
            swy += Y[i] / (sigma[i] * sigma[i]);
        }
        double wtss = 0;
        for (int i = 0; i < Y.length; i++) {
            wtss += (Y[i] - swy / sw) * (Y[i] - swy / sw) / (sigma[i] * sigma[i]);
        }
        close(1 - ols.calculateResidualSumOfSquares() / wtss, r.rSquared(), 1e-12, "weighted R²");
        assertTrue(r.weighted());
        assertEquals(1 / (sigma[3] * sigma[3]), r.weights()[3], 1e-15);

        // a weight column of 1/σ² is the same fit
        t.addColumns(DoubleColumn.create("w", java.util.Arrays.stream(sigma).map(s -> 1 / (s * s)).toArray()));
        FitResult w = fit(LINE).start(0, 0).weights("w").to(t, "y", "x");
        assertArrayEquals(r.parameters(), w.parameters(), 1e-12);
        assertArrayEquals(r.standardErrors(), w.standardErrors(), 1e-12);
        assertTrue(w.residuals().columnNames().contains("weighted residual"));
    }

    @Test
    void scalingAllWeightsChangesNeitherEstimatesNorStandardErrors() {
        double[] ones = new double[X.length];
        double[] fours = new double[X.length];
        java.util.Arrays.fill(ones, 1);
        java.util.Arrays.fill(fours, 4);
        Model1 expo = (p, x) -> p[0].times(exp(p[1].times(x / 10)));
        FitResult a = fit1(expo).start(1, 1).weights(ones).to(X, Y);
        FitResult b = fit1(expo).start(1, 1).weights(fours).to(X, Y);
        FitResult c = fit1(expo, X, Y, 1, 1);
        assertArrayEquals(a.parameters(), b.parameters(), 1e-10);
        assertArrayEquals(a.standardErrors(), b.standardErrors(), 1e-9);
        assertArrayEquals(c.parameters(), a.parameters(), 1e-12);
        assertEquals(4 * a.residualSumOfSquares(), b.residualSumOfSquares(), 1e-9);
    }

    @Test
    void forwardAndReverseJacobiansGiveTheSameFit() {
        NistFile f = NistFile.read("Misra1a");
        FitResult fwd = fit(NistModels.model("Misra1a")).start(f.starts()[0]).mode(Mode.FORWARD).to(f.x(), f.y());
        FitResult rev = fit(NistModels.model("Misra1a")).start(f.starts()[0]).mode(Mode.REVERSE).to(f.x(), f.y());
        assertArrayEquals(fwd.parameters(), rev.parameters(), 1e-9 * 240);
        assertArrayEquals(fwd.standardErrors(), rev.standardErrors(), 1e-6);
        assertTrue(rev.reason().contains("reverse-mode"), rev.reason());
        // Mode.FORWARD compiles the rows, whose Jacobian is a reverse sweep per row, replayed:
        // the reason says what the Jacobian was (CompiledFitPathTest: the same bits as REVERSE's)
        assertTrue(fwd.reason().contains("exact reverse-mode Jacobian"), fwd.reason());
    }

    @Test
    void theRelativeOffsetIsBatesAndWattsCriterion() {
        // at a point that is not a minimum (the stuck start of BadStartTest): √(‖Q₁ᵀr‖²/p) / √(‖Q₂ᵀr‖²/(n − p)),
        // with Commons Math's QR of the Jacobian there as the oracle
        double[] a = BadStartTest.A;
        double[] t = BadStartTest.T;
        Model1 kepler = (p, x) -> p[0].times(pow(dev.wengert.core.Num.constant(x), p[1]));
        FitResult bad = fit1(kepler).start(-1, -5).to(a, t);
        double[] p = bad.parameters();
        double[][] j = new double[a.length][];
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            j[i] = gradient(q -> kepler.apply(q, x), p);
            r[i] = t[i] - bad.fitted()[i];
        }
        var qr = new org.apache.commons.math3.linear.QRDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(j));
        double[] qtr = qr.getQT().operate(r);
        double explained = qtr[0] * qtr[0] + qtr[1] * qtr[1];
        double rest = 0;
        for (int i = 2; i < qtr.length; i++) {
            rest += qtr[i] * qtr[i];
        }
        double offset = Math.sqrt(explained / 2) / Math.sqrt(rest / (a.length - 2));
        assertFalse(bad.converged());
        close(offset, bad.convergenceTolerance(), 1e-6, "relative offset");
    }

    @Test
    void covarianceCorrelationAndNamedParametersAreConsistent() {
        FitResult r = fit(LINE).start(1, 1).names("intercept", "slope").to(table(), "y", "x");
        double[][] cov = r.covariance();
        double[][] cor = r.correlation();
        double[] se = r.standardErrors();
        assertEquals(cov[0][1], cov[1][0], 0);
        assertEquals(1.0, cor[0][0], 0);
        assertEquals(cov[0][1] / (se[0] * se[1]), cor[0][1], 1e-15);
        assertEquals(r.parameters()[1], r.parameter("slope"), 0);
        assertArrayEquals(new String[] {"intercept", "slope"}, r.parameterNames());
        assertThrows(IllegalArgumentException.class, () -> r.parameter("offset"));
        // results are values: changing a returned array does not change the result
        r.parameters()[0] = 99;
        r.covariance()[0][0] = 99;
        assertNotEquals(99, r.parameters()[0]);
        assertNotEquals(99, r.covariance()[0][0]);
    }

    @Test
    void theDataAsUsedIsThereForPlots() {
        FitResult r = fit(LINE, table(), "y", "x", 0, 0);
        assertArrayEquals(new String[] {"x"}, r.predictorNames());
        assertEquals("y", r.responseName());
        assertArrayEquals(Y, r.yData(), 0);
        assertEquals(X[3], r.xData()[3][0], 0);
        assertEquals(r.predict(X[3]), r.fitted()[3], 1e-14);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, r.weights(), 0);
        Table res = r.residuals();
        assertEquals(java.util.List.of("row", "x", "y", "fitted", "residual"), res.columnNames());
        assertEquals(Y[2] - r.fitted()[2], res.doubleColumn("residual").get(2), 1e-15);
    }

    @Test
    void residualColumnsNeverClashWithPredictorNames() {
        Table t = Table.create("clash", DoubleColumn.create("fitted", X), DoubleColumn.create("y", Y));
        Table res = fit(LINE, t, "y", "fitted", 0, 0).residuals();
        assertEquals(java.util.List.of("row", "fitted", "y", "fitted 2", "residual"), res.columnNames());
    }

    @Test
    void summaryPrintsLikeRsSummaryNls() {
        FitResult r = fit(LINE).start(0, 0).names("a", "b").to(table(), "y", "x");
        String s = r.toString();
        for (String part : new String[] {"Estimate", "Std. Error", "t value", "Pr(>|t|)", "2.5 %", "97.5 %",
                "Residual standard error:", "on 8 degrees of freedom", "Number of iterations to convergence",
                "Achieved convergence tolerance", "Converged"}) {
            assertTrue(s.contains(part), part + " missing in\n" + s);
        }
        assertTrue(s.lines().anyMatch(l -> l.startsWith("a ") && l.contains(Summary.num(r.parameters()[0]))), s);
        Map<String, String> bundle = r.mimeBundle();
        assertTrue(bundle.get("text/html").contains("<table>"));
        assertTrue(bundle.get("text/html").contains("Pr(&gt;|t|)"));
        assertEquals(s, bundle.get("text/plain"));
    }

    @Test
    void twoPredictorsFromATable() {
        NistFile f = NistFile.read("Nelson");
        double[] logY = NistModels.response(f);
        double[] x1 = new double[logY.length];
        double[] x2 = new double[logY.length];
        for (int i = 0; i < logY.length; i++) {
            x1[i] = f.x()[i][0];
            x2[i] = f.x()[i][1];
        }
        Table t = Table.create("nelson", DoubleColumn.create("logY", logY), DoubleColumn.create("time", x1),
                DoubleColumn.create("temp", x2));
        FitResult r = fit(NistModels.model("Nelson"), t, "logY", new String[] {"time", "temp"}, f.starts()[1]);
        for (int j = 0; j < 3; j++) {
            assertTrue(NistFile.lre(r.parameters()[j], f.certified()[j]) >= 6, r.toString());
        }
        assertArrayEquals(new String[] {"time", "temp"}, r.predictorNames());
        close(r.fitted()[5], r.predict(x1[5], x2[5]), 1e-14, "predict with two predictors");
    }
}
