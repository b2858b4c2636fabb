package dev.wengert.compile;

import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.rules.Real;
import dev.wengert.rules.UnaryRule;

/**
 * A number with one derivative, in the arithmetic rules write their partials in ({@link Real}):
 * a rule's partial evaluated on these gives the partial's own derivative, so the second
 * partials a curvature pass needs come from the rules themselves ({@link RowShape}). Each
 * operation is the rule's value and first partial, as forward mode computes them. Used only
 * for rules without a second partial of their own in RowShape (it allocates).
 */
final class D1 implements Real<D1> {
    final double v;
    final double d;
    /** Whether this stands for a constant of the recording (then rules take their constant branches). */
    private final boolean constant;

    D1(double v, double d, boolean constant) {
        this.v = v;
        this.d = d;
        this.constant = constant;
    }

    static D1 of(double v, double d) {
        return new D1(v, d, false);
    }

    @Override
    public double value() {
        return v;
    }

    @Override
    public boolean isConstant() {
        return constant;
    }

    @Override
    public D1 newInstance(double c) {
        return new D1(c, 0, true);
    }

    private D1 result(double y, double dy, D1 b) {
        return new D1(y, dy, constant && (b == null || b.constant));
    }

    @Override
    public D1 plus(D1 b) {
        return result(v + b.v, d + b.d, b);
    }

    @Override
    public D1 plus(double c) {
        return result(v + c, d, null);
    }

    @Override
    public D1 minus(D1 b) {
        return result(v - b.v, d - b.d, b);
    }

    @Override
    public D1 minus(double c) {
        return result(v - c, d, null);
    }

    @Override
    public D1 times(D1 b) {
        return result(v * b.v, d * b.v + v * b.d, b);
    }

    @Override
    public D1 times(double c) {
        return result(v * c, d * c, null);
    }

    @Override
    public D1 div(D1 b) {
        double y = v / b.v;
        return result(y, (d - y * b.d) / b.v, b);
    }

    @Override
    public D1 div(double c) {
        return result(v / c, d / c, null);
    }

    @Override
    public D1 neg() {
        return result(-v, -d, null);
    }

    @Override
    public D1 reciprocal() {
        return unary(Arithmetic.RECIPROCAL);
    }

    @Override
    public D1 square() {
        return unary(Arithmetic.SQUARE);
    }

    @Override
    public D1 sqrt() {
        return unary(Elementary.SQRT);
    }

    @Override
    public D1 exp() {
        return unary(Elementary.EXP);
    }

    @Override
    public D1 log() {
        return unary(Elementary.LOG);
    }

    @Override
    public D1 sin() {
        return unary(Elementary.SIN);
    }

    @Override
    public D1 cos() {
        return unary(Elementary.COS);
    }

    @Override
    public D1 sinh() {
        return unary(Elementary.SINH);
    }

    @Override
    public D1 cosh() {
        return unary(Elementary.COSH);
    }

    @Override
    public D1 sigmoid() {
        return unary(Special.SIGMOID);
    }

    @Override
    public D1 pow(D1 b) {
        double y = Arithmetic.POW.value(v, b.v);
        double pa = Arithmetic.POW.partialA(v, b.v, y);
        double pb = Arithmetic.POW.partialB(v, b.v, y);
        return result(y, (d == 0 ? 0 : pa * d) + (b.d == 0 ? 0 : pb * b.d), b);
    }

    @Override
    public D1 hypot(D1 b) {
        double y = Arithmetic.HYPOT.value(v, b.v);
        double pa = Arithmetic.HYPOT.partialA(v, b.v, y);
        double pb = Arithmetic.HYPOT.partialB(v, b.v, y);
        return result(y, (d == 0 ? 0 : pa * d) + (b.d == 0 ? 0 : pb * b.d), b);
    }

    @Override
    public D1 apply(UnaryRule r) {
        return unary(r);
    }

    private D1 unary(UnaryRule r) {
        double y = r.value(v);
        return result(y, d == 0 ? 0 : r.partial(v, y) * d, null);
    }
}
