package dev.wengert.repl;

/**
 * The methods every session has without a qualifier: {@code display(x)},
 * {@code updatableDisplay(x)} and {@code updateDisplay(id, x)}, statically imported by the
 * session's startup (see {@link Evaluator}) and passed on to {@link Display}. An import costs
 * nothing at the start, where three method snippets cost three javac compilations; a method the
 * user defines with one of these names takes its place.
 *
 * <pre>{@code
 * String line = updatableDisplay("step 0");
 * for (int i = 1; i <= 100; i++) updateDisplay(line, "step " + i);   // one live line in a notebook
 * }</pre>
 */
public final class SessionMethods {

    private SessionMethods() {
    }

    /** Shows {@code value} in the running cell's output; returns the display id. */
    public static String display(Object value) {
        return Display.display(value);
    }

    /** Shows {@code value} and returns the id under which {@link #updateDisplay} replaces it. */
    public static String updatableDisplay(Object value) {
        return Display.display(value);
    }

    /** Replaces the output shown under {@code displayId} with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        Display.updateDisplay(displayId, value);
    }
}
