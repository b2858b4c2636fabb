package dev.wengert.fit;

/**
 * Bad input to a fit: a missing or non-numeric column, missing values the options refuse,
 * too few rows, or a model that is not finite at the start point. The message names the
 * column, row or parameter and says how to fix it; a fit never returns a result that only
 * looks fine.
 *
 * <pre>{@code
 * try {
 *     fit(m, table, "y", "dose", 1, 1);
 * } catch (FitException e) {
 *     System.out.println(e.getMessage());   // no column "dose"; the table has: x, y
 * }
 * }</pre>
 */
public class FitException extends IllegalArgumentException {
    public FitException(String message) {
        super(message);
    }

    public FitException(String message, Throwable cause) {
        super(message, cause);
    }
}
