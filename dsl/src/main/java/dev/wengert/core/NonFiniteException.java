package dev.wengert.core;

/**
 * Thrown in checking mode ({@code checkNonFinite(true)}) by the first operation that turns
 * finite inputs into NaN or an infinity; the message names the operation, its inputs and its
 * tape position.
 */
public class NonFiniteException extends ArithmeticException {
    private final String operation;
    private final int position;

    public NonFiniteException(String operation, int position, String message) {
        super(message);
        this.operation = operation;
        this.position = position;
    }

    /** The operation that produced the non-finite value, e.g. "log". */
    public String operation() {
        return operation;
    }

    /** Its tape position, or −1 outside reverse mode. */
    public int position() {
        return position;
    }
}
