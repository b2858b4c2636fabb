package dev.wengert.optim;

import dev.wengert.core.Fn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history keeps every iteration up to its limit, and past it an even thinning of the whole run. */
class HistoryTest {

    static Iteration row(int k) {
        return new Iteration(k, new double[] {k}, -k, 1.0 / (k + 1), k == 0 ? 0 : 1);
    }

    @Test
    void keepsEveryIterationUpToTheLimit() {
        History h = new History(8);
        for (int k = 0; k < 8; k++) {
            h.add(row(k));
        }
        List<Integer> kept = h.rows().stream().map(Iteration::iteration).toList();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), kept);
        assertEquals(1, h.stride());
    }

    @Test
    void pastTheLimitKeepsIterationZeroEveryKthAndTheLast() {
        for (int limit : new int[] {2, 3, 8, 100}) {
            for (int n : new int[] {limit, limit + 1, 3 * limit + 5, 1000, 4096, 10_007}) {
                History h = new History(limit);
                for (int k = 0; k <= n; k++) {
                    h.add(row(k));
                }
                List<Iteration> rows = h.rows();
                String what = "limit " + limit + ", iterations 0…" + n + ": " + rows.stream().map(Iteration::iteration).toList();
                assertTrue(rows.size() <= limit, what);
                assertEquals(0, rows.get(0).iteration(), what);
                assertEquals(n, rows.get(rows.size() - 1).iteration(), what);
                int s = h.stride();
                assertEquals(0, Integer.bitCount(s) - 1, "a power of two: " + s);
                for (int r = 0; r < rows.size(); r++) {
                    Iteration it = rows.get(r);
                    assertEquals(row(it.iteration()), it, "each row is the iteration it says");
                    if (r < rows.size() - 1) {
                        assertEquals(r * s, it.iteration(), "evenly spaced: " + what);
                    }
                }
                // the spacing is the smallest power of two that fits: half of it would not
                if (s > 1) {
                    assertTrue(n / (s / 2) + 1 > limit - 1, "stride " + s + " is not larger than needed: " + what);
                }
            }
        }
    }

    @Test
    void aLongRunKeepsTheLimitAndListenersHearEveryIteration() {
        Fn f = x -> square(x[0].minus(3)).plus(square(x[1]));
        List<Integer> heard = new ArrayList<>();
        OptimizationResult r = gradientDescent(1e-6).historyLimit(50).maxIterations(5_000).gradientTolerance(0)
                .relativeTolerance(0).progress(false).listener((m, it) -> heard.add(it.iteration()))
                .minimize(f, 0.0, 1.0);
        assertEquals(5_000, r.iterations());
        assertEquals(5_000, heard.size(), "listeners hear every iteration");
        assertTrue(r.history().size() <= 50, "rows: " + r.history().size());
        assertEquals(r.history().size(), r.historyTable().rowCount());
        assertEquals(0, r.history().get(0).iteration());
        assertEquals(5_000, r.history().get(r.history().size() - 1).iteration());
        assertEquals(r.value(), r.history().get(r.history().size() - 1).value(), 0.0, "the last row is the result's point");
        // a run within the default limit keeps every iteration
        OptimizationResult shortRun = gradientDescent(0.1).progress(false).minimize(f, 0.0, 1.0);
        assertTrue(shortRun.iterations() < Optimizer.DEFAULT_HISTORY_LIMIT);
        assertEquals(shortRun.iterations() + 1, shortRun.history().size());
    }

    @Test
    void aLimitBelowTwoIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> lbfgs().historyLimit(1));
        assertTrue(e.getMessage().contains("historyLimit(1)"), e.getMessage());
    }
}
