package dev.wengert.kernel;

import dev.wengert.optim.Iteration;
import dev.wengert.optim.OptimizationResult;
import dev.wengert.optim.OptimizerListener;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * Shows every optimizer run of a cell as one live output line that updates in place.
 *
 * <p>The DSL announces runs through {@code OptimizerEvents}; in a terminal it rewrites a line
 * on stderr, which in a notebook would print thousands of lines. Here the line is a Jupyter
 * display that is updated (at most every {@value #MIN_UPDATE_MILLIS} ms, so fast optimizers
 * do not flood the front end) and replaced by the final result when the run ends.
 */
final class OptimizerProgress implements OptimizerListener {

    private static final long MIN_UPDATE_MILLIS = 100;

    private final WengertKernel kernel;
    // runs are nested only if user code optimizes inside an objective; the innermost shows
    private final ThreadLocal<Line> line = new ThreadLocal<>();

    OptimizerProgress(WengertKernel kernel) {
        this.kernel = kernel;
    }

    /** The display line of one run. */
    private static final class Line {
        final String displayId;
        long shownAt;

        Line(String displayId) {
            this.displayId = displayId;
            this.shownAt = System.nanoTime();
        }
    }

    @Override
    public void started(String method, Iteration start) {
        if (!kernel.isDisplaying()) {
            return;
        }
        line.set(new Line(Notebook.display(describe(method, start))));
    }

    @Override
    public void iteration(String method, Iteration it) {
        Line current = line.get();
        if (current == null || !kernel.isDisplaying()) {
            return;
        }
        long now = System.nanoTime();
        if (now - current.shownAt >= MIN_UPDATE_MILLIS * 1_000_000) {
            current.shownAt = now;
            Notebook.updateDisplay(current.displayId, describe(method, it));
        }
    }

    @Override
    public void finished(OptimizationResult result) {
        Line current = line.get();
        line.remove();
        if (current == null || !kernel.isDisplaying()) {
            return;
        }
        Notebook.updateDisplay(current.displayId, new DisplayData(result.method() + ": " + result.iterations()
                + " iterations, f = " + result.value() + ", |g| = " + result.gradientNorm() + " (" + result.reason() + ")"));
    }

    // plain text, not a Java string: the line should not show quotes
    private static DisplayData describe(String method, Iteration it) {
        return new DisplayData(method + ": iteration " + it.iteration() + ", f = " + it.value() + ", |g| = " + it.gradientNorm());
    }
}
