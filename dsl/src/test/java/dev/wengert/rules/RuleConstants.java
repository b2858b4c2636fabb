package dev.wengert.rules;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Every rule constant the library declares, found by reflection over the public static fields
 * of {@link Arithmetic}, {@link Elementary} and {@link Special}, plus the polygamma rules that
 * lgamma's derivatives go through (digamma, trigamma). A rule added to one of those classes is
 * picked up the day it is added, so a table that iterates these cannot silently miss it.
 */
public final class RuleConstants {
    private RuleConstants() {
    }

    private static final List<Class<?>> HOLDERS = List.of(Arithmetic.class, Elementary.class, Special.class);

    /** Every one-argument rule: the public constants, then digamma and trigamma. */
    public static List<UnaryRule> unary() {
        List<UnaryRule> rules = constants(UnaryRule.class);
        rules.add(Special.polygammaRule(0));
        rules.add(Special.polygammaRule(1));
        return rules;
    }

    /** Every two-argument rule (+ − × ÷, pow, atan2, hypot, max, min). */
    public static List<BinaryRule> binary() {
        return constants(BinaryRule.class);
    }

    /** Every n-ary rule (sum, logsumexp). */
    public static List<NaryRule> nary() {
        return constants(NaryRule.class);
    }

    private static <T> List<T> constants(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Class<?> holder : HOLDERS) {
            for (Field f : holder.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == type) {
                    try {
                        found.add(type.cast(f.get(null)));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(holder.getSimpleName() + "." + f.getName(), e);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " constants found in " + HOLDERS);
        }
        return found;
    }
}
