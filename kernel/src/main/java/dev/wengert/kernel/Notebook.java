package dev.wengert.kernel;

import java.util.UUID;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * What notebook cells call to show values while they run.
 *
 * <p>Every session has top-level {@code display(obj)}, {@code updatableDisplay(obj)} and
 * {@code updateDisplay(id, obj)} methods ({@link dev.wengert.repl.Display}); in the kernel they
 * end here, so cells never name this class:
 *
 * <pre>{@code
 * String line = updatableDisplay("step 0");
 * for (int i = 1; i <= 100; i++) updateDisplay(line, "step " + i);   // one live line
 * }</pre>
 */
public final class Notebook {

    private static volatile WengertKernel kernel;

    private Notebook() {
    }

    static void attach(WengertKernel current) {
        kernel = current;
    }

    /**
     * Shows {@code value} in the running cell's output, richly if it is displayable.
     *
     * @return the display id, to pass to {@link #updateDisplay}
     */
    public static String display(Object value) {
        DisplayData data = new DisplayData(Displays.render(value));
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        WengertKernel current = requireKernel();
        current.flushOutput();
        current.display(data);
        return id;
    }

    /** Replaces the output shown under {@code displayId} (from {@link #display}) with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        DisplayData data = new DisplayData(Displays.render(value));
        data.setDisplayId(displayId);
        WengertKernel current = requireKernel();
        current.flushOutput();
        current.getIO().display.updateDisplay(data);
    }

    private static WengertKernel requireKernel() {
        WengertKernel current = kernel;
        if (current == null) {
            throw new IllegalStateException("display(...) works inside the Wengert Jupyter kernel; "
                    + "in plain JShell print the value or save it, e.g. plot.save(\"plot.svg\")");
        }
        return current;
    }
}
