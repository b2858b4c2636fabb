package dev.wengert;

import dev.wengert.core.*;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input everywhere: every public static method of the facade is called with null, empty,
 * NaN, infinite, negative and wrong-length arguments, one parameter at a time (the others
 * good). Each call must end in a specific, documented exception with a message — an
 * IllegalArgumentException, a WengertException (an IllegalStateException), a
 * NonFiniteException or an IndexOutOfBoundsException — or, for NaN and infinities given to
 * numeric functions, in a result that follows IEEE rules. Never a NullPointerException, an
 * ArrayIndexOutOfBoundsException, a ClassCastException or any other accident.
 */
class BadInputTest {

    /** Good values per parameter type, and the bad ones to try. */
    static final Map<Class<?>, Supplier<Object>> GOOD = new LinkedHashMap<>();
    static final Map<Class<?>, List<Supplier<Object>>> BAD = new LinkedHashMap<>();

    static Table table() {
        return Table.create("t", DoubleColumn.create("x", 1, 2, 3, 4, 5), DoubleColumn.create("y", 2.1, 3.9, 6.2, 7.8, 10.1));
    }

    static void type(Class<?> c, Supplier<Object> good, List<Supplier<Object>> bad) {
        GOOD.put(c, good);
        BAD.put(c, bad);
    }

    static {
        type(double.class, () -> 1.0, List.of(() -> Double.NaN, () -> Double.POSITIVE_INFINITY, () -> Double.NEGATIVE_INFINITY));
        type(int.class, () -> 2, List.of(() -> -1, () -> 0));
        type(long.class, () -> 1000L, List.of(() -> -1L, () -> 0L));
        type(boolean.class, () -> false, List.of());
        type(double[].class, () -> new double[] {0.5, 1.5}, List.of(() -> null, () -> new double[0],
                () -> new double[] {Double.NaN, 1}, () -> new double[] {1}, () -> new double[] {1, 2, 3}));
        type(double[][].class, () -> new double[][] {{1, 2}, {3, 4}, {5, 7}}, List.of(() -> null, () -> new double[0][],
                () -> new double[][] {{1, 2}, {3}}, () -> new double[][] {null}));
        type(int[].class, () -> new int[] {2}, List.of(() -> null, () -> new int[] {-1}, () -> new int[] {0, 1, 2}));
        type(String.class, () -> "x", List.of(() -> null, () -> "", () -> "no such column"));
        type(String[].class, () -> new String[] {"x"}, List.of(() -> null, () -> new String[0], () -> new String[] {null},
                () -> new String[] {"nope"}));
        type(Num.class, () -> Num.constant(1.0), List.of(() -> null, () -> Num.constant(Double.NaN)));
        type(Num[].class, () -> new Num[] {Num.constant(0.5), Num.constant(1.5)}, List.of(() -> null, () -> new Num[0],
                () -> new Num[] {null}));
        type(Fn.class, () -> (Fn) v -> v[0].times(v[1]).plus(v[0].sin()), List.of(() -> null,
                () -> (Fn) v -> v[0].times(v[7]), () -> (Fn) v -> null));
        type(UnaryFn.class, () -> (UnaryFn) x -> x.square().plus(x.sin()), List.of(() -> null, () -> (UnaryFn) x -> null));
        type(VecFn.class, () -> (VecFn) v -> new Num[] {v[0].times(v[1]), v[1]}, List.of(() -> null,
                () -> (VecFn) v -> new Num[] {v[9]}, () -> (VecFn) v -> null, () -> (VecFn) v -> new Num[] {null}));
        type(Mode.class, () -> Mode.REVERSE, List.of(() -> null));
        type(Table.class, BadInputTest::table, List.of(() -> null, () -> Table.create("empty")));
        type(dev.wengert.tensor.Tensor.class, () -> dev.wengert.Wengert.tensor(new double[] {1, 2}), List.of(() -> null));
        type(dev.wengert.tensor.Tensor[].class, () -> new dev.wengert.tensor.Tensor[] {dev.wengert.Wengert.tensor(new double[] {1})},
                List.of(() -> null, () -> new dev.wengert.tensor.Tensor[0], () -> new dev.wengert.tensor.Tensor[] {null}));
        type(java.util.function.DoubleUnaryOperator.class, () -> (java.util.function.DoubleUnaryOperator) x -> x * x,
                List.of(() -> null));
        type(java.util.function.ToDoubleFunction.class, () -> (java.util.function.ToDoubleFunction<double[]>) v -> v[0],
                List.of(() -> null));
        type(java.util.function.Function.class, () -> (java.util.function.Function<double[], double[]>) v -> new double[] {1},
                List.of(() -> null));
        type(dev.wengert.fit.Model.class, () -> (dev.wengert.fit.Model) (p, x) -> p[0].times(x[0]).plus(p[1]),
                List.of(() -> null, () -> (dev.wengert.fit.Model) (p, x) -> p[5].times(x[0]),
                        () -> (dev.wengert.fit.Model) (p, x) -> null));
        type(dev.wengert.fit.Model1.class, () -> (dev.wengert.fit.Model1) (p, x) -> p[0].times(x).plus(p[1]),
                List.of(() -> null, () -> (dev.wengert.fit.Model1) (p, x) -> p[3]));
        type(dev.wengert.fit.ColumnModel.class, () -> (dev.wengert.fit.ColumnModel) (p, x) -> x[0].times(p[0]).plus(p[1]),
                List.of(() -> null, () -> (dev.wengert.fit.ColumnModel) (p, x) -> x[4]));
        type(dev.wengert.fit.FitResult.class, () -> dev.wengert.Wengert.fit1((p, x) -> p[0].times(x).plus(p[1]))
                .start(1, 1).to(table(), "y", "x"), List.of(() -> null));
        type(dev.wengert.optim.OptimizationResult[].class, () -> new dev.wengert.optim.OptimizationResult[] {
            dev.wengert.Wengert.minimize(v -> v[0].minus(1).square(), 0.5)}, List.of(() -> null,
                () -> new dev.wengert.optim.OptimizationResult[0], () -> new dev.wengert.optim.OptimizationResult[] {null}));
        type(dev.wengert.optim.Optimizer.class, dev.wengert.Wengert::lbfgs, List.of(() -> null));
        type(java.util.function.Supplier.class, () -> (java.util.function.Supplier<Num>) () -> Num.constant(1),
                List.of(() -> null, () -> (java.util.function.Supplier<Num>) () -> null));
        type(dev.wengert.optim.Params.class, () -> dev.wengert.Wengert.params("a", 1.0, "b", 2.0), List.of(() -> null));
        type(Object[].class, () -> new Object[] {"a", 1.0}, List.of(() -> null, () -> new Object[0],
                () -> new Object[] {"a"}, () -> new Object[] {1.0, "a"}, () -> new Object[] {"a", Double.NaN}));
        type(tech.tablesaw.api.NumericColumn.class, () -> DoubleColumn.create("c", 1, 2), List.of(() -> null,
                () -> DoubleColumn.create("m", 1.0, Double.NaN)));
    }

