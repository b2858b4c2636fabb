package dev.wengert.core;

import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.Real;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;

import java.util.Arrays;

import static dev.wengert.rules.Arithmetic.ADD;
import static dev.wengert.rules.Arithmetic.ATAN2;
import static dev.wengert.rules.Arithmetic.DIV;
import static dev.wengert.rules.Arithmetic.HYPOT;
import static dev.wengert.rules.Arithmetic.LOGSUMEXP;
import static dev.wengert.rules.Arithmetic.MAX;
import static dev.wengert.rules.Arithmetic.MIN;
import static dev.wengert.rules.Arithmetic.MUL;
import static dev.wengert.rules.Arithmetic.NEG;
import static dev.wengert.rules.Arithmetic.POW;
import static dev.wengert.rules.Arithmetic.RECIPROCAL;
import static dev.wengert.rules.Arithmetic.SQUARE;
import static dev.wengert.rules.Arithmetic.SUB;
import static dev.wengert.rules.Arithmetic.SUM;

/**
 * The one number type of the DSL: an immutable real value that knows how it depends on the
 * parameters.
 *
 * <p>A {@code Num} is one of three kinds, decided by how it was made:
 * <ul>
 *   <li>a constant ({@code constant(2.0)}, or any result computed from constants only);</li>
 *   <li>a reverse-mode value: a position on a tape, recorded as it is computed;</li>
 *   <li>a forward-mode value: a dual number carrying one tangent per parameter.</li>
 * </ul>
 * The same user code works for all three. Comparisons ({@link #gt}, {@link #lt}, …) read the
 * value, so ordinary {@code if}, {@code while} and recursion work; the derivative is that of the
 * branch actually taken.
 *
 * <p>Values never change, with one exception: an optimizer given plain parameters
 * ({@code minimize(() -> loss, a, b)}) moves them to the optimum. Values computed from a
 * parameter before it moved keep their old values; an optimizer reports a loss that uses one.
 *
 * <pre>{@code
 * var x = param("x", 1.5);
 * var y = param("y", -0.5);
 * Num z = x.times(y).plus(sin(x));   // z = x·y + sin x
 * z.backward();
 * x.grad();                          // y + cos x = -0.429...
 * z.d(y);                            // x = 1.5
 * }</pre>
 */
public final class Num implements Real<Num>, org.apache.commons.math3.RealFieldElement<Num> {
    // final for every value but a parameter, which an optimizer may move (Functional.assign)
    double v;
    // reverse mode: the tape, the position on it, and the tape's generation when recorded
    final Tape tape;
    final int idx;
    final int gen;
    // forward mode: the tag (idx is then the slot of a parameter, else −1)
    final ForwardTag tag;
    // What only some values carry, in one field so that a handle is 40 bytes, not 56 (a program
    // that keeps its intermediate values keeps one handle per operation): the forward tangents
    // (a double[]) of a first-order forward value, or the rare parts of a nested or Taylor value
    // (a Rare); null for reverse-mode values and constants.
    private final Object extra;

    /**
     * The parts of a value that nesting and Taylor mode need: the primal as a value of outer
     * differentiations (null when it is just v), forward tangents that are such values (null
     * when they are plain doubles), Taylor coefficients (the tag is then a Taylor tag).
     */
    private static final class Rare {
        final double[] tan;
        final Num p;
        final Num[] ntan;
        final double[] tc;

        Rare(double[] tan, Num p, Num[] ntan, double[] tc) {
            this.tan = tan;
            this.p = p;
            this.ntan = ntan;
            this.tc = tc;
        }
    }

    private Num(double v) {
        this(v, null, -1, 0, null, null, null, null, null);
    }

    private Num(double v, Tape tape, int idx) {
        this(v, tape, idx, tape.generation(), null, null, null, null, null);
    }

    private Num(double v, ForwardTag tag, double[] tan, int slot) {
        this(v, null, slot, 0, tag, tan, null, null, null);
    }

    Num(double v, Tape tape, int idx, int gen, ForwardTag tag, double[] tan, Num p, Num[] ntan, double[] tc) {
        this.v = v;
        this.tape = tape;
        this.idx = idx;
        this.gen = gen;
        this.tag = tag;
        this.extra = p == null && ntan == null && tc == null ? tan : new Rare(tan, p, ntan, tc);
    }

    // ---- creation (used by the facade) --------------------------------------------------------

    /** A constant: a value with no derivative (the facade's {@code constant(x)}). */
    public static Num constant(double v) {
        return new Num(v);
    }

    /** A new parameter on a tape. */
    static Num reverseParameter(Tape t, String name, double v) {
        return new Num(v, t, t.leaf(v, name));
    }

    /** A new parameter in forward mode: its own slot, tangent 1 there. */
    static Num forwardParameter(ForwardTag tag, String name, double v) {
        int s = tag.newSlot(name);
        return new Num(v, tag, ForwardTag.unit(s), s);
    }

    /** A forward-mode seed with a given tangent vector (jvp, functional gradients). */
    static Num forwardSeed(ForwardTag tag, String name, double v, double[] tangent) {
        int s = tag.newSlot(name);
        return new Num(v, tag, tangent, s);
    }

    /** A parameter of an inner reverse differentiation whose value is an outer value. */
    static Num reverseParameter(Tape t, String name, Num primal) {
        if (primal.isConstant()) {
            return reverseParameter(t, name, primal.v);
        }
        return new Num(primal.v, t, t.leaf(primal.v, name), t.generation(), null, null, primal, null, null);
    }

