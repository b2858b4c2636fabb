package dev.wengert.spark;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.optim.Lbfgs;
import dev.wengert.optim.OptimizationResult;
import dev.wengert.tensor.Tensor;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import scala.Tuple3;

import static dev.wengert.Wengert.softplus;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkMinimizeTest {
    static final int ROWS = 2_000_000;

    /** −log-likelihood of one row (y, x1, x2) of a logistic regression: softplus(z) − y·z, z = w0 + w1·x1 + w2·x2. */
    static final RowLoss LOGISTIC = (w, row) -> {
        Num z = w[0].plus(w[1].times(row[1])).plus(w[2].times(row[2]));
        return softplus(z).minus(row[0].times(z));
    };

    /**
     * Row {@code id} of the synthetic data, (y, x1, x2), from integer arithmetic and IEEE
     * division only, so Spark's executors and this JVM compute the same doubles. y is 1 with
     * probability ½ + z/(2(1 + |z|)), z = 0.5 + 1.5·x1 − 2·x2 (a sigmoid-shaped link without exp).
     */
    static double[] row(long id) {
        double x1 = (id * 7919L % 10007L) / 10007.0 * 4 - 2;
        double x2 = ((id * 104729L + 13L) % 99991L) / 99991.0 * 2 - 1;
        double u = ((id * 2654435761L + 7L) % 1000003L) / 1000003.0;
        double z = 0.5 + 1.5 * x1 - 2.0 * x2;
        double prob = 0.5 + z / (2 * (1 + Math.abs(z)));
        return new double[] {u < prob ? 1 : 0, x1, x2};
    }

    static Dataset<Row> sparkRows(int n) {
        return LocalSpark.get().range(0, n, 1, 4)
                .map((MapFunction<Long, Tuple3<Double, Double, Double>>) id -> {
                    double[] r = row(id);
                    return new Tuple3<>(r[0], r[1], r[2]);
                }, Encoders.tuple(Encoders.DOUBLE(), Encoders.DOUBLE(), Encoders.DOUBLE()))
                .toDF("y", "x1", "x2");
    }

    /** The same loss in memory, as three tensors: each operation is one tape node for all rows. */
    static Fn inMemoryLoss(int n) {
        double[] y = new double[n];
        double[] x1 = new double[n];
        double[] x2 = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = row(i);
            y[i] = r[0];
            x1[i] = r[1];
            x2[i] = r[2];
        }
        Tensor ty = Tensor.of(y, n);
        Tensor tx1 = Tensor.of(x1, n);
        Tensor tx2 = Tensor.of(x2, n);
        // Σ softplus(z) − y·z
        return w -> {
            Tensor z = tx1.times(w[1]).plus(tx2.times(w[2])).plus(w[0]);
            return z.softplus().sum().minus(ty.dot(z));
        };
    }

    @Test
    void twoMillionRowLogisticRegressionFindsTheInMemoryOptimum() {
        long t0 = System.nanoTime();
        OptimizationResult spark = SparkMinimize.minimize(LOGISTIC, sparkRows(ROWS), 0, 0, 0);
        long t1 = System.nanoTime();
        Fn nll = inMemoryLoss(ROWS);
        // in memory, stop on the gradient: ‖∇f‖ ≤ 1 is 2e-6 of its start value (5.8e5), an x within ~1e-6 of
        // the optimum, without the last line searches on rounding noise (each evaluation is 2M-element tensors)
        OptimizationResult memory = Lbfgs.create().gradientTolerance(1.0).minimize(nll, 0, 0, 0);
        // and Spark's answer is a stationary point of the in-memory loss too
        double[] gradientThere = dev.wengert.Wengert.gradient(nll, spark.x());
        long t2 = System.nanoTime();
        System.out.printf("logistic regression, %d rows: Spark %.1f s (%s), in memory %.1f s (%s)%n", ROWS,
                (t1 - t0) / 1e9, spark, (t2 - t1) / 1e9, memory);
        assertTrue(spark.converged(), spark.toString());
        assertTrue(memory.converged(), memory.toString());
        for (int j = 0; j < 3; j++) {
            double a = memory.x()[j];
            double b = spark.x()[j];
            assertTrue(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)), "w" + j + ": in memory " + a + ", Spark " + b);
            assertTrue(Math.abs(gradientThere[j]) <= 1.0, "in-memory ∂f/∂w" + j + " at Spark's optimum: " + gradientThere[j]);
        }
        assertTrue(Math.abs(spark.value() - memory.value()) <= 1e-10 * Math.abs(memory.value()),
                "minimum: in memory " + memory.value() + ", Spark " + spark.value());
        // the data were made with a positive slope on x1 and a negative one on x2
        assertTrue(spark.x()[1] > 0 && spark.x()[2] < 0, spark.toString());
    }

    @Test
    void aBranchOnTheRowIsGuardedAndStillExact() {
        // squared error for y = 1, absolute-ish (Huber-free) for y = 0: a branch the compiled tape must re-record on
        RowLoss branchy = (w, row) -> row[0].gt(0.5)
                ? w[0].minus(row[1]).square()
                : w[0].minus(row[1]).square().times(2);
        Dataset<Row> data = sparkRows(20_000).select("y", "x1");
        OptimizationResult r = SparkMinimize.minimize(branchy, data, Lbfgs.create().gradientTolerance(1e-9), 0);
        // the minimiser of Σ cᵢ(w − xᵢ)² is Σ cᵢxᵢ / Σ cᵢ
        double num = 0;
        double den = 0;
        for (int i = 0; i < 20_000; i++) {
            double[] row = row(i);
            double c = row[0] > 0.5 ? 1 : 2;
            num += c * row[1];
            den += c;
        }
        assertTrue(r.converged(), r.toString());
        assertTrue(Math.abs(r.x()[0] - num / den) <= 1e-9, r + " vs " + num / den);
    }

    /** Not serializable, so a loss that captures one is refused before any work starts. */
    static final class Offset {
        final double value = 1;
    }

    @Test
    void aLossThatCapturesSomethingNotSerializableIsRefusedByName() {
        Offset offset = new Offset();
        RowLoss loss = (w, row) -> w[0].minus(row[0]).plus(offset.value).square();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkMinimize.minimize(loss, sparkRows(10).select("y"), 0));
        assertTrue(e.getMessage().contains("SparkMinimizeTest$Offset") && e.getMessage().contains("Serializable"),
                e.getMessage());
    }

    @Test
    void aLossThatReadsPastTheRowNamesTheColumns() {
        RowLoss loss = (w, row) -> w[0].minus(row[3]).square();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkMinimize.minimize(loss, sparkRows(10), 0));
        assertTrue(e.getMessage().contains("read past its arrays") && e.getMessage().contains("3 row values"),
                e.getMessage());
    }
}
