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
 */
final class Solver {
    /** Relative change of cost and parameters at which LM stops: about 50 ulps, just above rounding. */
    static final double TOLERANCE = 1e-14;

    private Solver() {
    }

    record Solution(double[] p, int iterations, int evaluations, boolean converged, String reason) {
    }

    private record Run(double[] p, int iterations, int evaluations, boolean converged, String how) {
    }

    static Solution solve(Residuals f, double[] start, int maxEvaluations) {
        int[] budget = {maxEvaluations};
        List<String> story = new ArrayList<>();
        int iterations = 0;
        int evaluations = 0;

        // the first attempts get part of the budget, so the recovery always has some left
        Run run = run(f, start, 100, budget, Math.max(1, budget[0] / 2));
        iterations += run.iterations;
        evaluations += run.evaluations;
        if (!run.converged) {
            story.add("LM from the start: " + run.how);
            Run cautious = run(f, start, 0.01, budget, Math.max(1, budget[0] / 2));
            iterations += cautious.iterations;
            evaluations += cautious.evaluations;
            story.add("LM from the start with a small initial trust region: " + outcome(cautious));
            run = cautious;
            for (int k = 1; k <= 3 && !run.converged && budget[0] > 0; k++) {
                double[] best = f.bestPoint();
                if (best == null) {
                    break;
                }
                Run restart = run(f, best, 1, budget, Math.max(1, budget[0] / (4 - k)));
                iterations += restart.iterations;
                evaluations += restart.evaluations;
                story.add("restart " + k + " from the best point so far: " + outcome(restart));
                run = restart;
            }
        }
        if (run.converged) {
            // the confirming restart: LM resets its scaling and must find no better point
            Run confirm = run(f, run.p, 100, budget, budget[0]);
            iterations += confirm.iterations;
            evaluations += confirm.evaluations;
            if (confirm.converged) {
                run = confirm;
            }
        }
        double[] p = run.converged ? run.p : (f.bestPoint() != null ? f.bestPoint() : run.p);
        int polished = 0;
        if (run.converged) {
            int before = f.passes();
            double[] q = Refinement.refine(f, p);
            evaluations += f.passes() - before;
            polished = f.passes() - before;
            p = q;
        }
        String head = run.converged
                ? "converged: Levenberg–Marquardt with the exact " + f.mode().name().toLowerCase()
                        + "-mode Jacobian " + run.how
                : "did not converge within " + maxEvaluations + " evaluations; the result is the best point found, "
                        + "not a minimum (try other start values or a larger maxEvaluations)";
        StringBuilder reason = new StringBuilder(head);
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
        return new Solution(p, iterations, evaluations, run.converged, reason.toString());
    }

    private static String outcome(Run r) {
        return r.converged ? "converged" : r.how;
    }

    private static Run run(Residuals f, double[] start, double stepBound, int[] budget, int allowance) {
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
                .model(f)
                .target(f.target())
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
