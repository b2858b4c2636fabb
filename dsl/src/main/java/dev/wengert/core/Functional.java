package dev.wengert.core;

import java.util.function.Function;

/**
 * The functional API behind the facade: derivatives of functions at points. Every call
 * records on a private tape (or a private forward tag) that is rewound when it returns, so it
 * neither grows nor disturbs the implicit tape, and it is safe to call from any thread.
 */
public final class Functional {
    private Functional() {
    }

    public static ValueAndGradient valueAndGradient(Mode mode, Fn f, double[] x, String caller) {
        checkFunction(f, caller);
        checkPoint(x, caller);
        if (mode == Mode.FORWARD) {
            return withTag("the forward pass of " + caller, tag -> {
                Num[] in = new Num[x.length];
                for (int i = 0; i < x.length; i++) {
                    in[i] = Num.forwardParameter(tag, null, x[i]);
                }
                Num y = call(f, in, caller);
                double[] g = new double[x.length];
                if (y.isAt(tag)) {
                    double[] t = y.tangents();
                    System.arraycopy(t, 0, g, 0, Math.min(t.length, g.length));
                }
                return new ValueAndGradient(y.value(), g);
            });
        }
        return withTape(caller, t -> {
            Num[] in = parameters(t, x);
            Num y = call(f, in, caller);
            double[] g = new double[x.length];
            if (y.isAt(t)) {
                t.backward(y.position());
                for (int i = 0; i < x.length; i++) {
                    g[i] = t.adjoint(in[i].position());
                }
            }
            return new ValueAndGradient(y.value(), g);
        });
    }

    /** f(x) on constants: nothing recorded, nothing differentiated. */
    public static double value(Fn f, double[] x) {
        String caller = "value(f, x)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        return call(f, constants(x, caller), caller).value();
    }

