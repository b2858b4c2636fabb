package dev.wengert.fit;


import java.util.ArrayList;
import java.util.List;

/**
 * Levenberg–Marquardt ({@link Lm}: MINPACK's algorithm, with its internal scaling of the
 * parameters by the Jacobian's column norms, on a QR made from the rows in blocks) fed the
 * exact Jacobian, with the recovery a careful analyst would try when it fails:
 * <ol>
 *   <li>LM from the start, trust region starting at 100·‖D·p₀‖ (MINPACK's default);</li>
 *   <li>if it ran out of evaluations or stalled: LM again from the start with a cautious
 *       trust region (0.01·‖D·p₀‖), which keeps early steps out of far-away local minima and
 *       regions where the model is undefined;</li>
 *   <li>restarts from the best point seen so far, which resets LM's internal scaling (its
 *       column norms only ever grow, so a long run can end up badly scaled).</li>
 * </ol>
 * A converged run whose Gauss–Newton step is not yet within 10⁻⁶ of the parameters is confirmed
 * by one more LM run from its end point (a restart that must not move), because LM's
 * relative-reduction test can stop early on a long, flat valley; then it is polished by {@link Refinement} (Gauss–Newton steps, and Newton steps with the exact Hessian where those converge slowly). What happened is
 * told in {@link Solution#reason()}; a fit that did not converge says so there and in
 * {@code converged()}, and returns the best point seen, never a silent failure.
 *
 * <p>With bounds, {@link BoundedLm} (a projected Levenberg–Marquardt) takes LM's place, with
 * restarts from the best point if it fails; the refinement then polishes the parameters that
 * are not on a bound. Both work on a {@link LeastSquares} problem over the free parameters, so
 * fixed parameters and robust losses need nothing of them.
 */
final class Solver {
    /** Relative change of cost and parameters at which LM stops: about 50 ulps, just above rounding. */
    static final double TOLERANCE = 1e-14;

    private Solver() {
    }

    /**
     * The free parameters at the end, and the account of how the solver got there; {@code
     * gradient}: the cost's gradient at q where the solver computed it there (a bounded fit
     * tells the parameters held on a bound by it, and so do the statistics), else null.
     */
    record Solution(double[] q, int iterations, int evaluations, boolean converged, String reason, boolean interrupted,
                    double[] gradient) {
        Solution(double[] q, int iterations, int evaluations, boolean converged, String reason) {
            this(q, iterations, evaluations, converged, reason, false, null);
        }

        Solution(double[] q, int iterations, int evaluations, boolean converged, String reason, boolean interrupted) {
            this(q, iterations, evaluations, converged, reason, interrupted, null);
        }
    }

    /** A run's outcome; {@code trial}: LM's last, rejected step when it may stand in for q (see {@link #continueFrom}). */
    private record Run(double[] q, int iterations, int evaluations, boolean converged, String how, double[] trial,
                       double norm, double trialNorm) {
        Run(double[] q, int iterations, int evaluations, boolean converged, String how) {
            this(q, iterations, evaluations, converged, how, null, Double.NaN, Double.NaN);
        }
    }

    /**
     * Solves, or, when the thread is interrupted, ends at the best point seen so far with the
     * reason "interrupted": the interrupt flag is cleared so that the statistics can be computed
     * there, and the caller sets it again once they are ({@link Solution#interrupted()}).
     */
    static Solution solve(LeastSquares f, double[] start, int maxEvaluations) {
        try {
            return f.parameters().bounded() ? solveBounded(f, start, maxEvaluations) : solveFree(f, start, maxEvaluations);
        } catch (LeastSquares.Interrupted e) {
            Thread.interrupted();
            double[] best = f.bestPoint();
            int passes = f.passes();
            return new Solution(best != null ? best : start.clone(), 0, passes, false, "interrupted after " + passes
                    + " pass" + (passes == 1 ? "" : "es") + " over the data; the result is the best point found so far, "
                    + "not a minimum (fit again from its parameters to go on)", true);
        }
    }

