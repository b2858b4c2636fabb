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
