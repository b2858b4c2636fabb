package dev.wengert.tensor;

/**
 * One input of an array operation as the operation sees it: either a block of tape
 * positions or a constant array, read through broadcast strides so that element (i, j) of an
 * output of n columns is at {@code base + i·rowStride + j·colStride}. A scalar has both
 * strides 0; a row vector a row stride of 0; a column vector a column stride of 0.
 */
final class Operand {
    /** First tape position, or −1 for a constant. */
    final int start;
    /** The values of a constant (null for a tape block). */
    final double[] constant;
    final int rowStride;
    final int colStride;
    /** Number of distinct elements (for pullbacks that accumulate into it). */
    final int size;

    Operand(int start, double[] constant, int rowStride, int colStride, int size) {
        this.start = start;
        this.constant = constant;
        this.rowStride = rowStride;
        this.colStride = colStride;
        this.size = size;
    }

    boolean onTape() {
        return start >= 0;
    }

    /** The element at flat offset k (already through the strides). */
    double get(double[] values, int k) {
        return start >= 0 ? values[start + k] : constant[k];
    }

    /** The array holding the elements: the tape's values, or the constant. */
    double[] array(double[] values) {
        return start >= 0 ? values : constant;
    }

    /** Where element 0 is in {@link #array}: kernels resolve the operand once, not per element. */
    int base() {
        return start >= 0 ? start : 0;
    }
}
