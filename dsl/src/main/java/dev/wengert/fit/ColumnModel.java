package dev.wengert.fit;

import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;

/**
 * A model written over whole columns: from the parameters {@code p} and the predictor
 * columns {@code x[0], x[1], …} (each a 1-D {@link Tensor} with one element per row), the
 * predictions for all rows at once, as a tensor of shape (rows,) (a column (rows, 1) is
 * accepted too). Fit it with {@code fitColumns(...)}; the fit is the same as fitting the
 * equivalent per-row {@link Model}, to rounding.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x))
 * ColumnModel m = (p, x) -> x[0].times(p[1]).neg().expm1().neg().times(p[0]);
 * FitResult r = fitColumns(m, table, "y", "x", 500, 1e-4);
 * }</pre>
 *
 * <p>The prediction for a row should depend on that row only (no {@code sum()} or
 * {@code mean()} over the rows inside the model): {@code predict(x)} and the bands of the
 * result evaluate the model on one row at a time, and refuse a model for which that gives
 * a different answer than the whole column.
 *
 * <p>It has its own method name, {@code fitColumns}, because a {@code fit} overload taking it
 * would make every two-argument lambda ambiguous next to {@code fit(Model, …)}.
 */
@FunctionalInterface
public interface ColumnModel {

    /** The predictions for all rows: {@code x[j]} holds predictor j of every row. */
    Tensor apply(Num[] p, Tensor[] x);
}
