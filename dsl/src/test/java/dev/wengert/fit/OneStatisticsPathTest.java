package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every fit gets its statistics from one path: its rows go into {@link RowSums} and
 * {@link Statistics} does the rest. A result made from sums gathered elsewhere (as the Spark
 * module gathers them, partition by partition) equals the in-memory fit's, and how the rows are
 * split and merged does not matter.
 */
class OneStatisticsPathTest {
    private static final Map<String, double[]> DNASE = Reference.csv("dnase1.csv");
    private static final Model1 LOGISTIC = (p, c) -> p[0].div(exp(p[1].minus(Math.log(c)).div(p[2])).plus(1));
    private static final Model LOGISTIC_ROW = Model.of1(LOGISTIC);

    /** The rows of the DNase fit at p, as a partition adds them: prediction and gradient per row. */
    private static RowSums sums(double[] p, int from, int to) {
        double[] c = DNASE.get("conc");
        double[] d = DNASE.get("density");
        RowSums s = new RowSums(3, Loss.LINEAR, 1);
        for (int i = from; i < to; i++) {
            double[] x = {c[i]};
            double m = Predictor.of(LOGISTIC_ROW).predict(p, x);
            s.add(d[i], 1, m, Predictor.of(LOGISTIC_ROW).gradient(p, x));
        }
        return s;
    }

