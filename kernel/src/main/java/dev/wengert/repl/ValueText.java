package dev.wengert.repl;

import dev.wengert.display.Displayable;

/**
 * A value as text, the way the front ends print it.
 *
 * <p>Plain values read as JShell writes them (strings quoted, arrays listed, {@code null}).
 * DSL values (fits, optimization results, tapes, tensors, {@code Num}s: every
 * {@link Displayable} and every class of the DSL's packages) are written whole, with their own
 * {@code toString()}: a fit summary cut after 80 characters says nothing. Long plain values
 * are shortened in the middle, as jshell does, to a length the user chooses.
 *
 * <pre>{@code
 * ValueText.of("abc", 0);                     // "\"abc\""
 * ValueText.of(new int[] {1, 2}, 0);          // "int[2] { 1, 2 }"
 * ValueText.of("x".repeat(5000), 40);         // the first and last characters, " ... " between
 * }</pre>
 */
public final class ValueText {

    private static final String DSL_PACKAGE = "dev.wengert.";
    private static final String ELISION = " ... ";

    private ValueText() {
    }

    /**
     * JShell's text of {@code value}: strings and characters quoted, arrays listed, null as
     * "null"; without the names of JShell's wrapper classes ("$Lambda$14/0x…@1f", "Point@2a").
     */
    public static String jshell(Object value) {
        return InProcessExecutionControl.jshellText(value).replaceAll("REPL\\.\\$JShell\\$\\d+[A-Za-z]?\\$", "");
    }

    /** Whether {@code value} is printed whole, whatever the truncation. */
    public static boolean isWhole(Object value) {
        return value instanceof Displayable
                || (value != null && value.getClass().getName().startsWith(DSL_PACKAGE));
    }

    /**
     * The text of {@code value}: DSL values whole, others JShell's text shortened to
     * {@code truncation} characters (0 or less: never shortened).
     */
    public static String of(Object value, int truncation) {
        if (isWhole(value)) {
            return String.valueOf(value);
        }
        return truncate(jshell(value), truncation);
    }

    /** {@code text} shortened to {@code length} characters by cutting its middle (0 or less: unchanged). */
    public static String truncate(String text, int length) {
        if (length <= 0 || text.length() <= length) {
            return text;
        }
        if (length <= ELISION.length() + 2) {
            return text.substring(0, length);
        }
        int keep = length - ELISION.length();
        int head = (keep + 1) / 2;
        int tail = keep - head;
        return text.substring(0, head) + ELISION + text.substring(text.length() - tail);
    }
}
