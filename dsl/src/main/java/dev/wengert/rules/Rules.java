package dev.wengert.rules;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The registry of built-in rules: every public rule constant of {@link Arithmetic},
 * {@link Elementary} and {@link Special}, in the order they are declared. A rule is registered
 * by being declared there; every rule test iterates this list (the rule table against
 * independent oracles, the higher-order towers, the tensor test, the fuzz generator), and a
 * coverage test requires of each rule its {@code Num} method, its facade methods and its
 * {@code Tensor} method. CONTRIBUTING.md lists the steps to add a primitive.
 *
 * <pre>{@code
 * for (UnaryRule r : Rules.unary()) System.out.println(r.name());   // neg, square, reciprocal, exp, …
 * }</pre>
 */
public final class Rules {
    private Rules() {
    }

    private static final List<Class<?>> TOPICS = List.of(Arithmetic.class, Elementary.class, Special.class);

    private static final List<UnaryRule> UNARY = collect(UnaryRule.class);
    private static final List<BinaryRule> BINARY = collect(BinaryRule.class);
    private static final List<NaryRule> NARY = collect(NaryRule.class);

    /** The one-argument rules. */
    public static List<UnaryRule> unary() {
        return UNARY;
    }

    /** The two-argument rules. */
    public static List<BinaryRule> binary() {
        return BINARY;
    }

    /** The rules of any number of arguments. */
    public static List<NaryRule> nary() {
        return NARY;
    }

    /** The rule of a name ("sin", "pow", "logsumexp"), or null. */
    public static Object named(String name) {
        for (UnaryRule r : UNARY) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        for (BinaryRule r : BINARY) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        for (NaryRule r : NARY) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private static <R> List<R> collect(Class<R> type) {
        List<R> rules = new ArrayList<>();
        for (Class<?> topic : TOPICS) {
            for (Field f : topic.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && type.isAssignableFrom(f.getType())) {
                    try {
                        rules.add(type.cast(f.get(null)));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("rule constant " + topic.getSimpleName() + "." + f.getName(), e);
                    }
                }
            }
        }
        return Collections.unmodifiableList(rules);
    }
}
