package dev.wengert.optim;

import dev.wengert.core.CustomRule;
import dev.wengert.core.Functional;
import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.WengertException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The implicit form {@code minimize(() -> loss, params)}: turns the supplier into a function
 * of an array by binding each holder's parameters to the array's entries while the supplier
 * runs, then writes the best point back into the holders.
 *
 * <p>Every evaluation runs inside {@code valueAndGradient(f, x)}, on a private tape: the
 * implicit tape does not grow however many iterations the optimizer takes.
 */
final class ImplicitLoss {
    private ImplicitLoss() {
    }

    /** Whether every parameter is a plain param(...) (not a holder's), so it is moved in place. */
    static boolean plainParameters(Num[] params) {
        if (params == null || params.length == 0) {
            return false;
        }
        boolean plain = true;
        boolean holder = false;
        for (Num n : params) {
            if (n == null) {
                return false;
            }
            boolean h = Params.slotOf(n) != null;
            holder |= h;
            plain &= !h && n.isParameter();
        }
        if (holder && !plain) {
            for (Num n : params) {
                if (Params.slotOf(n) == null && n.isParameter()) {
                    throw new IllegalArgumentException("minimize(loss, params): mixes parameters of a params(...) "
                            + "holder with a plain parameter (" + n + "); give one kind");
                }
            }
        }
        return plain;
    }

    /**
     * The implicit form over plain parameters: the loss becomes one first-order operation of
     * the optimizer's variables whose value and gradient come from evaluating the supplier with
     * the parameters moved to those values (the core's evaluateAt, which leaves the tape as it
     * was); at the end the parameters stay at the best point.
     */
    static OptimizationResult minimizePlain(Optimizer<?> method, Supplier<Num> loss, Num[] params) {
        String caller = "minimize(loss, params) with " + method.name();
        if (loss == null) {
            throw new IllegalArgumentException(caller + ": the loss is null; pass () -> …, computed from the parameters");
        }
        if (method instanceof Newton) {
            throw new IllegalArgumentException(caller + ": Newton's method needs second derivatives, which a loss "
                    + "over parameters moved in place cannot give; use minimize(x -> loss(x[0], …), x0, newton())");
        }
        int n = params.length;
        double[] x0 = new double[n];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (params[j] == params[i]) {
                    throw new IllegalArgumentException(caller + ": parameter " + params[i] + " is given twice");
                }
            }
            x0[i] = params[i].value();
            names.add(params[i].name() != null ? params[i].name() : "x" + i);
        }
        // value and gradient are asked for separately by the rule; evaluate once per point
        double[][] lastX = {null};
        dev.wengert.core.ValueAndGradient[] lastVg = {null};
        java.util.function.Function<double[], dev.wengert.core.ValueAndGradient> at = v -> {
            if (!java.util.Arrays.equals(v, lastX[0])) {
                lastVg[0] = Functional.evaluateAt(loss, params, v);
                lastX[0] = v.clone();
            }
            return lastVg[0];
        };
        Fn f = CustomRule.nary("loss", n, v -> at.apply(v).value(), v -> at.apply(v).gradient());
        OptimizationResult r = null;
        try {
            r = method.run(f, x0, names, caller);
            return r;
        } finally {
            double[] end = r != null ? r.x() : x0;
            for (int i = 0; i < n; i++) {
                Functional.assign(params[i], end[i]);
            }
        }
    }

    static List<Params.Slot> slots(Num[] params) {
        if (params == null || params.length == 0) {
            throw new IllegalArgumentException("minimize(loss, params): name the parameters to move, e.g. "
                    + "minimize(loss, p) or minimize(loss, p.get(\"a\"), p.get(\"b\"))");
        }
        List<Params.Slot> slots = new ArrayList<>();
        for (int k = 0; k < params.length; k++) {
            Num n = params[k];
            if (n == null) {
                throw new IllegalArgumentException("minimize(loss, params): parameter " + k + " is null");
            }
            Params.Slot s = Params.slotOf(n);
            if (s == null) {
                throw new IllegalArgumentException("minimize(loss, params): " + n + " is not a parameter of a "
                        + "params(...) holder. A Num never changes its value, so a loss over plain param(...) "
                        + "values computes the same number however often it runs, and minimize cannot move it. "
                        + "Make the parameters with a holder and read them inside the loss:\n"
                        + "    var p = params(\"a\", 1.0, \"b\", 2.0);\n"
                        + "    minimize(() -> loss(p.get(\"a\"), p.get(\"b\")), p);\n"
                        + "or minimise a function of an array: minimize(x -> loss(x[0], x[1]), 1.0, 2.0).");
            }
            if (slots.contains(s)) {
                throw new IllegalArgumentException("minimize(loss, params): parameter '" + s.name() + "' is given twice");
            }
            slots.add(s);
        }
        return slots;
    }

    static OptimizationResult minimize(Optimizer<?> method, Supplier<Num> loss, List<Params.Slot> slots) {
        String caller = "minimize(loss, params) with " + method.name();
        if (loss == null) {
            throw new IllegalArgumentException(caller + ": the loss is null; pass () -> …, computed from p.get(\"…\")");
        }
        int n = slots.size();
        double[] x0 = new double[n];
        List<String> names = new ArrayList<>();
        // the holders involved, each with the positions in x of its moving slots (−1: held fixed)
        Map<Params, int[]> holders = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            Params.Slot s = slots.get(k);
            x0[k] = s.owner().valueAt(s.index());
            names.add(s.name());
            holders.computeIfAbsent(s.owner(), p -> {
                int[] at = new int[p.size()];
                java.util.Arrays.fill(at, -1);
                return at;
            })[s.index()] = k;
        }
        Fn f = x -> {
            for (Map.Entry<Params, int[]> e : holders.entrySet()) {
                Params p = e.getKey();
                int[] at = e.getValue();
                Num[] b = new Num[at.length];
                for (int i = 0; i < at.length; i++) {
                    b[i] = at[i] >= 0 ? x[at[i]] : Num.constant(p.valueAt(i));
                }
                p.bind(b);
            }
            try {
                return loss.get();
            } finally {
                for (Params p : holders.keySet()) {
                    p.unbind();
                }
            }
        };
        long readsBefore = reads(holders);
        OptimizationResult r;
        try {
            r = method.run(f, x0, names, caller);
        } catch (WengertException e) {
            if (reads(holders) == readsBefore) {
                throw notRead(caller, e);
            }
            throw e;
        }
        if (reads(holders) == readsBefore) {
            throw notRead(caller, null);
        }
        double[] best = r.x();
        for (int k = 0; k < n; k++) {
            slots.get(k).owner().assign(slots.get(k).index(), best[k]);
        }
        return r;
    }

    private static long reads(Map<Params, int[]> holders) {
        long s = 0;
        for (Params p : holders.keySet()) {
            s += p.reads();
        }
        return s;
    }

    private static IllegalArgumentException notRead(String caller, RuntimeException cause) {
        return new IllegalArgumentException(caller + ": the loss never read a parameter while it ran. Call "
                + "p.get(\"a\") inside the lambda, () -> square(p.get(\"a\").minus(3)), not before it: a Num "
                + "fetched outside keeps its value, so the optimizer could not move it.", cause);
    }
}
