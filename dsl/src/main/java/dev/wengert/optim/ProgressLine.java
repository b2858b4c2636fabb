package dev.wengert.optim;

import java.io.PrintStream;

/**
 * The JShell progress line: one line on System.err rewritten with {@code \r}. It waits half a
 * second before it first draws and then redraws at most ten times a second, so quick runs print
 * nothing and long ones do not flood the terminal; it ends with a newline only if it drew.
 */
final class ProgressLine implements OptimizerListener {
    private static final long FIRST_NANOS = 500_000_000L;
    private static final long EVERY_NANOS = 100_000_000L;

    private final PrintStream out;
    private final long first;
    private final long every;
    private final long start = System.nanoTime();
    private long last;
    private boolean drawn;
    private int width;

    ProgressLine(PrintStream out) {
        this(out, FIRST_NANOS, EVERY_NANOS);
    }

    /** With other delays (0 and 0 draw every iteration: for tests). */
    ProgressLine(PrintStream out, long firstNanos, long everyNanos) {
        this.out = out;
        this.first = firstNanos;
        this.every = everyNanos;
    }

    @Override
    public void iteration(String method, Iteration it) {
        long now = System.nanoTime();
        if (now - start < first || (drawn && now - last < every)) {
            return;
        }
        draw(method, it);
        last = now;
    }

    @Override
    public void finished(OptimizationResult r) {
        if (drawn) {
            Iteration lastIt = r.history().get(r.history().size() - 1);
            draw(r.method(), lastIt);
            out.print('\n');
            out.flush();
        }
    }

    private void draw(String method, Iteration it) {
        String s = String.format("%s  iteration %d  f = %s  |g| = %s", method, it.iteration(),
                Format.g(it.value()), Format.g(it.gradientNorm()));
        // pad with spaces so a shorter line fully covers the previous one
        String pad = s.length() < width ? " ".repeat(width - s.length()) : "";
        width = Math.max(width, s.length());
        out.print('\r' + s + pad);
        out.flush();
        drawn = true;
    }
}
