package dev.wengert.fit;

/**
 * How a parameter came out of a fit: estimated (with a standard error), fixed by the user, held
 * on a bound, or not determined by the data at all.
 *
 * <pre>{@code
 * r.parameterStatus()[1];   // e.g. AT_LOWER_BOUND
 * }</pre>
 */
public enum ParameterStatus {
    /** Estimated freely; its standard error, t and p values are given. */
    ESTIMATED("estimated"),
    /** Held at a value by {@code fix(...)}: not estimated, counts in no degree of freedom. */
    FIXED("fixed"),
    /** On its lower bound with the fit pulling it further down: no standard error is claimed. */
    AT_LOWER_BOUND("at lower bound"),
    /** On its upper bound with the fit pulling it further up: no standard error is claimed. */
    AT_UPPER_BOUND("at upper bound"),
    /** The model's derivative with respect to it is exactly zero on every row: the data say nothing about it. */
    NOT_DETERMINED("not determined");

    private final String label;

    ParameterStatus(String label) {
        this.label = label;
    }

    /** A short label, as the summary prints it. */
    public String label() {
        return label;
    }
}
