package dev.wengert.repl;

/**
 * Where {@code display(x)}, {@code updatableDisplay(x)} and {@code updateDisplay(id, x)} go.
 *
 * <p>Every session imports these three methods from {@link SessionMethods}; they call
 * here, and here calls the front end that runs the session: the notebook kernel shows a rich
 * output under the cell, the console prints the value's text. So a cell that displays works
 * the same in a notebook, the console and a script.
 *
 * <pre>{@code
 * String line = updatableDisplay("step 0");
 * for (int i = 1; i <= 100; i++) updateDisplay(line, "step " + i);   // one live line in a notebook
 * }</pre>
 */
public final class Display {

    /** What a front end does with displayed values. */
    public interface Target {
        /** Shows {@code value} now; returns an id for {@link #update}. */
        String show(Object value);

        /** Replaces what was shown under {@code id} with {@code value}. */
        void update(String id, Object value);
    }

    private static volatile Target target;

    private Display() {
    }

    /** Makes {@code front} the target of displays in this JVM (one front end runs per JVM). */
    public static void attach(Target front) {
        target = front;
    }

    /** Shows {@code value} in the running cell's output; returns the display id. */
    public static String display(Object value) {
        return requireTarget().show(value);
    }

    /** Replaces the output shown under {@code displayId} (from {@link #display}) with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        requireTarget().update(displayId, value);
    }

    private static Target requireTarget() {
        Target current = target;
        if (current == null) {
            throw new IllegalStateException("display(...) works in the Wengert kernel and in ./wengert; "
                    + "in plain JShell print the value or save it, e.g. plot.save(\"plot.svg\")");
        }
        return current;
    }
}