    private static Solution solveFree(LeastSquares f, double[] start, int maxEvaluations) {
        int[] budget = {maxEvaluations};
        List<String> story = new ArrayList<>();
        int iterations = 0;
        int evaluations = 0;
        LmProblem lmf = new LmProblem(f);

        // the first attempts get part of the budget, so the recovery always has some left
        Run run = run(f, lmf, start, 100, budget, Math.max(1, budget[0] / 2));
        iterations += run.iterations;
        evaluations += run.evaluations;
        if (!run.converged) {
            story.add("LM from the start: " + run.how);
            Run cautious = run(f, lmf, start, 0.01, budget, Math.max(1, budget[0] / 2));
            iterations += cautious.iterations;
            evaluations += cautious.evaluations;
            story.add("LM from the start with a small initial trust region: " + outcome(cautious));
            run = cautious;
            for (int k = 1; k <= 3 && !run.converged && budget[0] > 0; k++) {
                double[] best = f.bestPoint();
                if (best == null) {
                    break;
                }
                Run restart = run(f, lmf, best, 1, budget, Math.max(1, budget[0] / (4 - k)));
                iterations += restart.iterations;
                evaluations += restart.evaluations;
                story.add("restart " + k + " from the best point so far: " + outcome(restart));
                run = restart;
            }
        }
        lmf.release();
        run = continueFrom(f, run);
        if (run.converged && !Refinement.nearMinimum(f, run.q)) {
            // the confirming restart: LM resets its scaling and must find no better point. Where
            // the Gauss–Newton step from LM's end is already within 10⁻⁶ of the parameters (in
            // the Jacobian's scaling), LM did not stop early on a flat valley, and the Newton
            // refinement finishes the job instead: a restart's first steps, a hundred times the
            // parameters long, are rejected one by one, each a pass over the data
            Run confirm = run(f, lmf, run.q, 100, budget, budget[0]);
            iterations += confirm.iterations;
            evaluations += confirm.evaluations;
            if (confirm.converged) {
                run = continueFrom(f, confirm);
            }
            lmf.release();
        }
        String head = "Levenberg–Marquardt with the " + f.model().jacobianKind() + " Jacobian " + run.how;
        return finish(f, run, head, story, iterations, evaluations, maxEvaluations, new boolean[start.length]);
    }

    private static Solution solveBounded(LeastSquares f, double[] start, int maxEvaluations) {
        double[] lo = f.parameters().freeLower();
        double[] hi = f.parameters().freeUpper();
        List<String> story = new ArrayList<>();
        int iterations = 0;
        int evaluations = 0;
        int left = maxEvaluations;
        BoundedLm.Result r = BoundedLm.solve(f, start, lo, hi, Math.max(1, left / 2));
        iterations += r.iterations();
        evaluations += r.evaluations();
        left -= r.evaluations();
        for (int k = 1; k <= 2 && !r.converged() && left > 0 && f.bestPoint() != null; k++) {
            story.add((k == 1 ? "bounded LM from the start: " : "restart " + (k - 1) + ": ") + r.how());
            r = BoundedLm.solve(f, f.bestPoint(), lo, hi, k == 2 ? left : Math.max(1, left / 2));
            iterations += r.iterations();
            evaluations += r.evaluations();
            left -= r.evaluations();
        }
        if (!r.converged()) {
            story.add("last attempt: " + r.how());
        }
        Run run = new Run(r.q(), r.iterations(), r.evaluations(), r.converged(), r.how());
        String head = "projected Levenberg–Marquardt within the bounds, with the " + f.model().jacobianKind()
                + " Jacobian " + r.how();
        int before = f.passes();
        LeastSquares.Point end = f.at(r.q());
        double[] g = end.finite() ? end.gradient() : null;
        end.release();
        boolean[] held = held(r.q(), g, lo, hi);
        evaluations += f.passes() - before;
        Solution s = finish(f, run, head, story, iterations, evaluations, maxEvaluations, held);
        // where the refinement left q alone, the statistics read the parameters on a bound from
        // this gradient instead of making it again (a pass over the Jacobian)
        return g != null && java.util.Arrays.equals(s.q(), r.q())
                ? new Solution(s.q(), s.iterations(), s.evaluations(), s.converged(), s.reason(), false, g)
                : s;
    }

    /** The parameters on a bound with the gradient g (null: not finite there) pushing outward: the refinement leaves them there. */
    static boolean[] held(double[] q, double[] g, double[] lo, double[] hi) {
        boolean[] h = new boolean[q.length];
        if (g == null) {
            return h;
        }
        for (int j = 0; j < q.length; j++) {
            h[j] = (q[j] <= lo[j] && g[j] > 0) || (q[j] >= hi[j] && g[j] < 0);
        }
        return h;
    }

