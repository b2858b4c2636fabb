package dev.wengert.fit;

/**
 * What a fit does with rows that have a missing value in the response, a predictor or the
 * weight column.
 *
 * <pre>{@code
 * fit(m).start(1, 1).missing(MissingValues.REFUSE).to(table, "y", "x");
 * }</pre>
 */
public enum MissingValues {
    /** Leave the rows out; the result reports how many ({@link FitResult#rowsDropped()}). */
    DROP,
    /** Throw a {@link FitException} naming the first such row and column. */
    REFUSE
}
