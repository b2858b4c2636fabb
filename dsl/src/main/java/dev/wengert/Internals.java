package dev.wengert;

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
    public static void checkUsable(Tape t, int gen, String what, String op) {
        if (gen != t.generation()) {
            throw new WengertException(op + ": " + what + (t.isClosed()
                    ? " was recorded on a tape that resetTape() has since discarded; create it again after the reset."
                    : " was recorded inside a functional call whose private tape was rewound when it returned; "
                    + "use values() to keep the numbers."));
        }
        if (t.session().owner() != Thread.currentThread()) {
            t.session().checkThread(what);
        }
    }

    /** How errors name a value. */
    public static String describe(Num x) {
        return x.describe();
    }
}
