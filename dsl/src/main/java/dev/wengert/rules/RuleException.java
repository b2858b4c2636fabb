package dev.wengert.rules;

/**
 * A rule used where it cannot serve: a first-order rule nested or asked for its series, an
 * n-ary rule's partials of the wrong count. The engine checks a rule before it uses it and
 * reports the same message as its own {@code WengertException}; this one is what a direct
 * call on the rule throws.
 */
public class RuleException extends IllegalStateException {
    public RuleException(String message) {
        super(message);
    }

    public RuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