    /** A parameter of an inner forward differentiation whose value is an outer value. */
    static Num forwardParameter(ForwardTag tag, String name, Num primal, double[] tangent, Num[] numTangent) {
        int s = tag.newSlot(name);
        return new Num(primal.v, null, s, 0, tag, tangent, primal.isConstant() ? null : primal, numTangent, null);
    }

    /** The variable of Taylor mode: x + t, as a series of order k. */
    static Num taylorVariable(ForwardTag tag, double x, int k) {
        double[] c = new double[k + 1];
        c[0] = x;
        if (k >= 1) {
            c[1] = 1.0;
        }
        return new Num(x, null, tag.newSlot("x"), 0, tag, null, null, null, c);
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * The value (the primal). While a compiled tape is recorded, reading it is remembered: the
     * program may branch on it, so a replay with a different value records again.
     */
    public double value() {
        if (tape != null) {
            tape.read(idx, gen, v);
        }
        return v;
    }

    /** Whether this value depends on no parameter. */
    public boolean isConstant() {
        return tape == null && tag == null;
    }

    /** Whether this value is a parameter made by {@code param(...)}. */
    public boolean isParameter() {
        if (tape != null) {
            return tape.isValid(idx, gen) && tape.isParameter(idx);
        }
        return tag != null && idx >= 0;
    }

    /** The parameter's name, or null for other values and unnamed parameters. */
    public String name() {
        if (tape != null && tape.isValid(idx, gen)) {
            String n = tape.name(idx);
            return n == null || n.isEmpty() ? null : n;
        }
        if (tag != null && idx >= 0) {
            String n = tag.name(idx);
            return n == null || n.isEmpty() ? null : n;
        }
        return null;
    }

    /** The mode this value was made in, or null for a constant. */
    public Mode mode() {
        return tape != null ? Mode.REVERSE : tag != null ? Mode.FORWARD : null;
    }

    /** The tape position in reverse mode, else −1. */
    public int position() {
        return tape != null ? idx : -1;
    }

    // ---- comparisons on values, for control flow ---------------------------------------------

    public boolean gt(Num o) {
        return guard("gt", o, v > o.v);
    }

    public boolean gt(double o) {
        return guard("gt", constant(o), v > o);
    }

    public boolean lt(Num o) {
        return guard("lt", o, v < o.v);
    }

    public boolean lt(double o) {
        return guard("lt", constant(o), v < o);
    }

    public boolean ge(Num o) {
        return guard("ge", o, v >= o.v);
    }

    public boolean ge(double o) {
        return guard("ge", constant(o), v >= o);
    }

    public boolean le(Num o) {
        return guard("le", o, v <= o.v);
    }

    public boolean le(double o) {
        return guard("le", constant(o), v <= o);
    }

    /**
     * Whether the values are equal (IEEE: NaN equals nothing, 0.0 equals −0.0). Like the other
     * comparisons it reads the value, and a compiled tape records it as a guard.
     *
     * <pre>{@code
     * var k = param("k", 2.0);
     * k.eq(2)     // true
     * }</pre>
     */
    public boolean eq(Num o) {
        return guard("eq", o, v == o.v);
    }

    public boolean eq(double o) {
        return guard("eq", constant(o), v == o);
    }

    /** Whether the values differ (IEEE: NaN differs from everything, itself included). */
    public boolean ne(Num o) {
        return guard("ne", o, v != o.v);
    }

    public boolean ne(double o) {
        return guard("ne", constant(o), v != o);
    }

    /**
     * Remembers a comparison on recorded values while a compiled tape is being recorded, so a
     * replay that would take the other branch records again instead of going wrong.
     */
    private boolean guard(String cmp, Num o, boolean outcome) {
        if (tape != null && tape.listening()) {
            tape.compared(idx, gen, o.tape == tape ? o.idx : -1, o.v, cmp, outcome);
        } else if (o.tape != null && o.tape.listening()) {
            String flipped = switch (cmp) {
                case "gt" -> "lt";
                case "lt" -> "gt";
                case "ge" -> "le";
                case "le" -> "ge";
                default -> cmp;                       // eq and ne are symmetric
            };
            o.tape.compared(o.idx, o.gen, -1, v, flipped, outcome);
        }
        return outcome;
    }

    // ---- arithmetic ---------------------------------------------------------------------------
    // Each operation computes its value and local partials with its rule (the JIT inlines a
    // rule constant's methods) and hands them to result1/resultK/result2: the common recorded
    // case there, everything else in result(), the one place a result is made by mode. Values
    // that need nesting or Taylor series take Nested's general path instead.

    /** this + b. */
    public Num plus(Num b) {
        if (!fastWith(b)) {
            return Nested.binary(ADD, this, b);
        }
        double y = ADD.value(v, b.v);
        return result2(ADD, y, ADD.partialA(v, b.v, y), b, ADD.partialB(v, b.v, y));
    }

    /** this + c. */
    public Num plus(double c) {
        if (!simple()) {
            return Nested.binary(ADD, this, constant(c));
        }
        double y = ADD.value(v, c);
        return resultK(ADD, y, ADD.partialA(v, c, y), c);
    }

    /** this − b. */
    public Num minus(Num b) {
        if (!fastWith(b)) {
            return Nested.binary(SUB, this, b);
        }
        double y = SUB.value(v, b.v);
        return result2(SUB, y, SUB.partialA(v, b.v, y), b, SUB.partialB(v, b.v, y));
    }

    /** this − c. */
    public Num minus(double c) {
        if (!simple()) {
            return Nested.binary(SUB, this, constant(c));
        }
        double y = SUB.value(v, c);
        return resultK(SUB, y, SUB.partialA(v, c, y), c);
    }

    /** this · b. */
    public Num times(Num b) {
        if (!fastWith(b)) {
            return Nested.binary(MUL, this, b);
        }
        double y = MUL.value(v, b.v);
        return result2(MUL, y, MUL.partialA(v, b.v, y), b, MUL.partialB(v, b.v, y));
    }

    /** this · c. */
    public Num times(double c) {
        if (!simple()) {
            return Nested.binary(MUL, this, constant(c));
        }
        double y = MUL.value(v, c);
        return resultK(MUL, y, MUL.partialA(v, c, y), c);
    }

    /** this / b. */
    public Num div(Num b) {
        if (!fastWith(b)) {
            return Nested.binary(DIV, this, b);
        }
        double y = DIV.value(v, b.v);
        return result2(DIV, y, DIV.partialA(v, b.v, y), b, DIV.partialB(v, b.v, y));
    }

    /** this / c. */
    public Num div(double c) {
        if (!simple()) {
            return Nested.binary(DIV, this, constant(c));
        }
        double y = DIV.value(v, c);
        return resultK(DIV, y, DIV.partialA(v, c, y), c);
    }

    /** −this. */
    public Num neg() {
        if (!simple()) {
            return Nested.unary(NEG, this);
        }
        double y = NEG.value(v);
        return result1(NEG, y, NEG.partial(v, y));
    }

    /** 1 / this. */
    public Num reciprocal() {
        return apply(RECIPROCAL);
    }

    /** this². */
    public Num square() {
        if (!simple()) {
            return Nested.unary(SQUARE, this);
        }
        double y = SQUARE.value(v);
        return result1(SQUARE, y, SQUARE.partial(v, y));
    }

    /** thisᵖ for a constant exponent; integer p works for negative bases. */
    public Num pow(double e) {
        if (!simple()) {
            return Nested.binary(POW, this, constant(e));
        }
        double y = POW.value(v, e);
        if (isConstant()) {
            return constantResult("pow", y);
        }
        return resultK(POW, y, POW.partialA(v, e, y), e);
    }

    /** thisᵇ with both base and exponent differentiable. */
    public Num pow(Num b) {
        return apply(POW, b);
    }

    public Num sqrt() {
        return apply(Elementary.SQRT);
    }

    public Num cbrt() {
        return apply(Elementary.CBRT);
    }

    public Num exp() {
        return apply(Elementary.EXP);
    }

    /** eˣ − 1, accurate near 0. */
    public Num expm1() {
        return apply(Elementary.EXPM1);
    }

    /** The natural logarithm. */
    public Num log() {
        return apply(Elementary.LOG);
    }

    /** log(1 + x), accurate near 0. */
    public Num log1p() {
        return apply(Elementary.LOG1P);
    }

    public Num log10() {
        return apply(Elementary.LOG10);
    }

    /** log₂ x, exact at powers of two. */
    public Num log2() {
        return apply(Elementary.LOG2);
    }

    public Num sin() {
        return apply(Elementary.SIN);
    }

    public Num cos() {
        return apply(Elementary.COS);
    }

    public Num tan() {
        return apply(Elementary.TAN);
    }

    public Num asin() {
        return apply(Elementary.ASIN);
    }

    public Num acos() {
        return apply(Elementary.ACOS);
    }

    public Num atan() {
        return apply(Elementary.ATAN);
    }

    public Num sinh() {
        return apply(Elementary.SINH);
    }

    public Num cosh() {
        return apply(Elementary.COSH);
    }

    public Num tanh() {
        return apply(Elementary.TANH);
    }

    public Num asinh() {
        return apply(Elementary.ASINH);
    }

    public Num acosh() {
        return apply(Elementary.ACOSH);
    }

    public Num atanh() {
        return apply(Elementary.ATANH);
    }

    /** |x|, with derivative 0 at 0. */
    public Num abs() {
        return apply(Special.ABS);
    }

    /** 1/(1+e⁻ˣ). */
    public Num sigmoid() {
        return apply(Special.SIGMOID);
    }

    /** log(1+eˣ), without overflow. */
    public Num softplus() {
        return apply(Special.SOFTPLUS);
    }

    /** max(x, 0), with derivative 0 at 0. */
    public Num relu() {
        return apply(Special.RELU);
    }

    public Num erf() {
        return apply(Special.ERF);
    }

    public Num erfc() {
        return apply(Special.ERFC);
    }

    /** log|Γ(x)|; its derivative is the digamma function. */
    public Num lgamma() {
        return apply(Special.LGAMMA);
    }

    /** The larger of this and b; a tie splits the derivative evenly. */
    public Num max(Num b) {
        return apply(MAX, b);
    }

    public Num max(double c) {
        return apply(MAX, constant(c));
    }

    /** The smaller of this and b; a tie splits the derivative evenly. */
    public Num min(Num b) {
        return apply(MIN, b);
    }

    public Num min(double c) {
        return apply(MIN, constant(c));
    }

    /** atan2(this, x): the angle of the point (x, this). */
    public Num atan2(Num x) {
        return apply(ATAN2, x);
    }

    /** √(this² + b²) without overflow. */
    public Num hypot(Num b) {
        return apply(HYPOT, b);
    }

    /** this·log y, 0 where this is 0 (scipy's xlogy): the term of entropies and cross-entropies. */
    public Num xlogy(Num y) {
        return apply(Special.XLOGY, y);
    }

    /** A constant c: {@link #constant(double)}, as the rules' arithmetic ({@link Real}) asks for it. */
    @Override
    public Num newInstance(double c) {
        return constant(c);
    }

    // ---- applying rules ------------------------------------------------------------------------

    /** Applies a one-argument rule (built in or user-defined) to this value. */
    public Num apply(UnaryRule r) {
        if (!simple()) {
            return Nested.unary(r, this);
        }
        double y = r.value(v);
        if (isConstant()) {
            return constantResult(r.name(), y);
        }
        return result1(r, y, r.partial(v, y));
    }

    /** Applies a two-argument rule to (this, b). */
    public Num apply(BinaryRule r, Num b) {
        if (b == null) {
            throw new IllegalArgumentException(r.name() + "(" + this + ", null): the second argument is null");
        }
        if (!fastWith(b)) {
            return Nested.binary(r, this, b);
        }
        double y = r.value(v, b.v);
        double pa = isConstant() ? 0.0 : r.partialA(v, b.v, y);
        double pb = b.isConstant() ? 0.0 : r.partialB(v, b.v, y);
        return result2(r, y, pa, b, pb);
    }

    /** Σ xᵢ as one operation (the facade's {@code sum(x...)}). */
    public static Num sum(Num... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("sum(): give at least one argument");
        }
        return apply(SUM, xs);
    }

