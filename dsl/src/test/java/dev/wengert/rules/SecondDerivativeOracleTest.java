package dev.wengert.rules;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Second derivatives of every rule against an independent oracle: values, gradients and
 * Hessians at 50 digits from mpmath ({@code dsl/src/test/oracles/rule_derivatives.py}, which
 * checks its closed forms against mpmath's own numerical differentiation; its output is
 * {@code rule-derivatives.csv} next to this class's resources). Points lie inside each rule's
 * domain, some close to its edges (poles, branch points, overflow and underflow).
 *
 * <p>Every rule of the registry ({@link Rules}), and digamma and trigamma (the rules lgamma's
 * derivatives go through), must have at least {@value #MIN_ROWS} rows, so a new rule fails here
 * until the script covers it. For each row the test checks the value and first partials, the nested
 * partial itself ({@link UnaryRule#partial(Num, Num)}, {@link BinaryRule#partialA(Num, Num, Num)},
 * {@link BinaryRule#partialB(Num, Num, Num)}, {@link NaryRule}'s, differentiated in forward and
 * reverse mode), the Hessian in all four pairings of modes, and a unary rule's Taylor series
 * ({@code derivatives(f, x, 2)}), each to within {@value #TOLERANCE} relative (plus the
 * smallest normal double, for values that underflow), or the looser tolerance one of the three
 * rows next to a line where any AD cancels states (the script gives each reason).
 */
class SecondDerivativeOracleTest {
    /** Relative agreement required of every value, partial and second derivative. */
    static final double TOLERANCE = 1e-13;
    static final int MIN_ROWS = 3;
    static final String RESOURCE = "rule-derivatives.csv";

    /**
     * One oracle row: the arguments, f, its gradient, its Hessian row by row (NaN: no real value),
     * and the relative tolerance it states (the few rows next to a line where any AD loses digits
     * to cancellation; the script gives the reason at each), else {@link #TOLERANCE}.
     */
    record Row(String rule, double[] x, double f, double[] g, double[] h, double tolerance) {
        double hessian(int i, int j) {
            return h[i * x.length + j];
        }

        @Override
        public String toString() {
            return rule + Arrays.toString(x);
        }
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = SecondDerivativeOracleTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE + " in dev/wengert/rules");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                assertEquals(6, f.length, "six fields: " + line);
                double tol = f[5].isBlank() ? TOLERANCE : Double.parseDouble(f[5]);
                rows.add(new Row(f[0], numbers(f[1]), Double.parseDouble(f[2]), numbers(f[3]), numbers(f[4]), tol));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static double[] numbers(String s) {
        return Arrays.stream(s.trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
    }

    static Map<String, List<Row>> byRule() {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        for (Row r : rows()) {
            m.computeIfAbsent(r.rule, k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** The disagreements found in the current row; each row reports all of its own at once. */
    private static final ThreadLocal<List<String>> FOUND = ThreadLocal.withInitial(ArrayList::new);
    /** The current row's tolerance. */
    private static final ThreadLocal<Double> TOL = ThreadLocal.withInitial(() -> TOLERANCE);

    static void agrees(double want, double got, String what) {
        if (Double.isNaN(want)) {
            if (!Double.isNaN(got)) {
                FOUND.get().add(what + ": no real value, expected NaN, got " + got);
            }
            return;
        }
        double err = Math.abs(got - want);
        if (!(want == got || err <= TOL.get() * Math.abs(want) + Double.MIN_NORMAL)) {
            FOUND.get().add(what + ": " + got + " vs the oracle's " + want + " (relative error "
                    + String.format("%.2g", err / Math.abs(want)) + ")");
        }
    }

    /** Runs one row's checks and fails with every disagreement it found. */
    static DynamicTest row(Row row, Runnable checks) {
        String name = row + (row.tolerance == TOLERANCE ? "" : " (tolerance " + row.tolerance + ")");
        return DynamicTest.dynamicTest(name, () -> {
            FOUND.get().clear();
            TOL.set(row.tolerance);
            checks.run();
            List<String> found = new ArrayList<>(FOUND.get());
            FOUND.get().clear();
            if (!found.isEmpty()) {
                fail(found.size() + " disagreement(s) with the oracle:\n  " + String.join("\n  ", found));
            }
        });
    }

    static void agrees(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            agrees(want[i], got[i], what + " [" + i + "]");
        }
    }

    @Test
    void everyRuleHasOracleRowsAndEveryRowARule() {
        Map<String, List<Row>> rows = byRule();
        Set<String> rules = new LinkedHashSet<>();
        unaryRules().forEach(r -> rules.add(r.name()));
        Rules.binary().forEach(r -> rules.add(r.name()));
        Rules.nary().forEach(r -> rules.add(r.name()));
        List<String> missing = new ArrayList<>();
        for (String r : rules) {
            if (rows.getOrDefault(r, List.of()).size() < MIN_ROWS) {
                missing.add(r + " (" + rows.getOrDefault(r, List.of()).size() + " rows)");
            }
        }
        if (!missing.isEmpty()) {
            fail("rules without at least " + MIN_ROWS + " oracle rows in " + RESOURCE + ": " + missing
                    + "; add them to dsl/src/test/oracles/rule_derivatives.py and regenerate the file");
        }
        Set<String> stale = new LinkedHashSet<>(rows.keySet());
        stale.removeAll(rules);
        assertTrue(stale.isEmpty(), "oracle rows for rules the library does not have: " + stale);
    }

    static final Mode[] MODES = Mode.values();

    /** The registry's one-argument rules, and the polygamma rules lgamma's derivatives go through. */
    static List<UnaryRule> unaryRules() {
        List<UnaryRule> rules = new ArrayList<>(Rules.unary());
        rules.add(Special.polygammaRule(0));
        rules.add(Special.polygammaRule(1));
        return rules;
    }

    @TestFactory
    List<DynamicTest> everyUnaryRule() {
        Map<String, List<Row>> rows = byRule();
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : unaryRules()) {
            for (Row row : rows.getOrDefault(r.name(), List.of())) {
                tests.add(row(row, () -> checkUnary(r, row)));
            }
        }
        return tests;
    }

    static void checkUnary(UnaryRule r, Row row) {
        double x = row.x[0];
        double y = r.value(x);
        agrees(row.f, y, r.name() + "(" + x + ")");
        agrees(row.g[0], r.partial(x, y), r.name() + "'(" + x + ") over double");
        for (Mode m : MODES) {
            agrees(row.g, gradient(m, p -> p[0].apply(r), x), r.name() + "'(" + x + ") " + m);
            // the nested partial itself: UnaryRule.partial(Num, Num), differentiated
            agrees(row.h, gradient(m, p -> r.partial(p[0], p[0].apply(r)), x),
                    "d/dx of " + r.name() + "'s nested partial at " + x + ", " + m);
            for (Mode inner : MODES) {
                agrees(row.h[0], hessian(m, inner, p -> p[0].apply(r), x)[0][0],
                        r.name() + "''(" + x + "), " + m + " over " + inner);
            }
        }
        double[] tower = derivatives(t -> t.apply(r), x, 2);
        agrees(row.f, tower[0], r.name() + "(" + x + ") Taylor");
        agrees(row.g[0], tower[1], r.name() + "'(" + x + ") Taylor");
        agrees(row.h[0], tower[2], r.name() + "''(" + x + ") Taylor");
    }

    @TestFactory
    List<DynamicTest> everyBinaryRule() {
        Map<String, List<Row>> rows = byRule();
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            for (Row row : rows.getOrDefault(r.name(), List.of())) {
                tests.add(row(row, () -> {
                    double a = row.x[0];
                    double b = row.x[1];
                    double y = r.value(a, b);
                    agrees(row.f, y, r.name() + "(" + a + ", " + b + ")");
                    agrees(row.g, new double[] {r.partialA(a, b, y), r.partialB(a, b, y)}, r.name() + " partials over double");
                    Fn f = p -> p[0].apply(r, p[1]);
                    Fn da = p -> r.partialA(p[0], p[1], p[0].apply(r, p[1]));
                    Fn db = p -> r.partialB(p[0], p[1], p[0].apply(r, p[1]));
                    checkMultivariate(row, f, Map.of(0, da, 1, db));
                }));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyNaryRule() {
        Map<String, List<Row>> rows = byRule();
        List<DynamicTest> tests = new ArrayList<>();
        for (NaryRule r : Rules.nary()) {
            for (Row row : rows.getOrDefault(r.name(), List.of())) {
                tests.add(row(row, () -> {
                    agrees(row.f, r.value(row.x), row.toString());
                    agrees(row.g, r.partials(row.x, r.value(row.x)), row + " partials over double");
                    Fn f = p -> Num.apply(r, p);
                    Map<Integer, Fn> nested = new LinkedHashMap<>();
                    for (int i = 0; i < row.x.length; i++) {
                        int k = i;
                        nested.put(i, p -> r.partials(p, Num.apply(r, p))[k]);
                    }
                    checkMultivariate(row, f, nested);
                }));
            }
        }
        return tests;
    }

    /** Gradient in both modes, each nested partial differentiated in both, the Hessian in all four pairings. */
    static void checkMultivariate(Row row, Fn f, Map<Integer, Fn> nestedPartials) {
        int n = row.x.length;
        for (Mode m : MODES) {
            agrees(row.g, gradient(m, f, row.x), row + " gradient, " + m);
            for (var e : nestedPartials.entrySet()) {
                int i = e.getKey();
                double[] want = Arrays.copyOfRange(row.h, i * n, (i + 1) * n);
                agrees(want, gradient(m, e.getValue(), row.x), row + " ∇ of nested partial " + i + ", " + m);
            }
            for (Mode inner : MODES) {
                double[][] h = hessian(m, inner, f, row.x);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        agrees(row.hessian(i, j), h[i][j], row + " H[" + i + "][" + j + "], " + m + " over " + inner);
                    }
                }
            }
        }
    }
}
