package dev.wengert.fit;

import dev.wengert.core.Num;

/**
 * A system of ordinary differential equations dy/dt = f(t, y, p): from the time, the state and
 * the parameters, the rate of change of each state component, written as ordinary Java over
 * {@link Num} (so the solution is differentiated exactly with respect to p).
 *
 * <pre>{@code
 * // A → B → C with rates k1 = p[0], k2 = p[1]
 * OdeSystem chain = (t, y, p) -> new Num[] {
 *         p[0].times(y[0]).neg(),
 *         p[0].times(y[0]).minus(p[1].times(y[1])),
 *         p[1].times(y[1])};
 * }</pre>
 */
@FunctionalInterface
public interface OdeSystem {

    /** dy/dt at time t and state y, one rate per state component. */
    Num[] rates(Num t, Num[] y, Num[] p);
}
