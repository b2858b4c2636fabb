package dev.wengert.rules;

import dev.wengert.Wengert;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered rule is reachable the way users reach a primitive, and tested: a method on
 * {@code Num}, static methods of the facade over {@code Num} and {@code double}, a method on
 * {@code Tensor}, and a row of oracles in {@link RuleRows}. A rule added without one of them
 * fails here, with the list of what is missing (CONTRIBUTING.md gives the steps).
 */
class RuleCoverageTest {
    /** The four operations are verbs on Num and Tensor (x.plus(y)); the facade has no static for them. */
    private static final Map<String, String> VERB = Map.of("add", "plus", "sub", "minus", "mul", "times", "div", "div");
    private static final Set<String> VERB_ONLY = Set.of("add", "sub", "mul", "div", "neg", "reciprocal");

    @Test
    void everyRuleHasItsMethodsAndItsRow() {
        List<String> missing = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            String n = r.name();
            need(missing, Num.class, n, false);
            need(missing, Tensor.class, n, false);
            if (!VERB_ONLY.contains(n)) {
                need(missing, Wengert.class, n, true, Num.class);
                need(missing, Wengert.class, n, true, double.class);
            }
            row(missing, () -> RuleRows.of(r));
            assertTrue(r.isHigherOrder(), n + " is a built-in rule: it must nest");
        }
        for (BinaryRule r : Rules.binary()) {
            String n = r.name();
            String verb = VERB.getOrDefault(n, n);
            need(missing, Num.class, verb, false, Num.class);
            need(missing, Tensor.class, verb, false, Tensor.class);
            if (!VERB_ONLY.contains(n)) {
                need(missing, Wengert.class, n, true, Num.class, Num.class);
                need(missing, Wengert.class, n, true, Num.class, double.class);
                need(missing, Wengert.class, n, true, double.class, Num.class);
                need(missing, Wengert.class, n, true, double.class, double.class);
            }
            row(missing, () -> RuleRows.of(r));
        }
        for (NaryRule r : Rules.nary()) {
            String n = r.name();
            need(missing, Num.class, n, true, Num[].class);
            need(missing, Wengert.class, n, true, Num[].class);
            need(missing, Tensor.class, n, false);
            row(missing, () -> RuleRows.of(r));
        }
        assertEquals(List.of(), missing, "what the registered rules lack");
    }

    @Test
    void theRegistryHoldsEveryRuleConstant() {
        assertEquals(Rules.unary().size() + Rules.binary().size() + Rules.nary().size(),
                RuleRows.UNARY.size() + RuleRows.BINARY.size() + RuleRows.NARY.size(),
                "one row per rule, no row without its rule");
        for (RuleRows.Unary u : RuleRows.UNARY) {
            assertTrue(Rules.named(u.rule()) instanceof UnaryRule, "row " + u.rule() + " names a registered rule");
        }
        for (RuleRows.Binary b : RuleRows.BINARY) {
            assertTrue(Rules.named(b.rule()) instanceof BinaryRule, "row " + b.rule() + " names a registered rule");
        }
        assertTrue(Rules.named("log2") == Elementary.LOG2 && Rules.named("xlogy") == Special.XLOGY);
    }

    private static void need(List<String> missing, Class<?> c, String name, boolean isStatic, Class<?>... params) {
        try {
            Method m = c.getMethod(name, params);
            if (Modifier.isStatic(m.getModifiers()) != isStatic) {
                missing.add(c.getSimpleName() + "." + name + " should " + (isStatic ? "" : "not ") + "be static");
            }
        } catch (NoSuchMethodException e) {
            StringBuilder sig = new StringBuilder();
            for (Class<?> p : params) {
                sig.append(sig.length() == 0 ? "" : ", ").append(p.getSimpleName());
            }
            missing.add(c.getSimpleName() + "." + name + "(" + sig + ")");
        }
    }

    private static void row(List<String> missing, Runnable lookup) {
        try {
            lookup.run();
        } catch (AssertionError e) {
            missing.add(e.getMessage());
        }
    }

    /** README's list of primitives names every registered rule, by the method users call. */
    @Test
    void theReadmeListsEveryPrimitive() throws java.io.IOException {
        java.nio.file.Path readme = java.nio.file.Path.of("..", "README.md");
        String text = java.nio.file.Files.readString(readme);
        int from = text.indexOf("- **Primitives**");
        assertTrue(from >= 0, "README has a Primitives bullet");
        String bullet = text.substring(from, text.indexOf("\n- **", from + 1));
        List<String> missing = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            if (!bullet.contains("`" + r.name() + "`")) {
                missing.add(r.name());
            }
        }
        for (BinaryRule r : Rules.binary()) {
            if (!bullet.contains("`" + VERB.getOrDefault(r.name(), r.name()) + "`")) {
                missing.add(r.name());
            }
        }
        for (NaryRule r : Rules.nary()) {
            if (!bullet.contains("`" + r.name() + "`")) {
                missing.add(r.name());
            }
        }
        assertEquals(List.of(), missing, "rules README's Primitives bullet does not name");
    }
}
