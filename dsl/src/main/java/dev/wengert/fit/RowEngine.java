package dev.wengert.fit;

import dev.wengert.compile.CompiledRows;
import dev.wengert.core.RowFn;

import java.util.function.IntConsumer;

/**
 * A per-row model's values and Jacobian over a fit's rows by {@link CompiledRows}: each row
 * recorded once, then replayed with no allocation per operation or row, the same numbers as a
 * reverse pass per row to the bit (a model whose rows cannot be replayed: one forward pass over
 * all rows, see {@link CompiledRows#replayed()}). The compiled rows read the fit's row-major
 * predictors in place.
 */
final class RowEngine {
    private CompiledRows rows;
    private final IntConsumer rowInProgress;

    /**
     * @param model         the model, with its result checked (messages name the row the caller learns from rowInProgress)
     * @param x             the rows' predictor values, row-major (read, not copied)
     * @param predictors    values per row
     * @param parameters    the number of parameters
     * @param rowInProgress told the row being recorded when the model throws, before the exception propagates
     */
    RowEngine(RowFn model, double[] x, int predictors, int parameters, IntConsumer rowInProgress) {
        this.rowInProgress = rowInProgress;
        // the model sees the row being recorded as "the row" in its messages
        RowFn named = (p, r) -> {
            rowInProgress.accept(this.rows == null ? -1 : this.rows.rowInProgress());
            return model.apply(p, r);
        };
        this.rows = new CompiledRows(named, parameters, x, 0, predictors, predictors, predictors == 0 ? 0 : x.length / predictors);
    }

    /**
     * Values and the Jacobian at p, into parts of larger arrays (row i's value at vOff + i,
     * ∂mᵢ/∂pⱼ at jOff + j·ld + i); on an exception the caller has been told the row.
     */
    void evaluateNamingTheRow(double[] p, double[] values, int vOff, double[] jacobian, int jOff, int ld) {
        rows.evaluate(p, values, vOff, jacobian, jOff, ld);
        rowInProgress.accept(-1);
    }

    /** Σᵢ cᵢ·∇²mᵢ at p; on an exception the caller has been told the row. */
    double[][] curvatureNamingTheRow(double[] p, double[] c) {
        double[][] h = rows.curvature(p, c);
        rowInProgress.accept(-1);
        return h;
    }

    CompiledRows rows() {
        return rows;
    }
}