    /** log Σ eˣⁱ as one operation, without overflow (the facade's {@code logsumexp(x...)}). */
    public static Num logsumexp(Num... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("logsumexp(): give at least one argument");
        }
        return apply(LOGSUMEXP, xs);
    }

    /**
     * Applies an n-argument rule to xs: recorded as one node with all its recorded inputs, or
     * carried as the sum of the arguments' tangents times the partials.
     */
    public static Num apply(NaryRule r, Num[] xs) {
        double[] vals = new double[xs.length];
        Num first = null;
        boolean fast = true;
        for (int i = 0; i < xs.length; i++) {
            Num x = xs[i];
            if (x == null) {
                throw new IllegalArgumentException(r.name() + ": argument " + i + " is null");
            }
            vals[i] = x.v;
            if (!x.isConstant()) {
                if (!x.simple() || (first != null && (x.tape != first.tape || x.tag != first.tag))) {
                    fast = false;
                }
                if (first == null) {
                    first = x;
                }
            }
        }
        if (!fast) {
            return Nested.nary(r, xs);
        }
        double y = r.value(vals);
        if (first == null) {
            return nonFinite(r.name(), y, vals, -1, new Num(y));
        }
        double[] pd = r.partials(vals, y);
        if (first.tape != null) {
            Tape t = first.tape;
            int[] in = new int[xs.length];
            int[] slots = new int[xs.length];
            double[] pp = new double[xs.length];
            int n = 0;
            for (int i = 0; i < xs.length; i++) {
                if (!xs[i].isConstant()) {
                    xs[i].checkUsable(r.name());
                    in[n] = xs[i].idx;
                    slots[n] = i;
                    pp[n++] = pd[i];
                }
            }
            nonFinite(r.name(), y, vals, t.size(), null);
            return new Num(y, t, t.pushN(r, y, Arrays.copyOf(in, n), Arrays.copyOf(pp, n), vals, Arrays.copyOf(slots, n)));
        }
        first.checkTagThread();
        double[] tg = null;
        for (int i = 0; i < xs.length; i++) {
            tg = ForwardTag.combine(tg, 1.0, xs[i].tangentsRaw(), pd[i]);
        }
        nonFinite(r.name(), y, vals, -1, null);
        return new Num(y, first.tag, tg, -1);
    }

    /** Whether this value takes the fast first-order path: no outer primal, plain tangents, no series. */
    boolean simple() {
        return !(extra instanceof Rare);
    }

    /** The forward tangents by slot (not copied), or null. */
    double[] tangentsRaw() {
        Object o = extra;
        return o instanceof double[] d ? d : o == null ? null : ((Rare) o).tan;
    }

    /** The primal as a value of outer differentiations, or null when it is just the value. */
    Num primalRaw() {
        return extra instanceof Rare r ? r.p : null;
    }

    /** Forward tangents that are values of outer differentiations, or null. */
    Num[] nestedTangents() {
        return extra instanceof Rare r ? r.ntan : null;
    }

    /** The Taylor coefficients of a Taylor-mode value, or null. */
    double[] taylorCoefficients() {
        return extra instanceof Rare r ? r.tc : null;
    }

    /** Whether (this, b) takes the fast path: both simple, and of one tape or tag (or constant). */
    private boolean fastWith(Num b) {
        if (b == null) {
            throw new IllegalArgumentException("the second argument is null; pass a Num (param, constant or a computed value)");
        }
        return simple() && b.simple() && (b.isConstant() || isConstant() || (tape == b.tape && tag == b.tag));
    }

    // ---- the engine: one result, given the value and the local partials -----------------------

    /** The name of a rule object, for messages. */
    static String nameOf(Object rule) {
        if (rule instanceof UnaryRule r) {
            return r.name();
        }
        if (rule instanceof BinaryRule r) {
            return r.name();
        }
        if (rule instanceof NaryRule r) {
            return r.name();
        }
        return String.valueOf(rule);
    }

    // The three fast paths below record the common case: this (and b) on a tape and still valid
    // there, on the tape's owner thread, and a finite value. Each is a method of its own, with
    // one kind of push, so that its compiled code stays under the JIT's limits for inlining (325
    // bytecodes for a hot call; 2,500 bytes of machine code once compiled on its own) and it
    // inlines into operations: as one method of 336 bytecodes, result() was always called, with
    // seven arguments (without that call, the first pass of a compiled row model is about 12%
    // cheaper). Anything else goes to result(), which checks everything again and says what is
    // wrong.

    /** A rule of this and b (both recorded on one tape, in the common case). */
    private Num result2(BinaryRule rule, double y, double pa, Num b, double pb) {
        Tape t = tape;
        if (t != null && b.tape == t && recordable(t) && b.current(t) && Double.isFinite(y)) {
            return new Num(y, t, t.push2(rule, y, idx, pa, b.idx, pb));
        }
        return result(rule, y, pa, b, pb, 0.0, true);
    }

    /** A rule of this and the constant c on its right. */
    private Num resultK(BinaryRule rule, double y, double pa, double c) {
        Tape t = tape;
        if (t != null && recordable(t) && Double.isFinite(y)) {
            return new Num(y, t, t.push1(rule, y, idx, pa, c, true));
        }
        return result(rule, y, pa, null, 0.0, c, true);
    }

    /** A rule of this alone. */
    private Num result1(UnaryRule rule, double y, double pa) {
        Tape t = tape;
        if (t != null && recordable(t) && Double.isFinite(y)) {
            return new Num(y, t, t.push1(rule, y, idx, pa));
        }
        return result(rule, y, pa, null, 0.0, 0.0, true);
    }

    /** Whether this recorded value may take a fast path on its tape t: still valid there, on t's owner thread. */
    private boolean recordable(Tape t) {
        return current(t) && t.session().owner() == Thread.currentThread();
    }

    /**
     * Whether this value, recorded on t, is still valid: of t's generation, or below every cut
     * since its own (a parameter of a row model recorded row after row, the tape cut back to
     * the parameters after each run of rows).
     */
    private boolean current(Tape t) {
        return gen == t.generation() || t.isValid(idx, gen);
    }

    /**
     * The general place a first-order result is made, by mode (the fast paths above take the
     * common recorded case). {@code rule} (a UnaryRule or a BinaryRule) was applied to this
     * value and to b, or (b null) to the constant c on the right or the left, or to nothing
     * else; y is its value, pa and pb its local partials with respect to this and b. In
     * reverse mode the result is recorded on the tape (with c, for a replay); in forward mode
     * its tangent is pa·this′ + pb·b′; of constants it is a constant. Checks the operands are
     * usable, and non-finite results in checking mode.
     */
    private Num result(Object rule, double y, double pa, Num b, double pb, double c, boolean right) {
        Num a = this;
        double other = b != null ? b.v : c;          // the second operand's value, for messages
        if (b != null && b.isConstant()) {
            c = b.v;
            b = null;
        } else if (b != null && isConstant()) {
            c = v;
            right = false;
            a = b;
            pa = pb;
            b = null;
        }
        if (a.tape != null) {
            a.checkRecordable(rule);
            if (b != null) {
                b.checkGeneration(nameOf(rule));   // b is on a's tape (fastWith): same owner thread
            }
            if (!Double.isFinite(y)) {
                nonFinite(nameOf(rule), y, inputs(rule, other), a.tape.size(), null);
            }
            Tape t = a.tape;
            int pos = b != null ? t.push2(rule, y, a.idx, pa, b.idx, pb)
                    : rule instanceof BinaryRule br ? t.push1(br, y, a.idx, pa, c, right)
                    : t.push1(rule, y, a.idx, pa);
            return new Num(y, t, pos);
        }
        if (a.tag != null) {
            a.checkTagThread();
            if (!Double.isFinite(y)) {
                nonFinite(nameOf(rule), y, inputs(rule, other), -1, null);
            }
            return new Num(y, a.tag, b != null ? ForwardTag.combine(a.tangentsRaw(), pa, b.tangentsRaw(), pb)
                    : ForwardTag.scale(a.tangentsRaw(), pa), -1);
        }
        return constantResult(nameOf(rule), y);
    }

    /** The operands of an operation on this value, for messages: this, and the other one of a binary rule. */
    private double[] inputs(Object rule, double other) {
        return rule instanceof UnaryRule ? new double[] {v} : new double[] {v, other};
    }

    /** A constant result, checked for non-finite values when checking is on. */
    private Num constantResult(String op, double y) {
        if (!Double.isFinite(y)) {
            return nonFinite(op, y, new double[] {v}, -1, new Num(y));
        }
        return new Num(y);
    }

    /**
     * In checking mode, stops at the first operation that turns finite inputs into NaN or ±∞.
     * Only reached for non-finite outputs, so the common path pays nothing for it.
     */
    static Num nonFinite(String op, double y, double[] inputs, int position, Num r) {
        if (Double.isFinite(y) || !Session.current().checkNonFinite()) {
            return r;
        }
        for (double in : inputs) {
            if (!Double.isFinite(in)) {
                return r;                          // propagated, not produced here
            }
        }
        StringBuilder args = new StringBuilder();
        for (double in : inputs) {
            args.append(args.length() == 0 ? "" : ", ").append(in);
        }
        String where = position >= 0 ? " at tape position #" + position : "";
        throw new NonFiniteException(op, position, op + "(" + args + ") = " + y + where
                + ": the first non-finite value of this computation (checking mode is on; "
                + "checkNonFinite(false) lets IEEE NaN and infinities propagate instead)");
    }

    // ---- checks -------------------------------------------------------------------------------

    /**
     * {@link #checkUsable(String)} for the operation {@code rule}, naming it only when a check
     * fails (every recorded operation passes here).
     */
    private void checkRecordable(Object rule) {
        if ((gen != tape.generation() && !tape.isValid(idx, gen)) || tape.session().owner() != Thread.currentThread()) {
            checkUsable(nameOf(rule));
        }
    }

    /** Refuses values of a closed, rewound or foreign-thread tape, naming the value and the fix. */
    void checkUsable(String op) {
        checkGeneration(op);
        if (tape.session().owner() != Thread.currentThread()) {
            tape.session().checkThread(describe());
        }
    }

    /** Refuses values of a closed, rewound or truncated-away recording (no thread check). */
    private void checkGeneration(String op) {
        if (gen != tape.generation() && !tape.isValid(idx, gen)) {
            throw new WengertException(op + ": " + staleDescription());
        }
    }

    void checkTagThread() {
        if (tag.isClosed()) {
            throw new WengertException(describe() + " is used after its differentiation returned: "
                    + (tag.isScoped() ? "it was computed inside a function given to derivative/gradient/jvp/hessian, "
                    + "and such values cannot be used once the call has returned (use .value() to keep the number)."
                    : "resetTape() has since discarded it; create it again after the reset."));
        }
        if (tag.session().owner() != Thread.currentThread()) {
            tag.session().checkThread(describe());
        }
    }

    String staleDescription() {
        if (tape.isClosed()) {
            return describeBrief() + " was recorded on a tape that resetTape() has since discarded. "
                    + "Create it again (re-run the cell or line that made it, e.g. param(\"x\", 1.0)) "
                    + "after the reset.";
        }
        if (!tape.isScoped()) {
            return describeBrief() + " was computed while an optimizer evaluated a loss over the implicit tape's "
                    + "parameters; such intermediate values are dropped when it moves on. Compute it again from "
                    + "the parameters (they now hold the optimizer's values).";
        }
        return describeBrief() + " was recorded inside a functional call (gradient, jacobian, …) "
                + "whose private tape was rewound when the call returned: it escaped that differentiation. "
                + "Values computed inside a function given to gradient(...) cannot be used after it returns; "
                + "use .value() to keep the number.";
    }

    /** How errors name this value: "parameter 'x' of the implicit tape", "value #7 of …". */
    String describe() {
        if (tape != null) {
            return describeBrief() + " of " + tape.label();
        }
        if (tag != null) {
            return describeBrief() + " of " + tag.label();
        }
        return "the constant " + v;
    }

    private String describeBrief() {
        if (tape != null) {
            // a closed tape keeps its names, so a stale parameter is still named in errors
            if ((tape.isValid(idx, gen) && tape.isParameter(idx)) || (tape.isClosed() && tape.name(idx) != null)) {
                String n = tape.name(idx);
                return n == null || n.isEmpty() ? "parameter #" + idx : "parameter '" + n + "'";
            }
            return "the value " + v + " (tape position #" + idx + ")";
        }
        if (tag != null && idx >= 0) {
            String n = tag.name(idx);
            return n == null || n.isEmpty() ? "forward parameter #" + idx : "parameter '" + n + "'";
        }
        return "the value " + v;
    }

    // ---- derivatives --------------------------------------------------------------------------

    /**
     * Sweeps backward from this value: afterwards {@code x.grad()} is ∂this/∂x for every
     * parameter x it depends on. In forward mode the derivatives are already known; this only
     * remembers this value, so {@code x.grad()} works the same in both modes.
     */
    public Num backward() {
        if (isConstant()) {
            throw new WengertException("backward() on " + v + ", which does not depend on any parameter: "
                    + "it was computed from constants only. Make the inputs with param(\"x\", value) "
                    + "(not constant(...) or plain doubles) before computing it.");
        }
        if (tape != null) {
            checkUsable("backward");
            tape.backward(idx);
        } else {
            checkTagThread();
            tag.lastRoot(this);
        }
        return this;
    }

    /**
     * The gradient this value received from the last {@link #backward()} that reached it:
     * ∂z/∂this for that z. Also available for intermediate values in reverse mode.
     */
    public double grad() {
        if (isConstant()) {
            throw new WengertException("grad() of the constant " + v + ": constants have no gradient. "
                    + "Make it a parameter with param(\"x\", " + v + ") to differentiate with respect to it.");
        }
        if (tape != null) {
            checkUsable("grad");
            Double g = tape.isParameter(idx) ? tape.parameterGradient(idx) : null;
            if (g != null) {
                return g;
            }
            if (tape.reached(idx)) {
                return tape.adjoint(idx);
            }
            throw new WengertException("grad() of " + describe() + ": no backward() has reached it yet. "
                    + "Call z.backward() on a value z computed from it, or use z.d(x).");
        }
        checkTagThread();
        Object root = tag.lastRoot();
        if (root == null) {
            throw new WengertException("grad() of " + describe() + ": no backward() has run in forward mode yet. "
                    + "Call z.backward() first, or read z.d(x) directly.");
        }
        return ((Num) root).d(this);
    }

    /**
     * ∂this/∂x, in either mode. In reverse mode this runs the backward sweep from this value if
     * the last sweep did not start here.
     *
     * @throws WengertException if x is not a parameter, or belongs to another tape or mode
     */
    public double d(Num x) {
        if (x == null) {
            throw new IllegalArgumentException("d(null): pass the parameter to differentiate with respect to");
        }
        if (!x.isParameter()) {
            if (x.tape != null && !x.tape.isValid(x.idx, x.gen)) {
                throw new WengertException("d(x): " + x.staleDescription());
            }
            throw new WengertException("d(x): " + x.describe() + " is not a parameter. Derivatives are taken "
                    + "with respect to parameters made by param(\"name\", value); to differentiate with respect "
                    + "to an intermediate value, make it the input of a function and use gradient(f, x).");
        }
        if (isConstant()) {
            return 0.0;
        }
        if (taylorCoefficients() != null) {
            throw new WengertException("d(x) of a Taylor-mode value: read its derivatives from derivatives(f, x, k)");
        }
        long lz = level();
        long lx = x.level();
        if (lx < lz) {
            // x belongs to an outer differentiation: this value depends on it through its primal
            Num p = primalRaw();
            return p == null ? 0.0 : p.d(x);
        }
        if (lx > lz) {
            return 0.0;                            // an outer value cannot depend on an inner parameter
        }
        if (tape != null) {
            if (x.tape != tape) {
                throw new WengertException("d(x): " + describe() + " and " + x.describe() + " belong to two unrelated "
                        + "differentiations; derivatives are taken with respect to parameters of the same one.");
            }
            checkUsable("d");
            if (!tape.sweptFrom(idx)) {
                tape.backward(idx);
            }
            return tape.adjoint(x.idx);
        }
        if (x.tag != tag) {
            throw new WengertException("d(x): " + describe() + " and " + x.describe() + " belong to two unrelated "
                    + "differentiations; derivatives are taken with respect to parameters of the same one.");
        }
        checkTagThread();
        Num[] ntan = nestedTangents();
        if (ntan != null) {
            return x.idx < ntan.length && ntan[x.idx] != null ? ntan[x.idx].value() : 0.0;
        }
        double[] tan = tangentsRaw();
        return x.idx < tan.length ? tan[x.idx] : 0.0;
    }

    /** The nesting level of this value's differentiation, −1 for a constant. */
    long level() {
        return tape != null ? tape.level() : tag != null ? tag.level() : -1;
    }

    /** The value as a value of the outer differentiations (a constant when there are none). */
    Num primal() {
        Num p = primalRaw();
        return p != null ? p : constant(v);
    }

    /** Whether this value belongs to the differentiation t (a Tape or a ForwardTag). */
    boolean isAt(Object t) {
        return t != null && (tape == t || tag == t);
    }

    /** This value's differentiation: its Tape or ForwardTag, null for a constant. */
    Object owner() {
        return tape != null ? tape : tag;
    }

    /** The tangents in forward mode, one per parameter slot (a copy), else null. */
    double[] tangents() {
        Num[] ntan = nestedTangents();
        if (ntan != null) {
            double[] t = new double[ntan.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = ntan[i] == null ? 0.0 : ntan[i].value();
            }
            return t;
        }
        double[] tan = tangentsRaw();
        return tan == null ? null : tan.clone();
    }

    /** The tangent of slot s as a value (nested-aware): constant 0 where there is none. */
    Num tangent(int s) {
        Num[] ntan = nestedTangents();
        if (ntan != null) {
            return s < ntan.length && ntan[s] != null ? ntan[s] : constant(0.0);
        }
        double[] tan = tangentsRaw();
        return constant(tan != null && s < tan.length ? tan[s] : 0.0);
    }

    /**
     * The tape this value was recorded on (reverse mode), or null for constants and forward-mode
     * values; refused, with an error naming {@code op} and the fix, when that tape was rewound or
     * discarded or belongs to another thread.
     *
     * <pre>{@code
     * var x = param("x", 2.0);
     * x.square().tape().operations();   // 2: the parameter and the square
     * }</pre>
     */
    public Tape tape(String op) {
        if (tape != null) {
            checkUsable(op);
        }
        return tape;
    }

    /** {@link #tape(String)} for a value used by {@code tape()} itself. */
    public Tape tape() {
        return tape("tape");
    }

    ForwardTag tag() {
        return tag;
    }

    /**
     * One short line: the value, then the gradient where it is known, e.g.
     * {@code x = 1.5 (grad -0.43)} for a parameter, {@code Num(2.25)} for other values.
     */
    @Override
    public String toString() {
        String n = name();
        String head = n != null ? n + " = " + v : "Num(" + v + ")";
        if (tape != null && tape.isValid(idx, gen) && !tape.isClosed()) {
            Double g = tape.isParameter(idx) ? tape.parameterGradient(idx) : null;
            if (g == null && tape.reached(idx)) {
                g = tape.adjoint(idx);
            }
            return g == null ? head : head + " (grad " + g + ")";
        }
        if (taylorCoefficients() != null) {
            return head + " (Taylor " + java.util.Arrays.toString(taylorCoefficients()) + ")";
        }
        if (tag != null && idx < 0 && (tangentsRaw() != null || nestedTangents() != null)) {
            double[] tan = tangents();
            StringBuilder sb = new StringBuilder(head).append(" (");
            int shown = 0;
            for (int s = 0; s < tan.length && shown < 4; s++) {
                if (tan[s] != 0) {
                    String pn = tag.name(s);
                    sb.append(shown++ == 0 ? "" : ", ").append("d/d").append(pn == null || pn.isEmpty() ? "#" + s : pn)
                            .append(' ').append(tan[s]);
                }
            }
            return shown == 0 ? head : sb.append(shown == 4 ? ", …)" : ")").toString();
        }
        return head;
    }

    // ---- Commons Math's RealFieldElement: field-generic algorithms on Num --------------------------
    // With these, Commons Math's field code (ODE integrators such as DormandPrince54FieldIntegrator,
    // FieldLUDecomposition, FieldMatrix, …) runs on Num and is differentiated exactly, in any mode.
    // Each delegates to the operations above; piecewise-constant ones (floor, ceil, rint, signum)
    // are constants, with derivative 0 where they are differentiable.

    /** The field of Nums (zero and one are constants), for Commons Math's field algorithms. */
    @Override
    public org.apache.commons.math3.Field<Num> getField() {
        return NumField.INSTANCE;
    }

    /** The value, as Commons Math reads it (the same as {@link #value()}). */
    @Override
    public double getReal() {
        return value();
    }

    @Override
    public Num add(Num a) {
        return plus(a);
    }

    @Override
    public Num add(double a) {
        return plus(a);
    }

    @Override
    public Num subtract(Num a) {
        return minus(a);
    }

    @Override
    public Num subtract(double a) {
        return minus(a);
    }

    @Override
    public Num negate() {
        return neg();
    }

    @Override
    public Num multiply(int n) {
        return times((double) n);
    }

    @Override
    public Num multiply(Num a) {
        return times(a);
    }

    @Override
    public Num multiply(double a) {
        return times(a);
    }

    @Override
    public Num divide(Num a) {
        return div(a);
    }

    @Override
    public Num divide(double a) {
        return div(a);
    }

    /** this − n·a with n = rint(this / a) (IEEE remainder); ∂/∂this = 1. */
    @Override
    public Num remainder(double a) {
        double r = Math.IEEEremainder(value(), a);
        // (this − its value) carries the derivative with value 0, so the value is the exact remainder
        return minus(value()).plus(r);
    }

    /** this − n·a with n = rint(this / a) (IEEE remainder); ∂/∂this = 1, ∂/∂a = −n. */
    @Override
    public Num remainder(Num a) {
        double r = Math.IEEEremainder(value(), a.value());
        Num t = minus(a.times(Math.rint((value() - r) / a.value())));
        return t.minus(t.value()).plus(r);
    }

    @Override
    public Num ceil() {
        return constant(Math.ceil(value()));
    }

    @Override
    public Num floor() {
        return constant(Math.floor(value()));
    }

    @Override
    public Num rint() {
        return constant(Math.rint(value()));
    }

    @Override
    public long round() {
        return Math.round(value());
    }

    @Override
    public Num signum() {
        return constant(Math.signum(value()));
    }

    /** |this| with the sign of s (by sign bits, so −0.0 counts as negative). */
    @Override
    public Num copySign(Num s) {
        return copySign(s.value());
    }

    @Override
    public Num copySign(double s) {
        boolean negative = Double.doubleToRawLongBits(value()) < 0;
        boolean wantNegative = Double.doubleToRawLongBits(s) < 0;
        return negative == wantNegative ? this : neg();
    }

    /** this·2ⁿ. */
    @Override
    public Num scalb(int n) {
        return times(Math.scalb(1.0, n));
    }

    /** The n-th root; odd roots of negative numbers are negative, even ones NaN. */
    @Override
    public Num rootN(int n) {
        if (n == 2) {
            return sqrt();
        }
        if (n == 3) {
            return cbrt();
        }
        return value() < 0 && n % 2 != 0 ? neg().pow(1.0 / n).neg() : pow(1.0 / n);
    }

    /** thisⁿ (the same as {@link #pow(double)} with n). */
    @Override
    public Num pow(int n) {
        return pow((double) n);
    }

    @Override
    public Num linearCombination(Num[] a, Num[] b) {
        if (a.length != b.length) {
            throw new org.apache.commons.math3.exception.DimensionMismatchException(a.length, b.length);
        }
        Num[] terms = new Num[a.length];
        for (int i = 0; i < a.length; i++) {
            terms[i] = a[i].times(b[i]);
        }
        return terms.length == 0 ? constant(0) : sum(terms);
    }

    @Override
    public Num linearCombination(double[] a, Num[] b) {
        if (a.length != b.length) {
            throw new org.apache.commons.math3.exception.DimensionMismatchException(a.length, b.length);
        }
        Num[] terms = new Num[a.length];
        for (int i = 0; i < a.length; i++) {
            terms[i] = b[i].times(a[i]);
        }
        return terms.length == 0 ? constant(0) : sum(terms);
    }

    @Override
    public Num linearCombination(Num a1, Num b1, Num a2, Num b2) {
        return sum(a1.times(b1), a2.times(b2));
    }

    @Override
    public Num linearCombination(double a1, Num b1, double a2, Num b2) {
        return sum(b1.times(a1), b2.times(a2));
    }

    @Override
    public Num linearCombination(Num a1, Num b1, Num a2, Num b2, Num a3, Num b3) {
        return sum(a1.times(b1), a2.times(b2), a3.times(b3));
    }

    @Override
    public Num linearCombination(double a1, Num b1, double a2, Num b2, double a3, Num b3) {
        return sum(b1.times(a1), b2.times(a2), b3.times(a3));
    }

    @Override
    public Num linearCombination(Num a1, Num b1, Num a2, Num b2, Num a3, Num b3, Num a4, Num b4) {
        return sum(a1.times(b1), a2.times(b2), a3.times(b3), a4.times(b4));
    }

    @Override
    public Num linearCombination(double a1, Num b1, double a2, Num b2, double a3, Num b3, double a4, Num b4) {
        return sum(b1.times(a1), b2.times(a2), b3.times(a3), b4.times(a4));
    }

    /**
     * Two Nums are equal when their values are: a field element is a number, and Commons Math's
     * exact-field algorithms find their pivots by {@code equals(zero)} (FieldLUDecomposition), so
     * a value 0 must equal the field's zero whatever derivative it carries (−0.0 and 0.0 are equal).
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Num n && value() == n.value();
    }

    @Override
    public int hashCode() {
        double x = value();
        return Double.hashCode(x == 0 ? 0.0 : x);
    }
}
