package dev.wengert.optim;

/**
 * How far to go along a descent direction. Three kinds, each a static factory tunable with
 * fluent setters:
 * <ul>
 *   <li>{@link #brent()}: the exact search of Commons Math (bracketing, then Brent's method on
 *       values alone), the default of gradient descent and conjugate gradients;</li>
 *   <li>{@link #backtracking()}: Armijo backtracking, cheap and robust;</li>
 *   <li>{@link #strongWolfe()}: sufficient decrease and a small slope, the default of L-BFGS
 *       (its curvature condition keeps the quasi-Newton update positive definite).</li>
 * </ul>
 *
 * <pre>{@code
 * var gd = gradientDescent().lineSearch(LineSearch.backtracking().shrink(0.5));
 * minimize(x -> square(x[0]).plus(square(x[1]).times(10)), new double[] {1, 1}, gd);
 * }</pre>
 */
public abstract class LineSearch {

    LineSearch() {
    }

    /** Brent's method along the direction, from Commons Math (the default for gradient descent and CG). */
    public static BrentLineSearch brent() {
        return new BrentLineSearch();
    }

    /** Armijo backtracking: halve (or interpolate) until f drops enough. */
    public static BacktrackingLineSearch backtracking() {
        return new BacktrackingLineSearch();
    }

    /** A step satisfying the strong Wolfe conditions (Nocedal &amp; Wright, Algorithms 3.5 and 3.6). */
    public static StrongWolfeLineSearch strongWolfe() {
        return new StrongWolfeLineSearch();
    }

    /**
     * Searches along the line from the first trial step {@code initial} (&gt; 0). Returns the
     * accepted point, with its gradient, or null when no point with a lower value was found.
     * The direction must be a descent direction (φ′(0) &lt; 0).
     */
    abstract Trial search(Line line, double initial);

    /** Whether accepted steps are guaranteed to lower the value (all three kinds here do). */
    boolean decreases() {
        return true;
    }

    static double checkFraction(String what, double v, double lo, double hi) {
        if (!(v > lo && v < hi)) {
            throw new IllegalArgumentException(what + " = " + v + ": it must lie strictly between " + lo + " and " + hi);
        }
        return v;
    }
}
