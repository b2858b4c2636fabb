package dev.wengert.spark;

import dev.wengert.compile.CompiledRows;

import java.io.Serializable;

/**
 * Up to {@link #CAPACITY} rows of a partition as one row-major {@code double[]}: the data
 * are read out of Spark's rows once, cached, and then every pass walks plain arrays (no
 * object per row). Rows with a null or NaN are left out and counted; rows with an infinite
 * value are left out, counted and one of them kept, so the driver can refuse them by example.
 */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int CAPACITY = 4096;

    final int width;
    final int rows;
    final double[] values;
    final long missing;
    final long infinite;
    final double[] infiniteExample;

    /**
     * The rows compiled for a model (executor-side, never serialized): cached with the block,
     * so every pass after the first replays the rows' recordings instead of running the model
     * on each row again. A block read back from disk, or given another model, compiles anew.
     */
    private transient CompiledRows compiled;
    private transient Object compiledFor;

    Block(int width, int rows, double[] values, long missing, long infinite, double[] infiniteExample) {
        this.width = width;
        this.rows = rows;
        this.values = values;
        this.missing = missing;
        this.infinite = infinite;
        this.infiniteExample = infiniteExample;
    }

    /** The block's predictors (after the response in each row) compiled for model, made on first use. */
    synchronized CompiledRows rows(SerializableModel model, int parameters) {
        if (compiled == null || compiledFor != model || compiled.parameters() != parameters) {
            compiled = new CompiledRows(model, parameters, values, 1, width, width - 1, rows);
            compiledFor = model;
        }
        return compiled;
    }
}
