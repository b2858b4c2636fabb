package dev.wengert.core;

import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * User-defined differentiable functions: a value and its rule, used by forward and reverse
 * mode alike, exactly like the built-in primitives.
 *
 * <pre>{@code
 * UnaryFn cube = rule("cube", x -> x * x * x, x -> 3 * x * x);
 * cube.apply(param("x", 2.0)).d(...);   // 12
 * Fn dist = rule("dist", 2, v -> Math.hypot(v[0], v[1]),
 *                v -> { double h = Math.hypot(v[0], v[1]); return new double[] {v[0] / h, v[1] / h}; });
 * }</pre>
 */
public final class CustomRule {
    private CustomRule() {
    }

    public static UnaryFn unary(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        checkName(name);
        if (f == null || df == null) {
            throw new IllegalArgumentException("rule(\"" + name + "\", f, df): f and df must not be null");
        }
        UnaryRule r = UnaryRule.firstOrder(name, f, (x, y) -> df.applyAsDouble(x));
        return new UnaryFn() {
            @Override
            public Num apply(Num x) {
                if (x == null) {
                    throw new IllegalArgumentException(name + "(null): the argument is null");
                }
                return x.apply(r);
            }

            @Override
            public String toString() {
                return "rule " + name;
            }
        };
    }

    public static Fn nary(String name, int arity, ToDoubleFunction<double[]> f, Function<double[], double[]> partials) {
        checkName(name);
        if (arity < 1) {
            throw new IllegalArgumentException("rule(\"" + name + "\", " + arity + ", …): arity must be at least 1");
        }
        if (f == null || partials == null) {
            throw new IllegalArgumentException("rule(\"" + name + "\", …): f and partials must not be null");
        }
        NaryRule r = NaryRule.firstOrder(name, f, partials);
        return new Fn() {
            @Override
            public Num apply(Num... x) {
                if (x == null || x.length != arity) {
                    throw new IllegalArgumentException(name + ": takes " + arity + " argument" + (arity == 1 ? "" : "s")
                            + " but was given " + (x == null ? "null" : String.valueOf(x.length)));
                }
                return Num.apply(r, x);
            }

            @Override
            public String toString() {
                return "rule " + name + "/" + arity;
            }
        };
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("rule(name, …): give the rule a name; errors and the tape print it");
        }
    }
}
