package dev.wengert.fit;

import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.optim.ConvergenceChecker;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Levenberg–Marquardt (Commons Math, with its MINPACK-style internal scaling of the
 * parameters by the Jacobian's column norms) fed the exact Jacobian, with the recovery a
 * careful analyst would try when it fails:
 * <ol>
 *   <li>LM from the start, trust region starting at 100·‖D·p₀‖ (MINPACK's default);</li>
 *   <li>if it ran out of evaluations or stalled: LM again from the start with a cautious
 *       trust region (0.01·‖D·p₀‖), which keeps early steps out of far-away local minima and
 *       regions where the model is undefined;</li>
 *   <li>restarts from the best point seen so far, which resets LM's internal scaling (its
 *       column norms only ever grow, so a long run can end up badly scaled).</li>
 * </ol>
 * Every converged run is confirmed by one more LM run from its end point (a restart that must
 * not move), because LM's relative-reduction test can stop early on a long, flat valley, and
 * then polished by {@link Refinement} (Newton steps with the exact gradient and Hessian). What happened is
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

    /** The free parameters at the end, and the account of how the solver got there. */
    record Solution(double[] q, int iterations, int evaluations, boolean converged, String reason) {
    }

    private record Run(double[] q, int iterations, int evaluations, boolean converged, String how) {
    }

    static Solution solve(LeastSquares f, double[] start, int maxEvaluations) {
        return f.parameters().bounded() ? solveBounded(f, start, maxEvaluations) : solveFree(f, start, maxEvaluations);
    }

    private static Solution solveFree(LeastSquares f, double[] start, int maxEvaluations) {
        int[] budget = {maxEvaluations};
        List<String> story = new ArrayList<>();
        int iterations = 0;
        int evaluations = 0;
        LmAdapter lmf = new LmAdapter(f);

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
        if (run.converged) {
            // the confirming restart: LM resets its scaling and must find no better point
            Run confirm = run(f, lmf, run.q, 100, budget, budget[0]);
            iterations += confirm.iterations;
            evaluations += confirm.evaluations;
            if (confirm.converged) {
                run = confirm;
            }
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
        boolean[] held = held(f, r.q(), lo, hi);
        evaluations += f.passes() - before;
        return finish(f, run, head, story, iterations, evaluations, maxEvaluations, held);
    }

    /** The parameters on a bound with the gradient pushing outward: the refinement leaves them there. */
    static boolean[] held(LeastSquares f, double[] q, double[] lo, double[] hi) {
        boolean[] h = new boolean[q.length];
        LeastSquares.Point at = f.at(q);
        if (!at.finite()) {
            return h;
        }
        double[] g = at.gradient();
        for (int j = 0; j < q.length; j++) {
            h[j] = (q[j] <= lo[j] && g[j] > 0) || (q[j] >= hi[j] && g[j] < 0);
        }
        return h;
    }

    private static Solution finish(LeastSquares f, Run run, String head, List<String> story, int iterations,
                                   int evaluations, int maxEvaluations, boolean[] held) {
        double[] q = run.converged ? run.q : (f.bestPoint() != null ? f.bestPoint() : run.q);
        int polished = 0;
        if (run.converged) {
            int before = f.passes();
            q = Refinement.refine(f, q, held);
            polished = f.passes() - before;
            evaluations += polished;
        }
        StringBuilder reason = new StringBuilder(run.converged ? "converged: " + head
                : "did not converge within " + maxEvaluations + " evaluations; the result is the best point found, "
                        + "not a minimum (try other start values or a larger maxEvaluations)");
        if (polished > 0) {
            reason.append(", then Newton refinement with the exact gradient and Hessian (").append(polished).append(" evaluation")
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

    private static String outcome(Run r) {
        return r.converged ? "converged" : r.how;
    }

    private static Run run(LeastSquares f, LmAdapter lmf, double[] start, double stepBound, int[] budget, int allowance) {
        if (budget[0] <= 0) {
            return new Run(start, 0, 0, false, "no evaluations left");
        }
        LevenbergMarquardtOptimizer lm = new LevenbergMarquardtOptimizer()
                .withInitialStepBoundFactor(stepBound)
                .withCostRelativeTolerance(TOLERANCE)
                .withParameterRelativeTolerance(TOLERANCE)
                .withOrthoTolerance(TOLERANCE);
        int before = f.passes();
        // never stops LM itself (its own tests decide); it is only told each accepted iteration
        int[] iterations = {0};
        ConvergenceChecker<LeastSquaresProblem.Evaluation> counter = (iteration, previous, current) -> {
            iterations[0] = iteration;
            return false;
        };
        var problem = new LeastSquaresBuilder()
                .checker(counter)
                .start(start)
                .model(lmf)
                .target(lmf.target())
                .maxEvaluations(Math.min(budget[0], allowance))
                .maxIterations(Math.min(budget[0], allowance))
                .lazyEvaluation(false)
                .build();
        try {
            LeastSquaresOptimizer.Optimum o = lm.optimize(problem);
            int used = f.passes() - before;
            budget[0] -= used;
            return new Run(o.getPoint().toArray(), o.getIterations(), used, true,
                    "(it met its " + TOLERANCE + " tolerances on the relative change of the sum of squares, "
                            + "on the step, or on the angle between residuals and Jacobian)");
        } catch (ConvergenceException e) {
            int used = f.passes() - before;
            budget[0] -= used;
            if (atMachinePrecision(e) && f.bestPoint() != null) {
                // LM's tolerances cannot be met in floating point: its best point is as good as it gets
                return new Run(f.bestPoint(), iterations[0], used, true,
                        "(stopped at machine precision: " + e.getMessage() + ")");
            }
            return new Run(start, iterations[0], used, false, "stopped: " + e.getMessage());
        } catch (TooManyEvaluationsException | TooManyIterationsException e) {
            int used = f.passes() - before;
            budget[0] -= used;
            return new Run(start, iterations[0], used, false, "used " + used + " evaluation" + (used == 1 ? "" : "s") + " without converging");
        }
    }

    /** LM's "tolerance is too small" stops (LocalizedFormats.TOO_SMALL_*), told apart by their text. */
    private static boolean atMachinePrecision(ConvergenceException e) {
        String m = e.getMessage();
        return m != null && m.contains("too small");
    }
}
