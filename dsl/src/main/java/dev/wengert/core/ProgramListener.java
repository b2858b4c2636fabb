package dev.wengert.core;

/**
 * Listens to a recording that will be replayed for new inputs (compiled tapes,
 * {@code dev.wengert.compile}): it is told what a replay needs beyond what the tape keeps.
 * A tape made by {@link TapeStorage#programTape} has one; other tapes have none, and their
 * recording pays nothing for this.
 *
 * <p>Part of the engine's interface to the packages built on it, not of the DSL a notebook
 * uses.
 */
public interface ProgramListener {

    /** Called once, before anything is recorded: the storage of the tape it listens to. */
    void attached(TapeStorage storage);

    /** Node {@code node} applied a binary rule to one recorded operand and the constant c, on the right or the left. */
    void constantOperand(int node, double c, boolean right);

    /** Node {@code node} applied an n-ary rule to {@code values}; {@code recordedSlots} are the arguments on the tape. */
    void naryArguments(int node, double[] values, int[] recordedSlots);

    /**
     * The program compared node a with node b ({@code b < 0}: with the constant c) by
     * {@code cmp} (gt, lt, ge, le, eq or ne), with the given outcome: a branch a replay must take again.
     */
    void compared(int a, int b, double c, String cmp, boolean outcome);

    /** The program read node a's value v itself ({@code Num.value()}): a replay must see the same value. */
    void read(int a, double v);

    /** Node {@code node} has partials no rule recomputes (a nested differentiation): the recording cannot be replayed. */
    void unreplayable(int node);
}