    static final List<Class<? extends Throwable>> SPECIFIC = List.of(IllegalArgumentException.class,
            IllegalStateException.class, ArithmeticException.class, IndexOutOfBoundsException.class);

    @Test
    void everyFacadeEntryPointRejectsBadInputClearly() throws Exception {
        List<String> problems = new ArrayList<>();
        TreeSet<String> covered = new TreeSet<>();
        TreeSet<String> uncovered = new TreeSet<>();
        int calls = 0;
        for (Method m : dev.wengert.Wengert.class.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() != dev.wengert.Wengert.class) {
                continue;
            }
            if (Arrays.asList("resetTape", "mode", "session", "tape", "checkNonFinite", "tapeWarning").contains(m.getName())
                    && m.getParameterCount() <= 1 && !m.getName().equals("tapeWarning")) {
                continue;                                  // session settings: no argument can be bad but null mode
            }
            Parameter[] ps = m.getParameters();
            boolean known = true;
            for (Parameter p : ps) {
                known &= GOOD.containsKey(p.getType());
            }
            if (!known) {
                uncovered.add(signature(m));
                continue;
            }
            covered.add(signature(m));
            for (int k = 0; k < ps.length; k++) {
                for (Supplier<Object> bad : BAD.get(ps[k].getType())) {
                    Object[] args = new Object[ps.length];
                    for (int j = 0; j < ps.length; j++) {
                        args[j] = j == k ? bad.get() : GOOD.get(ps[j].getType()).get();
                    }
                    calls++;
                    String problem = call(m, args, ps[k].getType());
                    if (problem != null) {
                        problems.add(signature(m) + " with " + describe(args[k]) + " as " + ps[k].getName() + ": " + problem);
                    }
                }
            }
        }
        dev.wengert.Wengert.mode(Mode.REVERSE);
        dev.wengert.Wengert.checkNonFinite(false);
        dev.wengert.Wengert.tapeWarning(Session.DEFAULT_WARN_AT);
        System.out.printf("bad input: %d calls over %d facade methods; %d methods take types this table does not "
                + "generate: %s%n", calls, covered.size(), uncovered.size(), uncovered);
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
        assertTrue(covered.size() >= 60, "covers the facade: " + covered.size());
    }

    /** Null if the outcome is acceptable, else what went wrong. */
    static String call(Method m, Object[] args, Class<?> badType) {
        Object result;
        try {
            result = m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            for (Class<? extends Throwable> ok : SPECIFIC) {
                if (ok.isInstance(t) && !(t instanceof ArrayIndexOutOfBoundsException)) {
                    return t.getMessage() == null || t.getMessage().isBlank() ? "an exception without a message: " + t : null;
                }
            }
            return "threw " + t;
        } catch (IllegalAccessException e) {
            return "not callable: " + e;
        }
        // a normal return is fine where IEEE rules apply (NaN or ±∞ given to a numeric function),
        // and for values that are legal (negative or zero counts some functions accept)
        return null;
    }

    static String signature(Method m) {
        StringBuilder sb = new StringBuilder(m.getName()).append('(');
        for (int i = 0; i < m.getParameterCount(); i++) {
            sb.append(i == 0 ? "" : ", ").append(m.getParameterTypes()[i].getSimpleName());
        }
        return sb.append(')').toString();
    }

    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof double[] d) {
            return Arrays.toString(d);
        }
        if (o instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        if (o instanceof Fn || o instanceof UnaryFn || o instanceof VecFn) {
            return "a function that misbehaves";
        }
        return String.valueOf(o);
    }
}
