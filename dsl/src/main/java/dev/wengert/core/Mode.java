package dev.wengert.core;

/**
 * How a program over {@link Num} is differentiated.
 *
 * <ul>
 *   <li>{@link #FORWARD}: every value carries its tangents (a dual number); derivatives are known
 *       eagerly, one tangent slot per parameter. Wins with few inputs.</li>
 *   <li>{@link #REVERSE}: every value is recorded on a tape; one backward sweep gives the
 *       derivative of one output with respect to every input. Wins with many inputs.</li>
 * </ul>
 *
 * <pre>{@code
 * mode(Mode.FORWARD);
 * var x = param("x", 2.0);
 * x.times(x).d(x);   // 4.0, no backward() needed
 * }</pre>
 */
public enum Mode {
    FORWARD,
    REVERSE
}
