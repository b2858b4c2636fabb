package dev.wengert.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer's history with a bounded number of rows. While a run is short it keeps every
 * iteration. When the rows reach the limit it drops every other one and from then on keeps
 * only iterations that are multiples of a stride, doubled each time the rows fill up again,
 * plus always the latest iteration. So a run of any length keeps at most {@code limit} rows:
 * iteration 0, every k-th iteration (k the smallest power of two that fits) and the last,
 * spread evenly over the whole run, which is what a loss curve or a path on a contour needs.
 * Listeners still hear every iteration.
 */
final class History {
    private final int limit;
    private final List<Iteration> rows = new ArrayList<>();
    private int stride = 1;
    /** The latest iteration when it is not a multiple of the stride (shown last), else null. */
    private Iteration latest;

    /** @param limit at most this many rows, at least 2 (iteration 0 and the latest) */
    History(int limit) {
        if (limit < 2) {
            throw new IllegalArgumentException("history limit " + limit + ": keep at least 2 rows");
        }
        this.limit = limit;
    }

    void add(Iteration it) {
        // the rows and the latest iteration off the stride together stay within the limit
        while (rows.size() == limit) {
            stride *= 2;
            rows.removeIf(r -> r.iteration() % stride != 0);
        }
        if (it.iteration() % stride == 0) {
            rows.add(it);
            latest = null;
        } else {
            latest = it;
        }
    }

    /** The rows kept, in order of iteration: iteration 0, every stride-th, and the latest. */
    List<Iteration> rows() {
        List<Iteration> all = new ArrayList<>(rows.size() + 1);
        all.addAll(rows);
        if (latest != null) {
            all.add(latest);
        }
        return all;
    }

    /** 1 while every iteration is kept; then the spacing of the kept iterations. */
    int stride() {
        return stride;
    }
}
