package dev.wengert.spark;

import dev.wengert.core.Num;

import java.io.Serializable;

/**
 * The loss of one row, written in the DSL: {@code w} are the parameters being optimised and
 * {@code row} the row's values, one per column of the Dataset in column order (numeric
 * columns, read as doubles). {@link SparkMinimize} minimises the sum over all rows.
 *
 * <pre>{@code
 * // logistic regression, columns (y, x1, x2): softplus(z) − y·z with z = w0 + w1·x1 + w2·x2
 * RowLoss nll = (w, row) -> {
 *     Num z = w[0].plus(w[1].times(row[1])).plus(w[2].times(row[2]));
 *     return softplus(z).minus(row[0].times(z));
 * };
 * }</pre>
 *
 * <p><b>Why the row is {@code Num[]}.</b> Each partition records the loss once and replays
 * the recording for every further row (a compiled tape, {@code Wengert.compile}); the row's
 * values are inputs of that recording, so they must be {@code Num}s. Their gradients are
 * computed and ignored. Branches on the row work: write them as comparisons
 * ({@code row[0].gt(0.5) ? a : b}), which the replay guards, recording again when a row takes
 * the other branch; a branch-free loss ({@code y·a + (1 − y)·b}) replays without re-recording.
 *
 * <p><b>What a loss may capture</b>: as for {@link SerializableModel}, only serializable
 * values (numbers, strings, arrays, {@link Serializable} objects); the minimisation checks
 * this before it starts and names the class that cannot be serialized.
 */
@FunctionalInterface
public interface RowLoss extends Serializable {

    /** The loss of one row. */
    Num apply(Num[] w, Num[] row);
}
