package dev.wengert;

import dev.wengert.core.*;
import dev.wengert.compile.CompiledFn;
import dev.wengert.compile.CompiledVecFn;
import dev.wengert.compile.SecondOrder;
import dev.wengert.display.TableView;
import dev.wengert.fit.ColumnModel;
import dev.wengert.fit.FitResult;
import dev.wengert.fit.Fitter;
import dev.wengert.fit.Model;
import dev.wengert.fit.Model1;
import dev.wengert.fit.Ode;
import dev.wengert.fit.OdeSystem;
import dev.wengert.optim.Adam;
import dev.wengert.optim.CommonsMath;
import dev.wengert.optim.ConjugateGradient;
import dev.wengert.optim.GradientDescent;
import dev.wengert.optim.Lbfgs;
import dev.wengert.optim.Momentum;
import dev.wengert.optim.Newton;
import dev.wengert.optim.OptimizationResult;
import dev.wengert.optim.Optimizer;
import dev.wengert.optim.Params;
import dev.wengert.plot.ContourPlot;
import dev.wengert.plot.FitPlot;
import dev.wengert.plot.FunctionPlot;
import dev.wengert.plot.GraphPlot;
import dev.wengert.plot.LinePlot;
import dev.wengert.plot.LossCurvePlot;
import dev.wengert.plot.Plot;
import dev.wengert.plot.ResidualPlot;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.tensor.Blocks;
import dev.wengert.tensor.Matrices;
import dev.wengert.tensor.Tensor;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The one facade of the DSL: {@code import static dev.wengert.Wengert.*;} gives everything
 * (the JShell startup script and the notebook kernel import it for you).
 *
 * <pre>{@code
 * var x = param("x", 1.5);
 * var y = param("y", -0.5);
 * Num z = x.times(y).plus(sin(x));     // z = x·y + sin x
 * z.backward();
 * x.grad();                            // ∂z/∂x = y + cos x
 * gradient(v -> v[0].times(v[1]).plus(sin(v[0])), 1.5, -0.5);   // the same, as a function
 * }</pre>
 *
 * <p><b>Modes.</b> Parameters are made in the thread's current {@link Mode} (reverse unless
 * {@link #mode(Mode)} says otherwise). The functional API defaults to reverse mode for
 * gradients of scalar functions (one sweep gives every partial) and chooses by shape for
 * Jacobians; every such call uses a private tape that it rewinds, so it never grows or
 * disturbs the implicit tape and is safe from any thread.
 *
 * <p><b>Re-running notebook cells.</b> Re-running cells keeps recording on the same implicit
 * tape, and gives the same answers: each {@code backward()} sweeps from its own output. After
 * {@link #resetTape()}, values made before it are refused with an error that names them (re-run
 * the cell that made them); they are never silently given a wrong derivative. A very large
 * implicit tape warns once, with its size and how to reset it.
 *
 * <p>Every math function also takes and returns {@code double}, so {@code exp(1.0)} and
 * {@code max(1, 2)} work as usual after the static import.
 */
public final class Wengert {
    private Wengert() {
    }

    // ---- parameters, constants, modes --------------------------------------------------------

    /**
     * A new parameter with the given value, on this thread's implicit tape (reverse mode) or
     * with its own tangent slot (forward mode).
     */
    public static Num param(double value) {
        return param("", value);
    }

    /** A new named parameter; the name shows in {@code toString()}, the tape and errors. */
    public static Num param(String name, double value) {
        if (name == null) {
            throw new IllegalArgumentException("param(null, " + value + "): give a name, or use param(value)");
        }
        return Session.current().param(name, value);
    }

    /** A constant: it has a value and no derivative. */
    public static Num constant(double value) {
        return Num.constant(value);
    }

    /** A vector of constants. */
    public static Num[] constant(double[] values) {
        return Functional.constants(values, "constant(values)");
    }

    /** A matrix of constants, for the small-matrix functions ({@link #det}, {@link #matmul(Num[][], Num[][])}, …). */
    public static Num[][] constant(double[][] rows) {
        return Matrices.constants(rows);
    }

    /** The value of x, as a constant: derivatives do not flow through it. */
    public static Num stopGradient(Num x) {
        return Num.constant(arg(x, "stopGradient").value());
    }

    /** Chooses how parameters made from now on, on this thread, are differentiated. */
    public static void mode(Mode m) {
        Session.current().mode(m);
    }

    /** This thread's current mode. */
    public static Mode mode() {
        return Session.current().mode();
    }

    /** This thread's session: its mode, implicit tape and settings. */
    public static Session session() {
        return Session.current();
    }

    /** This thread's implicit tape (the Wengert list of reverse mode). */
    public static Tape tape() {
        return Session.current().tape();
    }

    /**
     * Starts a fresh implicit tape (and forward-mode tag). Values made before are refused
     * from now on, with an error naming them.
     */
    public static void resetTape() {
        Session.current().reset();
    }

    /** Sets the size (in operations) at which the implicit tape warns, once. */
    public static void tapeWarning(long operations) {
        Session.current().warnAt(operations);
    }

    /**
     * Checking mode: when on, the first operation that turns finite inputs into NaN or an
     * infinity throws {@link NonFiniteException} naming it and its tape position. Off by
     * default: NaN and infinities then follow IEEE rules.
     */
    public static void checkNonFinite(boolean on) {
        Session.current().checkNonFinite(on);
    }

    // ---- the functional API ----------------------------------------------------------------------

    /** ∇f(x), by reverse mode (one recording, one backward sweep). */
    public static double[] gradient(Fn f, double... x) {
        return Functional.valueAndGradient(Mode.REVERSE, f, x, "gradient(f, x)").gradient();
    }

    /**
     * ∇f at the values of named blocks, in the same blocks: one flat gradient, laid out and
     * named like the parameters ({@link Blocks}).
     *
     * <pre>{@code
     * Blocks p = blocks("w", new double[][] {{1, 2}, {3, 4}}, "b", 0.5);
     * Blocks g = gradient(x -> p.tensor(x, "w").square().sum().plus(p.num(x, "b")), p);
     * g.get("w");   // Tensor(2, 2) [2.0, 4.0, 6.0, 8.0]
     * }</pre>
     */
    public static Blocks gradient(Fn f, Blocks at) {
        return Blocks.gradient(f, at);
    }

    /**
     * f(x), without derivatives: f runs on constants, so nothing is recorded. Each operation
     * still makes a Num (40 bytes, no tape); to evaluate f many times without a Num per
     * operation, use {@code compile(f, x0).value(x)}: it replays the recording's arrays, its
     * loops as generated Java.
     *
     * <pre>{@code
     * value(x -> x[0].times(x[1]), 3, 4);   // 12.0
     * }</pre>
     */
    public static double value(Fn f, double... x) {
        return Functional.value(f, x);
    }

    /** ∇f(x) by the given mode (forward: one pass carrying n tangents). */
    public static double[] gradient(Mode mode, Fn f, double... x) {
        return Functional.valueAndGradient(modeArg(mode, "gradient"), f, x, "gradient(" + mode + ", f, x)").gradient();
    }

    /** f(x) and ∇f(x) from one evaluation, by reverse mode. */
    public static ValueAndGradient valueAndGradient(Fn f, double... x) {
        return Functional.valueAndGradient(Mode.REVERSE, f, x, "valueAndGradient(f, x)");
    }

    /** f(x) and ∇f(x) from one evaluation, by the given mode. */
    public static ValueAndGradient valueAndGradient(Mode mode, Fn f, double... x) {
        return Functional.valueAndGradient(modeArg(mode, "valueAndGradient"), f, x,
                "valueAndGradient(" + mode + ", f, x)");
    }

    /** f′(x), by forward mode. */
    public static double derivative(UnaryFn f, double x) {
        return Functional.derivative(f, x);
    }

    /**
     * The Jacobian J[i][j] = ∂fᵢ/∂xⱼ, mode chosen by shape: f is recorded once; with fewer
     * outputs than inputs each row comes from one backward sweep (reverse mode), otherwise
     * each column from one tangent sweep over the same recording (forward mode).
     */
    public static double[][] jacobian(VecFn f, double... x) {
        return Functional.jacobian(null, f, x);
    }

    /** The Jacobian by the given mode: forward (dual numbers, one pass) or reverse (one sweep per output). */
    public static double[][] jacobian(Mode mode, VecFn f, double... x) {
        return Functional.jacobian(modeArg(mode, "jacobian"), f, x);
    }

    /** The Jacobian–vector product J(x)·v, by one forward pass. */
    public static double[] jvp(VecFn f, double[] x, double[] v) {
        return Functional.jvp(f, x, v);
    }

    /** The vector–Jacobian product uᵀ·J(x), by one backward sweep. */
    public static double[] vjp(VecFn f, double[] x, double[] u) {
        return Functional.vjp(f, x, u);
    }

    // ---- higher order: nesting, Hessians, Taylor ----------------------------------------------

    /**
     * f′(x) as a {@link Num} that can itself be differentiated: derivatives of code that takes
     * derivatives, with inner functions free to close over outer values. Each call is its own
     * differentiation (its own tag), so perturbations of different levels never mix:
     *
     * <pre>{@code
     * // d/dx [ x · (d/dy (x + y))(y = 1) ] at x = 1 is 1, not 2
     * derivative(x -> x.times(derivative(y -> x.plus(y), constant(1))), 1.0);   // 1.0
     * }</pre>
     * Forward mode; see {@link #derivative(Mode, UnaryFn, Num)} for reverse.
     */
    public static Num derivative(UnaryFn f, Num x) {
        return Functional.derivative(Mode.FORWARD, f, x);
    }

    /** {@link #derivative(UnaryFn, Num)} by the given mode. */
    public static Num derivative(Mode mode, UnaryFn f, Num x) {
        return Functional.derivative(modeArg(mode, "derivative"), f, x);
    }

    /** ∇f(x) as {@link Num}s that can be differentiated again (reverse mode). */
    public static Num[] gradient(Fn f, Num... x) {
        return Functional.gradient(Mode.REVERSE, f, x, "gradient(f, x)");
    }

    /** ∇f(x) as {@link Num}s, by the given mode. */
    public static Num[] gradient(Mode mode, Fn f, Num... x) {
        return Functional.gradient(modeArg(mode, "gradient"), f, x, "gradient(" + mode + ", f, x)");
    }

    /** J(x)·v as {@link Num}s (x and v may depend on outer differentiations). */
    public static Num[] jvp(VecFn f, Num[] x, Num[] v) {
        return Functional.jvp(f, x, v);
    }

    /**
     * The Hessian ∂²f/∂xᵢ∂xⱼ, forward over reverse on the recorded nodes: f is recorded once
     * and each column H·eⱼ costs a few sweeps over the recording (array operations as whole
     * blocks, so tensor code keeps its kernels). Code with nested differentiation or first-order
     * user rules takes forward over reverse by nested values. The pairing is chosen here:
     * reverse over reverse ({@code hessian(REVERSE, REVERSE, f, x)}) records a node per adjoint
     * operation and serves only as a cross-check.
     *
     * <pre>{@code
     * hessian(x -> x[0].square().times(x[1]), 1.0, 2.0);   // [[4, 2], [2, 0]]
     * }</pre>
     */
    public static double[][] hessian(Fn f, double... x) {
        return SecondOrder.hessian(f, x);
    }

    /**
     * The Hessian with the outer and inner modes chosen: (FORWARD, REVERSE) is the default;
     * (FORWARD, FORWARD), (REVERSE, FORWARD) and (REVERSE, REVERSE) give the same matrix and
     * serve as cross-checks.
     */
    public static double[][] hessian(Mode outer, Mode inner, Fn f, double... x) {
        return Functional.hessian(modeArg(outer, "hessian"), modeArg(inner, "hessian"), f, x);
    }

    /**
     * The Hessian–vector product H(x)·v by forward over reverse on the recorded nodes: f is
     * recorded once, then its tangents are swept forward and its adjoints and their tangents
     * backward, array operations as whole blocks (tensor code keeps its kernels). Code with
     * nested differentiation or first-order user rules takes the nested way.
     *
     * <pre>{@code
     * hvp(x -> x[0].square().times(x[1]), new double[] {1, 2}, new double[] {1, 0});   // [4, 2]
     * }</pre>
     */
    public static double[] hvp(Fn f, double[] x, double[] v) {
        return SecondOrder.hvp(f, x, v);
    }

    /**
     * The k-th derivative f⁽ᵏ⁾(x), by truncated Taylor arithmetic in one pass.
     *
     * <pre>{@code
     * derivative(x -> sin(x), 0.0, 3);   // −1.0
     * }</pre>
     */
    public static double derivative(UnaryFn f, double x, int order) {
        return derivatives(f, x, order)[order];
    }

    /** f(x), f′(x), …, f⁽ᵏ⁾(x) in one pass of truncated Taylor arithmetic (a derivative tower). */
    public static double[] derivatives(UnaryFn f, double x, int k) {
        return Functional.derivatives(f, x, k);
    }

    /**
     * The Taylor coefficients of f at x: f(x), f′(x), f″(x)/2!, …, f⁽ᵏ⁾(x)/k!.
     *
     * <pre>{@code
     * taylor(t -> exp(t), 0.0, 4);   // [1, 1, 0.5, 0.1666…, 0.04166…]
     * }</pre>
     */
    public static double[] taylor(UnaryFn f, double x, int k) {
        return Functional.taylor(f, x, k, "taylor(f, x, " + k + ")");
    }

    // ---- arrays and compiled tapes --------------------------------------------------------------

    /**
     * A parameter array on this thread's implicit tape (or forward-mode parameters), its
     * elements named {@code w[0]}, {@code w[1]}, …; every operation on it is one tape node.
     *
     * <pre>{@code
     * var w = param("w", new double[] {0.5, -0.25});
     * Num loss = tensor(new double[] {1, 2, 3, 4}, 2, 2).matmul(w).square().sum();
     * loss.backward();
     * w.grad();
     * }</pre>
     */
    public static Tensor param(String name, double[] values) {
        if (name == null) {
            throw new IllegalArgumentException("param(null, values): give a name, or use param(values)");
        }
        return Tensor.parameter(name, values);
    }

    /** An unnamed parameter array (elements print as {@code [0]}, {@code [1]}, …). */
    public static Tensor param(double[] values) {
        return Tensor.parameter("", values);
    }

    /** A constant tensor: 1-D without a shape, else of the given shape (row-major data). */
    public static Tensor tensor(double[] data, int... shape) {
        return Tensor.of(data, shape);
    }

    /** A constant matrix from its rows. */
    public static Tensor tensor(double[][] rows) {
        return Tensor.ofRows(rows);
    }

    /** A 1-D tensor of scalars (one tape node when they are on one tape), e.g. from f's Num[] argument. */
    public static Tensor tensor(Num... xs) {
        return Tensor.stack(xs);
    }

    /**
     * Elements [from, from + n) of f's inputs as a tensor of the given shape: a view, no tape
     * node, when they are f's own consecutive inputs.
     *
     * <pre>{@code
     * gradient(x -> tensor(x, 1, 2, 2).square().sum(), 9, 1, 2, 3, 4);   // [0, 2, 4, 6, 8]
     * }</pre>
     */
    public static Tensor tensor(Num[] x, int from, int... shape) {
        return Tensor.of(x, from, shape);
    }

    /**
     * Named blocks of parameters laid out in one flat array, from names and values in pairs
     * (a double, a double[], a double[][] or a constant tensor): see {@link Blocks}.
     *
     * <pre>{@code
     * Blocks p = blocks("alpha", new double[] {0.1, 0.2}, "means", new double[][] {{1, 2}, {3, 4}});
     * }</pre>
     */
    public static Blocks blocks(Object... namesAndValues) {
        return Blocks.of(namesAndValues);
    }

    /** A constant 1-D tensor from a numeric tablesaw column; missing values are an error naming the row. */
    public static Tensor tensor(NumericColumn<?> column) {
        return Tensor.of(column);
    }

    /** A constant matrix (rows × columns) from numeric columns of a tablesaw table. */
    public static Tensor tensor(Table table, String... columns) {
        return Tensor.of(table, columns);
    }

    /** log Σ e^xᵢ over a tensor's elements, as one operation. */
    public static Num logsumexp(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("logsumexp(null): give a tensor");
        }
        return x.logsumexp();
    }

    /** The softmax of a tensor's elements, as one operation. */
    public static Tensor softmax(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("softmax(null): give a tensor");
        }
        return x.softmax();
    }

    /** The 1-D concatenation of tensors. */
    public static Tensor concat(Tensor... xs) {
        return Tensor.concat(xs);
    }

    /**
     * Records f once at x0 and returns a function whose value and gradient replay the
     * recording for new inputs without allocating per operation. Comparisons made on recorded
     * values become guards: a replay that would take another branch records again (see
     * {@link CompiledFn#recordings()}), so a compiled gradient is never silently wrong. Loops
     * in f become generated Java once the function has been replayed for a while (see
     * {@link CompiledFn#generatedOperations()}), with the same numbers to the bit.
     *
     * <pre>{@code
     * CompiledFn g = compile(rosenbrock, -1.2, 1.0);
     * g.gradient(0.5, 0.5);
     * }</pre>
     */
    public static CompiledFn compile(Fn f, double... x0) {
        return new CompiledFn(f, x0);
    }

    /**
     * Records a vector function once at x0; its value, Jacobian, vjp and jvp replay the
     * recording for new inputs (guards as in {@link #compile}).
     *
     * <pre>{@code
     * CompiledVecFn p = compileVec(x -> new Num[] {x[0].times(cos(x[1])), x[0].times(sin(x[1]))}, 1.0, 0.0);
     * p.jacobian(2.0, 0.5);
     * }</pre>
     */
    public static CompiledVecFn compileVec(VecFn f, double... x0) {
        return new CompiledVecFn(f, x0);
    }

    /**
     * The scale of the terms the reverse-mode gradient sums, per input: the sum over all paths
     * of the absolute products of the partials. When it is far above |∂f/∂xᵢ|, that partial
     * came out of cancellation and carries about log10(scale/|∂f/∂xᵢ|) fewer correct digits;
     * forward mode, which never forms the cancelling terms, may then be more accurate.
     *
     * <pre>{@code
     * gradientScale(x -> atan2(x[0].square().exp().reciprocal(), x[0].minus(x[0])), 2.0);   // huge
     * }</pre>
     */
    public static double[] gradientScale(Fn f, double... x) {
        return Functional.gradientScale(f, x);
    }

    /** Forward, reverse and central finite differences side by side, with a verdict. */
    public static GradCheck gradCheck(Fn f, double... x) {
        return GradCheck.of(f, x, GradCheck.DEFAULT_TOLERANCE);
    }

    /** {@link #gradCheck(Fn, double...)} with a relative tolerance of your choice. */
    public static GradCheck gradCheck(Fn f, double[] x, double tolerance) {
        return GradCheck.of(f, x, tolerance);
    }

    // ---- custom rules ----------------------------------------------------------------------------

    /**
     * A new differentiable one-argument function with your own derivative; both modes use it.
     *
     * <pre>{@code
     * UnaryFn cube = rule("cube", x -> x * x * x, x -> 3 * x * x);
     * derivative(cube, 2.0);   // 12.0
     * }</pre>
     */
    public static UnaryFn rule(String name, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        return CustomRule.unary(name, f, df);
    }

    /**
     * A new differentiable function of {@code arity} arguments with your own partials (one
     * per argument; a wrong count is reported with the rule's name).
     *
     * <pre>{@code
     * Fn dist = rule("dist", 2, v -> Math.hypot(v[0], v[1]),
     *     v -> { double h = Math.hypot(v[0], v[1]); return new double[] {v[0] / h, v[1] / h}; });
     * gradient(dist, 3, 4);   // [0.6, 0.8]
     * }</pre>
     */
    public static Fn rule(String name, int arity, ToDoubleFunction<double[]> f, Function<double[], double[]> partials) {
        return CustomRule.nary(name, arity, f, partials);
    }

    // ---- math: every function takes Num and double ---------------------------------------------

    /** aᵖ for a constant exponent; integer p works for negative a. */
    public static Num pow(Num a, double p) {
        return arg(a, "pow").pow(p);
    }

    /** aᵇ, both differentiable. */
    public static Num pow(Num a, Num b) {
        return arg(a, "pow").pow(arg(b, "pow"));
    }

    /** aᵇ for a constant base. */
    public static Num pow(double a, Num b) {
        return Num.constant(a).pow(arg(b, "pow"));
    }

    /** aᵇ of doubles. */
    public static double pow(double a, double b) {
        return Math.pow(a, b);
    }

    /** atan2(y, x): the angle of the point (x, y). */
    public static Num atan2(Num y, Num x) {
        return arg(y, "atan2").atan2(arg(x, "atan2"));
    }

    public static Num atan2(Num y, double x) {
        return arg(y, "atan2").atan2(Num.constant(x));
    }

    public static Num atan2(double y, Num x) {
        return Num.constant(y).atan2(arg(x, "atan2"));
    }

    public static double atan2(double y, double x) {
        return Math.atan2(y, x);
    }

    /** log Σ eˣⁱ, without overflow; its gradient is the softmax of the arguments. */
    public static Num logsumexp(Num... x) {
        return Num.logsumexp(x);
    }

    /** log Σ eˣⁱ of doubles. */
    public static double logsumexp(double... x) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("logsumexp(): give at least one argument");
        }
        return Arithmetic.logsumexp(x);
    }

    /** Σ xᵢ as one operation. */
    public static Num sum(Num... x) {
        return Num.sum(x);
    }

    /** The digamma function ψ = (log Γ)′, exact to a few ulps. */
    public static double digamma(double x) {
        return Special.digamma(x);
    }

    /** The trigamma function ψ′. */
    public static double trigamma(double x) {
        return Special.trigamma(x);
    }

    /** Eˣ. */
    public static Num exp(Num x) {
        return arg(x, "exp").exp();
    }

    /** Eˣ, of a double. */
    public static double exp(double x) {
        return Math.exp(x);
    }

    /** Eˣ − 1, accurate near 0. */
    public static Num expm1(Num x) {
        return arg(x, "expm1").expm1();
    }

    /** Eˣ − 1, accurate near 0, of a double. */
    public static double expm1(double x) {
        return Math.expm1(x);
    }

    /** The natural logarithm. */
    public static Num log(Num x) {
        return arg(x, "log").log();
    }

    /** The natural logarithm, of a double. */
    public static double log(double x) {
        return Math.log(x);
    }

    /** Log(1 + x), accurate near 0. */
    public static Num log1p(Num x) {
        return arg(x, "log1p").log1p();
    }

    /** Log(1 + x), accurate near 0, of a double. */
    public static double log1p(double x) {
        return Math.log1p(x);
    }

    /** The base-10 logarithm. */
    public static Num log10(Num x) {
        return arg(x, "log10").log10();
    }

    /** The base-10 logarithm, of a double. */
    public static double log10(double x) {
        return Math.log10(x);
    }

    /** The base-2 logarithm, exact at powers of two: {@code log2(8.0)} is 3. */
    public static Num log2(Num x) {
        return arg(x, "log2").log2();
    }

    /** The base-2 logarithm of a double, exact at powers of two. */
    public static double log2(double x) {
        return Elementary.log2(x);
    }

    /** √x (derivative +∞ at 0). */
    public static Num sqrt(Num x) {
        return arg(x, "sqrt").sqrt();
    }

    /** √x (derivative +∞ at 0), of a double. */
    public static double sqrt(double x) {
        return Math.sqrt(x);
    }

    /** ∛x. */
    public static Num cbrt(Num x) {
        return arg(x, "cbrt").cbrt();
    }

    /** ∛x, of a double. */
    public static double cbrt(double x) {
        return Math.cbrt(x);
    }

    /** Sine. */
    public static Num sin(Num x) {
        return arg(x, "sin").sin();
    }

    /** Sine, of a double. */
    public static double sin(double x) {
        return Math.sin(x);
    }

    /** Cosine. */
    public static Num cos(Num x) {
        return arg(x, "cos").cos();
    }

    /** Cosine, of a double. */
    public static double cos(double x) {
        return Math.cos(x);
    }

    /** Tangent. */
    public static Num tan(Num x) {
        return arg(x, "tan").tan();
    }

    /** Tangent, of a double. */
    public static double tan(double x) {
        return Math.tan(x);
    }

    /** Arc sine. */
    public static Num asin(Num x) {
        return arg(x, "asin").asin();
    }

    /** Arc sine, of a double. */
    public static double asin(double x) {
        return Math.asin(x);
    }

    /** Arc cosine. */
    public static Num acos(Num x) {
        return arg(x, "acos").acos();
    }

    /** Arc cosine, of a double. */
    public static double acos(double x) {
        return Math.acos(x);
    }

    /** Arc tangent. */
    public static Num atan(Num x) {
        return arg(x, "atan").atan();
    }

    /** Arc tangent, of a double. */
    public static double atan(double x) {
        return Math.atan(x);
    }

    /** Hyperbolic sine. */
    public static Num sinh(Num x) {
        return arg(x, "sinh").sinh();
    }

    /** Hyperbolic sine, of a double. */
    public static double sinh(double x) {
        return Math.sinh(x);
    }

    /** Hyperbolic cosine. */
    public static Num cosh(Num x) {
        return arg(x, "cosh").cosh();
    }

    /** Hyperbolic cosine, of a double. */
    public static double cosh(double x) {
        return Math.cosh(x);
    }

    /** Hyperbolic tangent. */
    public static Num tanh(Num x) {
        return arg(x, "tanh").tanh();
    }

    /** Hyperbolic tangent, of a double. */
    public static double tanh(double x) {
        return Elementary.tanh(x);
    }

    /** Inverse hyperbolic sine. */
    public static Num asinh(Num x) {
        return arg(x, "asinh").asinh();
    }

    /** Inverse hyperbolic sine, of a double. */
    public static double asinh(double x) {
        return Elementary.asinh(x);
    }

    /** Inverse hyperbolic cosine. */
    public static Num acosh(Num x) {
        return arg(x, "acosh").acosh();
    }

    /** Inverse hyperbolic cosine, of a double. */
    public static double acosh(double x) {
        return Elementary.acosh(x);
    }

    /** Inverse hyperbolic tangent. */
    public static Num atanh(Num x) {
        return arg(x, "atanh").atanh();
    }

    /** Inverse hyperbolic tangent, of a double. */
    public static double atanh(double x) {
        return Elementary.atanh(x);
    }

    /** |x|, derivative 0 at 0. */
    public static Num abs(Num x) {
        return arg(x, "abs").abs();
    }

    /** |x|, derivative 0 at 0, of a double. */
    public static double abs(double x) {
        return Math.abs(x);
    }

    /** 1/(1+e⁻ˣ). */
    public static Num sigmoid(Num x) {
        return arg(x, "sigmoid").sigmoid();
    }

    /** 1/(1+e⁻ˣ), of a double. */
    public static double sigmoid(double x) {
        return Special.sigmoid(x);
    }

    /** Log(1+eˣ), without overflow. */
    public static Num softplus(Num x) {
        return arg(x, "softplus").softplus();
    }

    /** Log(1+eˣ), without overflow, of a double. */
    public static double softplus(double x) {
        return Special.softplus(x);
    }

    /** Max(x, 0), derivative 0 at 0. */
    public static Num relu(Num x) {
        return arg(x, "relu").relu();
    }

    /** Max(x, 0), derivative 0 at 0, of a double. */
    public static double relu(double x) {
        return Special.RELU.value(x);
    }

    /** The error function. */
    public static Num erf(Num x) {
        return arg(x, "erf").erf();
    }

    /** The error function, of a double. */
    public static double erf(double x) {
        return Special.ERF.value(x);
    }

    /** The complementary error function. */
    public static Num erfc(Num x) {
        return arg(x, "erfc").erfc();
    }

    /** The complementary error function, of a double. */
    public static double erfc(double x) {
        return Special.ERFC.value(x);
    }

    /** Log|Γ(x)|; derivative digamma. */
    public static Num lgamma(Num x) {
        return arg(x, "lgamma").lgamma();
    }

    /** Log|Γ(x)|; derivative digamma, of a double. */
    public static double lgamma(double x) {
        return Special.lgamma(x);
    }

    /** X². */
    public static Num square(Num x) {
        return arg(x, "square").square();
    }

    /** X², of a double. */
    public static double square(double x) {
        return x * x;
    }

    // ---- small dense matrices in scalar code: Num[][] (rows) and Num[] ---------------------------

    /** The matrix product a·b (n×k times k×m), as Num operations. */
    public static Num[][] matmul(Num[][] a, Num[][] b) {
        return Matrices.matmul(a, b);
    }

    /** The matrix product of doubles. */
    public static double[][] matmul(double[][] a, double[][] b) {
        return Matrices.matmul(a, b);
    }

    /** The matrix–vector product a·x. */
    public static Num[] matvec(Num[][] a, Num[] x) {
        return Matrices.matvec(a, x);
    }

    /** The transpose of a small matrix. */
    public static Num[][] transpose(Num[][] a) {
        return Matrices.transpose(a);
    }

    /** Σ aᵢ·bᵢ. */
    public static Num dot(Num[] a, Num[] b) {
        return Matrices.dot(a, b);
    }

    /** The cross product of two 3-vectors. */
    public static Num[] cross(Num[] a, Num[] b) {
        return Matrices.cross(a, b);
    }

    /** The cross product of two 3-vectors of doubles. */
    public static double[] cross(double[] a, double[] b) {
        return Matrices.cross(a, b);
    }

    /**
     * The determinant of a small square matrix (LU with partial pivoting), differentiable in
     * every mode.
     *
     * <pre>{@code
     * det(new Num[][] {{param("a", 2.0), constant(1)}, {constant(1), constant(3)}});   // Num(5.0)
     * }</pre>
     */
    public static Num det(Num[][] a) {
        return Matrices.det(a);
    }

    /** The determinant of a matrix of doubles. */
    public static double det(double[][] a) {
        return Matrices.det(a);
    }

    /** The inverse of a small square matrix; a singular one is an error. */
    public static Num[][] inverse(Num[][] a) {
        return Matrices.inverse(a);
    }

    /** The inverse of a matrix of doubles. */
    public static double[][] inverse(double[][] a) {
        return Matrices.inverse(a);
    }

    /** x with a·x = b. */
    public static Num[] solve(Num[][] a, Num[] b) {
        return Matrices.solve(a, b);
    }

    /** X with a·X = b. */
    public static Num[][] solve(Num[][] a, Num[][] b) {
        return Matrices.solve(a, b);
    }

    /** x with a·x = b, for doubles. */
    public static double[] solve(double[][] a, double[] b) {
        return Matrices.solve(a, b);
    }

    /** The n×n identity matrix, as constants. */
    public static Num[][] identity(int n) {
        return Matrices.identity(n);
    }

    // ---- arithmetic as functions: a number, a Num or a Tensor on either side -------------------

    // x − μ, 1 − u₀ − u₁ and 2·x read as written: minus(x, mu), minus(1, u0).minus(u1), times(2, x).
    // The verbs stay methods too (x.minus(mu)); these put a constant or a Num on the left.
    /**
     * a + b.
     *
     * <pre>{@code
     * plus(1, param("u", 0.25));   // Num(1.25)
     * }</pre>
     */
    public static Num plus(double a, Num b) {
        return Num.constant(a).plus(arg(b, "plus"));
    }

    /** a + b. */
    public static Num plus(Num a, double b) {
        return arg(a, "plus").plus(b);
    }

    /** a + b. */
    public static Num plus(Num a, Num b) {
        return arg(a, "plus").plus(arg(b, "plus"));
    }

    /** a + b of doubles. */
    public static double plus(double a, double b) {
        return a + b;
    }

    /** a + b element by element, with broadcasting. */
    public static Tensor plus(Tensor a, Tensor b) {
        return tensorArg(a, "plus").plus(tensorArg(b, "plus"));
    }

    /** a + b for every element of a. */
    public static Tensor plus(Tensor a, Num b) {
        return tensorArg(a, "plus").plus(arg(b, "plus"));
    }

    /** a + b for every element of a. */
    public static Tensor plus(Tensor a, double b) {
        return tensorArg(a, "plus").plus(b);
    }

    /** a + b for every element b of the tensor: the scalar on the left, e.g. x − μ for a data point x and means μ. */
    public static Tensor plus(Num a, Tensor b) {
        return Tensor.plus(arg(a, "plus"), b);
    }

    /** a + b for every element b of the tensor, e.g. 1 − p. */
    public static Tensor plus(double a, Tensor b) {
        return Tensor.plus(a, b);
    }

    /**
     * a − b.
     *
     * <pre>{@code
     * minus(1, param("u", 0.25));   // Num(0.75)
     * }</pre>
     */
    public static Num minus(double a, Num b) {
        return Num.constant(a).minus(arg(b, "minus"));
    }

    /** a − b. */
    public static Num minus(Num a, double b) {
        return arg(a, "minus").minus(b);
    }

    /** a − b. */
    public static Num minus(Num a, Num b) {
        return arg(a, "minus").minus(arg(b, "minus"));
    }

    /** a − b of doubles. */
    public static double minus(double a, double b) {
        return a - b;
    }

    /** a − b element by element, with broadcasting. */
    public static Tensor minus(Tensor a, Tensor b) {
        return tensorArg(a, "minus").minus(tensorArg(b, "minus"));
    }

    /** a − b for every element of a. */
    public static Tensor minus(Tensor a, Num b) {
        return tensorArg(a, "minus").minus(arg(b, "minus"));
    }

    /** a − b for every element of a. */
    public static Tensor minus(Tensor a, double b) {
        return tensorArg(a, "minus").minus(b);
    }

    /** a − b for every element b of the tensor: the scalar on the left, e.g. x − μ for a data point x and means μ. */
    public static Tensor minus(Num a, Tensor b) {
        return Tensor.minus(arg(a, "minus"), b);
    }

    /** a − b for every element b of the tensor, e.g. 1 − p. */
    public static Tensor minus(double a, Tensor b) {
        return Tensor.minus(a, b);
    }

    /**
     * a · b.
     *
     * <pre>{@code
     * times(1, param("u", 0.25));   // Num(0.25)
     * }</pre>
     */
    public static Num times(double a, Num b) {
        return Num.constant(a).times(arg(b, "times"));
    }

    /** a · b. */
    public static Num times(Num a, double b) {
        return arg(a, "times").times(b);
    }

    /** a · b. */
    public static Num times(Num a, Num b) {
        return arg(a, "times").times(arg(b, "times"));
    }

    /** a · b of doubles. */
    public static double times(double a, double b) {
        return a * b;
    }

    /** a · b element by element, with broadcasting. */
    public static Tensor times(Tensor a, Tensor b) {
        return tensorArg(a, "times").times(tensorArg(b, "times"));
    }

    /** a · b for every element of a. */
    public static Tensor times(Tensor a, Num b) {
        return tensorArg(a, "times").times(arg(b, "times"));
    }

    /** a · b for every element of a. */
    public static Tensor times(Tensor a, double b) {
        return tensorArg(a, "times").times(b);
    }

    /** a · b for every element b of the tensor: the scalar on the left, e.g. x − μ for a data point x and means μ. */
    public static Tensor times(Num a, Tensor b) {
        return Tensor.times(arg(a, "times"), b);
    }

    /** a · b for every element b of the tensor, e.g. 1 − p. */
    public static Tensor times(double a, Tensor b) {
        return Tensor.times(a, b);
    }

    /**
     * a / b.
     *
     * <pre>{@code
     * div(1, param("u", 0.25));   // Num(4.0)
     * }</pre>
     */
    public static Num div(double a, Num b) {
        return Num.constant(a).div(arg(b, "div"));
    }

    /** a / b. */
    public static Num div(Num a, double b) {
        return arg(a, "div").div(b);
    }

    /** a / b. */
    public static Num div(Num a, Num b) {
        return arg(a, "div").div(arg(b, "div"));
    }

    /** a / b of doubles. */
    public static double div(double a, double b) {
        return a / b;
    }

    /** a / b element by element, with broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return tensorArg(a, "div").div(tensorArg(b, "div"));
    }

    /** a / b for every element of a. */
    public static Tensor div(Tensor a, Num b) {
        return tensorArg(a, "div").div(arg(b, "div"));
    }

    /** a / b for every element of a. */
    public static Tensor div(Tensor a, double b) {
        return tensorArg(a, "div").div(b);
    }

    /** a / b for every element b of the tensor: the scalar on the left, e.g. x − μ for a data point x and means μ. */
    public static Tensor div(Num a, Tensor b) {
        return Tensor.div(arg(a, "div"), b);
    }

    /** a / b for every element b of the tensor, e.g. 1 − p. */
    public static Tensor div(double a, Tensor b) {
        return Tensor.div(a, b);
    }

    /** The larger of a and b; a tie splits the derivative evenly. */
    public static Num max(Num a, Num b) {
        return arg(a, "max").max(arg(b, "max"));
    }

    /** The larger of a and b; a tie splits the derivative evenly. */
    public static Num max(Num a, double b) {
        return arg(a, "max").max(Num.constant(b));
    }

    /** The larger of a and b; a tie splits the derivative evenly. */
    public static Num max(double a, Num b) {
        return Num.constant(a).max(arg(b, "max"));
    }

    /** The larger of a and b; a tie splits the derivative evenly, of doubles. */
    public static double max(double a, double b) {
        return Math.max(a, b);
    }

    /** The smaller of a and b; a tie splits the derivative evenly. */
    public static Num min(Num a, Num b) {
        return arg(a, "min").min(arg(b, "min"));
    }

    /** The smaller of a and b; a tie splits the derivative evenly. */
    public static Num min(Num a, double b) {
        return arg(a, "min").min(Num.constant(b));
    }

    /** The smaller of a and b; a tie splits the derivative evenly. */
    public static Num min(double a, Num b) {
        return Num.constant(a).min(arg(b, "min"));
    }

    /** The smaller of a and b; a tie splits the derivative evenly, of doubles. */
    public static double min(double a, double b) {
        return Math.min(a, b);
    }

    /** √(a² + b²) without overflow. */
    public static Num hypot(Num a, Num b) {
        return arg(a, "hypot").hypot(arg(b, "hypot"));
    }

    /** √(a² + b²) without overflow. */
    public static Num hypot(Num a, double b) {
        return arg(a, "hypot").hypot(Num.constant(b));
    }

    /** √(a² + b²) without overflow. */
    public static Num hypot(double a, Num b) {
        return Num.constant(a).hypot(arg(b, "hypot"));
    }

    /** √(a² + b²) without overflow, of doubles. */
    public static double hypot(double a, double b) {
        return Math.hypot(a, b);
    }

    /**
     * x·log y, 0 where x = 0 whatever y (scipy's and JAX's xlogy): the term of entropies.
     *
     * <pre>{@code
     * var p = param("p", 0.25);
     * xlogy(p, p).neg().plus(xlogy(constant(1).minus(p), constant(1).minus(p)).neg());   // binary entropy
     * }</pre>
     */
    public static Num xlogy(Num x, Num y) {
        return arg(x, "xlogy").xlogy(arg(y, "xlogy"));
    }

    /** x·log y for a constant y. */
    public static Num xlogy(Num x, double y) {
        return arg(x, "xlogy").xlogy(Num.constant(y));
    }

    /** x·log y for a constant x (0 when x is 0). */
    public static Num xlogy(double x, Num y) {
        return Num.constant(x).xlogy(arg(y, "xlogy"));
    }

    /** x·log y of doubles, 0 where x = 0. */
    public static double xlogy(double x, double y) {
        return Special.xlogy(x, y);
    }

    // ==== optimizers (dev.wengert.optim): minimize, gradientDescent, lbfgs, … ====

    /**
     * Minimises f from x0 by L-BFGS (memory 10, strong-Wolfe line search; converged when
     * ‖∇f‖ ≤ 1e-6). Gradients by reverse mode, each on a private tape.
     *
     * <pre>{@code
     * // f(x, y) = (1 − x)² + 100 (y − x²)²
     * var r = minimize(x -> square(x[0].neg().plus(1)).plus(square(x[1].minus(square(x[0]))).times(100)), -1.2, 1.0);
     * r.x();   // ≈ [1.0, 1.0]
     * }</pre>
     */
    public static OptimizationResult minimize(Fn f, double... x0) {
        return Lbfgs.create().minimize(f, x0);
    }

    /**
     * Minimises f from x0 by the given method.
     *
     * <pre>{@code
     * minimize(x -> square(x[0].minus(3)), new double[] {0}, gradientDescent(0.1));
     * }</pre>
     */
    public static OptimizationResult minimize(Fn f, double[] x0, Optimizer<?> method) {
        if (method == null) {
            throw new IllegalArgumentException("minimize(f, x0, null): choose a method, e.g. lbfgs() or gradientDescent(0.01)");
        }
        return method.minimize(f, x0);
    }

    /**
     * Minimises a loss over parameters of a {@link #params(Object...)} holder by L-BFGS, and
     * leaves them at the best point found. They are plain {@code param(...)} values (moved in
     * place; the loss must compute from them inside the lambda) or a holder's ({@code p.get("a")}).
     *
     * <pre>{@code
     * var p = params("a", 0.0, "b", 0.0);
     * minimize(() -> square(p.get("a").minus(3)).plus(square(p.get("b"))), p.get("a"), p.get("b"));
     * p;   // a = 3.0, b = 0.0
     * }</pre>
     */
    public static OptimizationResult minimize(Supplier<Num> loss, Num... params) {
        return Lbfgs.create().minimize(loss, params);
    }

    /**
     * Minimises a loss over all parameters of the holder by L-BFGS, and leaves them at the best point.
     *
     * <pre>{@code
     * var p = params("a", 0.0, "b", 0.0);
     * minimize(() -> square(p.get("a").minus(3)).plus(square(p.get("b"))), p);
     * }</pre>
     */
    public static OptimizationResult minimize(Supplier<Num> loss,
            Params params) {
        return Lbfgs.create().minimize(loss, params);
    }

    /** {@link #minimize(Supplier, Params)} by the given method. */
    public static OptimizationResult minimize(Supplier<Num> loss,
            Params params, Optimizer<?> method) {
        if (method == null) {
            throw new IllegalArgumentException("minimize(loss, params, null): choose a method, e.g. lbfgs() or adam(0.01)");
        }
        return method.minimize(loss, params);
    }

    /**
     * Named parameters an optimizer can move, from names and start values in pairs.
     *
     * <pre>{@code
     * var p = params("slope", 0.0, "intercept", 1.0);
     * p.get("slope");   // slope = 0.0, a parameter
     * }</pre>
     */
    public static Params params(Object... namesAndValues) {
        return Params.of(namesAndValues);
    }

    /** Gradient descent with a fixed step: x ← x − rate·∇f. */
    public static GradientDescent gradientDescent(double rate) {
        return GradientDescent.fixed(rate);
    }

    /** Gradient descent with Commons Math's Brent line search along −∇f. */
    public static GradientDescent gradientDescent() {
        return GradientDescent.withLineSearch();
    }

    /** Heavy-ball momentum: v ← beta·v + ∇f, x ← x − rate·v. */
    public static Momentum momentum(double rate, double beta) {
        return Momentum.heavyBall(rate, beta);
    }

    /** Nesterov's accelerated gradient: v ← beta·v + ∇f, x ← x − rate·(∇f + beta·v). */
    public static Momentum nesterov(double rate, double beta) {
        return Momentum.nesterov(rate, beta);
    }

    /** Adam with step size rate (β₁ = 0.9, β₂ = 0.999, ε = 1e-8). */
    public static Adam adam(double rate) {
        return Adam.of(rate);
    }

    /** Nonlinear conjugate gradients (Polak–Ribière+, Commons Math's Brent line search). */
    public static ConjugateGradient conjugateGradient() {
        return ConjugateGradient.create();
    }

    /** L-BFGS (memory 10, strong-Wolfe line search): the default of {@code minimize}. */
    public static Lbfgs lbfgs() {
        return Lbfgs.create();
    }

    /**
     * Newton's method with the exact Hessian ({@link #hessian(Fn, double...)}), shifted to be
     * positive definite where it is not, and Armijo backtracking from the full step.
     *
     * <pre>{@code
     * minimize(x -> square(x[0].minus(1)).plus(square(x[1]).times(10)), new double[] {3, 3}, newton());   // 1 iteration
     * }</pre>
     */
    public static Newton newton() {
        return Newton.create();
    }

    /** f as a Commons Math {@code ObjectiveFunction}, to run any Commons Math optimizer on it. */
    public static ObjectiveFunction asObjectiveFunction(Fn f) {
        return CommonsMath.objectiveFunction(f);
    }

    /** ∇f (exact, reverse mode) as a Commons Math {@code ObjectiveFunctionGradient}. */
    public static ObjectiveFunctionGradient asObjectiveFunctionGradient(Fn f) {
        return CommonsMath.objectiveFunctionGradient(f);
    }

    // ==== fitting (dev.wengert.fit): fit, FitResult, … ====

    /**
     * Least-squares fit of a model to columns of a table, by Levenberg–Marquardt with the
     * model's exact Jacobian; rows with missing values are left out and counted.
     *
     * <pre>{@code
     * // y = b1·exp(−b2·x1) + b3·x2
     * var r = fit((p, x) -> p[0].times(exp(p[1].times(-x[0]))).plus(p[2].times(x[1])),
     *             table, "y", new String[] {"x1", "x2"}, 1, 0.1, 0);
     * }</pre>
     */
    public static FitResult fit(Model model, Table table,
                                                String response, String[] predictors, double... start) {
        return Fitter.of(model).start(start).to(table, response, predictors);
    }

    /**
     * Least-squares fit of a model to one predictor column of a table (the model reads {@code x[0]}).
     *
     * <pre>{@code
     * var r = fit((p, x) -> p[0].times(x[0]).plus(p[1]), table, "y", "x", 1, 0);   // y = b1·x + b2
     * }</pre>
     */
    public static FitResult fit(Model model, Table table,
                                                String response, String predictor, double... start) {
        return Fitter.of(model).start(start).to(table, response, predictor);
    }

    /**
     * Least-squares fit to arrays: {@code x[i]} holds the predictors of row i, {@code y[i]} its response.
     *
     * <pre>{@code
     * var r = fit((p, x) -> p[0].times(x[0]), new double[][] {{1}, {2}, {3}}, new double[] {2.1, 3.9, 6.2}, 1);
     * }</pre>
     */
    public static FitResult fit(Model model, double[][] x, double[] y,
                                                double... start) {
        return Fitter.of(model).start(start).to(x, y);
    }

    /**
     * The fluent fit: start values, names, weights and options, then {@code to(table, "y", "x")}.
     *
     * <pre>{@code
     * var r = fit((p, x) -> p[0].div(exp(p[1].minus(p[2].times(x[0]))).plus(1)))
     *         .start(100, 1, 0.1).names("top", "shift", "rate").sigma("sd").to(table, "y", "x");
     * }</pre>
     */
    public static Fitter fit(Model model) {
        return Fitter.of(model);
    }

    /**
     * Least-squares fit of a single-predictor model {@code (p, x) -> …} with {@code double x}
     * (its own name: a {@code fit} overload would make two-argument lambdas ambiguous).
     *
     * <pre>{@code
     * var r = fit1((p, x) -> p[0].times(exp(p[1].times(-x))), table, "y", "t", 10, 0.5);   // y = a·e^(−k·t)
     * }</pre>
     */
    public static FitResult fit1(Model1 model, Table table,
                                                 String response, String predictor, double... start) {
        return Fitter.of1(model).start(start).to(table, response, predictor);
    }

    /**
     * Least-squares fit of a single-predictor model to arrays.
     *
     * <pre>{@code
     * var r = fit1((p, x) -> p[0].times(x).plus(p[1]), new double[] {0, 1, 2}, new double[] {1, 3.1, 4.9}, 1, 0);
     * }</pre>
     */
    public static FitResult fit1(Model1 model, double[] x, double[] y,
                                                 double... start) {
        return Fitter.of1(model).start(start).to(x, y);
    }

    /**
     * The fluent fit of a single-predictor model.
     *
     * <pre>{@code
     * var r = fit1((p, x) -> p[0].times(exp(p[1].times(-x)))).start(10, 0.5).weights("w").to(table, "y", "t");
     * }</pre>
     */
    public static Fitter fit1(Model1 model) {
        return Fitter.of1(model);
    }

    /**
     * An ODE dy/dt = f(t, y, p) as a fit model: give its initial state and time span, then take
     * {@code component(i)} (time as the predictor) or {@code model()} (time and component). The
     * same as {@code Ode.of(f)}.
     *
     * <pre>{@code
     * // A → B → C
     * var chain = ode((t, y, p) -> new Num[] {p[0].times(y[0]).neg(), p[0].times(y[0]).minus(p[1].times(y[1])),
     *         p[1].times(y[1])}).initial(1, 0, 0).span(0, 10);
     * var r = fit(chain.component(1)).start(1, 0.5).names("k1", "k2").to(times, b);
     * }</pre>
     */
    public static Ode ode(OdeSystem f) {
        return Ode.of(f);
    }

    /**
     * A global fit: several datasets, each with its own model of the whole named parameter
     * vector (a parameter several models use is shared); add them with {@code dataset(...)},
     * then {@code fit()}. The same as {@code Fitter.global(names)}.
     *
     * <pre>{@code
     * // two decays with their own amplitudes and a shared rate k
     * var r = fitGlobal("a1", "a2", "k").start(10, 5, 0.3)
     *     .dataset((p, x) -> p[0].times(exp(p[2].times(-x[0]))), t1, y1)
     *     .dataset((p, x) -> p[1].times(exp(p[2].times(-x[0]))), t2, y2)
     *     .fit();
     * }</pre>
     */
    public static Fitter fitGlobal(String... names) {
        return Fitter.global(names);
    }

    /**
     * Least-squares fit of a model written over whole columns ({@code x[j]} is predictor column
     * j as a {@link Tensor}; the model returns all rows' predictions at once). Its own name: a
     * {@code fit} overload would make two-argument lambdas ambiguous. Same result as the
     * per-row {@code fit} of the same model.
     *
     * <pre>{@code
     * // y = b1·exp(−b2·x1) + b3·x2
     * var r = fitColumns((p, x) -> x[0].times(p[1]).neg().exp().times(p[0]).plus(x[1].times(p[2])),
     *                    table, "y", new String[] {"x1", "x2"}, 1, 0.1, 0);
     * }</pre>
     */
    public static FitResult fitColumns(ColumnModel model,
                                                       Table table, String response,
                                                       String[] predictors, double... start) {
        return Fitter.ofColumns(model).start(start).to(table, response, predictors);
    }

    /**
     * Least-squares fit of a column model to one predictor column of a table (the model reads {@code x[0]}).
     *
     * <pre>{@code
     * var r = fitColumns((p, x) -> x[0].times(p[0]).plus(p[1]), table, "y", "x", 1, 0);   // y = b1·x + b2
     * }</pre>
     */
    public static FitResult fitColumns(ColumnModel model,
                                                       Table table, String response,
                                                       String predictor, double... start) {
        return Fitter.ofColumns(model).start(start).to(table, response, predictor);
    }

    /**
     * Least-squares fit of a column model to arrays: {@code x[i]} holds the predictors of row i
     * (the model sees them as columns {@code x[0], x[1], …}), {@code y[i]} its response.
     *
     * <pre>{@code
     * var r = fitColumns((p, x) -> x[0].times(p[0]), new double[][] {{1}, {2}, {3}}, new double[] {2.1, 3.9, 6.2}, 1);
     * }</pre>
     */
    public static FitResult fitColumns(ColumnModel model, double[][] x,
                                                       double[] y, double... start) {
        return Fitter.ofColumns(model).start(start).to(x, y);
    }

    /**
     * The fluent fit of a column model: start values, names, weights and options, then
     * {@code to(table, "y", "x")}.
     *
     * <pre>{@code
     * var r = fitColumns((p, x) -> x[0].times(p[1]).neg().exp().times(p[0]))
     *         .start(10, 0.5).names("a", "k").sigma("sd").to(table, "y", "t");
     * }</pre>
     */
    public static Fitter fitColumns(ColumnModel model) {
        return Fitter.ofColumns(model);
    }

    // ==== plots (dev.wengert.plot): contour, lossCurve, plot, graph, … ====

    /**
     * Filled contours of f(x, y) over [x0, x1] × [y0, y1], with labelled contour lines and a
     * colour bar; overlay descent paths with {@code .path(result…)}. Every plot is a value: it
     * shows inline in a notebook, and {@code save("name.svg" | "name.png")}, {@code svg()},
     * {@code png(w, h)} and {@code show()} work anywhere.
     *
     * <pre>{@code
     * Fn J = t -> square(t[0].minus(1)).plus(square(t[1].times(3).minus(t[0])));
     * contour(J, -2, 3, -1, 2).path(minimize(J, -1.5, 1.5)).save("cost.png");
     * }</pre>
     */
    public static ContourPlot contour(Fn f, double x0, double x1, double y0, double y1) {
        return ContourPlot.of(f, x0, x1, y0, y1);
    }

    /**
     * The objective per iteration of one or more optimization runs, labelled by method;
     * {@code .logScale()} and {@code .withGradientNorm()} on request.
     *
     * <pre>{@code
     * lossCurve(minimize(f, 0, 0), minimize(f, new double[] {0, 0}, gradientDescent(0.01))).logScale();
     * }</pre>
     */
    public static LossCurvePlot lossCurve(OptimizationResult... runs) {
        return LossCurvePlot.of(runs);
    }

    /**
     * f over [a, b]; {@code .withDerivatives(1)} adds f′, computed by the DSL.
     *
     * <pre>{@code
     * plot(x -> x.times(sin(x)), 0, 10).withDerivatives(1);
     * }</pre>
     */
    public static FunctionPlot plot(UnaryFn f, double a, double b) {
        return FunctionPlot.of(f, a, b);
    }

    /**
     * A line through (xs[i], ys[i]); add more with {@code .line(label, xs, ys)} and
     * {@code .scatter(label, xs, ys)}.
     *
     * <pre>{@code
     * line(new double[] {0, 1, 2}, new double[] {1, 3, 2}).title("data").labels("t", "y");
     * }</pre>
     */
    public static LinePlot line(double[] xs, double[] ys) {
        return LinePlot.line(xs, ys);
    }

    /** Points at (xs[i], ys[i]). */
    public static LinePlot scatter(double[] xs, double[] ys) {
        return LinePlot.scatter(xs, ys);
    }

    /**
     * Points of two numeric columns of a table, axes labelled by column.
     *
     * <pre>{@code
     * scatter(table, "area", "price").logY();
     * }</pre>
     */
    public static LinePlot scatter(Table table, String x, String y) {
        return LinePlot.scatter(table, x, y);
    }

    /**
     * A fit over its data: points, fitted curve and 95% confidence band.
     *
     * <pre>{@code
     * fitPlot(fit1((p, x) -> p[0].times(x).plus(p[1]), xs, ys, 1, 0)).predictionBand(true);
     * }</pre>
     */
    public static FitPlot fitPlot(FitResult fit) {
        return FitPlot.of(fit);
    }

    /**
     * Dataset k (0-based) of a global fit over its data: points, its model's curve and band.
     *
     * <pre>{@code
     * fitPlot(fitGlobal("a1", "a2", "k").start(10, 5, 0.3).dataset(m1, t1, y1).dataset(m2, t2, y2).fit(), 1);
     * }</pre>
     */
    public static FitPlot fitPlot(FitResult fit, int dataset) {
        return FitPlot.of(fit, dataset);
    }

    /** The residuals of a fit against its predictor (or fitted values), around zero. */
    public static ResidualPlot residualPlot(FitResult fit) {
        return ResidualPlot.of(fit);
    }

    /**
     * The recorded computation of z as a layered graph: inputs at the bottom, z on top, each
     * node with its operation, value and (after {@code z.backward()}) adjoint, each edge with
     * its local partial. Larger graphs (over 60 nodes) are summarised.
     *
     * <pre>{@code
     * resetTape();
     * var u = param("u", 2.0);
     * var v = param("v", 0.5);
     * Num x = u.times(v), y = u.plus(v);
     * Num z = x.times(y).plus(sin(x));
     * z.backward();
     * graph(z).save("chain-rule.svg");
     * }</pre>
     */
    public static GraphPlot graph(Num z) {
        return GraphPlot.of(z);
    }

    /**
     * What every plot sends to a notebook from now on, most preferred first: {@code "text/html"}
     * (SVG inline), {@code "image/svg+xml"}, {@code "image/png"} (or {@code "html"}, {@code "svg"},
     * {@code "png"}); a line of text always goes too. The default is HTML and PNG; one plot
     * chooses its own with {@code .mime(…)}.
     *
     * <pre>{@code
     * plotMime("png");   // PNG only: the smallest notebooks
     * }</pre>
     */
    public static void plotMime(String... types) {
        Plot.defaultMime(types);
    }

    /**
     * How many rows a table shows in a notebook before it shows only its first and last
     * rows (default 60); the row and column counts are shown either way.
     *
     * <pre>{@code
     * tableRows(200);
     * }</pre>
     */
    public static void tableRows(int maxRows) {
        TableView.maxRows(maxRows);
    }

    // ---- argument checks ---------------------------------------------------------------------------

    private static Tensor tensorArg(Tensor x, String op) {
        if (x == null) {
            throw new IllegalArgumentException(op + "(…): a tensor argument is null");
        }
        return x;
    }

    private static Num arg(Num x, String op) {
        if (x == null) {
            throw new IllegalArgumentException(op + "(null): the argument is null; pass a Num (param, constant or a computed value)");
        }
        return x;
    }

    private static Mode modeArg(Mode m, String op) {
        if (m == null) {
            throw new IllegalArgumentException(op + "(null, …): choose Mode.FORWARD or Mode.REVERSE");
        }
        return m;
    }
}
