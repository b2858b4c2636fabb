/**
 * Fitting and minimising DSL models over Apache Spark Datasets, for data that outgrow one
 * machine: {@link dev.wengert.spark.SparkFit} (nonlinear least squares, Levenberg–Marquardt on
 * the driver, the same {@code FitResult}) and {@link dev.wengert.spark.SparkMinimize} (a per-row
 * loss, L-BFGS on the driver, the same {@code OptimizationResult}). Each pass broadcasts the
 * parameters, every partition computes its sums with exact derivatives, and
 * {@code treeAggregate} adds them up, as Spark MLlib does for its own models.
 *
 * <p>Models and losses travel to the executors, so they are serializable lambdas
 * ({@link dev.wengert.spark.SerializableModel}, {@link dev.wengert.spark.RowLoss}) and may capture
 * only serializable values; a capture that is not is reported, by class, before any work starts.
 *
 * <p>This module is optional: the DSL does not depend on Spark, and Spark is a {@code provided}
 * dependency here (a cluster brings its own).
 */
package dev.wengert.spark;
