package dev.wengert.optim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limited-memory BFGS (Nocedal 1980; Liu &amp; Nocedal 1989): a quasi-Newton method that
 * builds the inverse Hessian from the last m steps sₖ = xₖ₊₁ − xₖ and gradient changes
 * yₖ = ∇fₖ₊₁ − ∇fₖ, applied by the two-loop recursion in O(m·n) time and memory. The first
 * trial step is 1 (the quasi-Newton step), found acceptable by a strong-Wolfe line search.
 *
 * <pre>{@code
 * Fn rosenbrock = x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100));
 * lbfgs().minimize(rosenbrock, -1.2, 1.0);              // m = 10
 * lbfgs().memory(3).gradientTolerance(1e-10).minimize(rosenbrock, -1.2, 1.0);
 * }</pre>
 *
 * <p>f never rises. A pair with sᵀy ≤ 0 (possible only with a search that does not enforce the
 * curvature condition) is skipped, so the implied Hessian stays positive definite; when the
 * line search fails, the memory is dropped and the step retried along −∇f before giving up.
 */
public final class Lbfgs extends Optimizer<Lbfgs> {
    private int memory = 10;
    private LineSearch lineSearch = LineSearch.strongWolfe();

    private Lbfgs() {
        super(1_000);
    }

    /** L-BFGS with m = 10 and a strong-Wolfe search (c₁ = 1e-4, c₂ = 0.9). */
    public static Lbfgs create() {
        return new Lbfgs();
    }

    /** How many (s, y) pairs to remember (m ≥ 1); default 10. */
    public Lbfgs memory(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("memory(" + m + "): L-BFGS needs at least one pair, typically 3 to 20");
        }
        this.memory = m;
        return this;
    }

    /** The line search; default {@link LineSearch#strongWolfe()}. */
    public Lbfgs lineSearch(LineSearch search) {
        if (search == null) {
            throw new IllegalArgumentException("lineSearch(null): pass LineSearch.strongWolfe(), backtracking() or brent()");
        }
        this.lineSearch = search;
        return this;
    }

    @Override
    public String name() {
        return "L-BFGS (m = " + memory + (lineSearch instanceof StrongWolfeLineSearch ? "" : ", " + lineSearch) + ")";
    }

    @Override
    void iterate(Run run) {
        Deque<double[][]> pairs = new ArrayDeque<>();   // {s, y, {1/yᵀs}}, newest first
        while (run.running()) {
            double[] g = run.g();
            double[] d = direction(g, pairs);
            double initial = 1;
            if (pairs.isEmpty() || !(Vectors.dot(g, d) < 0)) {
                pairs.clear();
                d = Vectors.negate(g);
                // steepest descent has no natural scale: a first step of length 1 at most
                initial = 1 / Math.max(1, Vectors.norm(g));
            }
            Trial t = lineSearch.search(run.line(d), initial);
            if (t == null && !pairs.isEmpty()) {
                pairs.clear();
                d = Vectors.negate(g);
                t = lineSearch.search(run.line(d), 1 / Math.max(1, Vectors.norm(g)));
            }
            if (t == null) {
                run.stopNoDecrease();
                return;
            }
            double[] s = Vectors.minus(t.x(), run.x());
            double[] y = Vectors.minus(t.g(), g);
            if (!run.accept(t)) {
                return;
            }
            double ys = Vectors.dot(y, s);
            if (ys > 1e-16 * Vectors.norm(y) * Vectors.norm(s) && Double.isFinite(ys)) {
                if (pairs.size() == memory) {
                    pairs.removeLast();
                }
                pairs.addFirst(new double[][] {s, y, {1 / ys}});
            }
        }
    }

    /** −H∇f by the two-loop recursion, with H₀ = (sᵀy / yᵀy)·I from the newest pair. */
    private static double[] direction(double[] g, Deque<double[][]> pairs) {
        double[] q = Vectors.negate(g);
        if (pairs.isEmpty()) {
            return q;
        }
        int m = pairs.size();
        double[] a = new double[m];
        int k = 0;
        for (double[][] p : pairs) {
            a[k] = p[2][0] * Vectors.dot(p[0], q);
            double[] y = p[1];
            for (int i = 0; i < q.length; i++) {
                q[i] -= a[k] * y[i];
            }
            k++;
        }
        double[][] newest = pairs.peekFirst();
        double gamma = 1 / (newest[2][0] * Vectors.dot(newest[1], newest[1]));
        for (int i = 0; i < q.length; i++) {
            q[i] *= gamma;
        }
        Iterator<double[][]> oldestFirst = pairs.descendingIterator();
        k = m - 1;
        while (oldestFirst.hasNext()) {
            double[][] p = oldestFirst.next();
            double b = p[2][0] * Vectors.dot(p[1], q);
            double[] s = p[0];
            for (int i = 0; i < q.length; i++) {
                q[i] += (a[k] - b) * s[i];
            }
            k--;
        }
        return q;
    }
}
