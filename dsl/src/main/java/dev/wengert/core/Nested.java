package dev.wengert.core;

import dev.wengert.forward.Taylor;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.UnaryRule;

/**
 * The general path of an operation: values of several differentiations at once (nesting),
 * values whose primal or tangents belong to outer differentiations, and Taylor series.
 *
 * <p>Every differentiation (a tape, a forward tag) has a level; later ones are inner. An
 * operation works at the innermost level T among its arguments: arguments of T contribute
 * their primal and a derivative, all others are constants of T (their outer dependence rides
 * in the primal). The primal result and the partials are computed by the same operations one
 * level down — recursively — so the partials are themselves differentiable by the outer
 * levels. Because each level only ever reads its own tangents or adjoints, perturbations of
 * different levels cannot be confused.
 */
final class Nested {
    private Nested() {
    }

    static Num unary(UnaryRule r, Num a) {
        if (!r.isHigherOrder()) {
            throw new WengertException(UnaryRule.firstOrderOnlyMessage(r.name()));
        }
        if (a.taylorCoefficients() != null) {
            return taylor(a, r.series(a.taylorCoefficients()));
        }
        Object t = innermost(r.name(), a);
        Num ap = a.primal();
        Num yp = ap.apply(r);
        Num pa = r.partial(ap, yp);
        return lift(t, r.name(), yp, new Num[] {a}, new Num[] {pa});
    }

    static Num binary(BinaryRule r, Num a, Num b) {
        if (a.taylorCoefficients() != null || b.taylorCoefficients() != null) {
            return taylorBinary(r, a, b);
        }
        Object t = innermost(r.name(), a, b);
        boolean aT = a.isAt(t);
        boolean bT = b.isAt(t);
        Num ap = aT ? a.primal() : a;
        Num bp = bT ? b.primal() : b;
        Num yp = ap.apply(r, bp);
        if (aT && bT) {
            return lift(t, r.name(), yp, new Num[] {a, b},
                    new Num[] {r.partialA(ap, bp, yp), r.partialB(ap, bp, yp)});
        }
        return aT ? lift(t, r.name(), yp, new Num[] {a}, new Num[] {r.partialA(ap, bp, yp)})
                : lift(t, r.name(), yp, new Num[] {b}, new Num[] {r.partialB(ap, bp, yp)});
    }

    static Num nary(NaryRule r, Num[] xs) {
        if (!r.isHigherOrder()) {
            throw new WengertException(UnaryRule.firstOrderOnlyMessage(r.name()));
        }
        for (Num x : xs) {
            if (x.taylorCoefficients() != null) {
                return taylorNary(r, xs);
            }
        }
        Object t = innermost(r.name(), xs);
        Num[] ps = new Num[xs.length];
        int atT = 0;
        for (int i = 0; i < xs.length; i++) {
            boolean at = xs[i].isAt(t);
            ps[i] = at ? xs[i].primal() : xs[i];
            atT += at ? 1 : 0;
        }
        Num yp = Num.apply(r, ps);
        Num[] partials = r.partials(ps, yp);
        Num[] args = new Num[atT];
        Num[] pa = new Num[atT];
        int k = 0;
        for (int i = 0; i < xs.length; i++) {
            if (xs[i].isAt(t)) {
                args[k] = xs[i];
                pa[k++] = partials[i];
            }
        }
        return lift(t, r.name(), yp, args, pa);
    }

    /**
     * The innermost differentiation among the arguments, after checking that every argument
     * is still alive, on this thread, and that the innermost one may nest (it belongs to one
     * functional call). Two implicit differentiations (the session's tape and its forward
     * mode) are siblings, not nested: mixing them is an error.
     */
    private static Object innermost(String op, Num... xs) {
        Num inner = null;
        for (Num x : xs) {
            if (x.isConstant()) {
                continue;
            }
            checkAlive(op, x, xs);
            if (inner == null || x.level() > inner.level()) {
                inner = x;
            }
        }
        if (inner == null) {
            throw new IllegalStateException(op + ": no argument depends on a parameter");
        }
        for (Num x : xs) {
            if (x.isConstant() || x.owner() == inner.owner()) {
                continue;
            }
            boolean scoped = inner.tape != null ? inner.tape.isScoped() : inner.tag.isScoped();
            if (!scoped) {
                String fix = (x.tape != null) != (inner.tape != null)
                        ? "One is a forward-mode value, the other a reverse-mode one: make all parameters under the "
                        + "same mode(...), or pass one as a constant with stopGradient(x) or x.value()."
                        : "They belong to two unrelated differentiations; create all parameters on one tape.";
                throw new WengertException(op + " mixes " + x.describe() + " with " + inner.describe() + ". " + fix);
            }
        }
        return inner.owner();
    }

