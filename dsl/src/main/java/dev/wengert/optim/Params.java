package dev.wengert.optim;

import dev.wengert.core.Session;
import dev.wengert.core.Num;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Named parameters whose values an optimizer can move: the holder behind the implicit form
 * {@code minimize(() -> loss, p)}.
 *
 * <p>Why a holder: a {@link Num} is immutable, so a loss written over plain {@code param(...)}
 * values always computes the same number and cannot be re-evaluated at new values. The holder
 * keeps the current values; {@code p.get("a")} is the parameter {@code a}: outside a
 * minimisation, a {@code param("a", value)} on this thread's implicit tape (the same object
 * until the value changes, so {@code loss.backward(); p.get("a").grad()} works); while an
 * optimizer evaluates the loss, a parameter of that evaluation's private tape. So the loss
 * must call {@code p.get(...)} inside the lambda, each time it runs.
 *
 * <pre>{@code
 * var p = params("a", 1.0, "b", 2.0);
 * // J(a, b) = (a − 3)² + 10 (b + 1)²
 * Supplier<Num> J = () -> square(p.get("a").minus(3)).plus(square(p.get("b").plus(1)).times(10));
 * minimize(J, p);
 * p.value("a");   // ≈ 3.0
 * p.get("a");     // a = 3.0…, a parameter at the optimum
 * }</pre>
 */
public final class Params {
    /**
     * Every live holder, so minimize(loss, p.get("a")) finds the holder and slot of a parameter.
     * Weak, so holders the user dropped are forgotten; keyed by Params (identity equality), and
     * parameters are compared by identity too, whatever equality Num may define.
     */
    private static final Set<Params> HOLDERS = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    /** One coordinate of one holder. */
    record Slot(Params owner, int index) {
        String name() {
            return owner.names[index];
        }
    }

    private final String[] names;
    private final double[] values;
    private final Num[] issued;
    /** Every parameter handed out, per slot, weakly: an old p.get("a") still names slot a. */
    private final List<List<WeakReference<Num>>> handedOut = new ArrayList<>();
    private final ThreadLocal<Num[]> bound = new ThreadLocal<>();
    private long reads;

    private Params(String[] names, double[] values) {
        this.names = names;
        this.values = values;
        this.issued = new Num[names.length];
        for (int i = 0; i < names.length; i++) {
            handedOut.add(new ArrayList<>());
        }
        HOLDERS.add(this);
    }

    /**
     * Parameters from alternating names and start values.
     *
     * <pre>{@code
     * var p = Params.of("slope", 0.0, "intercept", 1.0);
     * }</pre>
     */
    public static Params of(Object... namesAndValues) {
        if (namesAndValues == null || namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("params(…): give names and start values in pairs, "
                    + "e.g. params(\"a\", 1.0, \"b\", 2.0)");
        }
        int n = namesAndValues.length / 2;
        String[] names = new String[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            Object name = namesAndValues[2 * i];
            Object value = namesAndValues[2 * i + 1];
            if (!(name instanceof String s) || s.isEmpty()) {
                throw new IllegalArgumentException("params(…): argument " + (2 * i) + " is " + name
                        + "; every odd argument is a name (a non-empty String), e.g. params(\"a\", 1.0)");
            }
            if (!(value instanceof Number v) || !Double.isFinite(v.doubleValue())) {
                throw new IllegalArgumentException("params(…): the start value of '" + s + "' is " + value
                        + "; give a finite number after each name");
            }
            for (int j = 0; j < i; j++) {
                if (names[j].equals(s)) {
                    throw new IllegalArgumentException("params(…): the name '" + s + "' appears twice");
                }
            }
            names[i] = s;
            values[i] = v.doubleValue();
        }
        return new Params(names, values);
    }

    /** The parameter called {@code name} (see the class comment for which Num that is). */
    public Num get(String name) {
        return get(index(name));
    }

    /** The i-th parameter, in the order given to {@link #of}. */
    public Num get(int i) {
        if (i < 0 || i >= names.length) {
            throw new IllegalArgumentException("get(" + i + "): there are " + names.length + " parameters, "
                    + String.join(", ", names));
        }
        Num[] b = bound.get();
        if (b != null) {
            reads++;
            return b[i];
        }
        Num n = issued[i];
        if (n == null || !n.isParameter() || n.value() != values[i] || n.mode() != Session.current().mode()) {
            // a new value (after a minimisation), a reset tape or another mode: a fresh parameter
            n = Session.current().param(names[i], values[i]);
            issued[i] = n;
            List<WeakReference<Num>> refs = handedOut.get(i);
            refs.removeIf(r -> r.get() == null);
            refs.add(new WeakReference<>(n));
        }
        return n;
    }

    /** Every parameter, in order. */
    public Num[] all() {
        Num[] r = new Num[names.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = get(i);
        }
        return r;
    }

    /** The current value of {@code name}. */
    public double value(String name) {
        return values[index(name)];
    }

    /** The current values, in order (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Sets a value by hand, e.g. to restart from elsewhere. */
    public void set(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("set(\"" + name + "\", " + value + "): give a finite value");
        }
        values[index(name)] = value;
    }

    /** The names, in order. */
    public List<String> names() {
        return List.of(names);
    }

    public int size() {
        return names.length;
    }

    /** {@code a = 3.0, b = -1.0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append(" = ").append(values[i]);
        }
        return sb.toString();
    }

    // ---- for minimize ---------------------------------------------------------------------

    private int index(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'; the names are " + Arrays.toString(names));
    }

    static Slot slotOf(Num n) {
        synchronized (HOLDERS) {
            for (Params p : HOLDERS) {
                for (int i = 0; i < p.names.length; i++) {
                    for (WeakReference<Num> r : p.handedOut.get(i)) {
                        if (r.get() == n) {
                            return new Slot(p, i);
                        }
                    }
                }
            }
        }
        return null;
    }

    List<Slot> slots() {
        List<Slot> s = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            s.add(new Slot(this, i));
        }
        return s;
    }

    double valueAt(int i) {
        return values[i];
    }

    /** While bound (on this thread), get(i) returns nums[i]: the loss is being evaluated. */
    void bind(Num[] nums) {
        bound.set(nums);
    }

    void unbind() {
        bound.remove();
    }

    long reads() {
        return reads;
    }

    void assign(int i, double v) {
        values[i] = v;
    }
}
