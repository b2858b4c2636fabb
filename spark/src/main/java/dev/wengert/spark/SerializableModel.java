package dev.wengert.spark;

import dev.wengert.fit.Model;

import java.io.Serializable;

/**
 * A {@link Model} that can be shipped to Spark executors. A lambda written where a
 * {@code SerializableModel} is expected is serializable by itself; it is a {@code Model} too,
 * so the same model fits in memory ({@code fit(m, table, …)}) and on Spark.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x))
 * SerializableModel m = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1));
 * FitResult r = SparkFit.fit(m, dataset, "y", new String[] {"x"}, 500, 1e-4);
 * }</pre>
 *
 * <p><b>What a model may capture.</b> Everything the lambda uses from outside is serialized
 * with it and sent to every executor: numbers, strings, arrays of them, and objects of
 * classes that implement {@link Serializable} are fine. A {@code Num}, a tape, a tablesaw
 * {@code Table}, a {@code SparkSession} or {@code Dataset}, or the enclosing object of an
 * instance method (a lambda that reads a field captures {@code this}) are not: copy what you
 * need into a local variable first. The fit checks this before it starts and names the class
 * that cannot be serialized.
 */
@FunctionalInterface
public interface SerializableModel extends Model, Serializable {
}
