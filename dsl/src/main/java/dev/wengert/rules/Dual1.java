package dev.wengert.rules;

/**
 * A number with one tangent, v + ε·t with ε² = 0, for the derivative of a rule's partial along
 * a direction: evaluating {@code partial(T x, T y)} on Dual1 numbers gives the partial and
 * its directional derivative at once — the second-order term a Hessian–vector product needs
 * (forward over reverse). Plain forward-mode arithmetic, kept here because the rules' nested
 * partials are written over {@link Real} and need nothing else.
 *
 * <pre>{@code
 * // sin″(x)·1 at x = 0.5: the tangent of sin′ = cos along 1
 * Elementary.SIN.partial(new Dual1(0.5, 1), new Dual1(Math.sin(0.5), Math.cos(0.5))).tangent();   // −sin 0.5
 * }</pre>
 *
 * @param value   the value
 * @param tangent its derivative along the direction
 */
public record Dual1(double value, double tangent) implements Real<Dual1> {

    /** No tangent along the direction (a constant of this differentiation). */
    @Override
    public boolean isConstant() {
        return tangent == 0;
    }

    @Override
    public Dual1 newInstance(double c) {
        return new Dual1(c, 0);
    }

    @Override
    public Dual1 plus(Dual1 b) {
        return new Dual1(value + b.value, tangent + b.tangent);
    }

    @Override
    public Dual1 plus(double c) {
        return new Dual1(value + c, tangent);
    }

    @Override
    public Dual1 minus(Dual1 b) {
        return new Dual1(value - b.value, tangent - b.tangent);
    }

    @Override
    public Dual1 minus(double c) {
        return new Dual1(value - c, tangent);
    }

    @Override
    public Dual1 times(Dual1 b) {
        return new Dual1(value * b.value, tangent * b.value + value * b.tangent);
    }

    @Override
    public Dual1 times(double c) {
        return new Dual1(value * c, tangent * c);
    }

    @Override
    public Dual1 div(Dual1 b) {
        double y = value / b.value;
        return new Dual1(y, (tangent - y * b.tangent) / b.value);
    }

    @Override
    public Dual1 div(double c) {
        return new Dual1(value / c, tangent / c);
    }

    @Override
    public Dual1 neg() {
        return new Dual1(-value, -tangent);
    }

    @Override
    public Dual1 reciprocal() {
        double y = 1 / value;
        return new Dual1(y, -tangent * y * y);
    }

    @Override
    public Dual1 square() {
        return new Dual1(value * value, 2 * value * tangent);
    }

    @Override
    public Dual1 sqrt() {
        double y = Math.sqrt(value);
        return new Dual1(y, tangent == 0 ? 0 : tangent / (2 * y));
    }

    @Override
    public Dual1 exp() {
        double y = Math.exp(value);
        return new Dual1(y, tangent * y);
    }

    @Override
    public Dual1 log() {
        return new Dual1(Math.log(value), tangent / value);
    }

    @Override
    public Dual1 sin() {
        return new Dual1(Math.sin(value), tangent * Math.cos(value));
    }

    @Override
    public Dual1 cos() {
        return new Dual1(Math.cos(value), -tangent * Math.sin(value));
    }

    @Override
    public Dual1 sinh() {
        return new Dual1(Math.sinh(value), tangent * Math.cosh(value));
    }

    @Override
    public Dual1 cosh() {
        return new Dual1(Math.cosh(value), tangent * Math.sinh(value));
    }

    @Override
    public Dual1 sigmoid() {
        double y = Special.SIGMOID.value(value);
        return new Dual1(y, tangent * Special.SIGMOID.partial(value, y));
    }

    @Override
    public Dual1 pow(Dual1 b) {
        double y = Arithmetic.POW.value(value, b.value);
        double t = 0;
        if (tangent != 0) {
            t += Arithmetic.POW.partialA(value, b.value, y) * tangent;
        }
        if (b.tangent != 0) {
            t += Arithmetic.POW.partialB(value, b.value, y) * b.tangent;
        }
        return new Dual1(y, t);
    }

    @Override
    public Dual1 hypot(Dual1 b) {
        double y = Arithmetic.HYPOT.value(value, b.value);
        double t = 0;
        if (tangent != 0) {
            t += Arithmetic.HYPOT.partialA(value, b.value, y) * tangent;
        }
        if (b.tangent != 0) {
            t += Arithmetic.HYPOT.partialB(value, b.value, y) * b.tangent;
        }
        return new Dual1(y, t);
    }

    @Override
    public Dual1 apply(UnaryRule r) {
        double y = r.value(value);
        return new Dual1(y, tangent == 0 ? 0 : tangent * r.partial(value, y));
    }

    // ---- the derivatives of rules' partials along a direction ------------------------------------

    /** d/dε of r′(x) along ẋ: r″(x)·ẋ (the rule's nested partial at x + εẋ, y + ε·r′(x)ẋ). */
    public static double partialTangent(UnaryRule r, double x, double y, double tx) {
        if (tx == 0) {
            return 0;
        }
        double p = r.partial(x, y);
        return r.partial(new Dual1(x, tx), new Dual1(y, p * tx)).tangent;
    }

    /** The directional derivatives of (∂r/∂a, ∂r/∂b) at (a, b) along (ȧ, ḃ), y = r(a, b) moving by ẏ. */
    public static double[] partialTangents(BinaryRule r, double a, double b, double y, double ta, double tb, double ty) {
        if (ta == 0 && tb == 0) {
            return new double[2];
        }
        Dual1 da = new Dual1(a, ta);
        Dual1 db = new Dual1(b, tb);
        Dual1 dy = new Dual1(y, ty);
        return new double[] {r.partialA(da, db, dy).tangent, r.partialB(da, db, dy).tangent};
    }

    /**
     * d/dε of ∂r/∂a at (a, b) along (ȧ, ḃ), y = r(a, b) moving by ẏ: the first element of
     * {@link #partialTangents(BinaryRule, double, double, double, double, double, double)}, to the
     * bit, without the array (a second-order sweep takes it once per node).
     *
     * <pre>{@code
     * Dual1.partialTangentA(Arithmetic.MUL, 2, 3, 6, 1, 0.5, 3.5);   // 0.5: ∂(ab)/∂a = b moves by ḃ
     * }</pre>
     */
    public static double partialTangentA(BinaryRule r, double a, double b, double y, double ta, double tb, double ty) {
        if (ta == 0 && tb == 0) {
            return 0;
        }
        return r.partialA(new Dual1(a, ta), new Dual1(b, tb), new Dual1(y, ty)).tangent;
    }

    /** d/dε of ∂r/∂b at (a, b) along (ȧ, ḃ): the second element of partialTangents, without the array. */
    public static double partialTangentB(BinaryRule r, double a, double b, double y, double ta, double tb, double ty) {
        if (ta == 0 && tb == 0) {
            return 0;
        }
        return r.partialB(new Dual1(a, ta), new Dual1(b, tb), new Dual1(y, ty)).tangent;
    }

    /** The directional derivatives of an n-ary rule's partials at x along ẋ, y moving by ẏ. */
    public static double[] partialTangents(NaryRule r, double[] x, double y, double[] tx, double ty) {
        Dual1[] d = new Dual1[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = new Dual1(x[i], tx[i]);
        }
        Dual1[] p = r.partials(d, new Dual1(y, ty));
        double[] t = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            t[i] = p[i].tangent;
        }
        return t;
    }
}
