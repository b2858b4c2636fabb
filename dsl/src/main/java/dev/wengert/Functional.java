package dev.wengert;

import dev.wengert.forward.ForwardTag;
import dev.wengert.reverse.Tape;

/**
 * The functional API behind the facade: derivatives of functions at points. Every call
 * records on a private tape (or a private forward tag) that is rewound when it returns, so it
 * neither grows nor disturbs the implicit tape, and it is safe to call from any thread.
 */
final class Functional {
    private Functional() {
    }

    static ValueAndGradient valueAndGradient(Mode mode, Fn f, double[] x, String caller) {
        checkFunction(f, caller);
        checkPoint(x, caller);
        if (mode == Mode.FORWARD) {
            ForwardTag tag = new ForwardTag(Session.current(), "the forward pass of " + caller);
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = Num.forwardParameter(tag, "x" + i, x[i]);
            }
            Num y = call(f, in, caller);
            double[] g = new double[x.length];
            if (!y.isConstant()) {
                checkOwnForward(y, tag, caller);
                double[] t = y.tangents();
                System.arraycopy(t, 0, g, 0, Math.min(t.length, g.length));
            }
            return new ValueAndGradient(y.value(), g);
        }
        Session s = Session.current();
        Tape t = s.borrowTape(caller);
        try {
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = Num.reverseParameter(t, "x" + i, x[i]);
            }
            Num y = call(f, in, caller);
            double[] g = new double[x.length];
            if (!y.isConstant()) {
                checkOwnTape(y, t, caller);
                t.backward(y.position());
                for (int i = 0; i < x.length; i++) {
                    g[i] = t.adjoint(in[i].position());
                }
            }
            return new ValueAndGradient(y.value(), g);
        } finally {
            s.returnTape(t);
        }
    }

    static double derivative(UnaryFn f, double x) {
        checkFunction(f, "derivative(f, x)");
        ForwardTag tag = new ForwardTag(Session.current(), "the forward pass of derivative(f, x)");
        Num in = Num.forwardParameter(tag, "x", x);
        Num y = f.apply(in);
        if (y == null) {
            throw new IllegalArgumentException("derivative(f, x): f returned null; it must return a Num");
        }
        if (y.isConstant()) {
            return 0.0;
        }
        checkOwnForward(y, tag, "derivative(f, x)");
        return y.d(in);
    }

    /**
     * The Jacobian. With {@code mode == null} it is chosen by shape: f is recorded once; with
     * fewer outputs than inputs each row comes from a backward sweep, otherwise each column
     * from a forward (tangent) sweep over the same recording.
     */
    static double[][] jacobian(Mode mode, VecFn f, double[] x) {
        String caller = "jacobian(f, x)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        int n = x.length;
        if (mode == Mode.FORWARD) {
            ForwardTag tag = new ForwardTag(Session.current(), "the forward pass of " + caller);
            Num[] in = new Num[n];
            for (int i = 0; i < n; i++) {
                in[i] = Num.forwardParameter(tag, "x" + i, x[i]);
            }
            Num[] y = callVec(f, in, caller);
            double[][] j = new double[y.length][n];
            for (int r = 0; r < y.length; r++) {
                if (!y[r].isConstant()) {
                    checkOwnForward(y[r], tag, caller);
                    double[] t = y[r].tangents();
                    System.arraycopy(t, 0, j[r], 0, Math.min(n, t.length));
                }
            }
            return j;
        }
        Session s = Session.current();
        Tape t = s.borrowTape(caller);
        try {
            Num[] in = new Num[n];
            int[] leaves = new int[n];
            for (int i = 0; i < n; i++) {
                in[i] = Num.reverseParameter(t, "x" + i, x[i]);
                leaves[i] = in[i].position();
            }
            Num[] y = callVec(f, in, caller);
            int m = y.length;
            double[][] j = new double[m][n];
            for (Num yi : y) {
                if (!yi.isConstant()) {
                    checkOwnTape(yi, t, caller);
                }
            }
            if (mode == Mode.REVERSE || m <= n) {
                for (int r = 0; r < m; r++) {
                    if (!y[r].isConstant()) {
                        t.backward(y[r].position());
                        for (int i = 0; i < n; i++) {
                            j[r][i] = t.adjoint(leaves[i]);
                        }
                    }
                }
            } else {
                int top = t.size() - 1;
                for (int i = 0; i < n; i++) {
                    double[] tang = t.forwardSweep(new int[] {leaves[i]}, new double[] {1.0}, top);
                    for (int r = 0; r < m; r++) {
                        j[r][i] = y[r].isConstant() ? 0.0 : tang[y[r].position()];
                    }
                }
            }
            return j;
        } finally {
            s.returnTape(t);
        }
    }

    /** J·v by forward mode, one pass with one tangent. */
    static double[] jvp(VecFn f, double[] x, double[] v) {
        String caller = "jvp(f, x, v)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(v, caller);
        if (v.length != x.length) {
            throw new IllegalArgumentException(caller + ": v has " + v.length + " values but x has " + x.length
                    + "; the direction v must have one value per input");
        }
        ForwardTag tag = new ForwardTag(Session.current(), "the forward pass of " + caller);
        tag.newSlot("v");
        Num[] in = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = Num.forwardSeed(tag, "x" + i, x[i], new double[] {v[i]});
        }
        Num[] y = callVec(f, in, caller);
        double[] out = new double[y.length];
        for (int r = 0; r < y.length; r++) {
            if (!y[r].isConstant()) {
                checkOwnForward(y[r], tag, caller);
                double[] t = y[r].tangents();
                out[r] = t.length > 0 ? t[0] : 0.0;
            }
        }
        return out;
    }

    /** uᵀ·J by reverse mode, one sweep seeded with u. */
    static double[] vjp(VecFn f, double[] x, double[] u) {
        String caller = "vjp(f, x, u)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(u, caller);
        Session s = Session.current();
        Tape t = s.borrowTape(caller);
        try {
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = Num.reverseParameter(t, "x" + i, x[i]);
            }
            Num[] y = callVec(f, in, caller);
            if (u.length != y.length) {
                throw new IllegalArgumentException(caller + ": u has " + u.length + " values but f returned "
                        + y.length + " outputs; the cotangent u must have one value per output");
            }
            int k = 0;
            int[] roots = new int[y.length];
            double[] seeds = new double[y.length];
            for (int r = 0; r < y.length; r++) {
                if (!y[r].isConstant()) {
                    checkOwnTape(y[r], t, caller);
                    roots[k] = y[r].position();
                    seeds[k++] = u[r];
                }
            }
            double[] g = new double[x.length];
            if (k > 0) {
                t.backward(java.util.Arrays.copyOf(roots, k), java.util.Arrays.copyOf(seeds, k));
                for (int i = 0; i < x.length; i++) {
                    g[i] = t.adjoint(in[i].position());
                }
            }
            return g;
        } finally {
            s.returnTape(t);
        }
    }

    // ---- checks ---------------------------------------------------------------------------------

    static void checkFunction(Object f, String caller) {
        if (f == null) {
            throw new IllegalArgumentException(caller + ": the function is null");
        }
    }

    static void checkPoint(double[] x, String caller) {
        if (x == null) {
            throw new IllegalArgumentException(caller + ": the point is null; pass its coordinates, e.g. 1.0, 2.0");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(caller + ": the point has no coordinates; pass at least one value");
        }
    }

    /** Calls f, turning an index error inside it into one that says how many inputs it got. */
    static Num call(Fn f, Num[] in, String caller) {
        Num y;
        try {
            y = f.apply(in);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw wrongLength(caller, in.length, e);
        }
        if (y == null) {
            throw new IllegalArgumentException(caller + ": f returned null; it must return a Num");
        }
        return y;
    }

    static Num[] callVec(VecFn f, Num[] in, String caller) {
        Num[] y;
        try {
            y = f.apply(in);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw wrongLength(caller, in.length, e);
        }
        if (y == null) {
            throw new IllegalArgumentException(caller + ": f returned null; it must return a Num[]");
        }
        for (int r = 0; r < y.length; r++) {
            if (y[r] == null) {
                throw new IllegalArgumentException(caller + ": output " + r + " of f is null");
            }
        }
        return y;
    }

    private static IllegalArgumentException wrongLength(String caller, int n, ArrayIndexOutOfBoundsException e) {
        return new IllegalArgumentException(caller + ": f was given " + n + " input" + (n == 1 ? "" : "s")
                + " and read past them (" + e.getMessage() + "); pass as many values as f reads", e);
    }

    private static void checkOwnTape(Num y, Tape t, String caller) {
        if (y.tape() != t) {
            throw new WengertException(caller + ": f returned " + y.describe()
                    + ", which was not computed from f's arguments. Compute the result from the Num[] "
                    + "f is given; nested differentiation of outer parameters is not supported yet.");
        }
    }

    private static void checkOwnForward(Num y, ForwardTag tag, String caller) {
        if (y.tag() != tag) {
            throw new WengertException(caller + ": f returned " + y.describe()
                    + ", which was not computed from f's arguments. Compute the result from the Num[] "
                    + "f is given; nested differentiation of outer parameters is not supported yet.");
        }
    }
}
