package dev.wengert.spark;

import dev.wengert.fit.FitException;
import dev.wengert.fit.FitResult;
import dev.wengert.fit.Fitter;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.wengert.Wengert.exp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkFitTest {
    /** Injected task failures so far (local mode: the executors are threads of this JVM). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    // y = b1·(1 − exp(−b2·x))
    static final SerializableModel MISRA1A = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1));
    // y = exp(−b1·x) / (b2 + b3·x)
    static final SerializableModel CHWIRUT2 = (p, x) -> exp(p[0].times(-x[0])).div(p[1].plus(p[2].times(x[0])));

    /** Spark fails the first attempt of partition 1's task in every pass; the retry must give the same sums. */
    static final SerializableModel FLAKY_MISRA1A = (p, x) -> {
        TaskContext task = TaskContext.get();
        if (task != null && task.attemptNumber() == 0 && task.partitionId() == 1) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure on the first attempt of partition 1");
        }
        return MISRA1A.apply(p, x);
    };

    static Dataset<Row> dataset(Nist nist, int partitions) {
        SparkSession spark = LocalSpark.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < nist.y().length; i++) {
            rows.add(RowFactory.create(nist.y()[i], nist.x()[i][0]));
        }
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("y", DataTypes.DoubleType, true),
                DataTypes.createStructField("x", DataTypes.DoubleType, false)});
        // parallelize, not repartition: slices without a shuffle
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
    }

    static void assertDigits(double expected, double actual, double relative, String what) {
        assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual + " (relative difference "
                        + Math.abs(actual - expected) / Math.abs(expected) + ")");
    }

    /** The Spark fit and the in-memory fit of the same model agree to 10 significant digits. */
    static void matchesInMemory(String name, SerializableModel model) {
        matchesInMemory(name, model, (data, start) -> SparkFit.fit(model, data, "y", new String[] {"x"}, start));
    }

    /** As above, for a model with Num predictors, fitted by replaying its compiled recording. */
    static void compiledMatchesInMemory(String name, RowModel model) {
        FitResult r = matchesInMemory(name, model.asModel(),
                (data, start) -> SparkFit.fitCompiled(model, data, "y", new String[] {"x"}, start));
        assertTrue(r.reason().contains("replaying each partition's compiled recording"), r.reason());
    }

    interface SparkFitter {
        FitResult fit(Dataset<Row> data, double[] start);
    }

    static FitResult matchesInMemory(String name, SerializableModel model, SparkFitter sparkFit) {
        Nist nist = Nist.read(name);
        FitResult memory = Fitter.of(model).start(nist.start()).to(nist.x(), nist.y());
        long t0 = System.nanoTime();
        FitResult spark = sparkFit.fit(dataset(nist, 3), nist.start());
        System.out.printf("%s: Spark fit in %.1f s, %d iterations, %d passes%n", name, (System.nanoTime() - t0) / 1e9,
                spark.iterations(), spark.evaluations());
        assertTrue(memory.converged(), memory.reason());
        assertTrue(spark.converged(), spark.reason());
        assertEquals(nist.y().length, spark.observations());
        assertEquals(memory.degreesOfFreedom(), spark.degreesOfFreedom());
        for (int j = 0; j < nist.start().length; j++) {
            assertDigits(memory.parameters()[j], spark.parameters()[j], 1e-10, name + " b" + (j + 1));
            assertDigits(nist.certified()[j], spark.parameters()[j], 1e-8, name + " b" + (j + 1) + " vs NIST");
            assertDigits(memory.standardErrors()[j], spark.standardErrors()[j], 1e-10, name + " se(b" + (j + 1) + ")");
            assertDigits(memory.confidenceIntervals(0.95)[j][0], spark.confidenceIntervals(0.95)[j][0], 1e-10,
                    name + " lower 95% of b" + (j + 1));
        }
        assertDigits(memory.residualSumOfSquares(), spark.residualSumOfSquares(), 1e-10, name + " RSS");
        assertDigits(memory.rSquared(), spark.rSquared(), 1e-10, name + " R²");
        assertDigits(memory.aic(), spark.aic(), 1e-10, name + " AIC");
        assertDigits(memory.predict(50), spark.predict(50), 1e-10, name + " prediction");
        assertTrue(spark.convergenceTolerance() < 1e-6, "relative offset " + spark.convergenceTolerance());
        assertTrue(spark.toString().contains("Residual standard error"), spark.toString());
        return spark;
    }

    @Test
    void misra1aThroughSparkMatchesTheInMemoryFit() {
        matchesInMemory("Misra1a", MISRA1A);
    }

    @Test
    void chwirut2ThroughSparkMatchesTheInMemoryFit() {
        matchesInMemory("Chwirut2", CHWIRUT2);
    }

    @Test
    void misra1aWithACompiledRowModelMatchesTheInMemoryFit() {
        compiledMatchesInMemory("Misra1a", (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1)));
    }

    /**
     * Chwirut2 written with a branch on the predictor (the two arms are the same function, so
     * NIST's answer still holds): rows on the other side of x = 3 fail the replay's guard and are
     * recorded again, and the fit is still exact.
     */
    @Test
    void aRowModelThatBranchesOnThePredictorIsRecordedAgainAndStillExact() {
        compiledMatchesInMemory("Chwirut2", (p, x) -> x[0].lt(3)
                ? exp(p[0].times(x[0]).neg()).div(p[1].plus(p[2].times(x[0])))
                : exp(p[0].neg().times(x[0])).times(p[1].plus(x[0].times(p[2])).reciprocal()));
    }

    @Test
    void aTaskThatFailsOnItsFirstAttemptIsRetriedAndTheFitConverges() {
        Nist nist = Nist.read("Misra1a");
        FitResult clean = SparkFit.fit(MISRA1A, dataset(nist, 3), "y", new String[] {"x"}, nist.start());
        INJECTED.set(0);
        FitResult retried = SparkFit.fit(FLAKY_MISRA1A, dataset(nist, 3), "y", new String[] {"x"}, nist.start());
        assertTrue(INJECTED.get() > 0, "no failure was injected");
        assertTrue(retried.converged(), retried.reason());
        for (int j = 0; j < 2; j++) {
            assertDigits(clean.parameters()[j], retried.parameters()[j], 1e-10, "b" + (j + 1));
            assertDigits(clean.standardErrors()[j], retried.standardErrors()[j], 1e-10, "se(b" + (j + 1) + ")");
        }
    }

    @Test
    void rowsWithMissingValuesAreLeftOutAndCounted() {
        Nist nist = Nist.read("Misra1a");
        SparkSession spark = LocalSpark.get();
        Dataset<Row> withNull = dataset(nist, 2).union(spark.createDataFrame(
                List.of(RowFactory.create(null, 3.0), RowFactory.create(Double.NaN, 4.0)), dataset(nist, 1).schema()));
        FitResult r = SparkFit.of(MISRA1A).start(nist.start()).names("asymptote", "rate").to(withNull, "y", "x");
        FitResult memory = Fitter.of(MISRA1A).start(nist.start()).to(nist.x(), nist.y());
        assertEquals(2, r.rowsDropped());
        assertEquals(nist.y().length, r.observations());
        assertDigits(memory.parameters()[0], r.parameter("asymptote"), 1e-10, "asymptote");
        assertTrue(r.reason().contains("2 rows with missing values left out"), r.reason());
    }

    /** Not serializable: a model that captures one cannot travel to the executors. */
    static final class Calibration {
        final double scale = 1.0;
    }

    @Test
    void aModelThatCapturesSomethingNotSerializableIsRefusedByName() {
        Calibration c = new Calibration();
        SerializableModel m = (p, x) -> p[0].times(x[0] * c.scale);
        FitException e = assertThrows(FitException.class,
                () -> SparkFit.fit(m, dataset(Nist.read("Misra1a"), 1), "y", new String[] {"x"}, 1.0));
        assertTrue(e.getMessage().contains("SparkFitTest$Calibration"), e.getMessage());
        assertTrue(e.getMessage().contains("captured value 1 of 1"), e.getMessage());
    }

    @Test
    void badColumnsAndStartPointsAreReportedClearly() {
        Dataset<Row> data = dataset(Nist.read("Misra1a"), 1);
        FitException missing = assertThrows(FitException.class,
                () -> SparkFit.fit(MISRA1A, data, "y", new String[] {"dose"}, 500, 1e-4));
        assertTrue(missing.getMessage().contains("no column \"dose\"") && missing.getMessage().contains("y, x"),
                missing.getMessage());
        FitException text = assertThrows(FitException.class, () -> SparkFit.fit(MISRA1A,
                data.withColumn("label", org.apache.spark.sql.functions.lit("a")), "label", new String[] {"x"}, 500, 1e-4));
        assertTrue(text.getMessage().contains("\"label\" is string, not numeric"), text.getMessage());
        // log of a negative number at the start point
        SerializableModel logModel = (p, x) -> dev.wengert.Wengert.log(p[0].times(x[0]));
        FitException start = assertThrows(FitException.class,
                () -> SparkFit.fit(logModel, data, "y", new String[] {"x"}, -1.0));
        assertTrue(start.getMessage().contains("not finite at the start point"), start.getMessage());
        // a model that reads a second predictor that was not named: the task's error, unwrapped
        SerializableModel twoX = (p, x) -> p[0].times(x[1]);
        FitException past = assertThrows(FitException.class,
                () -> SparkFit.fit(twoX, data, "y", new String[] {"x"}, 1.0));
        assertTrue(past.getMessage().contains("read past its arrays"), past.getMessage());
    }
}
