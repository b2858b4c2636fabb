package dev.wengert.core;

/**
 * A misuse of differentiation that would otherwise give a wrong derivative: values of two
 * tapes or threads mixed, a value used after its tape was reset, a derivative asked of
 * something that is not a parameter. The message names the operation, the values involved and
 * the fix.
 */
public class WengertException extends IllegalStateException {
    public WengertException(String message) {
        super(message);
    }
}
