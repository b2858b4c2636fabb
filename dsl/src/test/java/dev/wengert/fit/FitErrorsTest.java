package dev.wengert.fit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Bad input gets a clear error naming the column, row or parameter — never a result that only looks fine. */
class FitErrorsTest {
    // y = b1·exp(b2·x)
    private static final Model1 EXPO = (p, x) -> p[0].times(exp(p[1].times(x)));

    @AfterEach
    void restore() {
        checkNonFinite(false);
    }

    private static Table table() {
        return Table.create("growth",
                DoubleColumn.create("x", 0, 1, 2, 3, 4, 5),
                DoubleColumn.create("y", 1.0, 1.6, 2.8, 4.4, 7.5, 12.1),
                StringColumn.create("label", "a", "b", "c", "d", "e", "f"),
                IntColumn.create("n", 1, 2, 3, 4, 5, 6));
    }

    private static String error(Runnable r) {
        return assertThrows(FitException.class, r::run).getMessage();
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsPresent() {
        String m = error(() -> fit1(EXPO, table(), "y", "dose", 1, 0.5));
        assertTrue(m.contains("\"dose\"") && m.contains("x, y, label, n"), m);
        m = error(() -> fit1(EXPO, table(), "response", "x", 1, 0.5));
        assertTrue(m.contains("\"response\"") && m.contains("x, y, label, n"), m);
    }

    @Test
    void aNonNumericColumnIsRefused() {
        String m = error(() -> fit1(EXPO, table(), "y", "label", 1, 0.5));
        assertTrue(m.contains("\"label\"") && m.contains("STRING") && m.contains("not numeric"), m);
        assertTrue(m.contains("x, y, n"), "lists the numeric columns: " + m);
    }

    @Test
    void integerColumnsAreNumeric() {
        FitResult r = fit1(EXPO, table(), "y", "n", 1, 0.5);
        assertTrue(r.converged(), r.reason());
    }

    @Test
    void missingValuesAreDroppedAndCountedOrRefused() {
        Table t = table();
        t.doubleColumn("y").setMissing(2);
        t.doubleColumn("x").set(4, Double.NaN);
        FitResult r = fit1(EXPO, t, "y", "x", 1, 0.5);
        assertEquals(2, r.rowsDropped());
        assertEquals(4, r.observations());
        assertTrue(r.toString().contains("2 with missing values left out"), r.toString());
        assertTrue(r.reason().contains("2 rows with missing values left out"), r.reason());
        assertArrayEquals(new int[] {0, 1, 3, 5}, r.residuals().intColumn("row").asIntArray());

        String m = error(() -> fit1(EXPO).start(1, 0.5).missing(MissingValues.REFUSE).to(t, "y", "x"));
        assertTrue(m.contains("row 2") && m.contains("\"y\"") && m.contains("MissingValues.DROP"), m);

        double[] y = {1.0, Double.NaN, 2.8, 4.4};
        double[] x = {0, 1, 2, 3};
        assertEquals(1, fit1(EXPO, x, y, 1, 0.5).rowsDropped());
        m = error(() -> fit1(EXPO).start(1, 0.5).missing(MissingValues.REFUSE).to(x, y));
        assertTrue(m.contains("row 1"), m);
    }

    @Test
    void fewerRowsThanParametersIsRefused() {
        Table t = table().first(3);
        t.doubleColumn("y").setMissing(0);
        // y = b1 + b2·x + b3·x²
        String m = error(() -> fit1((p, x) -> p[0].plus(p[1].times(x)).plus(p[2].times(x * x)), t, "y", "x", 1, 1, 1));
        assertTrue(m.contains("2 rows") && m.contains("leaving out 1") && m.contains("3 parameters"), m);
    }

    @Test
    void aModelThatIsNotFiniteAtTheStartNamesTheRowAndParameters() {
        // y = log(b1 + x) is undefined where b1 + x ≤ 0
        String m = error(() -> fit1((p, x) -> log(p[0].plus(x)), table(), "y", "x", -2.5, 0));
        assertTrue(m.contains("not finite") || m.contains("NaN"), m);
        assertTrue(m.contains("row 0") && m.contains("x = 0.0") && m.contains("b1 = -2.5"), m);

        // √(b1·x) is finite at b1 = 0 but its derivative is not (except at x = 0, row 0, where b1·x does
        // not move: a reverse pass of that row gives 0·∞ = NaN there, the compiled rows' strong zero 0)
        m = error(() -> fit1((p, x) -> sqrt(p[0].times(x)), table(), "y", "x", 0));
        assertTrue(m.contains("derivative") && m.contains("b1 is Infinity") && m.contains("row 1 (x = 1.0)"), m);

        // the same in the session's checking mode, which throws inside the model
        checkNonFinite(true);
        m = error(() -> fit1((p, x) -> log(p[0].plus(x)), table(), "y", "x", -2.5, 0));
        assertTrue(m.contains("row 0") && m.contains("b1 = -2.5"), m);
    }

    @Test
    void aModelThatReadsPastItsArraysSaysWhatItWasGiven() {
        // three parameters used, two start values given
        String m = error(() -> fit((p, x) -> p[0].plus(p[1].times(x[0])).plus(p[2]), table(), "y", "x", 1, 1));
        assertTrue(m.contains("2 parameters") && m.contains("1 predictor value"), m);
        m = error(() -> fit((p, x) -> p[0].times(x[1]), table(), "y", "x", 1));
        assertTrue(m.contains("read past") && m.contains("[x]"), m);
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(error(() -> fit1(EXPO).to(table(), "y", "x")).contains("no start values"));
        assertTrue(error(() -> fit1(EXPO).start(1, Double.NaN).to(table(), "y", "x")).contains("start value 2"));
        assertTrue(error(() -> fit1(EXPO).start(1, 1).names("a").to(table(), "y", "x")).contains("1 parameter names"));
        assertTrue(error(() -> fit1(EXPO).start(1, 1).names("a", "a").to(table(), "y", "x")).contains("twice"));
        String m = error(() -> fit1(EXPO, table(), "y", (String) null, 1, 1));
        assertTrue(m.contains("null"), m);
        m = error(() -> fit1(EXPO).start(1, 1).to(new double[] {1, 2}, new double[] {1, 2, 3}));
        assertTrue(m.contains("2 rows") && m.contains("3"), m);
        m = error(() -> fit1(EXPO).start(1, 1).sigma(new double[] {1, 1, 0, 1, 1, 1}).to(table().doubleColumn("x").asDoubleArray(),
                table().doubleColumn("y").asDoubleArray()));
        assertTrue(m.contains("row 2") && m.contains("positive"), m);
        m = error(() -> fit1(EXPO).start(1, 1).sigma("y").to(new double[] {1, 2, 3}, new double[] {1, 2, 3}));
        assertTrue(m.contains("name a column"), m);
        Table t = table();
        t.doubleColumn("x").set(1, Double.POSITIVE_INFINITY);
        m = error(() -> fit1(EXPO, t, "y", "x", 1, 1));
        assertTrue(m.contains("row 1") && m.contains("Infinity"), m);
    }

    @Test
    void aSinglePredictorModelRefusesTwoPredictors() {
        String m = error(() -> fit1(EXPO).start(1, 1).to(table(), "y", "x", "n"));
        assertTrue(m.contains("Model1") && m.contains("[x, n]"), m);
    }

    @Test
    void runningOutOfEvaluationsIsReportedNotHidden() {
        NistFile f = NistFile.read("MGH09");
        FitResult r = fit(NistModels.model("MGH09")).start(f.starts()[0]).maxEvaluations(40).to(f.x(), f.y());
        assertFalse(r.converged());
        assertTrue(r.reason().startsWith("did not converge within 40 evaluations"), r.reason());
        assertTrue(r.reason().contains("small initial trust region") && r.reason().contains("restart 1"), r.reason());
        assertTrue(r.toString().contains("NOT converged") && r.toString().contains("WARNING"), r.toString());
    }

    @Test
    void aFirstAttemptThatRunsOutIsRecoveredAndReported() {
        // with 500 evaluations the first LM run gets 250, too few from MGH09's far start 1;
        // the cautious run and restarts from the best point finish the job, and say so
        NistFile f = NistFile.read("MGH09");
        FitResult r = fit(NistModels.model("MGH09")).start(f.starts()[0]).maxEvaluations(500).to(f.x(), f.y());
        assertTrue(r.converged(), r.reason());
        // the first run's allowance is 250 evaluations, the first at the start point, already evaluated
        assertTrue(r.reason().matches(".*recovered after: LM from the start: used 2(49|50) evaluations without converging.*"),
                r.reason());
        assertTrue(r.reason().contains("restart") && r.reason().endsWith("converged"), r.reason());
        for (int j = 0; j < 4; j++) {
            assertTrue(NistFile.lre(r.parameters()[j], f.certified()[j]) >= 6, r.toString());
        }
    }

    @Test
    void stepsIntoUndefinedRegionsAreRejectedAndReported() {
        // MGH17 from start 1 tries steps where exp overflows; they must be rejected, not poison the fit
        NistFile f = NistFile.read("MGH17");
        FitResult r = fit(NistModels.model("MGH17"), f.x(), f.y(), f.starts()[0]);
        assertTrue(r.converged(), r.reason());
        assertTrue(r.reason().contains("not finite and were rejected"), r.reason());
        assertTrue(NistFile.lre(r.parameters()[4], f.certified()[4]) >= 6);

        // the session's checking mode throws inside the model; the fit treats it the same way
        checkNonFinite(true);
        FitResult checked = fit(NistModels.model("MGH17"), f.x(), f.y(), f.starts()[0]);
        assertTrue(checked.converged(), checked.reason());
        assertArrayEquals(r.parameters(), checked.parameters(), 1e-9);
    }

    @Test
    void aParameterWhoseDerivativeIsZeroEverywhereIsNamedAndLeftWithoutAStandardError() {
        // b3 is read (b3·0) but the predictions do not depend on it: the Jacobian has a zero column
        FitResult r = fit((p, x) -> p[0].times(exp(p[1].times(x[0]))).plus(p[2].times(0)), table(), "y", "x", 1, 0.5, 3);
        FitResult two = fit1(EXPO, table(), "y", "x", 1, 0.5);
        assertEquals(ParameterStatus.NOT_DETERMINED, r.parameterStatus()[2]);
        assertTrue(Double.isNaN(r.standardErrors()[2]), r.toString());
        // the other two are estimated as without b3, with b3 counted as a parameter of the fit
        assertArrayEquals(two.parameters(), java.util.Arrays.copyOf(r.parameters(), 2), 1e-10);
        assertEquals(two.standardErrors()[0] * Math.sqrt((double) two.degreesOfFreedom() / r.degreesOfFreedom()),
                r.standardErrors()[0], 1e-9 * two.standardErrors()[0]);
        assertTrue(r.reason().contains("does not depend on b3") && r.reason().contains("value()")
                && r.reason().contains("Math."), r.reason());
        assertTrue(r.toString().contains("WARNING: The model does not depend on b3"), r.toString());
        assertTrue(r.toString().lines().anyMatch(l -> l.startsWith("b3") && l.contains("(not determined)")), r.toString());
    }

    @Test
    void aModelThatLosesItsDerivativeThroughValueOrMathIsNamed() {
        // Math.exp on value() returns a constant: the rate gets a zero Jacobian column at every point
        FitResult r = fit((p, x) -> p[0].times(Math.exp(p[1].value() * x[0])), table(), "y", "x", 1, 0.5);
        assertEquals(ParameterStatus.NOT_DETERMINED, r.parameterStatus()[1]);
        assertTrue(r.reason().contains("does not depend on b2") && r.reason().contains("Math.exp(p[1].value())"),
                r.reason());
        assertFalse(r.reason().contains("poor start"), r.reason());
    }

    @Test
    void aStartVectorOneTooLongNamesTheParameterTheModelNeverReads() {
        FitException e = assertThrows(FitException.class,
                () -> fit1(EXPO, table(), "y", "x", 1, 0.5, 3));
        assertTrue(e.getMessage().contains("never reads b3") && e.getMessage().contains("3 start values")
                && e.getMessage().contains("(2?)"), e.getMessage());
    }

    @Test
    void badConfidenceLevelsAndPredictorCountsAreRefused() {
        FitResult r = fit1(EXPO, table(), "y", "x", 1, 0.5);
        assertThrows(IllegalArgumentException.class, () -> r.confidenceIntervals(95));
        assertThrows(IllegalArgumentException.class, () -> r.predict(1, 2));
        assertThrows(IllegalArgumentException.class, () -> r.confidenceBand(new double[][] {{1, 2}}, 0.9));
    }
}
