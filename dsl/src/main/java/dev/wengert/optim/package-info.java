/**
 * Optimizers: gradient descent to L-BFGS, line searches (Commons Math's Brent search; our own
 * Armijo and strong-Wolfe searches, which Commons Math lacks) and inspectable histories.
 *
 * <pre>{@code
 * // f(x, y) = (1 − x)² + 100 (y − x²)²
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * var r = minimize(rosenbrock, -1.2, 1.0);                                      // L-BFGS
 * var s = minimize(rosenbrock, new double[] {-1.2, 1.0}, conjugateGradient());  // another method
 * r.historyTable();                                                              // a tablesaw Table
 * }</pre>
 *
 * <p><b>Methods.</b> {@code gradientDescent(rate)}, {@code gradientDescent()} (line search),
 * {@code momentum(rate, beta)}, {@code nesterov(rate, beta)}, {@code adam(rate)},
 * {@code conjugateGradient()} (Polak–Ribière or Fletcher–Reeves), {@code lbfgs()}; each an
 * {@link dev.wengert.optim.Optimizer} with fluent settings, each returning an
 * {@link dev.wengert.optim.OptimizationResult}.
 *
 * <p><b>Gradients.</b> Every evaluation goes through {@code valueAndGradient(f, x)}: reverse
 * mode on a private tape, so optimizing never grows the implicit tape and works from any thread.
 * Line searches that need values only evaluate f on constants (no tape at all).
 *
 * <p><b>The implicit form.</b> {@code minimize(() -> loss, params)} moves parameters of a
 * {@link dev.wengert.optim.Params} holder ({@code params("a", 1.0, "b", 2.0)}), read inside the
 * loss with {@code p.get("a")}. A plain {@code param(...)} cannot be moved: a {@code Num} is
 * immutable, so a loss closed over one computes the same number however often it runs. The
 * holder binds its names to the private-tape parameters of each evaluation while the loss runs,
 * and keeps the best point afterwards.
 *
 * <p><b>Progress.</b> Runs report events to {@link dev.wengert.optim.OptimizerListener}s (per
 * optimizer, or for every run through {@link dev.wengert.optim.OptimizerEvents}); at a terminal
 * a single progress line on {@code System.err} shows long runs (plain lines when the output is
 * a file or a pipe, an updating display in the notebook kernel).
 *
 * <p><b>Commons Math.</b> {@code asObjectiveFunction(f)} and {@code asObjectiveFunctionGradient(f)}
 * run any Commons Math optimizer on exact gradients.
 */
package dev.wengert.optim;
