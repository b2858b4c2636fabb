package dev.wengert.core;

/**
 * An operation on whole arrays recorded as one tape node (tensor arithmetic, matrix products,
 * reductions): its output occupies a block of consecutive tape positions, and its pullback
 * works on the whole block at once. The same object recomputes its output when a compiled
 * tape is replayed, so recording and replay share one code path.
 */
public interface BlockOp {

    /** The operation's name, as the tape prints it. */
    String name();

    /** The tape positions (or first positions of blocks) this operation reads, for printing. */
    int[] inputs();

    /** Computes the output block from the current input values (recording and replay). */
    void forward(double[] values);

    /**
     * Adds the output block's adjoints, times the local partials, into the inputs' adjoints,
     * and marks every input it touches as reached.
     */
    void pullback(double[] values, double[] adjoint, boolean[] reached);

    /**
     * Called before {@link #forward} when this operation is recorded at the very positions where
     * {@code previous} was recorded before the tape was rewound (a gradient(f, x) loop records
     * the same operations again and again). previous is dead: this operation may take over its
     * working arrays instead of allocating its own.
     */
    default void adopt(BlockOp previous) {
    }

    /**
     * Forward over reverse (Hessian–vector products): the output block's tangents from the
     * inputs' tangents in {@code tangents} (same layout as {@code values}, after
     * {@link #forward}). Returns false when the operation has no tangents, and a caller then
     * takes another way (the element path of nested differentiation).
     */
    default boolean forwardTangent(double[] values, double[] tangents) {
        return false;
    }

    /**
     * The tangent of the pullback: adds, into the inputs' adjoint tangents, Jᵀ·(the output's
     * adjoint tangents) + J̇ᵀ·(the output's adjoints), J̇ being the derivative of the local
     * Jacobian along {@code tangents}. Only outputs the backward sweep reached ({@code reached})
     * contribute. Returns false when the operation has no tangents ({@link #forwardTangent}).
     */
    default boolean pullbackTangent(double[] values, double[] tangents, double[] adjoint, double[] adjointTangent,
                                    boolean[] reached) {
        return false;
    }
}
