package dev.wengert.optim;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A minimisation method with its settings. Made by the facade's factories
 * ({@code lbfgs()}, {@code gradientDescent(0.1)}, {@code adam(0.01)}, …), tuned with fluent
 * setters, and run with {@code minimize(f, x0, method)} or {@code method.minimize(f, x0)}.
 *
 * <pre>{@code
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * var r = lbfgs().memory(5).gradientTolerance(1e-10).minimize(rosenbrock, -1.2, 1.0);
 * }</pre>
 *
 * <p><b>Stopping.</b> A run stops at the first of: gradient norm ‖∇f‖₂ ≤
 * {@link #gradientTolerance(double)} (default 1e-6; converged); a relative change of f over
 * one iteration, |Δf| ≤ {@link #relativeTolerance(double)}·max(|f|, |f_previous|) (default
 * 1e-12; converged); {@link #maxIterations(int)}; {@link #maxEvaluations(long)} (default
 * 100,000, raised with maxIterations); a line search that finds no lower value; a NaN or
 * infinite value or gradient; an interrupt of the thread (Jupyter's interrupt, Ctrl-C in
 * {@code ./wengert}), which ends the run at its next evaluation with its best point so far.
 * {@link OptimizationResult#reason()} says which, with the numbers.
 *
 * <p>An optimizer is a description: it holds no state of a run, so one object can run many
 * times, though not from two threads at once while its settings change.
 *
 * @param <S> the concrete method, so fluent setters keep their type
 */
public abstract class Optimizer<S extends Optimizer<S>> {
    /** Points are kept in the history up to this dimension unless {@link #keepPoints} says otherwise. */
    static final int KEEP_POINTS_UP_TO = 10_000;
    /** Rows an optimizer's history keeps by default (see {@link #historyLimit(int)}). */
    static final int DEFAULT_HISTORY_LIMIT = 10_000;

    /** The evaluation budget when neither limit is set. */
    static final long DEFAULT_MAX_EVALUATIONS = 100_000;
    /** The evaluations per iteration {@link #maxIterations(int)} budgets: more than any line search takes. */
    static final int EVALUATIONS_PER_ITERATION = 50;

    private int maxIterations;
    private long maxEvaluations = DEFAULT_MAX_EVALUATIONS;
    private boolean evaluationsSet;
    private double gradientTolerance = 1e-6;
    private double relativeTolerance = 1e-12;
    private Boolean progress;
    private Boolean keepPoints;
    private int historyLimit = DEFAULT_HISTORY_LIMIT;
    private boolean compiled;
    private final List<OptimizerListener> listeners = new ArrayList<>();

    Optimizer(int defaultMaxIterations) {
        this.maxIterations = defaultMaxIterations;
    }

    @SuppressWarnings("unchecked")
    final S self() {
        return (S) this;
    }

    /** The method and its main setting, as results and progress lines show it. */
    public abstract String name();

    /** Runs the method from the state prepared by {@link Run#start}; returns once the run has stopped. */
    abstract void iterate(Run run);

    // ---- settings -------------------------------------------------------------------------

    /**
     * Stop after this many iterations (not converged). Unless {@link #maxEvaluations(long)} was
     * set too, the evaluation budget grows with it (to {@value #EVALUATIONS_PER_ITERATION}
     * evaluations per iteration, line searches included), so the iteration limit is the one that
     * applies.
     */
    public S maxIterations(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxIterations(" + n + "): allow at least one iteration");
        }
        this.maxIterations = n;
        if (!evaluationsSet) {
            this.maxEvaluations = Math.max(DEFAULT_MAX_EVALUATIONS, EVALUATIONS_PER_ITERATION * (long) n);
        }
        return self();
    }

    /** Stop after this many evaluations of f, line searches included (not converged). */
    public S maxEvaluations(long n) {
        if (n < 2) {
            throw new IllegalArgumentException("maxEvaluations(" + n + "): allow at least two evaluations");
        }
        this.maxEvaluations = n;
        this.evaluationsSet = true;
        return self();
    }

    /** Converged once ‖∇f‖₂ ≤ tol (with 0, only where the gradient is exactly zero). */
    public S gradientTolerance(double tol) {
        if (!(tol >= 0)) {
            throw new IllegalArgumentException("gradientTolerance(" + tol + "): give a tolerance ≥ 0");
        }
        this.gradientTolerance = tol;
        return self();
    }

    /** Converged once an iteration changes f by at most tol relative to |f|; 0 turns this test off. */
    public S relativeTolerance(double tol) {
        if (!(tol >= 0)) {
            throw new IllegalArgumentException("relativeTolerance(" + tol + "): give a tolerance ≥ 0");
        }
        this.relativeTolerance = tol;
        return self();
    }

    /** Shows (true) or hides (false) the JShell progress line for this optimizer's runs. */
    public S progress(boolean on) {
        this.progress = on;
        return self();
    }

    /** Whether each history row keeps its point (default: when there are at most 10,000 coordinates). */
    public S keepPoints(boolean keep) {
        this.keepPoints = keep;
        return self();
    }

    /**
     * The most rows {@link OptimizationResult#history()} keeps (default 10,000), so a long run
     * holds a bounded amount of memory. A run of up to that many iterations keeps every one;
     * a longer run keeps iteration 0, every k-th iteration (k the smallest power of two that
     * fits, so the rows spread evenly over the whole run) and the last. Listeners still hear
     * every iteration. A row costs about 70 bytes, and 8 more per coordinate when points are kept.
     *
     * <pre>{@code
     * var r = gradientDescent(1e-6).historyLimit(100).maxIterations(50_000).gradientTolerance(0)
     *         .relativeTolerance(0).minimize(x -> square(x[0].minus(3)), 0.0);
     * r.history().size();   // 99: iterations 0, 512, 1024, …, 49664 and the last, 50000
     * }</pre>
     */
    public S historyLimit(int rows) {
        if (rows < 2) {
            throw new IllegalArgumentException("historyLimit(" + rows + "): keep at least 2 rows (the start "
                    + "point and the last iteration); the default is " + DEFAULT_HISTORY_LIMIT);
        }
        this.historyLimit = rows;
        return self();
    }

    /**
     * Records f once, at the start point, and replays that recording for every later gradient
     * ({@code compile(f, x0)}) instead of recording f anew at each evaluation. For a loss written
     * as a loop over scalars a gradient then costs a few times the function instead of hundreds
     * of times (see {@code bench/RESULTS.md}). Branches f takes on recorded values are guarded:
     * a replay that would take another branch records f again, so every value and gradient, and
     * so the whole run, is the same to the bit as without this setting. Values a line search
     * asks for alone (Brent's) replay the same recording, values only.
     *
     * <p>Not for an f that reads anything besides its arguments that changes from call to call
     * (a minibatch drawn inside f, a field a listener updates): a replay keeps the numbers the
     * recording read. It applies to {@code minimize(f, x0)} and to a loss over a {@link Params}
     * holder; a loss over plain parameters moved in place is recorded at every step all the
     * same (it is evaluated through a rule whose value and gradient re-run it).
     *
     * <pre>{@code
     * Fn f = x -> { Num s = constant(0); for (int i = 0; i + 1 < x.length; i++) s = s.plus(square(x[i + 1].minus(square(x[i])))); return s; };
     * lbfgs().compiled().minimize(f, new double[1000]);   // the same result as lbfgs().minimize(f, …), faster
     * }</pre>
     */
    public S compiled() {
        this.compiled = true;
        return self();
    }

    /** Adds a listener that hears this optimizer's runs. */
    public S listener(OptimizerListener l) {
        if (l == null) {
            throw new IllegalArgumentException("listener(null): pass a listener, e.g. (method, it) -> …");
        }
        listeners.add(l);
        return self();
    }

    int maxIterations() {
        return maxIterations;
    }

    long maxEvaluations() {
        return maxEvaluations;
    }

    double gradientTolerance() {
        return gradientTolerance;
    }

    double relativeTolerance() {
        return relativeTolerance;
    }

    Boolean progressChoice() {
        return progress;
    }

    int historyLimit() {
        return historyLimit;
    }

    boolean keepsPoints(int n) {
        return keepPoints != null ? keepPoints : n <= KEEP_POINTS_UP_TO;
    }

    List<OptimizerListener> listeners() {
        return Collections.unmodifiableList(listeners);
    }

    // ---- running --------------------------------------------------------------------------

    /**
     * Minimises f from x0.
     *
     * <pre>{@code
     * adam(0.1).minimize(x -> square(x[0].minus(3)), 0.0).x();   // ≈ [3.0]
     * }</pre>
     *
     * @throws IllegalArgumentException for a null f, an empty or non-finite x0, an f that reads
     *                                  more coordinates than x0 has, or a non-finite f or ∇f at x0
     */
    public final OptimizationResult minimize(Fn f, double... x0) {
        String caller = "minimize(f, x0) with " + name();
        if (f == null) {
            throw new IllegalArgumentException(caller + ": f is null; pass a function, e.g. x -> square(x[0])");
        }
        checkStart(x0, caller);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < x0.length; i++) {
            names.add("x" + i);
        }
        return run(f, x0.clone(), names, caller);
    }

    /**
     * Minimises a loss over the parameters of a {@link Params} holder, and leaves them at the
     * best point found. The loss must read the parameters with {@code p.get(...)} as it runs.
     *
     * <pre>{@code
     * var p = params("a", 0.0, "b", 0.0);
     * lbfgs().minimize(() -> square(p.get("a").minus(3)).plus(square(p.get("b").plus(1))), p);
     * p.value("a");   // ≈ 3.0
     * }</pre>
     */
    public final OptimizationResult minimize(Supplier<Num> loss, Params params) {
        if (params == null) {
            throw new IllegalArgumentException("minimize(loss, params): params is null; make them with "
                    + "params(\"a\", 1.0, \"b\", 2.0)");
        }
        return ImplicitLoss.minimize(this, loss, params.slots());
    }

    /**
     * Minimises a loss over the given parameters — plain {@code param(...)} values or those of a
     * {@link Params} holder ({@code p.get("a")}) — re-evaluating the loss from their current
     * values at every step, and leaves them at the best point found. Plain parameters are moved
     * in place; the loss must compute from them inside the lambda (a value derived from them
     * beforehand would keep their old values, and is reported). The implicit tape does not grow.
     *
     * <pre>{@code
     * var a = param("a", 0.0);
     * lbfgs().minimize(() -> square(a.minus(3)), a);
     * a.value();   // ≈ 3.0
     * }</pre>
     *
     * <p>With a holder:
     *
     * <pre>{@code
     * var p = params("a", 0.0, "b", 0.0);
     * lbfgs().minimize(() -> square(p.get("a").minus(3)).plus(square(p.get("b"))), p.get("a"));   // only a moves
     * }</pre>
     */
    public final OptimizationResult minimize(Supplier<Num> loss, Num... params) {
        if (ImplicitLoss.plainParameters(params)) {
            return ImplicitLoss.minimizePlain(this, loss, params);
        }
        return ImplicitLoss.minimize(this, loss, ImplicitLoss.slots(params));
    }

    final OptimizationResult run(Fn f, double[] x0, List<String> names, String caller) {
        Run run = new Run(new Objective(f, x0.length, maxEvaluations, compiled), this, names);
        run.start(x0, caller);
        try {
            if (run.running()) {
                iterate(run);
            }
        } catch (Objective.LimitReached e) {
            run.stopEvaluationLimit();
        } catch (Objective.Interrupted e) {
            run.stopInterrupted();
        }
        return run.result();
    }

    static void checkStart(double[] x0, String caller) {
        if (x0 == null || x0.length == 0) {
            throw new IllegalArgumentException(caller + ": the start point x0 is " + (x0 == null ? "null" : "empty")
                    + "; give one value per coordinate, e.g. minimize(f, -1.2, 1.0)");
        }
        for (int i = 0; i < x0.length; i++) {
            if (!Double.isFinite(x0[i])) {
                throw new IllegalArgumentException(caller + ": x0[" + i + "] = " + x0[i]
                        + "; every coordinate of the start point must be finite");
            }
        }
    }

    static double checkRate(String what, double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException(what + "(" + rate + "): the rate must be positive and finite, e.g. 0.01");
        }
        return rate;
    }

    static double checkBeta(String what, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(what + ": beta = " + beta + " must lie in [0, 1), e.g. 0.9");
        }
        return beta;
    }

    /** The name, e.g. "L-BFGS (m = 10)". */
    @Override
    public String toString() {
        return name();
    }
}
