package dev.wengert.core;

/**
 * The arrays of a tape, for code that replays it ({@code dev.wengert.compile}): a replay
 * recomputes values and partials in place, and sweeps backward over them, with the tape's own
 * layout (node i has value {@code values()[i]}, operation {@code ops()[i]}, and inputs
 * {@code args()[starts()[i] .. starts()[i+1])} with partials at the same indices). Only the
 * {@link ProgramListener} of a tape made by {@link #programTape} receives one, so the tape a
 * user sees ({@code tape()}) offers none of this.
 *
 * <p>Part of the engine's interface to the packages built on it, not of the DSL a notebook
 * uses.
 */
public final class TapeStorage {
    private final Tape t;

    TapeStorage(Tape t) {
        this.t = t;
    }

    /**
     * A new private tape of the calling thread's session for a recording that will be replayed;
     * the listener is attached before anything is recorded and learns what a replay needs.
     */
    public static Tape programTape(String label, ProgramListener listener) {
        Tape tape = new Tape(Session.current(), label, false, Long.MAX_VALUE);
        tape.listen(listener);
        listener.attached(new TapeStorage(tape));
        return tape;
    }

    /**
     * A new recording on the tape of an earlier one, for another listener, keeping the tape's
     * arrays (a recording made and dropped on every call then grows no arrays): whatever was
     * recorded there before is refused from now on. False when the tape cannot be reused on
     * the calling thread (its session is another thread's); then nothing changed.
     */
    public boolean restart(String label, ProgramListener listener) {
        if (!t.restart(label, listener)) {
            return false;
        }
        listener.attached(this);
        return true;
    }

    /**
     * From here on, operations of one or two recorded operands and n-ary ones are recorded lean:
     * their value only (the listener is told of each as usual), not their op, inputs or partials, until
     * {@link #endLean}. For a row model's first pass, whose listener checks every row against a
     * shape it already has and so needs nothing else from the tape. Anything that reads the
     * recorded nodes (a sweep, a listing, {@link #ops()} and the other arrays) or records
     * anything else (a parameter, a nested node, an array operation) tears the lean
     * recording: the tape is consistent again, the nodes recorded lean have no inputs, and
     * {@link #endLean} returns false — record that stretch again in full (cut back first).
     * Between {@code endLean} and the next {@code beginLean} or cut, record nothing in full.
     */
    public void beginLean() {
        t.beginLean();
    }

    /** Ends lean recording: whether all of it was lean (false: it was torn, see {@link #beginLean}). */
    public boolean endLean() {
        return t.endLean();
    }

    /** Whether nodes recorded lean are on the tape (until it is cut back below them). */
    public boolean holdsLean() {
        return t.holdsLean();
    }

    /** A new unnamed parameter: an input of the recording. */
    public Num parameter(double value) {
        return Num.reverseParameter(t, null, value);
    }

    /**
     * Forgets what was recorded from position {@code mark} on (those values are refused from
     * now on), keeping what came before: a recording that is redone many times over the same
     * inputs (a row model, row after row) reuses its arrays.
     */
    public void truncate(int mark) {
        t.truncate(mark);
    }

    /**
     * x's position if it was recorded on this tape and is still valid there, else −1 (a
     * constant, another differentiation's value, or a value cut off this tape since: a row
     * model that returns the output of a row recorded before the last cut).
     */
    public int positionOf(Num x) {
        return x.tape == t && t.isValid(x.idx, x.gen) ? x.idx : -1;
    }

    public int size() {
        return t.size();
    }

    public double[] values() {
        return t.valueArray();
    }

    /** Each node's rule object (a UnaryRule, BinaryRule, NaryRule), or a marker for leaves and array operations. */
    public Object[] ops() {
        return t.opArray();
    }

    public int[] starts() {
        return t.startArray();
    }

    public int[] args() {
        return t.argArray();
    }

    public double[] partials() {
        return t.partialArray();
    }

    /** The adjoints of the last sweep (allocated by the tape's first sweep). */
    public double[] adjoints() {
        return t.adjointArray();
    }

    /** Which nodes the last full sweep reached. */
    public boolean[] reached() {
        return t.reachedArray();
    }

    /** The array operation whose block starts at node i, or null. */
    public BlockOp blockStartingAt(int i) {
        return t.blockStartingAt(i);
    }

    /** The last node of the block that starts at node i. */
    public int blockEnd(int i) {
        return t.blockEnd(i);
    }

    /** Whether any array operation was recorded. */
    public boolean hasBlocks() {
        return t.hasBlocks();
    }

    /**
     * Whether {@link #reached()} holds what a sweep from {@code root} reaches: the last full
     * sweep started there, over the same recording (a replay changes values, not structure).
     */
    public boolean reachIsFrom(int root) {
        return t.reachIsFrom(root);
    }

    /**
     * What a sweep from {@code root} reaches, worked out elsewhere from the recording (one flag
     * per node, at least {@link #size()} of them): afterwards {@link #reachIsFrom} holds for root.
     */
    public void adoptReach(int root, boolean[] reached) {
        t.adoptReach(root, reached);
    }

    /**
     * A backward sweep from several outputs at once, each seeded with its weight: afterwards the
     * tape's adjoints are uᵀJ (a vector–Jacobian product of a replayed vector function).
     */
    public void backward(int[] roots, double[] seeds) {
        t.backward(roots, seeds);
    }

    /**
     * Tangents of every node up to {@code upTo} given tangents of some leaves (a Jacobian–vector
     * product over the recording as it stands after a replay); array operations are refused.
     */
    public double[] forwardSweep(int[] leaves, double[] seeds, int upTo) {
        return t.forwardSweep(leaves, seeds, upTo);
    }

    /** After a replay changed values: earlier sweeps no longer describe them. */
    public void valuesChanged() {
        t.valuesChanged();
    }

    /** After a sweep from {@code root} run outside the tape: its adjoints are current for every node. */
    public void swept(int root) {
        t.sweptExternally(root);
    }

    /** Whether the last sweep's adjoints cover node i. */
    public boolean sweptBelow(int i) {
        return t.sweptBelow(i);
    }
}
