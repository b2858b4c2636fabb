package dev.wengert.optim;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions shared by the optimizer tests. */
final class Checks {
    private Checks() {
    }

    /**
     * f reached one of the published minima: within {@code zero} of a minimum of 0, within
     * the problem's relative tolerance of a non-zero one; and, where the minimiser is
     * published and the global minimum was reached, x is within 2e-4 (relative) of it.
     */
    static void reachesPublishedMinimum(Mgh.Problem p, OptimizationResult r, double zero) {
        int hit = -1;
        double[] minima = p.minima();
        for (int k = 0; k < minima.length && hit < 0; k++) {
            double m = minima[k];
            if (m == 0 ? r.value() <= zero : Math.abs(r.value() - m) <= p.relative() * m) {
                hit = k;
            }
        }
        assertTrue(hit >= 0, () -> p + ": f = " + r.value() + " is none of the published minima "
                + java.util.Arrays.toString(minima) + "; " + r);
        if (hit == 0 && p.xStar() != null) {
            double[] x = r.x();
            for (int i = 0; i < x.length; i++) {
                double s = p.xStar()[i];
                double tol = s == 0 ? 1e-6 : 2e-4 * Math.abs(s);
                int ii = i;
                assertEquals(s, x[i], tol, () -> p + ": x[" + ii + "]; " + r);
            }
        }
    }

    /** Every iteration's value is at most the previous one's. */
    static void monotone(OptimizationResult r) {
        List<Iteration> h = r.history();
        for (int k = 1; k < h.size(); k++) {
            int kk = k;
            assertTrue(h.get(k).value() <= h.get(k - 1).value(),
                    () -> r.method() + ": f rose at iteration " + kk + ": " + h.get(kk - 1).value() + " → " + h.get(kk).value());
        }
    }

    /** The bookkeeping every result must satisfy, whatever the method. */
    static void consistent(OptimizationResult r) {
        List<Iteration> h = r.history();
        assertEquals(r.iterations() + 1, h.size(), "one history row per iteration, plus the start");
        assertEquals(0, h.get(0).iteration());
        assertEquals(0.0, h.get(0).step());
        assertTrue(r.evaluations() >= r.iterations() + 1, "at least one evaluation per iteration and the start");
        assertTrue(r.reason() != null && !r.reason().isEmpty());
        double best = Double.POSITIVE_INFINITY;
        for (Iteration it : h) {
            best = Math.min(best, it.value());
        }
        assertEquals(best, r.value(), 0.0, "the result is the best point of the history");
    }
}
