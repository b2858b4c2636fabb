package dev.wengert.core;

import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;

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

    /**
     * Node {@code node} applied a binary rule to node a and the constant c, on the right or the
     * left (as {@link #constantOperand}, with the rule and the recorded operand, for a listener
     * that follows the recording operation by operation). By default: {@link #constantOperand}.
     */
    default void constantOperation(int node, BinaryRule rule, int a, double c, boolean right) {
        constantOperand(node, c, right);
    }

    /**
     * Node {@code node} applied {@code rule} to node a, and to node b unless {@code b < 0}; a and
     * b are −1 for an operation of any other arity (a nested node, or an n-ary rule recorded
     * without its argument values). Called for every operation that {@link #constantOperation}
     * and {@link #naryOperation} do not report, after it is on the tape, for a listener that
     * follows the recording operation by operation (array operations, which fill a block of
     * positions, are not reported). By default: nothing.
     */
    default void operation(int node, Object rule, int a, int b) {
    }

    /**
     * Node {@code node} applied the n-ary rule to {@code values}: the arguments at
     * {@code recordedSlots} are the recorded nodes {@code in} (in that order), the others
     * constants. Not read after the call returns.
     */
    void naryOperation(int node, NaryRule rule, int[] in, double[] values, int[] recordedSlots);

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
