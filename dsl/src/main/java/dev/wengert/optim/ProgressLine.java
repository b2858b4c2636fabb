package dev.wengert.optim;

import java.io.PrintStream;

/**
 * The progress of a long run on System.err, in one of two forms. On a terminal ({@code live}),
 * one line rewritten in place with {@code \r}, at most ten times a second. Into a file or a pipe,
 * plain lines, one every few seconds, so a log reads line by line with no carriage returns.
 * Either waits half a second before it first writes, so quick runs print nothing, and ends
 * with the last iteration on a line of its own only if it wrote.
 */
final class ProgressLine implements OptimizerListener {
    private static final long FIRST_NANOS = 500_000_000L;
    private static final long LIVE_EVERY_NANOS = 100_000_000L;
    private static final long LINES_EVERY_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final boolean live;
    private final long first;
    private final long every;
    private final long start = System.nanoTime();
    private long last;
    private boolean drawn;
    private int lastIteration = -1;
    private int width;

    /** The progress for a terminal ({@code live}) or for a file or pipe. */
    ProgressLine(PrintStream out, boolean live) {
        this(out, live, FIRST_NANOS, live ? LIVE_EVERY_NANOS : LINES_EVERY_NANOS);
    }

    /** With other delays (0 and 0 write every iteration: for tests). */
    ProgressLine(PrintStream out, boolean live, long firstNanos, long everyNanos) {
        this.out = out;
        this.live = live;
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
        if (!drawn) {
            return;
        }
        Iteration lastIt = r.history().get(r.history().size() - 1);
        if (live) {
            draw(r.method(), lastIt);
            out.print('\n');
        } else if (lastIt.iteration() != lastIteration) {
            draw(r.method(), lastIt);
        }
        out.flush();
    }

    private void draw(String method, Iteration it) {
        String s = String.format("%s  iteration %d  f = %s  |g| = %s", method, it.iteration(),
                Format.g(it.value()), Format.g(it.gradientNorm()));
        if (live) {
            // pad with spaces so a shorter line fully covers the previous one
            String pad = s.length() < width ? " ".repeat(width - s.length()) : "";
            width = Math.max(width, s.length());
            out.print('\r' + s + pad);
        } else {
            out.print(s + '\n');
        }
        out.flush();
        drawn = true;
        lastIteration = it.iteration();
    }
}
