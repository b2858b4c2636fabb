package dev.wengert.core;

/**
 * A scalar function of parameters and one row of data, written over {@link Num}: the shape of
 * a fit's per-row model ({@code dev.wengert.fit.Model} is one). The row's values are plain
 * doubles; only {@code p} is differentiated.
 *
 * <pre>{@code
 * RowFn michaelisMenten = (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0]));   // y = a·x/(b + x)
 * }</pre>
 */
@FunctionalInterface
public interface RowFn {

    /** The value for parameters {@code p} and the row's values {@code x}. */
    Num apply(Num[] p, double[] x);
}