    @Test
    void theMeanOfResponsesWhoseSumOverflowsIsStillTheirMean() {
        // the statistics of a fit whose factor is made (addFactoredRows) take the response's mean
        // as Σy/n; for y = 1e306·x, fitted exactly (every residual 0), Σy (about 5e308) overflows,
        // and the mean is then taken by Welford's update, which never forms the sum (it was ∞)
        int n = 1000;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + 1.0) / n;
            y[i] = 1e306 * x[i];
            w[i] = 1;
        }
        RowSums s = new RowSums(1, Loss.LINEAR, 1);
        assertTrue(s.addFactoredRows(y, w, y.clone(), Factor.of(x, n, 1, null, new double[n], -1.0)));
        assertEquals(1e306 * ((n + 1) / (2.0 * n)), s.meanY, 1e-12 * 1e306);
        assertEquals(0.0, s.rss, 0.0);
        assertEquals(n, s.rows());
    }

    @Test
    void aResultFromSumsIsTheInMemoryResult() {
        FitResult memory = fit1(LOGISTIC).start(2, 1.5, 1).names("Asym", "xmid", "scal")
                .to(DNASE.get("conc"), DNASE.get("density"));
        double[] p = memory.parameters();
        int n = DNASE.get("conc").length;
        // three "partitions", merged in another order
        RowSums merged = sums(p, 10, n).merge(sums(p, 0, 4)).merge(sums(p, 4, 10));
        FitResult elsewhere = FitResult.fromSums(LOGISTIC_ROW, "density", new String[] {"conc"}, memory.parameterNames(),
                p, merged, 0, memory.iterations(), memory.evaluations(), memory.converged(), "converged: elsewhere");
        assertEquals(n, merged.rows());
        assertArrayEquals(memory.standardErrors(), elsewhere.standardErrors(), 1e-13);
        assertArrayEquals(memory.pValues(), elsewhere.pValues(), 1e-20);
        assertEquals(memory.residualSumOfSquares(), elsewhere.residualSumOfSquares(), 1e-16);
        assertEquals(memory.rSquared(), elsewhere.rSquared(), 1e-14);
        assertEquals(memory.aic(), elsewhere.aic(), 1e-12);
        // at the minimum the relative offset is rounding over rounding: tiny for both, not equal
        assertTrue(memory.convergenceTolerance() < 1e-12 && elsewhere.convergenceTolerance() < 1e-12);
        assertTrue(elsewhere.converged(), elsewhere.reason());
        assertEquals(memory.predict(2.0), elsewhere.predict(2.0), 0);
        assertArrayEquals(memory.confidenceBand(new double[][] {{1}, {4}}, 0.9).upper(),
                elsewhere.confidenceBand(new double[][] {{1}, {4}}, 0.9).upper(), 1e-13);
        assertEquals(0, elsewhere.yData().length, "the rows stayed elsewhere");
        assertTrue(elsewhere.toString().contains("Residual standard error:"), elsewhere.toString());
    }

    /**
     * The in-memory fit adds all its rows at once ({@link RowSums#addRows}, for least squares
     * column runs into the block QR): the same sums, to the bit, as {@link RowSums#add} row by
     * row, with rows left out (not finite, zero weight) and a residual whose square overflows
     * (which takes the general path) among them, over more rows than one run holds.
     */
    @Test
    void rowsAddedAtOnceAreRowsAddedOneByOne() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(19);
        int n = 2_500;
        int k = 3;
        int[] est = {0, 2, 3};                    // estimated among four parameters
        double[] y = new double[n];
        double[] w = new double[n];
        double[] m = new double[n];
        double[] jac = new double[4 * n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextDouble(-3, 3);
            w[i] = i % 7 == 0 ? 1.0 : rnd.nextDouble(0.1, 4);
            m[i] = y[i] + rnd.nextGaussian() * 0.1;
            for (int j = 0; j < 4; j++) {
                jac[j * n + i] = rnd.nextGaussian();
            }
        }
        jac[2 * n + 5] = Double.NaN;             // an estimated column not finite
        jac[1 * n + 6] = Double.NaN;             // a column not estimated: the row stays
        w[1030] = 0;                              // a zero weight: left out
        m[1500] = Double.POSITIVE_INFINITY;       // a prediction not finite
        double y2000 = y[2000];
        for (boolean overflow : new boolean[] {false, true}) {
            // a residual whose square overflows: R is NaN from there on, so the rows before are compared without it
            y[2000] = overflow ? 1e200 : y2000;
            for (Loss loss : new Loss[] {Loss.LINEAR, Loss.HUBER}) {
                sameSums(y, w, m, jac, est, k, loss, !overflow);
            }
        }
    }

    private static void sameSums(double[] y, double[] w, double[] m, double[] jac, int[] est, int k, Loss loss,
                                 boolean finite) {
        int n = y.length;
        {
            RowSums all = new RowSums(k, loss, 1.5);
            all.addRows(y, w, m, jac, est);
            RowSums one = new RowSums(k, loss, 1.5);
            for (int i = 0; i < n; i++) {
                double[] g = new double[k];
                for (int c = 0; c < k; c++) {
                    g[c] = jac[est[c] * n + i];
                }
                one.add(y[i], w[i], m[i], g);
            }
            assertEquals(one.rows(), all.rows(), loss.toString());
            assertEquals(3, all.notFiniteRows(), loss.toString());
            assertEquals(one.notFiniteRows(), all.notFiniteRows(), loss.toString());
            assertEquals(one.residualSumOfSquares(), all.residualSumOfSquares(), 0, loss.toString());
            assertEquals(one.deviance, all.deviance, 0, loss.toString());
            assertEquals(one.sumLogW, all.sumLogW, 0, loss.toString());
            assertEquals(one.meanY, all.meanY, 0, loss.toString());
            assertEquals(one.m2Y, all.m2Y, 0, loss.toString());
            for (int i = 0; i <= k; i++) {
                for (int j = 0; j <= k; j++) {
                    assertEquals(Double.doubleToRawLongBits(one.factor(i, j)), Double.doubleToRawLongBits(all.factor(i, j)),
                            loss + ": R[" + i + "][" + j + "] " + one.factor(i, j) + " vs " + all.factor(i, j));
                    assertTrue(!finite || Double.isFinite(all.factor(i, j)), loss + ": R[" + i + "][" + j + "]");
                }
            }
            assertEquals(finite, Double.isFinite(all.factor(k, k)), loss + ": R's corner");
        }
    }

    @Test
    void badSumsAreRefusedByName() {
        RowSums s = new RowSums(2, Loss.LINEAR, 1);
        assertTrue(assertThrows(FitException.class, () -> s.add(1, 1, 1, new double[3])).getMessage()
                .contains("3 values for 2 parameters"));
        assertTrue(assertThrows(FitException.class, () -> s.merge(new RowSums(3, Loss.LINEAR, 1))).getMessage()
                .contains("3 parameters"));
        assertTrue(assertThrows(FitException.class, () -> new RowSums(2, Loss.HUBER, 0)).getMessage()
                .contains("positive finite scale"));
        s.add(1, 1, Double.NaN, new double[2]);
        assertEquals(1, s.notFiniteRows());
        assertEquals(0, s.rows());
    }
}
