package dev.wengert.spark;

import dev.wengert.core.Num;
import dev.wengert.Wengert;
import dev.wengert.fit.Model;

import java.io.Serializable;

/**
 * A model whose predictor values arrive as {@code Num}s, for {@link SparkFit#fitCompiled}: each
 * partition records the model once, with the parameters and the row's predictors as the
 * recording's inputs, and replays that recording for every further row — no allocation per
 * row or per operation in the Levenberg–Marquardt passes, which matters at billions of rows.
 * (The one to five refinement passes at the end, which also need second derivatives, evaluate the
 * Hessian per block afresh, through {@link #asModel()}.)
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x))
 * RowModel m = (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1));
 * FitResult r = SparkFit.fitCompiled(m, data, "y", new String[] {"x"}, 500, 1e-4);
 * FitResult same = fit(m.asModel(), table, "y", "x", 500, 1e-4);     // in memory
 * }</pre>
 *
 * <p><b>Why a second model type.</b> A {@link SerializableModel} reads {@code double[] x}: its
 * predictors enter the arithmetic as plain numbers, which no recording can tell apart from
 * constants, so each row is recorded once (on the first pass over a cached block) and its
 * constants kept with the block. Here {@code x[j]} is an input of the recording, so one
 * recording per partition serves every row, and nothing is kept per row. Write
 * {@code x[0].neg()} for {@code -x[0]} and {@code x[0].gt(1)} for {@code x[0] > 1}: comparisons
 * are guarded, and a row that takes the other branch is recorded again, automatically.
 *
 * <p><b>What a model may capture</b>: as for {@link SerializableModel}, only serializable
 * values; the fit checks this before it starts and names the class that cannot be serialized.
 */
@FunctionalInterface
public interface RowModel extends Serializable {

    /** The model's prediction for one row with predictor values {@code x}. */
    Num apply(Num[] p, Num[] x);

    /**
     * The same model as a {@link SerializableModel}, for the in-memory {@code fit(...)} and for
     * the {@code FitResult}'s predictions: each {@code x[j]} becomes a constant.
     *
     * <pre>{@code
     * RowModel m = (p, x) -> p[0].times(x[0]).plus(p[1]);
     * fit(m.asModel(), new double[][] {{1}, {2}, {3}}, new double[] {3, 5, 7}, 1, 0);   // b1 = 2, b2 = 1
     * }</pre>
     */
    default SerializableModel asModel() {
        RowModel self = this;
        return (p, x) -> {
            Num[] xs = new Num[x.length];
            for (int j = 0; j < x.length; j++) {
                xs[j] = Wengert.constant(x[j]);
            }
            return self.apply(p, xs);
        };
    }
}
