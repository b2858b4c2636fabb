package dev.wengert.core;

import dev.wengert.rules.Real;
import dev.wengert.rules.UnaryRule;

/**
 * What array operations ({@code dev.wengert.tensor}) need from a tape: recording an operation
 * on whole arrays as one node (a {@link BlockOp} over a block of consecutive positions),
 * handles for the positions of its output, and parameters. The tape a user sees
 * ({@code tape()}) offers none of this; a tensor reaches it through {@link #of} or
 * {@link #implicit}.
 *
 * <p>Part of the engine's interface to the packages built on it, not of the DSL a notebook
 * uses.
 */
public final class ArrayTape {
    /**
     * An element read out of an array (Tensor.get): the identity, recorded so it can be replayed;
     * a full rule (its partial 1 is differentiable), so nested and second-order sweeps see through it.
     */
    private static final UnaryRule INDEX = new UnaryRule("index") {
        @Override
        public double value(double x) {
            return x;
        }

        @Override
        public double partial(double x, double y) {
            return 1.0;
        }

        @Override
        public <T extends Real<T>> T partial(T x, T y) {
            return x.newInstance(1.0);
        }

        @Override
        public double[] series(double[] x) {
            return x.clone();
        }
    };

    private final Tape t;

    ArrayTape(Tape t) {
        this.t = t;
    }

    /**
     * The tape of a first-order reverse-mode value, checked usable for {@code op} (not rewound
     * or discarded, on its owner thread); null for constants, forward-mode, nested and Taylor
     * values, which take the element path. Two values of one tape give the same object.
     */
    public static ArrayTape of(Num x, String op) {
        if (x.tape == null || !x.simple()) {
            return null;
        }
        x.checkUsable(op);
        return x.tape.arrays();
    }

    /** This thread's implicit tape. */
    public static ArrayTape implicit() {
        return Session.current().tape().arrays();
    }

    /** The tape, for reading (values, adjoints, parameter gradients). */
    public Tape tape() {
        return t;
    }

    /** The next position to be recorded. */
    public int size() {
        return t.size();
    }

    /** The generation positions recorded now belong to (see {@link #check}). */
    public int generation() {
        return t.generation();
    }

    /** The values of all positions (read-only by convention). */
    public double[] values() {
        return t.values();
    }

    /** Records an array operation over n positions and computes them; returns the first. */
    public int record(BlockOp op, int n) {
        int first = t.block(op, n);
        t.forward(op);
        return first;
    }

    /** A handle for the value at a position (an element of an array operation's output). */
    public Num at(int position) {
        return new Num(t.value(position), t, position, t.generation(), null, null, null, null, null);
    }

    /** Element {@code position} read out as a scalar operation of its own. */
    public Num element(int position) {
        double v = t.value(position);
        return at(t.push1(INDEX, v, position, 1.0));
    }

    /** A new named parameter; returns its position. */
    public int parameter(String name, double value) {
        return t.leaf(value, name);
    }

    /** Throws unless positions of generation gen are still valid and the tape belongs to this thread. */
    public void check(int gen, int position, String what, String op) {
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
}
