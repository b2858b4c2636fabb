package dev.wengert.optim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listeners that hear every optimization run in this JVM, and the switch of the progress line.
 *
 * <p>The progress line shows iteration, value and gradient norm of runs that last longer than
 * half a second, on {@code System.err}. On a terminal it is one line rewritten in place with
 * {@code \r}; when the output goes to a file or a pipe, it is a plain line every two seconds,
 * so a log has no carriage returns (the Jupyter kernel shows an updating display instead).
 *
 * <p>The system property {@value #PROGRESS_PROPERTY} chooses: {@code live} (the rewritten line),
 * {@code lines} (plain lines) or {@code off}. {@code ./wengert} sets it from whether its standard
 * error is a terminal. Without it, the line is live when the JVM has a console, plain lines in
 * the engine of a stock {@code jshell} tool (which cannot tell whether its output is redirected),
 * and off elsewhere (a notebook kernel, a test, a program using the library).
 *
 * <pre>{@code
 * OptimizerEvents.progressLine(false);   // no progress line, anywhere
 * lbfgs().progress(true);                // …except for runs of this optimizer
 * }</pre>
 */
public final class OptimizerEvents {
    /** The system property that chooses the progress line: {@code live}, {@code lines} or {@code off}. */
    public static final String PROGRESS_PROPERTY = "wengert.progress";

    private static final List<OptimizerListener> LISTENERS = new CopyOnWriteArrayList<>();
    private static volatile Boolean progressLine;

    private OptimizerEvents() {
    }

    /** Hears every run from now on (the kernel renders these as an updating display). */
    public static void add(OptimizerListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("OptimizerEvents.add(null): pass a listener");
        }
        LISTENERS.add(listener);
    }

    /** Stops hearing runs. */
    public static void remove(OptimizerListener listener) {
        LISTENERS.remove(listener);
    }

    /** Turns the progress line on or off for every run whose optimizer did not choose. */
    public static void progressLine(boolean on) {
        progressLine = on;
    }

    /** Back to the default: as {@value #PROGRESS_PROPERTY} says, else a progress line only at a terminal. */
    public static void progressLineAuto() {
        progressLine = null;
    }

    static List<OptimizerListener> listeners() {
        return LISTENERS;
    }

    /**
     * Whether a run shows the line: its optimizer's choice, else the global switch, else the
     * property, else "is this a terminal".
     */
    static boolean showProgress(Boolean optimizerChoice) {
        if (optimizerChoice != null) {
            return optimizerChoice;
        }
        Boolean global = progressLine;
        if (global != null) {
            return global;
        }
        String chosen = chosenStyle();
        return chosen != null ? !chosen.equals("off") : AT_TERMINAL;
    }

    /** Whether the line is rewritten in place (a terminal) rather than written as plain lines. */
    static boolean liveProgress() {
        String chosen = chosenStyle();
        return chosen != null ? chosen.equals("live") : System.console() != null;
    }

    private static String chosenStyle() {
        String value = System.getProperty(PROGRESS_PROPERTY);
        if (value == null || value.isBlank()) {
            return null;
        }
        String style = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (!style.equals("live") && !style.equals("lines") && !style.equals("off")) {
            throw new IllegalArgumentException("-D" + PROGRESS_PROPERTY + "=" + value
                    + " is not a progress style: use live (one line rewritten on a terminal), lines (plain lines"
                    + " for files and pipes) or off");
        }
        return style;
    }

    /**
     * The jshell tool runs snippets in a separate JVM whose standard streams are pipes (so it has
     * no console) but whose output the tool prints, perhaps on a terminal; its main class says so.
     */
    private static final boolean AT_TERMINAL = System.console() != null
            || System.getProperty("sun.java.command", "").startsWith("jdk.jshell.execution.RemoteExecutionControl");
}
