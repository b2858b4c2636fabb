package dev.wengert.optim;

import dev.wengert.core.ValueAndGradient;

import java.util.ArrayList;
import java.util.List;

/**
 * One optimization run: the current point, the best point, the history, the stopping tests
 * and the listeners. The methods drive it: they propose points and call {@link #accept};
 * everything they have in common (recording, stopping, reporting) lives here.
 */
final class Run {
    final Objective objective;
    private final String method;
    private final Optimizer<?> settings;
    private final List<String> names;
    private final boolean keepPoints;
    private final List<OptimizerListener> listeners = new ArrayList<>();
    private final History history;

    private double[] x;
    private double f;
    private double[] g;
    private int iteration;

    private double[] bestX;
    private double bestF;
    private double[] bestG;

    private String reason;
    private boolean converged;

    Run(Objective objective, Optimizer<?> settings, List<String> names) {
        this.objective = objective;
        this.method = settings.name();
        this.settings = settings;
        this.names = names;
        this.keepPoints = settings.keepsPoints(objective.dimension());
        this.history = new History(settings.historyLimit());
        listeners.addAll(settings.listeners());
        listeners.addAll(OptimizerEvents.listeners());
        if (OptimizerEvents.showProgress(settings.progressChoice())) {
            listeners.add(new ProgressLine(System.err, OptimizerEvents.liveProgress()));
        }
    }

    /** Evaluates the start point; a non-finite value or gradient there is the caller's error. */
    void start(double[] x0, String caller) {
        ValueAndGradient vg = objective.valueAndGradient(x0);
        if (!Double.isFinite(vg.value()) || !Vectors.finite(vg.gradient())) {
            throw new IllegalArgumentException(caller + ": at the start point " + Format.point(x0, 8) + " f = "
                    + vg.value() + " and ∇f = " + Format.point(vg.gradient(), 8)
                    + "; minimisation needs a finite value and gradient there. Start inside the domain of f "
                    + "(e.g. away from log(0), division by zero or overflow).");
        }
        x = x0.clone();
        f = vg.value();
        g = vg.gradient();
        bestX = x;
        bestF = f;
        bestG = g;
        Iteration it0 = new Iteration(0, keepPoints ? x.clone() : new double[0], f, Vectors.norm(g), 0);
        history.add(it0);
        for (OptimizerListener l : listeners) {
            l.started(method, it0);
        }
        if (Vectors.norm(g) <= settings.gradientTolerance()) {
            stop("the gradient norm " + Format.g(Vectors.norm(g)) + " ≤ " + Format.g(settings.gradientTolerance())
                    + " at the start point", true);
        }
    }

    double[] x() {
        return x;
    }

    double f() {
        return f;
    }

    double[] g() {
        return g;
    }

    int iteration() {
        return iteration;
    }

    boolean running() {
        return reason == null;
    }

    /** A line from the current point along d. */
    Line line(double[] d) {
        return new Line(objective, x, f, g, d);
    }

    /** Evaluates a point and accepts it as the next iterate. */
    boolean accept(double[] xNew) {
        ValueAndGradient vg = objective.valueAndGradient(xNew);
        return accept(xNew, vg.value(), vg.gradient());
    }

    boolean accept(Trial t) {
        return accept(t.x(), t.f(), t.g());
    }

    /**
     * Records the next iterate and applies the stopping tests. Returns whether to go on.
     * A non-finite value or gradient is not taken: the run stops and keeps its best point.
     */
    boolean accept(double[] xNew, double fNew, double[] gNew) {
        iteration++;
        double step = Vectors.distance(xNew, x);
        if (!Double.isFinite(fNew) || !Vectors.finite(gNew)) {
            stop("f = " + fNew + (Double.isFinite(fNew) ? " with a non-finite gradient" : "") + " at iteration "
                    + iteration + " (a step of length " + Format.g(step) + "); stopped and kept the best point "
                    + "found, f = " + bestF + ". A smaller rate or a line search avoids this.", false);
            iteration--;
            return false;
        }
        double fOld = f;
        x = xNew;
        f = fNew;
        g = gNew;
        if (f <= bestF) {
            bestX = x;
            bestF = f;
            bestG = g;
        }
        double gnorm = Vectors.norm(g);
        Iteration it = new Iteration(iteration, keepPoints ? x.clone() : new double[0], f, gnorm, step);
        history.add(it);
        for (OptimizerListener l : listeners) {
            l.iteration(method, it);
        }
        double change = Math.abs(fOld - f);
        double scale = Math.max(Math.abs(fOld), Math.abs(f));
        if (gnorm <= settings.gradientTolerance()) {
            stop("gradient norm " + Format.g(gnorm) + " ≤ " + Format.g(settings.gradientTolerance()), true);
        } else if (settings.relativeTolerance() > 0 && change <= settings.relativeTolerance() * scale) {
            stop("relative change of f " + Format.g(scale == 0 ? 0 : change / scale) + " ≤ "
                    + Format.g(settings.relativeTolerance()), true);
        } else if (iteration >= settings.maxIterations()) {
            stop("iteration limit " + settings.maxIterations() + " reached (gradient norm " + Format.g(gnorm) + ")",
                    false);
        }
        return running();
    }

    /** Ends the run; the first reason given is the one reported. */
    void stop(String why, boolean hasConverged) {
        if (reason == null) {
            reason = why;
            converged = hasConverged;
        }
    }

    /** The line search found no lower point along a descent direction. */
    void stopNoDecrease() {
        stop("the line search found no lower value along the search direction (gradient norm "
                + Format.g(Vectors.norm(g)) + "; f is flat to rounding there, or the tolerance is tighter "
                + "than f's accuracy)", false);
    }

    void stopEvaluationLimit() {
        stop("evaluation limit " + settings.maxEvaluations() + " reached after " + iteration + " iterations (raise it "
                + "with .maxEvaluations(n))", false);
    }

    /** The thread was interrupted: the run ends with the best point so far. */
    void stopInterrupted() {
        stop("interrupted after " + iteration + " iterations; the best point so far is kept (f = " + bestF
                + "): continue from it with minimize(f, r.x(), method)", false);
    }

    OptimizationResult result() {
        OptimizationResult r = new OptimizationResult(method, names, bestX.clone(), bestF, bestG.clone(), iteration,
                objective.evaluations(), converged, reason == null ? "stopped" : reason, history.rows());
        for (OptimizerListener l : listeners) {
            l.finished(r);
        }
        return r;
    }
}
