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
 * NaN, infinite, negative and wrong-length arguments, one parameter at a time, the others good
 * (and every all-good call is checked to return normally, so each call tests exactly its one
 * bad argument). Each call must end in a specific, documented exception with a message — an
 * IllegalArgumentException, a WengertException (an IllegalStateException), a
 * NonFiniteException or an IndexOutOfBoundsException — never a NullPointerException, an
 * ArrayIndexOutOfBoundsException, a ClassCastException or any other accident.
 *
 * <p>A normal return is accepted only where {@link #LEGITIMATE} names it for that method, and
 * the result is then checked to be that: an IEEE result of a numeric function given NaN or ±∞
 * (the value java.lang.Math or C99 gives), NaN propagated by a derivative, a zero derivative
 * along a coordinate f does not read, the 0th derivative f(x), a builder or adapter whose first
 * use reports the bad function, a fit that says its Jacobian is rank-deficient, a plot with a
 * gap. Any other normal return fails: it would be a silently meaningless result.
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
        type(dev.wengert.fit.OdeSystem.class, () -> (dev.wengert.fit.OdeSystem) (t, y, p) -> new Num[] {y[0].times(p[0]).neg()},
                List.of(() -> null, () -> (dev.wengert.fit.OdeSystem) (t, y, p) -> null));
        type(dev.wengert.optim.Optimizer.class, dev.wengert.Wengert::lbfgs, List.of(() -> null));
        type(java.util.function.Supplier.class, () -> (java.util.function.Supplier<Num>) () -> Num.constant(1),
                List.of(() -> null, () -> (java.util.function.Supplier<Num>) () -> null));
        type(dev.wengert.optim.Params.class, () -> dev.wengert.Wengert.params("a", 1.0, "b", 2.0), List.of(() -> null));
        type(Object[].class, () -> new Object[] {"a", 1.0}, List.of(() -> null, () -> new Object[0],
                () -> new Object[] {"a"}, () -> new Object[] {1.0, "a"}, () -> new Object[] {"a", Double.NaN}));
        type(Num[][].class, () -> new Num[][] {{Num.constant(2), Num.constant(1)}, {Num.constant(1), Num.constant(3)}},
                List.of(() -> null, () -> new Num[0][], () -> new Num[][] {{Num.constant(1)}, {}},
                        () -> new Num[][] {{Num.constant(1), null}, {Num.constant(1), Num.constant(2)}}));
        type(dev.wengert.tensor.Blocks.class, () -> dev.wengert.Wengert.blocks("a", new double[] {0.5, 1.5}),
                List.of(() -> null, () -> dev.wengert.Wengert.blocks("a", new double[] {0.5, 1.5, 2.5})));
        type(tech.tablesaw.api.NumericColumn.class, () -> DoubleColumn.create("c", 1, 2), List.of(() -> null,
                () -> DoubleColumn.create("m", 1.0, Double.NaN)));
    }

    /**
     * Good arguments for the methods whose parameters must agree with each other (a loss that
     * reads the parameters it is given, y with one value per row of x, a range with a &lt; b).
     */
    static final Map<String, Supplier<Object[]>> GOOD_ARGS = new LinkedHashMap<>();

    static {
        Fn f2 = v -> v[0].times(v[1]).plus(v[0].sin());
        UnaryFn f1 = x -> x.square().plus(x.sin());
        double[][] x3 = {{1, 2}, {3, 4}, {5, 7}};
        double[] y3 = {2.1, 3.9, 6.2};
        dev.wengert.fit.Model model = (p, x) -> p[0].times(x[0]).plus(p[1]);
        dev.wengert.fit.ColumnModel columns = (p, x) -> x[0].times(p[0]).plus(p[1]);
        GOOD_ARGS.put("graph(Num)", () -> new Object[] {dev.wengert.Wengert.param("g", 1.0).times(2)});
        GOOD_ARGS.put("minimize(Supplier, Params)", () -> {
            var p = dev.wengert.Wengert.params("a", 1.0, "b", 2.0);
            return new Object[] {(Supplier<Num>) () -> p.get("a").minus(3).square().plus(p.get("b").square()), p};
        });
        GOOD_ARGS.put("minimize(Supplier, Params, Optimizer)", () -> {
            var p = dev.wengert.Wengert.params("a", 1.0, "b", 2.0);
            return new Object[] {(Supplier<Num>) () -> p.get("a").minus(3).square().plus(p.get("b").square()), p,
                dev.wengert.Wengert.lbfgs()};
        });
        GOOD_ARGS.put("minimize(Supplier, Num[])", () -> {
            Num a = dev.wengert.Wengert.param("a", 1.0);
            return new Object[] {(Supplier<Num>) () -> a.minus(3).square(), new Num[] {a}};
        });
        GOOD_ARGS.put("momentum(double, double)", () -> new Object[] {1.0, 0.9});
        GOOD_ARGS.put("nesterov(double, double)", () -> new Object[] {1.0, 0.9});
        GOOD_ARGS.put("fit(Model, double[][], double[], double[])", () -> new Object[] {model, x3, y3, new double[] {0.5, 1.5}});
        GOOD_ARGS.put("fitColumns(ColumnModel, double[][], double[], double[])",
                () -> new Object[] {columns, x3, y3, new double[] {0.5, 1.5}});
        dev.wengert.fit.Model1 model1 = (p, x) -> p[0].times(x).plus(p[1]);
        double[] start = {0.5, 1.5};
        // fits of y on x (the table's columns), not of a column on itself
        GOOD_ARGS.put("fit(Model, Table, String, String, double[])", () -> new Object[] {model, table(), "y", "x", start});
        GOOD_ARGS.put("fit(Model, Table, String, String[], double[])",
                () -> new Object[] {model, table(), "y", new String[] {"x"}, start});
        GOOD_ARGS.put("fit1(Model1, Table, String, String, double[])", () -> new Object[] {model1, table(), "y", "x", start});
        GOOD_ARGS.put("fitColumns(ColumnModel, Table, String, String, double[])",
                () -> new Object[] {columns, table(), "y", "x", start});
        GOOD_ARGS.put("fitColumns(ColumnModel, Table, String, String[], double[])",
                () -> new Object[] {columns, table(), "y", new String[] {"x"}, start});
        GOOD_ARGS.put("fit1(Model1, double[], double[], double[])",
                () -> new Object[] {model1, new double[] {1, 2, 3, 4, 5}, new double[] {2.1, 3.9, 6.2, 7.8, 10.1}, start});
        GOOD_ARGS.put("scatter(Table, String, String)", () -> new Object[] {table(), "x", "y"});
        GOOD_ARGS.put("fitPlot(FitResult, int)", () -> {
            // three datasets sharing a slope, so dataset 2 exists
            var g = dev.wengert.fit.Fitter.global("a", "b").start(1, 0);
            for (int k = 0; k < 3; k++) {
                g = g.dataset((p, x) -> p[0].times(x[0]).plus(p[1]), x3, y3);
            }
            return new Object[] {g.fit(), 2};
        });
        GOOD_ARGS.put("tensor(Table, String[])", () -> new Object[] {table(), new String[] {"x", "y"}});
        GOOD_ARGS.put("contour(Fn, double, double, double, double)", () -> new Object[] {f2, -1.0, 1.0, -1.0, 1.0});
        GOOD_ARGS.put("plot(UnaryFn, double, double)", () -> new Object[] {f1, -1.0, 1.0});
        // small matrices: square where they must be, agreeing shapes, 3-vectors for the cross product
        double[][] sq = {{2, 1}, {1, 3}};
        GOOD_ARGS.put("det(double[][])", () -> new Object[] {sq});
        GOOD_ARGS.put("inverse(double[][])", () -> new Object[] {sq});
        GOOD_ARGS.put("solve(double[][], double[])", () -> new Object[] {sq, new double[] {1, 2}});
        GOOD_ARGS.put("matmul(double[][], double[][])", () -> new Object[] {sq, new double[][] {{1, 0}, {0, 1}}});
        GOOD_ARGS.put("cross(double[], double[])", () -> new Object[] {new double[] {1, 2, 3}, new double[] {4, 5, 6}});
        GOOD_ARGS.put("cross(Num[], Num[])", () -> new Object[] {dev.wengert.Wengert.constant(new double[] {1, 2, 3}),
            dev.wengert.Wengert.constant(new double[] {4, 5, 6})});
        GOOD_ARGS.put("tensor(Num[], int, int[])", () -> new Object[] {new Num[] {Num.constant(0.5), Num.constant(1.5)}, 1,
            new int[] {1}});
        // global display settings: their good arguments are the defaults, so the test leaves them as they were
        GOOD_ARGS.put("plotMime(String[])", () -> new Object[] {new String[] {"text/html", "image/png"}});
        GOOD_ARGS.put("tableRows(int)", () -> new Object[] {60});
    }

    static Object[] goodArgs(Method m) {
        Supplier<Object[]> o = GOOD_ARGS.get(signature(m));
        if (o != null) {
            return o.get();
        }
        Object[] a = new Object[m.getParameterCount()];
        for (int j = 0; j < a.length; j++) {
            a[j] = GOOD.get(m.getParameterTypes()[j]).get();
        }
        return a;
    }

    /** One call: the method, its arguments, which one is bad, and what the call returned. */
    record Call(Method m, Object[] args, int bad, Object result) {
        Object badValue() {
            return args[bad];
        }

        /** The bad argument is NaN or ±∞ (a double, a Num's value, or an entry of a double[]). */
        boolean nonFinite() {
            Object b = badValue();
            if (b instanceof Double d) {
                return !Double.isFinite(d);
            }
            if (b instanceof Num n) {
                return !Double.isFinite(n.value());
            }
            if (b instanceof double[] d) {
                return Arrays.stream(d).anyMatch(v -> !Double.isFinite(v));
            }
            return false;
        }

        /** The bad argument is a double[] one longer than the good two-element one. */
        boolean longer() {
            return badValue() instanceof double[] d && d.length == 3 && Arrays.stream(d).allMatch(Double::isFinite);
        }

        boolean isInt(int v) {
            return badValue() instanceof Integer i && i == v;
        }

        String name() {
            return m.getName();
        }
    }

    /** A normal return a method means to give for some bad-looking input, and the check that it is that. */
    record Legit(String why, java.util.function.Predicate<Call> applies, java.util.function.Function<Call, String> check) {
    }

    /** Per facade method name: the normal returns that are legitimate. Anything else must throw. */
    static final Map<String, List<Legit>> LEGITIMATE = new LinkedHashMap<>();

    static void legit(Legit l, String... methods) {
        for (String m : methods) {
            LEGITIMATE.computeIfAbsent(m, k -> new ArrayList<>()).add(l);
        }
    }

    /** The numeric functions of the facade, each over double and over Num. */
    static final List<String> MATH = List.of("abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt",
            "cos", "cosh", "digamma", "erf", "erfc", "exp", "expm1", "hypot", "lgamma", "log", "log10", "log1p", "log2",
            "max", "min", "pow", "relu", "sigmoid", "sin", "sinh", "softplus", "sqrt", "square", "tan", "tanh", "trigamma",
            "xlogy");

    /** Limits at ±∞ of the functions java.lang.Math does not have (C99's where C has them); NaN gives NaN. */
    static final Map<String, double[]> LIMITS = Map.ofEntries(
            Map.entry("acosh", new double[] {Double.NaN, Double.POSITIVE_INFINITY}),
            Map.entry("asinh", new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}),
            Map.entry("atanh", new double[] {Double.NaN, Double.NaN}),
            Map.entry("digamma", new double[] {Double.NaN, Double.POSITIVE_INFINITY}),
            Map.entry("trigamma", new double[] {Double.NaN, 0.0}),
            Map.entry("erf", new double[] {-1.0, 1.0}),
            Map.entry("erfc", new double[] {2.0, 0.0}),
            Map.entry("lgamma", new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}),
            Map.entry("log2", new double[] {Double.NaN, Double.POSITIVE_INFINITY}),
            Map.entry("relu", new double[] {0.0, Double.POSITIVE_INFINITY}),
            Map.entry("sigmoid", new double[] {0.0, 1.0}),
            Map.entry("softplus", new double[] {0.0, Double.POSITIVE_INFINITY}),
            Map.entry("square", new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}));

    /** What IEEE arithmetic gives: java.lang.Math's function of that name, else {@link #LIMITS}. */
    static double ieee(String name, double[] a) {
        if (name.equals("xlogy")) {
            // scipy.special.xlogy: x·log y in IEEE arithmetic, and 0 where x = 0 (unless y is NaN)
            return a[0] == 0 && !Double.isNaN(a[1]) ? 0.0 : a[0] * Math.log(a[1]);
        }
        Class<?>[] types = new Class<?>[a.length];
        Arrays.fill(types, double.class);
        try {
            Method math = Math.class.getMethod(name, types);
            Object[] boxed = Arrays.stream(a).boxed().toArray();
            return (double) math.invoke(null, boxed);
        } catch (NoSuchMethodException e) {
            double x = a[0];
            return Double.isNaN(x) ? Double.NaN : LIMITS.get(name)[x < 0 ? 0 : 1];
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static double value(Object o) {
        return o instanceof Num n ? n.value() : (Double) o;
    }

    /** An operand's values: a tensor's elements, or one number. */
    static double[] operand(Object o) {
        return o instanceof dev.wengert.tensor.Tensor t ? t.values() : new double[] {value(o)};
    }

    static boolean same(double a, double b) {
        return Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b));
    }

    /** The numbers in a result, flattened. */
    static double[] numbers(Object r) {
        if (r instanceof Double d) {
            return new double[] {d};
        }
        if (r instanceof Num n) {
            return new double[] {n.value()};
        }
        if (r instanceof double[] d) {
            return d;
        }
        if (r instanceof double[][] d) {
            return Arrays.stream(d).flatMapToDouble(Arrays::stream).toArray();
        }
        if (r instanceof ValueAndGradient vg) {
            double[] g = vg.gradient();
            double[] all = Arrays.copyOf(g, g.length + 1);
            all[g.length] = vg.value();
            return all;
        }
        return null;
    }

    /** The derivatives along coordinate 2 in a result (gradients, Jacobian columns, Hessian row and column). */
    static double[] alongThird(Object r) {
        if (r instanceof double[] d) {
            return new double[] {d[2]};
        }
        if (r instanceof ValueAndGradient vg) {
            return new double[] {vg.gradient()[2]};
        }
        if (r instanceof double[][] d) {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < d.length; i++) {
                v.add(d[i][2]);
                if (d.length == 3) {
                    v.add(d[2][i]);                 // a Hessian: its row too
                }
            }
            return v.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return null;
    }

    /** A check that passes when the call's first use of the returned object throws a specific exception with a message. */
    static String throwsOnUse(Object result, java.util.concurrent.Callable<?> use) {
        try {
            use.call();
        } catch (Exception e) {
            Throwable t = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            for (Class<? extends Throwable> ok : SPECIFIC) {
                if (ok.isInstance(t) && !(t instanceof ArrayIndexOutOfBoundsException) && t.getMessage() != null
                        && !t.getMessage().isBlank()) {
                    return null;
                }
            }
            return "its first use threw " + t;
        }
        return "its first use returned normally";
    }

    static final double GOOD_F1_AT_1 = 1 + Math.sin(1.0);

    static {
        legit(new Legit("an IEEE result: the value java.lang.Math (or C99) gives for NaN or ±∞",
                Call::nonFinite, c -> {
                    double[] a = Arrays.stream(c.args).mapToDouble(BadInputTest::value).toArray();
                    double want = ieee(c.name(), a);
                    double got = value(c.result);
                    return same(want, got) ? null : "returned " + got + ", IEEE gives " + want;
                }), MATH.toArray(String[]::new));
        legit(new Legit("a value that carries the NaN or ±∞ it was given (IEEE)",
                c -> c.nonFinite() && !(c.badValue() instanceof double[]), c -> {
            double want = value(c.badValue());
            return same(want, value(c.result)) ? null : "holds " + value(c.result) + " instead of " + want;
        }), "constant", "param", "stopGradient");
        legit(new Legit("any name, spaces included; an empty name is an unnamed parameter, as param(value)",
                c -> c.badValue() instanceof String sv && sv.strip().equals(sv), c -> {
                    double[] got = c.result instanceof Num n ? new double[] {n.value()}
                            : ((dev.wengert.tensor.Tensor) c.result).values();
                    double[] want = c.args[1] instanceof Double d ? new double[] {d} : (double[]) c.args[1];
                    return Arrays.equals(want, got) ? null : "holds " + Arrays.toString(got);
                }), "param");
        legit(new Legit("a parameter tensor of any length; a NaN entry stays NaN (IEEE)",
                c -> c.badValue() instanceof double[] d && d.length > 0,
                c -> Arrays.equals((double[]) c.badValue(), ((dev.wengert.tensor.Tensor) c.result).values()) ? null
                        : "holds " + Arrays.toString(((dev.wengert.tensor.Tensor) c.result).values())), "param");
        legit(new Legit("a constant tensor whose NaN entry stays NaN (IEEE); no shape is a 1-D tensor, as tensor(data)",
                c -> (c.nonFinite() || c.badValue() == null) && c.args[0] instanceof double[], c -> {
                    var t = (dev.wengert.tensor.Tensor) c.result;
                    double[] data = (double[]) c.args[0];
                    return Arrays.equals(data, t.values()) && Arrays.equals(new int[] {data.length}, t.shape()) ? null
                            : "gave " + t;
                }), "tensor");
        legit(new Legit("logsumexp of any non-empty array: log Σ eˣ, NaN for a NaN entry (IEEE)",
                c -> c.badValue() instanceof double[] d && d.length > 0,
                c -> same(dev.wengert.rules.Arithmetic.logsumexp((double[]) c.badValue()), (Double) c.result) ? null
                        : "gave " + c.result), "logsumexp");
        legit(new Legit("any non-empty name, spaces included", c -> c.badValue() instanceof String sv && !sv.isBlank(),
                c -> String.valueOf(c.result).contains((String) c.badValue()) ? null : "lost its name: " + c.result), "rule");
        legit(new Legit("IEEE arithmetic: NaN or ±∞ in, the IEEE result out, element by element for a tensor",
                Call::nonFinite, c -> {
                    double[] a = operand(c.args[0]);
                    double[] b = operand(c.args[1]);
                    double[] got = c.result instanceof dev.wengert.tensor.Tensor t ? t.values() : new double[] {value(c.result)};
                    for (int i = 0; i < got.length; i++) {
                        double x = a[a.length == 1 ? 0 : i];
                        double y = b[b.length == 1 ? 0 : i];
                        double want = switch (c.name()) {
                            case "plus" -> x + y;
                            case "minus" -> x - y;
                            case "times" -> x * y;
                            default -> x / y;
                        };
                        if (!same(want, got[i])) {
                            return "element " + i + " is " + got[i] + ", IEEE gives " + want;
                        }
                    }
                    return null;
                }), "plus", "minus", "times", "div");
        legit(new Legit("a vector of constants of any length; a NaN or ±∞ entry stays (IEEE)",
                c -> c.badValue() instanceof double[] d && d.length > 0, c -> {
                    double[] want = (double[]) c.badValue();
                    Num[] got = (Num[]) c.result;
                    for (int i = 0; i < want.length; i++) {
                        if (!same(want[i], got[i].value())) {
                            return "entry " + i + " is " + got[i];
                        }
                    }
                    return got.length == want.length ? null : got.length + " entries";
                }), "constant");
        legit(new Legit("f at a NaN or ±∞ point: the value IEEE arithmetic gives, not finite", Call::nonFinite,
                c -> Double.isFinite((Double) c.result) ? "finite: " + c.result : null), "value");
        legit(new Legit("f may ignore a coordinate: f at the rest", Call::longer, c -> {
            double want = dev.wengert.Wengert.value((Fn) c.args[0], 1.0, 2.0);
            return same(want, (Double) c.result) ? null : "gave " + c.result + " instead of " + want;
        }), "value");
        legit(new Legit("no shape: the rest of f's inputs as a 1-D tensor", c -> c.badValue() == null && c.bad == 2
                && c.args[0] instanceof Num[], c -> {
                    double[] v = ((dev.wengert.tensor.Tensor) c.result).values();
                    return v.length == 1 && v[0] == 1.5 ? null : "gave " + Arrays.toString(v);
                }), "tensor");
        legit(new Legit("f may ignore a block's coordinate: its derivative along it is exactly 0",
                c -> c.badValue() instanceof dev.wengert.tensor.Blocks b && b.size() == 3, c -> {
                    double[] g = ((dev.wengert.tensor.Blocks) c.result).values();
                    return g[2] == 0.0 ? null : "along the unread coordinate: " + g[2];
                }), "gradient");
        legit(new Legit("any two 3-vectors: their cross product", Call::longer, c -> {
            double[] a = (double[]) c.args[0];
            double[] b = (double[]) c.args[1];
            double[] want = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
            return Arrays.equals(want, (double[]) c.result) ? null : "gave " + Arrays.toString((double[]) c.result);
        }), "cross");
        legit(new Legit("a NaN or ±∞ right-hand side: IEEE arithmetic carries it into the solution", Call::nonFinite, c -> {
            double[] v = (double[]) c.result;
            return Arrays.stream(v).anyMatch(d -> !Double.isFinite(d)) ? null : "all finite: " + Arrays.toString(v);
        }), "solve");
        legit(new Legit("a view from the first element", c -> c.isInt(0) && c.bad == 1, c -> {
            double[] v = ((dev.wengert.tensor.Tensor) c.result).values();
            return v.length == 1 && v[0] == 0.5 ? null : "gave " + Arrays.toString(v);
        }), "tensor");
        legit(new Legit("a recording made at any point: replayed at a good point it gives f's Jacobian there",
                c -> c.nonFinite() || c.longer(), c -> {
                    var cf = (dev.wengert.compile.CompiledVecFn) c.result;
                    double[] at = c.longer() ? new double[] {0.5, 1.5, 2.5} : new double[] {0.5, 1.5};
                    double[][] want = dev.wengert.Wengert.jacobian((VecFn) c.args[0], at);
                    return Arrays.deepEquals(want, cf.jacobian(at)) ? null : "replayed " + Arrays.deepToString(cf.jacobian(at));
                }), "compileVec");
        String[] differentiation = {"gradient", "valueAndGradient", "gradientScale", "hessian", "jacobian", "jvp", "vjp",
            "hvp", "derivative", "derivatives", "taylor"};
        legit(new Legit("NaN or ±∞ propagated into the derivatives (IEEE)", Call::nonFinite, c -> {
            double[] v = numbers(c.result);
            return v != null && Arrays.stream(v).anyMatch(d -> !Double.isFinite(d)) ? null
                    : "all finite: " + describe(c.result);
        }), differentiation);
        legit(new Legit("f may ignore a coordinate: its derivatives along it are exactly 0", Call::longer, c -> {
            double[] v = alongThird(c.result);
            return v != null && Arrays.stream(v).allMatch(d -> d == 0.0) ? null : "along the unread coordinate: "
                    + Arrays.toString(v);
        }), "gradient", "valueAndGradient", "gradientScale", "hessian", "jacobian", "vjp");
        legit(new Legit("order 0: the 0th derivative, f(x)", c -> c.isInt(0), c -> {
            double[] v = numbers(c.result);
            return v != null && v.length >= 1 && v[0] == GOOD_F1_AT_1 && (v.length == 1 || c.name().equals("derivative"))
                    ? null : "gave " + describe(c.result);
        }), "derivative", "derivatives", "taylor");
        legit(new Legit("a recording made at any point: replayed at a good point it gives f's gradient there",
                c -> c.nonFinite() || c.longer(), c -> {
                    var cf = (dev.wengert.compile.CompiledFn) c.result;
                    double[] at = c.longer() ? new double[] {0.5, 1.5, 2.5} : new double[] {0.5, 1.5};
                    double[] want = dev.wengert.Wengert.gradient((Fn) c.args[0], at);
                    return Arrays.equals(want, cf.gradient(at)) ? null : "replayed " + Arrays.toString(cf.gradient(at));
                }), "compile");
        legit(new Legit("f may ignore a coordinate: the check passes, with derivative 0 along it", Call::longer,
                c -> ((GradCheck) c.result).passed() ? null : "did not pass: " + c.result), "gradCheck");
        legit(new Legit("f may ignore a coordinate: the optimizer leaves it where it started", Call::longer, c -> {
            double[] x = ((dev.wengert.optim.OptimizationResult) c.result).x();
            return x.length == 3 && x[2] == 3.0 ? null : "moved it: " + Arrays.toString(x);
        }), "minimize");
        legit(new Legit("a builder: the model is called only when the fit runs, which reports it",
                c -> c.result instanceof dev.wengert.fit.Fitter, c -> throwsOnUse(c.result,
                        () -> ((dev.wengert.fit.Fitter) c.result).start(1, 1).to(table(), "y", "x"))),
                "fit", "fit1", "fitColumns");
        legit(new Legit("a start with a value the model never reads: the fit says its Jacobian is rank-deficient, "
                + "with no standard errors", c -> c.longer() && c.bad == c.args.length - 1, c -> {
                    var r = (dev.wengert.fit.FitResult) c.result;
                    return r.reason().contains("rank-deficient")
                            && Arrays.stream(r.standardErrors()).allMatch(Double::isNaN) ? null : "reported " + r.reason();
                }), "fit", "fit1", "fitColumns");
        legit(new Legit("y with one value per row of x is the good input here", c -> c.longer() && c.bad == 2
                && c.args[1] instanceof double[][] x && x.length == 3,
                c -> ((dev.wengert.fit.FitResult) c.result).observations() == 3 ? null : "fitted " + c.result),
                "fit", "fitColumns");
        legit(new Legit("an adapter: f is called only when Commons Math evaluates it, which reports it",
                c -> c.badValue() != null, c -> throwsOnUse(c.result, () -> c.result instanceof
                        org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction o
                        ? o.getObjectiveFunction().value(new double[] {0.5, 1.5})
                        : ((org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient) c.result)
                                .getObjectiveFunctionGradient().value(new double[] {0.5, 1.5}))),
                "asObjectiveFunction", "asObjectiveFunctionGradient");
        legit(new Legit("a builder: its datasets come next; fitting it without one says so",
                c -> c.result instanceof dev.wengert.fit.Fitter && "nope".equals(((String[]) c.args[0])[0]),
                c -> throwsOnUse(c.result, () -> ((dev.wengert.fit.Fitter) c.result).fit())), "fitGlobal");
        legit(new Legit("a builder: the system is called only when the ODE is solved, which reports it",
                c -> c.result instanceof dev.wengert.fit.Ode, c -> throwsOnUse(c.result,
                        () -> ((dev.wengert.fit.Ode) c.result).initial(1.0).span(0, 1).solve(new double[] {1.0}, 0.5))),
                "ode");
        legit(new Legit("dataset 0 exists too: its plot", c -> c.isInt(0),
                c -> ((dev.wengert.plot.Plot) c.result).svg().contains("<svg") ? null : "did not render"), "fitPlot");
        legit(new Legit("a NaN point is a gap in the plot, as JFreeChart draws it", Call::nonFinite,
                c -> ((dev.wengert.plot.Plot) c.result).svg().contains("<svg") ? null : "did not render"),
                "line", "scatter");
    }

    static final List<Class<? extends Throwable>> SPECIFIC = List.of(IllegalArgumentException.class,
            IllegalStateException.class, ArithmeticException.class, IndexOutOfBoundsException.class);

    @Test
    void everyFacadeEntryPointRejectsBadInputClearly() throws Exception {
        List<String> problems = new ArrayList<>();
        TreeSet<String> covered = new TreeSet<>();
        TreeSet<String> uncovered = new TreeSet<>();
        int calls = 0;
        int normal = 0;
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
            try {
                m.invoke(null, goodArgs(m));
            } catch (InvocationTargetException e) {
                problems.add(signature(m) + " with good arguments threw " + e.getCause()
                        + " (give it agreeing good arguments in GOOD_ARGS, or each bad call tests two things)");
            }
            for (int k = 0; k < ps.length; k++) {
                for (Supplier<Object> bad : BAD.get(ps[k].getType())) {
                    Object[] args = goodArgs(m);
                    args[k] = bad.get();
                    calls++;
                    String problem = call(m, args, k);
                    if (problem == NORMAL_AND_LEGITIMATE) {
                        normal++;
                    } else if (problem != null) {
                        problems.add(signature(m) + " with " + describe(args[k]) + " as " + ps[k].getName() + ": " + problem);
                    }
                }
            }
        }
        dev.wengert.Wengert.mode(Mode.REVERSE);
        dev.wengert.Wengert.checkNonFinite(false);
        dev.wengert.Wengert.tapeWarning(Session.DEFAULT_WARN_AT);
        System.out.printf("bad input: %d calls over %d facade methods, %d of them returned normally as LEGITIMATE "
                + "allows; %d methods take types this table does not generate: %s%n", calls, covered.size(), normal,
                uncovered.size(), uncovered);
        LEGITIMATE_SEEN.forEach((why, n) -> System.out.printf("  %4d  %s%n", n, why));
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
        assertTrue(covered.size() >= 150, "covers the facade: " + covered.size());
        assertTrue(uncovered.isEmpty(), "facade methods whose parameter types the table cannot generate: " + uncovered);
        TreeSet<String> stale = new TreeSet<>(GOOD_ARGS.keySet());
        stale.removeAll(covered);
        assertTrue(stale.isEmpty(), "GOOD_ARGS names methods the facade does not have: " + stale);
        TreeSet<String> names = new TreeSet<>(LEGITIMATE.keySet());
        covered.forEach(c -> names.remove(c.substring(0, c.indexOf('('))));
        assertTrue(names.isEmpty(), "LEGITIMATE names methods the facade does not have: " + names);
    }

    /** How many normal returns each kind of {@link #LEGITIMATE} accepted in this run. */
    static final Map<String, Integer> LEGITIMATE_SEEN = new java.util.TreeMap<>();

    /** Returned by {@link #call} for a normal return that {@link #LEGITIMATE} allows and whose check passed. */
    static final String NORMAL_AND_LEGITIMATE = new String("normal");

    /** Null if the call threw as it should, {@link #NORMAL_AND_LEGITIMATE}, or else what went wrong. */
    static String call(Method m, Object[] args, int bad) {
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
        Call c = new Call(m, args, bad, result);
        for (Legit l : LEGITIMATE.getOrDefault(m.getName(), List.of())) {
            if (l.applies().test(c)) {
                String wrong;
                try {
                    wrong = l.check().apply(c);
                } catch (RuntimeException e) {
                    wrong = "checking it threw " + e;
                }
                if (wrong == null) {
                    LEGITIMATE_SEEN.merge(l.why(), 1, Integer::sum);
                    return NORMAL_AND_LEGITIMATE;
                }
                return "returned normally, as allowed (" + l.why() + "), but " + wrong;
            }
        }
        return "returned normally (" + describe(result) + ") where no normal return is legitimate: it should throw "
                + "a named exception";
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
        if (o instanceof double[][] d) {
            return Arrays.deepToString(d);
        }
        if (o instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        if (o instanceof Fn || o instanceof UnaryFn || o instanceof VecFn) {
            return "a function that misbehaves";
        }
        try {
            return String.valueOf(o);
        } catch (RuntimeException e) {
            return "a " + o.getClass().getSimpleName() + " whose toString() throws " + e;
        }
    }
}
