package dev.wengert.core;

/**
 * What array operations ({@code dev.wengert.tensor}) need from a forward-mode differentiation,
 * as {@link ArrayTape} is what they need from a tape: the tangents of its values by slot (one
 * slot per parameter), new values made from a value and tangents, and the slot of a parameter.
 * A tensor in forward mode keeps its values and a tangent column per slot, and meets scalars
 * of the same differentiation through this handle.
 *
 * <p>Part of the engine's interface to the packages built on it, not of the DSL a notebook
 * uses.
 */
public final class ForwardArrays {
    private final ForwardTag tag;

    ForwardArrays(ForwardTag tag) {
        this.tag = tag;
    }

    /**
     * The forward-mode differentiation of a first-order forward value, checked usable for
     * {@code op} (its differentiation still open, on its owner thread); null for constants,
     * reverse-mode, nested and Taylor values, which take other paths. Two values of one
     * differentiation give the same object.
     */
    public static ForwardArrays of(Num x, String op) {
        if (x.tag == null || x.tape != null || !x.simple() || x.tangentsRaw() == null) {
            return null;
        }
        x.checkTagThread();
        return x.tag.arrays();
    }

    /** The tangent slots allocated so far: one per parameter of this differentiation. */
    public int slots() {
        return tag.slots();
    }

    /**
     * x's tangents by slot, not copied (read them, do not change them): entries past the
     * array's end are 0. x must belong to this differentiation ({@link #of} gave this handle).
     */
    public double[] tangents(Num x) {
        return x.tangentsRaw();
    }

    /** A new value of this differentiation: v with the given tangents by slot (kept, not copied). */
    public Num value(double v, double[] tangents) {
        return new Num(v, null, -1, 0, tag, tangents, null, null, null);
    }

    /** The slot of x when it is a parameter of this differentiation, else −1. */
    public int slotOf(Num x) {
        return x != null && x.tag == tag && x.idx >= 0 && x.tape == null ? x.idx : -1;
    }

    /** Throws unless the differentiation is still open and this is its owner thread (naming {@code what}). */
    public void check(String what) {
        if (tag.isClosed()) {
            throw new WengertException(what + " is used after its differentiation returned: "
                    + (tag.isScoped() ? "it was computed inside a function given to derivative/gradient/jvp/hessian, "
                    + "and such values cannot be used once the call has returned (use values() to keep the numbers)."
                    : "resetTape() has since discarded it; create it again after the reset."));
        }
        if (tag.session().owner() != Thread.currentThread()) {
            tag.session().checkThread(what);
        }
    }

    /**
     * In checking mode ({@code checkNonFinite(true)}), throws at an operation that turned finite
     * inputs into NaN or ±∞, as a scalar operation does; otherwise nothing.
     */
    public static void checkFinite(String op, double y, double... inputs) {
        Num.nonFinite(op, y, inputs, -1, null);
    }
}
