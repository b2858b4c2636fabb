package dev.wengert.core;

import dev.wengert.reverse.Tape;

/**
 * The bridge between {@link Num} and the packages built on it (tensors, compiled tapes,
 * plots). Not part of the DSL a notebook uses: these methods expose tape positions, which
 * only array operations and replays need.
 */
public final class Internals {
    private Internals() {
    }

    /** A value for an existing tape position (an element of an array operation's block). */
    public static Num atPosition(Tape t, int position) {
        return new Num(t.value(position), t, position, t.generation(), null, null, null, null, null);
    }

    /** A new parameter on t. */
    public static Num parameter(Tape t, String name, double value) {
        return Num.reverseParameter(t, name, value);
    }

    /** The tape of a first-order reverse-mode value, or null (constants, forward mode, nested or Taylor values). */
    public static Tape simpleTape(Num x) {
        return x.tape != null && x.simple() ? x.tape : null;
    }

    /** The tape of any reverse-mode value (nested ones included), or null. */
    public static Tape tapeOf(Num x) {
        return x.tape;
    }

    /** The tape position of a reverse-mode value. */
    public static int position(Num x) {
        return x.idx;
    }

    /** The value without recording a read (compiled tapes record reads of {@link Num#value()}). */
    public static double peek(Num x) {
        return x.v;
    }

    /** Throws unless x's tape is still valid and owned by this thread; op names the operation. */
    public static void checkUsable(Num x, String op) {
        if (x.tape != null) {
            x.checkUsable(op);
        }
    }

    /** Throws unless the tape generation gen is still current and the tape belongs to this thread. */
    public static void checkUsable(Tape t, int gen, int position, String what, String op) {
        if (!t.isValid(position, gen)) {
            throw new WengertException(op + ": " + what + (t.isClosed()
                    ? " was recorded on a tape that resetTape() has since discarded; create it again after the reset."
                    : " was recorded inside a functional call whose private tape was rewound when it returned; "
                    + "use values() to keep the numbers."));
        }
        if (t.session().owner() != Thread.currentThread()) {
            t.session().checkThread(what);
        }
    }

    /**
     * Moves a parameter to a new value — the one mutation a Num allows, used by optimizers to
     * leave parameters at the optimum. Values computed from it before keep their old values.
     */
    public static void assign(Num p, double value) {
        if (p == null || !p.isParameter()) {
            throw new IllegalArgumentException("assign: " + (p == null ? "null" : p.describe()) + " is not a parameter");
        }
        if (p.tape != null) {
            p.checkUsable("assign");
            p.tape.setParameterValue(p.idx, value);
        } else {
            p.checkTagThread();
        }
        p.v = value;
    }

    /**
     * The value of {@code loss} and its gradient with respect to {@code params} when they take
     * {@code values}: the parameters are moved there, the loss is evaluated (on their own tape,
     * which is cut back afterwards, or with their forward tangents), and differentiated. The
     * loss must compute from the parameters themselves: a value derived from them before the
     * call (and so from their old values) is reported, not used.
     */
    public static ValueAndGradient evaluateAt(java.util.function.Supplier<Num> loss, Num[] params, double[] values) {
        if (params.length != values.length) {
            throw new IllegalArgumentException("evaluateAt: " + params.length + " parameters but " + values.length + " values");
        }
        Tape t = params[0].tape;
        dev.wengert.forward.ForwardTag f = params[0].tag;
        for (Num p : params) {
            if (!p.isParameter() || p.tape != t || p.tag != f) {
                throw new IllegalArgumentException("minimize(loss, params): " + p.describe() + " is not a parameter of "
                        + "the same tape as " + params[0].describe() + "; give parameters made by param(...) in one mode");
            }
        }
        for (int i = 0; i < params.length; i++) {
            assign(params[i], values[i]);
        }
        double[] g = new double[params.length];
        if (t == null) {
            Num y = loss.get();
            if (y == null) {
                throw new IllegalArgumentException("minimize(loss, params): the loss returned null");
            }
            for (int i = 0; i < params.length; i++) {
                g[i] = y.d(params[i]);
            }
            return new ValueAndGradient(y.v, g);
        }
        int mark = t.size();
        try {
            Num y = loss.get();
            if (y == null) {
                throw new IllegalArgumentException("minimize(loss, params): the loss returned null");
            }
            if (y.tape == t && t.isValid(y.idx, y.gen)) {
                t.backward(y.idx);
                int[] positions = new int[params.length];
                for (int i = 0; i < params.length; i++) {
                    positions[i] = params[i].idx;
                    g[i] = t.adjoint(params[i].idx);
                }
                int stale = t.staleDependency(mark, positions);
                if (stale >= 0) {
                    throw new WengertException("minimize(loss, params): the loss uses the value at tape position #" + stale
                            + " (" + t.op(stale) + "), computed from the parameters before minimize was called, so it "
                            + "would keep their old values. Compute it inside the loss: () -> … from the parameters.");
                }
            }
            return new ValueAndGradient(y.v, g);
        } finally {
            t.truncate(mark);
        }
    }

    /** How errors name a value. */
    public static String describe(Num x) {
        return x.describe();
    }
}
