package dev.wengert.optim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listeners that hear every optimization run in this JVM, and the switch of the JShell
 * progress line.
 *
 * <p>The progress line is one line on {@code System.err}, rewritten in place with
 * {@code \r}: iteration, value, gradient norm. By default it is shown only at a terminal: when
 * there is a console, or when this JVM is the execution engine of a {@code jshell} tool (the
 * {@code ./wengert} session, whose output the tool passes to its terminal); never in a notebook
 * kernel or a test. And only for runs that last longer than half a second.
 *
 * <pre>{@code
 * OptimizerEvents.progressLine(false);   // no progress line, anywhere
 * lbfgs().progress(true);                // …except for runs of this optimizer
 * }</pre>
 */
public final class OptimizerEvents {
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

    /** Back to the default: a progress line only when there is a console. */
    public static void progressLineAuto() {
        progressLine = null;
    }

    static List<OptimizerListener> listeners() {
        return LISTENERS;
    }

    /** Whether a run shows the line: its optimizer's choice, else the global switch, else "is there a console". */
    static boolean showProgress(Boolean optimizerChoice) {
        if (optimizerChoice != null) {
            return optimizerChoice;
        }
        Boolean global = progressLine;
        return global != null ? global : AT_TERMINAL;
    }

    /**
     * The jshell tool runs snippets in a separate JVM whose standard streams are pipes (so it has
     * no console) but whose output the tool prints on its terminal; its main class says so.
     */
    private static final boolean AT_TERMINAL = System.console() != null
            || System.getProperty("sun.java.command", "").startsWith("jdk.jshell.execution.RemoteExecutionControl");
}
