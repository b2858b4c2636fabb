package dev.wengert.rules;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The derivative rule of a one-argument primitive: its value and its local partial.
 *
 * <p>This is the only place a primitive's calculus lives. Forward mode multiplies the partial
 * into the incoming tangent; reverse mode stores it on the tape and multiplies it into the
 * outgoing adjoint. The partial receives the output too, so rules like {@code exp} reuse it.
 *
 * <pre>{@code
 * UnaryRule sin = new UnaryRule("sin", Math::sin, (x, y) -> Math.cos(x));
 * sin.partial(0.0, sin.value(0.0));   // 1.0
 * }</pre>
 */
public final class UnaryRule {
    private final String name;
    private final DoubleUnaryOperator value;
    private final DoubleBinaryOperator partial;

    /**
     * @param name    the operation's name, as errors and the tape print it
     * @param value   x ↦ f(x)
     * @param partial (x, f(x)) ↦ f'(x)
     */
    public UnaryRule(String name, DoubleUnaryOperator value, DoubleBinaryOperator partial) {
        this.name = name;
        this.value = value;
        this.partial = partial;
    }

    /** The operation's name, e.g. {@code "sin"}. */
    public String name() {
        return name;
    }

    /** f(x). */
    public double value(double x) {
        return value.applyAsDouble(x);
    }

    /** f'(x), given y = f(x). */
    public double partial(double x, double y) {
        return partial.applyAsDouble(x, y);
    }

    @Override
    public String toString() {
        return "rule " + name;
    }
}
