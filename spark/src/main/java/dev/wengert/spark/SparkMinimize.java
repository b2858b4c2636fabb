package dev.wengert.spark;

import dev.wengert.core.Fn;
import dev.wengert.Wengert;
import dev.wengert.optim.Lbfgs;
import dev.wengert.optim.OptimizationResult;
import dev.wengert.optim.Optimizer;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;

/**
 * Minimises Σ over the rows of a Spark {@code Dataset} of a per-row loss written in the DSL:
 * each pass computes the sum and its exact gradient per partition, {@code treeAggregate} adds
 * them, and L-BFGS (or any {@link Optimizer}) steps on the driver. The result is the same
 * {@link OptimizationResult} as {@code minimize(...)} in memory.
 *
 * <pre>{@code
 * // logistic regression on columns (y, x1, x2): Σ softplus(z) − y·z, z = w0 + w1·x1 + w2·x2
 * OptimizationResult r = SparkMinimize.minimize((w, row) -> {
 *     Num z = w[0].plus(w[1].times(row[1])).plus(w[2].times(row[2]));
 *     return softplus(z).minus(row[0].times(z));
 * }, data.select("y", "x1", "x2"), 0, 0, 0);
 * r.x();   // the maximum-likelihood weights
 * }</pre>
 *
 * <p><b>Rows.</b> {@code row[j]} is column j of the Dataset (every column must be numeric; read
 * as double), so select the columns the loss reads first. Rows with a null or NaN are left out;
 * an infinite value is refused. The loss is the sum, not the mean, over the rows: scale it in the
 * loss ({@code .div(n)}) when a gradient tolerance should not depend on the number of rows.
 *
 * <p><b>Passes.</b> One pass over the data per evaluation of the objective. The optimizer sees
 * the sum as a single primitive with its exact gradient (a {@code Wengert.rule}); a value and its
 * gradient at the same point are one pass, not two.
 */
public final class SparkMinimize {
    private SparkMinimize() {
    }

    /**
     * Minimises Σ {@code loss(w, row)} over the rows of {@code data} from {@code x0} with L-BFGS
     * ({@code Lbfgs.create()}, its default tolerances).
     *
     * @throws IllegalArgumentException for a loss that cannot be serialized (naming the captured
     *                                  class), a non-numeric column, an infinite value, or a loss
     *                                  that is not finite at x0
     */
    public static OptimizationResult minimize(RowLoss loss, Dataset<Row> data, double... x0) {
        return minimize(loss, data, Lbfgs.create(), x0);
    }

    /**
     * Minimises with the optimizer of your choice, configured as usual, e.g.
     * {@code Lbfgs.create().gradientTolerance(1e-8).maxIterations(200)}.
     */
    public static OptimizationResult minimize(RowLoss loss, Dataset<Row> data, Optimizer<?> method, double... x0) {
        if (loss == null) {
            throw new IllegalArgumentException("the loss is null; give one, e.g. (w, row) -> square(row[0].minus(w[0]))");
        }
        if (method == null) {
            throw new IllegalArgumentException("the optimizer is null; pass e.g. Lbfgs.create()");
        }
        if (x0 == null || x0.length == 0) {
            throw new IllegalArgumentException("the start point x0 is " + (x0 == null ? "null" : "empty")
                    + "; give one value per parameter, e.g. minimize(loss, data, 0, 0, 0)");
        }
        Closures.checkSerializable(loss, "the loss", false);
        int k = x0.length;
        try (SparkData d = SparkData.all(data, false)) {
            Broadcast<RowLoss> bl = d.context.broadcast(loss);
            try {
                LossPass first = pass(d, bl, x0);
                if (first.rows.infinite > 0) {
                    throw new IllegalArgumentException(first.rows.infinite + " row" + (first.rows.infinite == 1 ? " has" : "s have")
                            + " an infinite value, e.g. " + RowCounts.row(d.columns, first.rows.infiniteExample)
                            + "; filter such rows out");
                }
                if (first.rows.notFinite > 0) {
                    throw new IllegalArgumentException("the loss or its gradient is not finite at the start point "
                            + Arrays.toString(x0) + " on " + first.rows.notFinite + " row" + (first.rows.notFinite == 1 ? "" : "s")
                            + ", e.g. " + RowCounts.row(d.columns, first.rows.notFiniteExample) + "; choose a start point where the "
                            + "loss is defined for every row");
                }
                if (first.n == 0) {
                    throw new IllegalArgumentException("the Dataset has no rows"
                            + (first.rows.missing > 0 ? " without missing values (" + first.rows.missing + " left out)" : ""));
                }
                Memo memo = new Memo(d, bl, x0, first);
                // Σ loss as one primitive: its value and gradient come from the same pass (the memo)
                Fn total = Wengert.rule("Σ loss over " + first.n + " Spark rows", k,
                        w -> memo.at(w).value, w -> memo.at(w).gradient.clone());
                return method.minimize(total, x0);
            } finally {
                bl.destroy();
            }
        }
    }

    /** The last pass, so a value and its gradient at the same point cost one pass. */
    private static final class Memo {
        private final SparkData data;
        private final Broadcast<RowLoss> loss;
        private double[] point;
        private LossPass last;

        Memo(SparkData data, Broadcast<RowLoss> loss, double[] point, LossPass last) {
            this.data = data;
            this.loss = loss;
            this.point = point.clone();
            this.last = last;
        }

        LossPass at(double[] w) {
            if (!Arrays.equals(w, point)) {
                last = pass(data, loss, w);
                point = w.clone();
            }
            return last;
        }
    }

    private static LossPass pass(SparkData d, Broadcast<RowLoss> bl, double[] w) {
        Broadcast<double[]> bw = d.context.broadcast(w.clone());
        int k = w.length;
        try {
            return d.blocks.mapPartitions(blocks -> LossPass.partition(blocks, bl, bw))
                    .treeAggregate(new LossPass(k), LossPass::merge, LossPass::merge, 2);
        } catch (Exception e) {
            throw Failures.unwrap(e);
        } finally {
            bw.destroy();
        }
    }

}
