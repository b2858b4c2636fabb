package dev.wengert.optim;

/**
 * Progress of an optimization, as events: one at the start, one per iteration, one at the end.
 * Register one on an optimizer ({@link Optimizer#listener(OptimizerListener)}) or for every
 * run ({@link OptimizerEvents#add(OptimizerListener)}, which is how the notebook kernel shows
 * an updating display). Callbacks run on the optimizing thread, between iterations; an
 * exception thrown by a callback ends the run and reaches the caller.
 *
 * <pre>{@code
 * var losses = new ArrayList<Double>();
 * minimize(x -> square(x[0].minus(2)), new double[] {0}, lbfgs().listener((m, it) -> losses.add(it.value())));
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerListener {

    /** The run starts; {@code start} is iteration 0, the start point. */
    default void started(String method, Iteration start) {
    }

    /** An iteration finished at {@code it.point()}. */
    void iteration(String method, Iteration it);

    /** The run ended, for the reason {@code result.reason()}. */
    default void finished(OptimizationResult result) {
    }
}