    /** Constants of the given values. */
    public static Num[] constants(double[] x, String caller) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(caller + ": " + (x == null ? "the values are null" : "no values")
                    + "; give at least one value");
        }
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = Num.constant(x[i]);
        }
        return c;
    }

    public static double derivative(UnaryFn f, double x) {
        checkFunction(f, "derivative(f, x)");
        return derivative(Mode.FORWARD, f, Num.constant(x)).value();
    }

    /**
     * The Jacobian. With {@code mode == null} it is chosen by shape: f is recorded once; with
     * fewer outputs than inputs each row comes from a backward sweep, otherwise each column
     * from a forward (tangent) sweep over the same recording.
     */
    public static double[][] jacobian(Mode mode, VecFn f, double[] x) {
        String caller = "jacobian(f, x)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        int n = x.length;
        if (mode == Mode.FORWARD) {
            return withTag("the forward pass of " + caller, tag -> {
                Num[] in = new Num[n];
                for (int i = 0; i < n; i++) {
                    in[i] = Num.forwardParameter(tag, null, x[i]);
                }
                Num[] y = callVec(f, in, caller);
                double[][] j = new double[y.length][n];
                for (int r = 0; r < y.length; r++) {
                    if (y[r].isAt(tag)) {
                        double[] t = y[r].tangents();
                        System.arraycopy(t, 0, j[r], 0, Math.min(n, t.length));
                    }
                }
                return j;
            });
        }
        return withTape(caller, t -> {
            Num[] in = parameters(t, x);
            int[] leaves = new int[n];
            for (int i = 0; i < n; i++) {
                leaves[i] = in[i].position();
            }
            Num[] y = callVec(f, in, caller);
            int m = y.length;
            double[][] j = new double[m][n];
            // array operations are swept backward only, so a tape with them takes rows
            if (mode == Mode.REVERSE || m <= n || t.hasBlocks()) {
                for (int r = 0; r < m; r++) {
                    if (y[r].isAt(t)) {
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
                        j[r][i] = y[r].isAt(t) ? tang[y[r].position()] : 0.0;
                    }
                }
            }
            return j;
        });
    }

    /**
     * Runs {@code body} with the values of x as forward-mode parameters (parameter i has tangent
     * slot i) of a differentiation of its own, closed when body returns: inside, body reads
     * derivatives ({@code y.d(p[i])}, or a whole column of a forward-mode tensor with
     * {@code Tensor.d}); its values are refused afterwards. For code that needs more than a
     * Jacobian as {@code double[][]} (a fit reads a model's values and Jacobian columns at once).
     *
     * <pre>{@code
     * double[] dy = Functional.forward(new double[] {2.0}, "example", p -> x.times(p[0]).exp().d(p[0]));
     * }</pre>
     */
    public static <R> R forward(double[] x, String caller, Function<Num[], R> body) {
        checkFunction(body, caller);
        checkPoint(x, caller);
        return withTag("the forward pass of " + caller, tag -> {
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = Num.forwardParameter(tag, null, x[i]);
            }
            return body.apply(in);
        });
    }

    /** J·v by forward mode, one pass with one tangent. */
    public static double[] jvp(VecFn f, double[] x, double[] v) {
        String caller = "jvp(f, x, v)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(v, caller);
        checkDirection(caller, v.length, x.length);
        return withTag("the forward pass of " + caller, tag -> {
            tag.newSlot("v");
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = Num.forwardSeed(tag, null, x[i], new double[] {v[i]});
            }
            Num[] y = callVec(f, in, caller);
            double[] out = new double[y.length];
            for (int r = 0; r < y.length; r++) {
                if (y[r].isAt(tag)) {
                    double[] t = y[r].tangents();
                    out[r] = t.length > 0 ? t[0] : 0.0;
                }
            }
            return out;
        });
    }

    /** uᵀ·J by reverse mode, one sweep seeded with u. */
    public static double[] vjp(VecFn f, double[] x, double[] u) {
        String caller = "vjp(f, x, u)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(u, caller);
        return withTape(caller, t -> {
            Num[] in = parameters(t, x);
            Num[] y = callVec(f, in, caller);
            if (u.length != y.length) {
                throw new IllegalArgumentException(caller + ": u has " + u.length + " values but f returned "
                        + y.length + " outputs; the cotangent u must have one value per output");
            }
            int k = 0;
            int[] roots = new int[y.length];
            double[] seeds = new double[y.length];
            for (int r = 0; r < y.length; r++) {
                if (y[r].isAt(t)) {
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
        });
    }

    // ---- optimizers over plain parameters ----------------------------------------------------------

    /**
     * Moves a parameter to a new value — the one mutation a Num allows, used by optimizers to
     * leave parameters at the optimum. Values computed from it before keep their old values.
     */
    public static void assign(Num p, double value) {
        if (p == null || !p.isParameter()) {
            throw new IllegalArgumentException("assign: " + (p == null ? "null" : p.describe()) + " is not a parameter");
        }
        if (p.tape != null) {
            p.checkUsable("assign");
            p.tape.setParameterValue(p.idx, value);
        } else {
            p.checkTagThread();
        }
        p.v = value;
    }

    /**
     * The value of {@code loss} and its gradient with respect to {@code params} when they take
     * {@code values}: the parameters are moved there, the loss is evaluated (on their own tape,
     * which is cut back afterwards, or with their forward tangents), and differentiated. The
     * loss must compute from the parameters themselves: a value derived from them before the
     * call (and so from their old values) is reported, not used.
     */
    public static ValueAndGradient evaluateAt(java.util.function.Supplier<Num> loss, Num[] params, double[] values) {
        if (params.length != values.length) {
            throw new IllegalArgumentException("evaluateAt: " + params.length + " parameters but " + values.length + " values");
        }
        Tape t = params[0].tape;
        ForwardTag f = params[0].tag;
        for (Num p : params) {
            if (!p.isParameter() || p.tape != t || p.tag != f) {
                throw new IllegalArgumentException("minimize(loss, params): " + p.describe() + " is not a parameter of "
                        + "the same tape as " + params[0].describe() + "; give parameters made by param(...) in one mode");
            }
        }
        for (int i = 0; i < params.length; i++) {
            assign(params[i], values[i]);
        }
        double[] g = new double[params.length];
        if (t == null) {
            Num y = loss.get();
            if (y == null) {
                throw new IllegalArgumentException("minimize(loss, params): the loss returned null");
            }
            for (int i = 0; i < params.length; i++) {
                g[i] = y.d(params[i]);
            }
            return new ValueAndGradient(y.v, g);
        }
        int mark = t.size();
        try {
            Num y = loss.get();
            if (y == null) {
                throw new IllegalArgumentException("minimize(loss, params): the loss returned null");
            }
            if (y.tape == t && t.isValid(y.idx, y.gen)) {
                t.backward(y.idx);
                int[] positions = new int[params.length];
                for (int i = 0; i < params.length; i++) {
                    positions[i] = params[i].idx;
                    g[i] = t.adjoint(params[i].idx);
                }
                int stale = t.staleDependency(mark, positions);
                if (stale >= 0) {
                    throw new WengertException("minimize(loss, params): the loss uses the value at tape position #" + stale
                            + " (" + t.op(stale) + "), computed from the parameters before minimize was called, so it "
                            + "would keep their old values. Compute it inside the loss: () -> … from the parameters.");
                }
            }
            return new ValueAndGradient(y.v, g);
        } finally {
            t.truncate(mark);
        }
    }

    // ---- the scaffolding of every call: a private differentiation, closed when it returns -------

    /**
     * Runs {@code body} with a new forward-mode differentiation of its own (a tag scoped to
     * this call, at the innermost level), closed when body returns or throws: its values are
     * refused afterwards, so none can leak into another differentiation.
     */
    private static <R> R withTag(String label, Function<ForwardTag, R> body) {
        return withTag(label, -1, body);
    }

    /** {@link #withTag(String, java.util.function.Function)} in Taylor mode of the given order. */
    private static <R> R withTag(String label, int taylorOrder, Function<ForwardTag, R> body) {
        ForwardTag tag = new ForwardTag(Session.current(), label, true, taylorOrder);
        try {
            return body.apply(tag);
        } finally {
            tag.close();
        }
    }

    /**
     * Runs {@code body} on a private tape the session lends (at the innermost level), rewound
     * and taken back when body returns or throws: the call never grows the implicit tape.
     */
    private static <R> R withTape(String label, Function<Tape, R> body) {
        Session s = Session.current();
        Tape t = s.borrowTape(label);
        try {
            return body.apply(t);
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

    /** A direction (jvp, hvp) has one value per input. */
    static void checkDirection(String caller, int v, int x) {
        if (v != x) {
            throw new IllegalArgumentException(caller + ": v has " + v + " values but x has " + x
                    + "; the direction v must have one value per input");
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

    /** One unnamed parameter on t per value of x: the inputs of a functional call's private tape. */
    private static Num[] parameters(Tape t, double[] x) {
        Num[] in = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = Num.reverseParameter(t, null, x[i]);
        }
        return in;
    }

    /** The same for inputs that are themselves differentiable values (nested differentiation). */
    private static Num[] parameters(Tape t, Num[] x) {
        Num[] in = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = Num.reverseParameter(t, null, x[i]);
        }
        return in;
    }

    /** Σ over paths of |∏ partials| per input: the scale of the terms the reverse gradient sums. */
    public static double[] gradientScale(Fn f, double[] x) {
        String caller = "gradientScale(f, x)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        return withTape(caller, t -> {
            Num[] in = parameters(t, x);
            Num y = call(f, in, caller);
            double[] g = new double[x.length];
            if (y.isAt(t)) {
                double[] a = t.absoluteAdjoints(y.idx);
                for (int i = 0; i < x.length; i++) {
                    g[i] = a[in[i].idx];
                }
            }
            return g;
        });
    }

    // ---- nesting: the same calls over Num, returning Num ------------------------------------------

    /**
     * f′(x) as a differentiable value: the result depends on x's own outer differentiations,
     * so derivatives of derivatives work. Forward mode uses a fresh tag; reverse a fresh tape.
     */
    public static Num derivative(Mode mode, UnaryFn f, Num x) {
        String caller = "derivative(f, x)";
        checkFunction(f, caller);
        if (x == null) {
            throw new IllegalArgumentException(caller + ": x is null");
        }
        if (mode == Mode.REVERSE) {
            return gradient(Mode.REVERSE, v -> f.apply(v[0]), new Num[] {x}, caller)[0];
        }
        return withTag("the forward pass of " + caller, tag -> {
            Num in = Num.forwardParameter(tag, "x", x, ForwardTag.unit(0), null);
            Num y = f.apply(in);
            if (y == null) {
                throw new IllegalArgumentException(caller + ": f returned null; it must return a Num");
            }
            return y.isAt(tag) ? y.tangent(0) : Num.constant(0.0);
        });
    }

    /** ∇f(x) as differentiable values. */
    public static Num[] gradient(Mode mode, Fn f, Num[] x, String caller) {
        checkFunction(f, caller);
        checkPoint(x, caller);
        int n = x.length;
        if (mode == Mode.FORWARD) {
            return withTag("the forward pass of " + caller, tag -> {
                Num[] in = new Num[n];
                for (int i = 0; i < n; i++) {
                    in[i] = Num.forwardParameter(tag, null, x[i], ForwardTag.unit(i), null);
                }
                Num y = call(f, in, caller);
                Num[] g = new Num[n];
                for (int i = 0; i < n; i++) {
                    g[i] = y.isAt(tag) ? y.tangent(i) : Num.constant(0.0);
                }
                return g;
            });
        }
        return withTape(caller, t -> {
            Num[] in = parameters(t, x);
            Num y = call(f, in, caller);
            Num[] g = new Num[n];
            if (!y.isAt(t)) {
                java.util.Arrays.fill(g, Num.constant(0.0));
                return g;
            }
            if (t.isNested()) {
                Num[] adj = t.backwardNested(new int[] {y.idx}, new Num[] {Num.constant(1.0)});
                for (int i = 0; i < n; i++) {
                    Num a = in[i].idx < adj.length ? adj[in[i].idx] : null;
                    g[i] = a == null ? Num.constant(0.0) : a;
                }
            } else {
                t.backward(y.idx);
                for (int i = 0; i < n; i++) {
                    g[i] = Num.constant(t.adjoint(in[i].idx));
                }
            }
            return g;
        });
    }

    /** J(x)·v as differentiable values, one forward pass. */
    public static Num[] jvp(VecFn f, Num[] x, Num[] v) {
        String caller = "jvp(f, x, v)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(v, caller);
        checkDirection(caller, v.length, x.length);
        return withTag("the forward pass of " + caller, tag -> {
            Num[] in = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                if (v[i] == null) {
                    throw new IllegalArgumentException(caller + ": v[" + i + "] is null");
                }
                in[i] = v[i].isConstant()
                        ? Num.forwardParameter(tag, null, x[i], new double[] {v[i].value()}, null)
                        : Num.forwardParameter(tag, null, x[i], null, new Num[] {v[i]});
            }
            Num[] y = callVec(f, in, caller);
            Num[] out = new Num[y.length];
            for (int r = 0; r < y.length; r++) {
                out[r] = y[r].isAt(tag) ? y[r].tangent(0) : Num.constant(0.0);
            }
            return out;
        });
    }

    /**
     * The Hessian by an outer differentiation of the inner gradient. Forward over reverse (the
     * default) costs one recording and one backward sweep carrying n tangents.
     */
    public static double[][] hessian(Mode outer, Mode inner, Fn f, double[] x) {
        String caller = "hessian(f, x)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        int n = x.length;
        double[][] h = new double[n][n];
        if (outer == Mode.FORWARD) {
            return withTag("the outer forward pass of " + caller, tag -> {
                Num[] xs = new Num[n];
                for (int i = 0; i < n; i++) {
                    xs[i] = Num.forwardParameter(tag, null, x[i]);
                }
                Num[] g = gradient(inner, f, xs, caller);
                for (int i = 0; i < n; i++) {
                    if (g[i].isAt(tag)) {
                        double[] t = g[i].tangents();
                        System.arraycopy(t, 0, h[i], 0, Math.min(n, t.length));
                    }
                }
                return h;
            });
        }
        return withTape(caller, t -> {
            Num[] xs = parameters(t, x);
            Num[] g = gradient(inner, f, xs, caller);
            for (int i = 0; i < n; i++) {
                if (g[i].isAt(t)) {
                    t.backward(g[i].idx);
                    for (int j = 0; j < n; j++) {
                        h[i][j] = t.adjoint(xs[j].idx);
                    }
                }
            }
            return h;
        });
    }

    /** H(x)·v by forward over reverse: one recording, one backward sweep with one tangent. */
    public static double[] hvp(Fn f, double[] x, double[] v) {
        String caller = "hvp(f, x, v)";
        checkFunction(f, caller);
        checkPoint(x, caller);
        checkPoint(v, caller);
        checkDirection(caller, v.length, x.length);
        return withTag("the outer forward pass of " + caller, tag -> {
            tag.newSlot("v");
            Num[] xs = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                xs[i] = Num.forwardSeed(tag, null, x[i], new double[] {v[i]});
            }
            Num[] g = gradient(Mode.REVERSE, f, xs, caller);
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = g[i].isAt(tag) ? g[i].tangent(0).value() : 0.0;
            }
            return out;
        });
    }

    /** f(x), f′(x), …, f⁽ᵏ⁾(x) in one pass of truncated Taylor arithmetic (a derivative tower). */
    public static double[] derivatives(UnaryFn f, double x, int k) {
        return dev.wengert.forward.Taylor.toDerivatives(taylor(f, x, k, "derivatives(f, x, " + k + ")"));
    }

    /** The Taylor coefficients f(x), f′(x), f″(x)/2!, …, f⁽ᵏ⁾(x)/k! in one pass. */
    public static double[] taylor(UnaryFn f, double x, int k, String caller) {
        checkFunction(f, caller);
        if (k < 0) {
            throw new IllegalArgumentException(caller + ": the order " + k + " must be at least 0");
        }
        return withTag("Taylor mode of " + caller, k, tag -> {
            Num y = f.apply(Num.taylorVariable(tag, x, k));
            if (y == null) {
                throw new IllegalArgumentException(caller + ": f returned null; it must return a Num");
            }
            if (y.taylorCoefficients() != null && y.tag == tag) {
                return y.taylorCoefficients().clone();
            }
            double[] c = new double[k + 1];
            c[0] = y.value();
            return c;
        });
    }

    static void checkPoint(Num[] x, String caller) {
        if (x == null) {
            throw new IllegalArgumentException(caller + ": the point is null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(caller + ": the point has no coordinates; pass at least one value");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null) {
                throw new IllegalArgumentException(caller + ": x[" + i + "] is null");
            }
        }
    }
}