    private static Solution finish(LeastSquares f, Run run, String head, List<String> story, int iterations,
                                   int evaluations, int maxEvaluations, boolean[] held) {
        double[] q = run.converged ? run.q : (f.bestPoint() != null ? f.bestPoint() : run.q);
        int polished = 0;
        String steps = "";
        if (run.converged) {
            int before = f.passes();
            Refinement.Refined refined = Refinement.refined(f, q, held);
            q = refined.q();
            steps = refined.steps();
            polished = f.passes() - before;
            evaluations += polished;
        }
        StringBuilder reason = new StringBuilder(run.converged ? "converged: " + head
                : "did not converge within " + maxEvaluations + " evaluations; the result is the best point found, "
                        + "not a minimum (try other start values or a larger maxEvaluations)");
        if (polished > 0) {
            reason.append(steps.isEmpty() ? ", then a check with the exact gradient: at the minimum to the step tolerance ("
                    : ", then refinement with the exact gradient: " + steps + " (").append(polished).append(" evaluation")
                    .append(polished == 1 ? "" : "s").append(")");
        }
        if (!story.isEmpty()) {
            reason.append(run.converged ? "; recovered after: " : "; tried ").append(String.join("; ", story));
        }
        if (f.notFinitePoints() > 0) {
            reason.append("; ").append(f.notFinitePoints()).append(" trial step")
                    .append(f.notFinitePoints() == 1 ? "" : "s")
                    .append(" reached parameters where the model is not finite and ")
                    .append(f.notFinitePoints() == 1 ? "was" : "were").append(" rejected");
        }
        return new Solution(q, iterations, evaluations, run.converged, reason.toString());
    }

    /**
     * LM usually ends by rejecting one last step whose change of the sum of squares is rounding
     * (its own stopping rule for many rows, or MINPACK's reduction test), and returns the point
     * before it. That trial is the latest evaluation, held with its Jacobian; the accepted point
     * is not, so the refinement starting there would pass over the data once more only to see it
     * again. Where the trial's cost is within the refinement's own rounding allowance of the
     * accepted point's — the test every Newton step of the refinement passes to be taken — it is
     * as good a place to polish from, and the run continues from it: one pass fewer per fit.
     */
    private static Run continueFrom(LeastSquares f, Run run) {
        // a trial whose ‖f‖ is up by more than 10⁻⁷ relative is beyond any rounding of the sum
        // of squares: not looked at (nor, were it not the latest point, evaluated again)
        if (!run.converged || run.trial == null || !(run.trialNorm <= run.norm * 1.0000001)) {
            return run;
        }
        LeastSquares.Point t = f.at(run.trial);             // LM's last evaluation: kept, no pass
        double accepted = 0.5 * run.norm * run.norm;
        boolean asGood = t.finite() && t.cost() <= accepted + f.noise(t);
        t.release();
        if (!asGood) {
            return run;
        }
        return new Run(run.trial, run.iterations, run.evaluations, true, run.how);
    }

    private static String outcome(Run r) {
        return r.converged ? "converged" : r.how;
    }

    private static Run run(LeastSquares f, LmProblem lmf, double[] start, double stepBound, int[] budget, int allowance) {
        if (budget[0] <= 0) {
            return new Run(start, 0, 0, false, "no evaluations left");
        }
        Lm lm = new Lm(stepBound, TOLERANCE, TOLERANCE, TOLERANCE);
        int before = f.passes();
        Lm.Result o = lm.run(lmf, start, Math.min(budget[0], allowance));
        int used = f.passes() - before;
        budget[0] -= used;
        return switch (o.stop()) {
            case CONVERGED -> new Run(o.point(), o.iterations(), used, true,
                    "(it met its " + TOLERANCE + " tolerances on the relative change of the sum of squares, "
                            + "on the step, or on the angle between residuals and Jacobian)", o.trial(), o.norm(),
                    o.trialNorm());
            case EVALUATIONS -> new Run(start, o.iterations(), used, false,
                    "used " + used + " evaluation" + (used == 1 ? "" : "s") + " without converging");
            default -> {
                String why = switch (o.stop()) {
                    case COST_TOO_SMALL -> "the relative change of the sum of squares (" + TOLERANCE
                            + ") is below rounding: no further reduction is possible";
                    case STEP_TOO_SMALL -> "the relative step (" + TOLERANCE
                            + ") is below rounding: no further improvement of the parameters is possible";
                    default -> "the angle between residuals and Jacobian (" + TOLERANCE
                            + ") is below rounding: the residuals are orthogonal to the Jacobian";
                };
                // LM's tolerances cannot be met in floating point: its best point is as good as it gets
                yield f.bestPoint() != null
                        ? new Run(f.bestPoint(), o.iterations(), used, true, "(stopped at machine precision: " + why + ")")
                        : new Run(start, o.iterations(), used, false, "stopped: " + why);
            }
        };
    }
}