    /** Refuses values of a rewound tape or a closed tag, naming both differentiations involved. */
    private static void checkAlive(String op, Num x, Num[] all) {
        boolean dead = x.tape != null ? !x.tape.isValid(x.idx, x.gen) : x.tag.isClosed();
        if (!dead) {
            if (x.tape != null) {
                x.checkUsable(op);
            } else {
                x.checkTagThread();
            }
            return;
        }
        String other = "";
        for (Num y : all) {
            if (y != x && !y.isConstant()) {
                other = " (together with " + y.describe() + ")";
                break;
            }
        }
        String what = x.tape != null ? x.staleDescription() : x.describe() + " is used after its differentiation "
                + "returned: it escaped the function given to derivative/gradient/jvp/hessian. Use .value() to keep "
                + "the number.";
        throw new WengertException(op + other + ": " + what);
    }

    /** The result at differentiation t: primal yp, and the partials with respect to args (all of t). */
    private static Num lift(Object t, String op, Num yp, Num[] args, Num[] partials) {
        if (t instanceof Tape tape) {
            int[] in = new int[args.length];
            boolean plain = true;
            for (int i = 0; i < args.length; i++) {
                in[i] = args[i].idx;
                plain &= partials[i].isConstant();
            }
            int idx;
            if (plain) {
                double[] pd = new double[args.length];
                for (int i = 0; i < args.length; i++) {
                    pd[i] = partials[i].value();
                }
                idx = tape.pushN(op, yp.v, in, pd);
            } else {
                idx = tape.pushNested(op, yp.v, in, partials);
            }
            return new Num(yp.v, tape, idx, tape.generation(), null, null, yp.isConstant() ? null : yp, null, null);
        }
        ForwardTag tag = (ForwardTag) t;
        int slots = 0;
        boolean plain = true;
        for (int i = 0; i < args.length; i++) {
            Num a = args[i];
            Num[] an = a.nestedTangents();
            slots = Math.max(slots, an != null ? an.length : a.tangentsRaw().length);
            plain &= an == null && partials[i].isConstant();
        }
        Num p = yp.isConstant() ? null : yp;
        if (plain) {
            double[] tg = null;
            for (int i = 0; i < args.length; i++) {
                tg = ForwardTag.combine(tg, 1.0, args[i].tangentsRaw(), partials[i].value());
            }
            return new Num(yp.v, null, -1, 0, tag, tg, p, null, null);
        }
        Num[] tg = new Num[slots];
        for (int s = 0; s < slots; s++) {
            Num sum = null;
            for (int i = 0; i < args.length; i++) {
                Num[] an = args[i].nestedTangents();
                double[] at = args[i].tangentsRaw();
                Num ti = an != null ? (s < an.length ? an[s] : null)
                        : (s < at.length && at[s] != 0 ? Num.constant(at[s]) : null);
                if (ti == null) {
                    continue;                      // a structural zero stays zero
                }
                Num c = partials[i].times(ti);
                sum = sum == null ? c : sum.plus(c);
            }
            tg[s] = sum;
        }
        return new Num(yp.v, null, -1, 0, tag, null, p, tg, null);
    }

    // ---- Taylor mode ------------------------------------------------------------------------------

    private static Num taylor(Num like, double[] c) {
        return new Num(c[0], null, -1, 0, like.tag, null, null, null, c);
    }

    private static ForwardTag taylorTag(String op, Num... xs) {
        ForwardTag t = null;
        for (Num x : xs) {
            if (x.isConstant()) {
                continue;
            }
            if (x.taylorCoefficients() == null || (t != null && x.tag != t)) {
                throw new WengertException(op + ": a Taylor-mode value (inside derivatives(f, x, k) or taylor(...)) "
                        + "meets " + x.describe() + ". Taylor mode works on the one variable it is given; "
                        + "nesting it with other differentiations is not supported — use nested derivative(...) "
                        + "or hessian(...) for that.");
            }
            if (x.tag.isClosed()) {
                throw new WengertException(op + ": a Taylor-mode value is used after derivatives(f, x, k) returned; "
                        + "use .value() to keep the number.");
            }
            t = x.tag;
        }
        return t;
    }

    private static double[] series(Num x, int order) {
        return x.taylorCoefficients() != null ? x.taylorCoefficients() : Taylor.constant(x.v, order);
    }

    private static Num taylorBinary(BinaryRule r, Num a, Num b) {
        ForwardTag t = taylorTag(r.name(), a, b);
        int k = t.taylorOrder();
        double[] c = r.series(series(a, k), series(b, k));
        return new Num(c[0], null, -1, 0, t, null, null, null, c);
    }

    private static Num taylorNary(NaryRule r, Num[] xs) {
        ForwardTag t = taylorTag(r.name(), xs);
        int k = t.taylorOrder();
        double[][] x = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            x[i] = series(xs[i], k);
        }
        double[] c = r.series(x);
        return new Num(c[0], null, -1, 0, t, null, null, null, c);
    }
}
