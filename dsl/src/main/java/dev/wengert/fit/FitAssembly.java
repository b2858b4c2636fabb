package dev.wengert.fit;

import dev.wengert.core.Num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the solver's answer on in-memory rows into a {@link FitResult}: the model and its exact
 * Jacobian at the answer (the solver's last point, kept, or one more pass), each parameter's
 * status, the rows into {@link RowSums} (the statistics then follow the one path every fit
 * takes), and a scan of the fitted curves for a pole between the data (when the result's
 * warnings are first asked for).
 *
 * <p>What the solver already made at the answer is not made again: for least squares, the QR
 * factor of the rows over the estimated parameters (the refinement's last look at the point
 * makes it, see {@link RowSums#addFactoredRows}), and for a bounded fit the gradient that tells
 * which parameters the bounds hold, where the refinement did not move the parameters.
 */
final class FitAssembly {
    /** Points of the scan of a one-predictor curve between its smallest and largest x. */
    private static final int SCAN_POINTS = 2001;
    /** A fitted value this many times the largest |y| between the data is a spike, not a fit. */
    private static final double SPIKE = 100;

    private FitAssembly() {
    }

    static FitResult assemble(LeastSquares ls, Residuals f, Solver.Solution s, boolean absoluteSigma, long dropped) {
        LeastSquares.Point at = ls.at(s.q());
        try {
            return assemble(ls, f, s, absoluteSigma, dropped, at);
        } finally {
            at.release();
        }
    }

    /** The result at the point, whose arrays are read here only (the result keeps copies). */
    private static FitResult assemble(LeastSquares ls, Residuals f, Solver.Solution s, boolean absoluteSigma,
                                      long dropped, LeastSquares.Point at) {
        ParameterSet ps = ls.parameters();
        double[] p = at.p();
        ParameterStatus[] status = new ParameterStatus[ps.size()];
        for (int j = 0; j < status.length; j++) {
            status[j] = ps.fixed[j] ? ParameterStatus.FIXED : ParameterStatus.ESTIMATED;
        }
        if (at.finite() && ps.bounded()) {
            // only a bound can hold a parameter: without one, no pass over the Jacobian for the
            // gradient; and none where the solver computed it at this very point
            double[] g = s.gradient() != null && java.util.Arrays.equals(s.q(), at.q()) ? s.gradient() : at.gradient();
            for (int c = 0; c < ps.free.length; c++) {
                int j = ps.free[c];
                if (p[j] <= ps.lower[j] && g[c] > 0) {
                    status[j] = ParameterStatus.AT_LOWER_BOUND;
                } else if (p[j] >= ps.upper[j] && g[c] < 0) {
                    status[j] = ParameterStatus.AT_UPPER_BOUND;
                }
            }
        }
        int[] est = Statistics.indices(status, ParameterStatus.ESTIMATED);
        RowSums sums = new RowSums(est.length, ls.loss(), ls.scale());
        double[] values;
        if (at.eval() != null) {
            values = at.eval().values();
            Factor made = ls.hasRows(f.responses(), f.weights()) ? madeFactor(ls, at, est) : null;
            if (made == null || !sums.addFactoredRows(f.responses(), f.weights(), values, made)) {
                // every row at once: the Jacobian's estimated columns straight into the sums' block QR
                sums.addRows(f.responses(), f.weights(), values, at.eval().jacobian(), est);
            }
        } else {
            values = new double[f.rows()];
            java.util.Arrays.fill(values, Double.NaN);
            for (Dataset d : f.parts()) {
                for (int r = 0; r < d.size(); r++) {
                    sums.add(d.data.y[r], d.data.w[r], Double.NaN, new double[est.length]);
                }
            }
        }
        List<FitResult.Part> parts = new ArrayList<>();
        for (int k = 0; k < f.parts().size(); k++) {
            Dataset d = f.parts().get(k);
            parts.add(new FitResult.Part(d.data.responseName, d.data.predictorNames.clone(), d.data.weighted, d,
                    d.data, f.slice(values, k)));
        }
        // the pole scan evaluates the model at 2,001 points: done when the warnings are first asked for
        List<Dataset> scanned = f.parts();
        double[] scanAt = p.clone();
        FitResult.LateWarnings poles = !at.finite() ? FitResult.LateWarnings.NONE : new FitResult.LateWarnings(() -> {
            List<String> found = new ArrayList<>();
            for (Dataset d : scanned) {
                String pole = poleScan(d, scanAt);
                if (pole != null) {
                    found.add(pole);
                }
            }
            return found;
        });
        return FitResult.create(ps.names, p, status, sums, absoluteSigma, dropped, s.iterations(),
                s.evaluations(), s.converged(), s.reason(), List.of(), parts, poles);
    }

    /**
     * The factor of the rows over the estimated parameters that the solver already made at this
     * point, or null. Only for least squares: with a robust loss the statistics scale the rows
     * as scipy's least_squares does (√a·J, ρ′/√a·r), not as the solver's residuals r̃, so its
     * factor is not theirs. The columns are the estimated parameters among the free ones (all of
     * them, unless a bound holds one), in order.
     */
    private static Factor madeFactor(LeastSquares ls, LeastSquares.Point at, int[] est) {
        if (ls.loss() != Loss.LINEAR || !at.finite() || at.n() != ls.rows()) {
            return null;
        }
        int[] free = ls.parameters().free;
        int[] cols = new int[est.length];
        int e = 0;
        for (int c = 0; c < free.length && e < est.length; c++) {
            if (free[c] == est[e]) {
                cols[e++] = c;
            }
        }
        return e == est.length ? at.madeFactor(cols, -1.0) : null;
    }

    /**
     * For a per-row model of one predictor: the fitted curve between the smallest and largest x
     * of the data, on a fine grid. A value that is not finite, or one far beyond every response
     * (a spike between two rows), means the curve passes a pole of the model: the fit then ended
     * next to one, whatever its sum of squares says.
     */
    private static String poleScan(Dataset d, double[] p) {
        if (d.model == null || d.data.predictorNames.length != 1 || d.size() < 2) {
            return null;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double ymax = 0;
        for (int i = 0; i < d.size(); i++) {
            lo = Math.min(lo, d.data.x(i, 0));
            hi = Math.max(hi, d.data.x(i, 0));
            ymax = Math.max(ymax, Math.abs(d.data.y[i]));
        }
        if (!(hi > lo)) {
            return null;
        }
        double limit = SPIKE * Math.max(ymax, Double.MIN_NORMAL);
        // the parameters as constants once for the whole grid, and one buffer for x (the model is
        // evaluated on plain numbers: predict(p, x) for every point, without its allocations)
        Num[] par = Dataset.constants(p);
        double[] at = new double[1];
        for (int i = 0; i < SCAN_POINTS; i++) {
            double x = lo + (hi - lo) * i / (SCAN_POINTS - 1);
            double v;
            try {
                at[0] = x;
                v = d.predictRow(par, at);
            } catch (RuntimeException e) {
                v = Double.NaN;
            }
            if (!Double.isFinite(v) || Math.abs(v) > limit) {
                return String.format(Locale.ROOT, "the fitted curve%s passes a pole of the model between the data: at "
                        + "%s = %.6g it is %.4g, against responses of at most %.4g in size; the fit ended next to a "
                        + "pole, so its estimates and bands mean nothing there — keep the parameters away from it with "
                        + "bounds (e.g. .lower(name, 0)) or start elsewhere",
                        d.label == null ? "" : " of " + d.label, d.data.predictorNames[0], x, v, ymax);
            }
        }
        return null;
    }
}
