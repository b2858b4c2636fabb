package dev.wengert.tensor;

import dev.wengert.core.Mode;
import dev.wengert.core.Session;
import dev.wengert.core.Num;
import dev.wengert.core.WengertException;
import dev.wengert.display.Displayable;
import dev.wengert.core.BlockOp;
import dev.wengert.core.ArrayTape;
import dev.wengert.core.ForwardArrays;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An immutable array of values (1-D or 2-D, row-major) that is differentiated as a whole:
 * every operation on it is one tape node whose pullback works on the whole array, so a loss
 * over 100,000 rows records a handful of nodes, not millions.
 *
 * <p>A tensor is one of three kinds, chosen by what it is made from:
 * <ul>
 *   <li>a constant (data, a tablesaw column or table): plain doubles;</li>
 *   <li>a block on a reverse-mode tape (parameters, and anything computed from them): the
 *       fast path;</li>
 *   <li>in forward mode (parameters made by a forward-mode differentiation, and anything
 *       computed from them): its values and a column of tangents per parameter it depends on
 *       ({@link Dual}), carried through the same vectorised loops (JVPs), so a model over
 *       columns gets its Jacobian at a small multiple of the plain pass;</li>
 *   <li>an array of {@link Num} elements, used when its elements belong to nested
 *       differentiations (Hessians of tensor code), and for forward-mode parameter tensors
 *       (so {@code get(i)} is the parameter itself): slower, and exact in every mode.</li>
 * </ul>
 * The operations are the scalar rules applied element by element (no rule is restated for
 * arrays), broadcasting with scalars and with row or column vectors, plus the array
 * operations {@code matmul}, {@code dot}, {@code sum}, {@code mean}, {@code transpose},
 * {@code reshape}, slicing and concatenation. Shape errors name the operation and both shapes.
 *
 * <pre>{@code
 * var w = param("w", new double[] {0.5, -0.25});
 * Tensor x = tensor(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
 * Num loss = x.matmul(w).minus(1).square().mean();   // mean((Xw − 1)²)
 * loss.backward();
 * w.grad();                                          // ∂loss/∂w
 * }</pre>
 */
public final class Tensor implements Displayable {
    private final int[] shape;
    private final double[] constant;
    private final ArrayTape tape;
    private final int start;
    private final int gen;
    private final Num[] elems;
    /** Forward mode: values and tangent columns (see {@link Dual}); null for the other kinds. */
    private final Dual dual;
    /** An element tensor of first-order forward values, as a Dual (made on first use; see {@link #forward}). */
    private Dual lifted;

    private Tensor(int[] shape, double[] constant, ArrayTape tape, int start, Num[] elems) {
        this(shape, constant, tape, start, elems, null);
    }

    private Tensor(int[] shape, double[] constant, ArrayTape tape, int start, Num[] elems, Dual dual) {
        this.shape = shape;
        this.constant = constant;
        this.tape = tape;
        this.start = start;
        this.gen = tape == null ? 0 : tape.generation();
        this.elems = elems;
        this.dual = dual;
    }

    private Tensor(int[] shape, Dual dual) {
        this(shape, null, null, -1, null, dual);
    }

    // ---- making tensors ---------------------------------------------------------------------------

    /** A constant tensor of the given shape (1-D when no shape is given); the data is copied. */
    public static Tensor of(double[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("tensor(null, …): give the data");
        }
        int[] s = shape == null || shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkShape("tensor", s);
        if (count(s) != data.length) {
            throw new IllegalArgumentException("tensor: " + data.length + " values do not fill the shape "
                    + shapeString(s) + " (" + count(s) + " elements)");
        }
        return new Tensor(s, data.clone(), null, -1, null);
    }

    /** A constant matrix from its rows. */
    public static Tensor ofRows(double[][] rows) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("tensor(rows): give at least one row");
        }
        if (rows[0] == null) {
            throw new IllegalArgumentException("tensor(rows): row 0 is null");
        }
        int n = rows[0].length;
        if (n == 0) {
            throw new IllegalArgumentException("tensor(rows): row 0 is empty");
        }
        double[] d = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != n) {
                throw new IllegalArgumentException("tensor(rows): row " + i + " has "
                        + (rows[i] == null ? "no values" : rows[i].length + " values") + " but row 0 has " + n);
            }
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new Tensor(new int[] {rows.length, n}, d, null, -1, null);
    }

    /**
     * A constant 1-D tensor from a numeric tablesaw column; missing values are an error naming
     * the row (the facade's {@code tensor(column)}).
     */
    public static Tensor of(NumericColumn<?> column) {
        if (column == null) {
            throw new IllegalArgumentException("tensor(column): the column is null");
        }
        double[] d = column.asDoubleArray();
        for (int i = 0; i < d.length; i++) {
            if (column.isMissing(i)) {
                throw new IllegalArgumentException("tensor(column '" + column.name() + "'): row " + i
                        + " is missing; drop missing rows first (table.dropRowsWithMissingValues())");
            }
        }
        return of(d);
    }

    /** A constant matrix (rows × columns) from numeric columns of a tablesaw table (the facade's {@code tensor(table, …)}). */
    public static Tensor of(Table table, String... columns) {
        if (table == null) {
            throw new IllegalArgumentException("tensor(table, columns): the table is null");
        }
        if (columns == null || columns.length == 0) {
            throw new IllegalArgumentException("tensor(table, columns): name at least one column of "
                    + table.columnNames());
        }
        int m = table.rowCount();
        double[] d = new double[m * columns.length];
        for (int j = 0; j < columns.length; j++) {
            if (!table.columnNames().contains(columns[j])) {
                throw new IllegalArgumentException("tensor(table, …): no column '" + columns[j] + "'; the table has "
                        + table.columnNames());
            }
            if (!(table.column(columns[j]) instanceof NumericColumn<?> c)) {
                throw new IllegalArgumentException("tensor(table, …): column '" + columns[j] + "' is "
                        + table.column(columns[j]).type() + ", not numeric");
            }
            double[] col = c.asDoubleArray();
            for (int i = 0; i < m; i++) {
                if (c.isMissing(i)) {
                    throw new IllegalArgumentException("tensor(table, …): column '" + columns[j] + "' is missing at row "
                            + i + "; drop missing rows first (table.dropRowsWithMissingValues())");
                }
                d[i * columns.length + j] = col[i];
            }
        }
        return of(d, m, columns.length);
    }

    /** A 1-D tensor from scalars: one tape node when they are on one tape. */
    public static Tensor stack(Num... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("tensor(Num...): give at least one value");
        }
        ArrayTape t = null;
        boolean block = true;
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null) {
                throw new IllegalArgumentException("tensor(Num...): element " + i + " is null");
            }
            if (xs[i].isConstant()) {
                continue;
            }
            ArrayTape ti = ArrayTape.of(xs[i], "tensor(Num...)");
            if (ti == null || (t != null && ti != t)) {
                block = false;
            } else {
                t = ti;
            }
        }
        int[] s = {xs.length};
        if (t == null && block) {
            double[] d = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                d[i] = xs[i].value();
            }
            return new Tensor(s, d, null, -1, null);
        }
        if (!block) {
            return new Tensor(s, null, null, -1, xs.clone());
        }
        int[] src = new int[xs.length];
        double[] konst = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (xs[i].isConstant()) {
                src[i] = -1;
                konst[i] = xs[i].value();
            } else {
                src[i] = xs[i].position();
            }
        }
        return record(t, s, out -> new GatherOp("stack", src, konst, out));
    }

    /**
     * Elements {@code [from, from + n)} of {@code xs} as a tensor of the given shape (n its
     * element count): how a function over {@code Num[]} ({@code gradient(f, x)},
     * {@code compile(f, x0)}, an optimizer) reads a block of its inputs as a matrix. Its inputs
     * are consecutive positions of one tape, so the tensor is a view of them: no tape node, no
     * copy. Other values (forward mode, nested, from several places) make one node, or take the
     * element path.
     *
     * <pre>{@code
     * // x[1..5) as a 2×2 matrix: ∂/∂x of Σ xᵢ² over it
     * gradient(x -> tensor(x, 1, 2, 2).square().sum(), 9, 1, 2, 3, 4);   // [0, 2, 4, 6, 8]
     * }</pre>
     */
    public static Tensor of(Num[] xs, int from, int... shape) {
        if (xs == null) {
            throw new IllegalArgumentException("tensor(x, from, shape): x is null");
        }
        int[] s = shape == null || shape.length == 0 ? new int[] {xs.length - from} : shape.clone();
        checkShape("tensor(x, " + from + ", shape)", s);
        int n = count(s);
        if (from < 0 || from + n > xs.length) {
            throw new IndexOutOfBoundsException("tensor(x, " + from + ", " + shapeString(s) + "): x has " + xs.length
                    + " elements, so elements [" + from + ", " + (from + n) + ") do not fit");
        }
        for (int i = 0; i < n; i++) {
            if (xs[from + i] == null) {
                throw new IllegalArgumentException("tensor(x, from, shape): x[" + (from + i) + "] is null");
            }
        }
        ArrayTape t = ArrayTape.of(xs[from], "tensor(x, from, shape)");
        if (t != null) {
            int p0 = xs[from].position();
            boolean run = true;
            for (int i = 1; i < n && run; i++) {
                Num x = xs[from + i];
                run = x.position() == p0 + i && ArrayTape.of(x, "tensor(x, from, shape)") == t;
            }
            if (run) {
                return new Tensor(s, null, t, p0, null);
            }
        }
        return stack(Arrays.copyOfRange(xs, from, from + n)).reshape(s);
    }

    /**
     * A parameter tensor on this thread's implicit tape (reverse mode) or as forward-mode
     * parameters, named {@code name[0]}, {@code name[1]}, ….
     */
    public static Tensor parameter(String name, double[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("param(\"" + name + "\", values): give at least one value");
        }
        String n = name == null ? "" : name;
        if (Session.current().mode() == Mode.FORWARD) {
            Num[] e = new Num[values.length];
            for (int i = 0; i < values.length; i++) {
                e[i] = Session.current().param(n + "[" + i + "]", values[i]);
            }
            return new Tensor(new int[] {values.length}, null, null, -1, e);
        }
        ArrayTape t = ArrayTape.implicit();
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            int p = t.parameter(n + "[" + i + "]", values[i]);
            if (first < 0) {
                first = p;
            }
        }
        return new Tensor(new int[] {values.length}, null, t, first, null);
    }

    /** Reserves a block on t, records op there and returns the result. */
    private static Tensor record(ArrayTape t, int[] shape, Function<Integer, BlockOp> make) {
        int out = t.record(make.apply(t.size()), count(shape));
        return new Tensor(shape, null, t, out, null);
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The shape: {n} or {rows, columns}. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public int size() {
        return count(shape);
    }

    /** The number of dimensions (1 or 2). */
    public int rank() {
        return shape.length;
    }

    /** Whether no element depends on a parameter. */
    public boolean isConstant() {
        return constant != null;
    }

    /** The values, row-major (a copy). */
    public double[] values() {
        if (constant != null) {
            return constant.clone();
        }
        if (tape != null) {
            check("values");
            return Arrays.copyOfRange(tape.values(), start, start + size());
        }
        if (dual != null) {
            return dual.value.clone();
        }
        double[] d = new double[elems.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = elems[i].value();
        }
        return d;
    }

    /** Element i of a 1-D tensor (or the i-th in row-major order) as a differentiable value. */
    public Num get(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("get(" + i + "): the tensor has shape " + shapeString(shape)
                    + ", so the index must be in [0, " + size() + ")");
        }
        if (constant != null) {
            return Num.constant(constant[i]);
        }
        if (elems != null) {
            return elems[i];
        }
        if (dual != null) {
            checkForward("get");
            return dual.element(i);
        }
        check("get");
        return tape.element(start + i);
    }

    /** Element (i, j) of a matrix. */
    public Num get(int i, int j) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("get(" + i + ", " + j + "): the tensor has shape " + shapeString(shape)
                    + "; use get(i) for a 1-D tensor");
        }
        if (i < 0 || i >= shape[0] || j < 0 || j >= shape[1]) {
            throw new IndexOutOfBoundsException("get(" + i + ", " + j + "): out of the shape " + shapeString(shape));
        }
        return get(i * shape[1] + j);
    }

    /** The elements as scalars (one index node each on a tape). */
    public Num[] toNums() {
        Num[] r = new Num[size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = get(i);
        }
        return r;
    }

    /**
     * The gradient of each element from the last {@code backward()} that reached it — for a
     * parameter tensor, ∂z/∂wᵢ.
     */
    public double[] grad() {
        if (constant != null) {
            throw new WengertException("grad() of a constant tensor: constants have no gradient; make it a "
                    + "parameter with param(\"w\", values)");
        }
        double[] g = new double[size()];
        if (elems != null || dual != null) {
            for (int i = 0; i < g.length; i++) {
                Num e = get(i);
                g[i] = e.isConstant() ? 0.0 : e.grad();
            }
            return g;
        }
        check("grad");
        boolean any = false;
        for (int i = 0; i < g.length; i++) {
            Double p = tape.tape().parameterGradient(start + i);
            if (p != null) {
                g[i] = p;
                any = true;
            } else if (tape.tape().reached(start + i)) {
                g[i] = tape.tape().adjoint(start + i);
                any = true;
            }
        }
        if (!any) {
            throw new WengertException("grad() of a tensor that no backward() has reached yet: call z.backward() "
                    + "on a value z computed from it");
        }
        return g;
    }

    private void check(String op) {
        tape.check(gen, start, "a tensor of shape " + shapeString(shape), op);
    }

    private void checkForward(String op) {
        dual.tag.check(op + ": a forward-mode tensor of shape " + shapeString(shape));
    }

    /**
     * ∂ of every element with respect to the parameter x, in row-major order: in forward mode
     * the tensor's tangent column of x (no work per element), otherwise element by element
     * ({@code get(i).d(x)}: a backward sweep per element on a tape, so for small tensors).
     *
     * <pre>{@code
     * double[] col = jacobianColumn;   // e.g. inside a forward-mode differentiation:
     * Tensor y = x.times(a).exp();     // a a forward-mode parameter
     * y.d(a);                          // ∂yᵢ/∂a = xᵢ·e^(a·xᵢ), for every i
     * }</pre>
     *
     * @throws WengertException if x is not a parameter, as {@link Num#d(Num)}
     */
    public double[] d(Num x) {
        if (x == null) {
            throw new IllegalArgumentException("d(null): pass the parameter to differentiate with respect to");
        }
        int n = size();
        if (dual != null) {
            checkForward("d");
            int s = dual.tag.slotOf(x);
            if (s >= 0) {
                double[] c = dual.column(s);
                return c == null ? new double[n] : c.clone();
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = get(i).d(x);
        }
        return out;
    }

    // ---- elementwise -------------------------------------------------------------------------------

    /**
     * Applies a two-argument rule element by element to (this, b), with broadcasting.
     *
     * <pre>{@code
     * tensor(new double[] {1, 2}).apply(Special.XLOGY, tensor(new double[] {3, 4}));   // [log 3, 2·log 4]
     * }</pre>
     */
    public Tensor apply(BinaryRule r, Tensor b) {
        if (r == null || b == null) {
            throw new IllegalArgumentException("apply(rule, b): " + (r == null ? "the rule" : "b") + " is null");
        }
        return binary(r, this, b);
    }

    /** Applies a one-argument rule to every element. */
    public Tensor apply(UnaryRule r) {
        if (constant != null) {
            double[] d = new double[constant.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = r.value(constant[i]);
            }
            return new Tensor(shape, d, null, -1, null);
        }
        Dual f = forward(r.name());
        if (f != null) {
            return new Tensor(shape, TangentKernels.unary(r, f));
        }
        if (elems != null) {
            Num[] e = new Num[elems.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = elems[i].apply(r);
            }
            return fromNums(shape, e);
        }
        check(r.name());
        int rows = shape.length == 2 ? shape[0] : 1;
        int cols = shape[shape.length - 1];
        Operand a = new Operand(start, null, cols, 1, size());
        return record(tape, shape, out -> new ElementwiseOp(r, a, out, rows, cols));
    }

    public Tensor exp() {
        return apply(Elementary.EXP);
    }

    public Tensor expm1() {
        return apply(Elementary.EXPM1);
    }

    public Tensor log() {
        return apply(Elementary.LOG);
    }

    public Tensor log1p() {
        return apply(Elementary.LOG1P);
    }

    public Tensor log10() {
        return apply(Elementary.LOG10);
    }

    /** log₂ of every element, exact at powers of two. */
    public Tensor log2() {
        return apply(Elementary.LOG2);
    }

    public Tensor sqrt() {
        return apply(Elementary.SQRT);
    }

    public Tensor cbrt() {
        return apply(Elementary.CBRT);
    }

    public Tensor sin() {
        return apply(Elementary.SIN);
    }

    public Tensor cos() {
        return apply(Elementary.COS);
    }

    public Tensor tan() {
        return apply(Elementary.TAN);
    }

    public Tensor asin() {
        return apply(Elementary.ASIN);
    }

    public Tensor acos() {
        return apply(Elementary.ACOS);
    }

    public Tensor atan() {
        return apply(Elementary.ATAN);
    }

    public Tensor sinh() {
        return apply(Elementary.SINH);
    }

    public Tensor cosh() {
        return apply(Elementary.COSH);
    }

    public Tensor tanh() {
        return apply(Elementary.TANH);
    }

    public Tensor asinh() {
        return apply(Elementary.ASINH);
    }

    public Tensor acosh() {
        return apply(Elementary.ACOSH);
    }

    public Tensor atanh() {
        return apply(Elementary.ATANH);
    }

    public Tensor abs() {
        return apply(Special.ABS);
    }

    public Tensor sigmoid() {
        return apply(Special.SIGMOID);
    }

    public Tensor softplus() {
        return apply(Special.SOFTPLUS);
    }

    public Tensor relu() {
        return apply(Special.RELU);
    }

    public Tensor erf() {
        return apply(Special.ERF);
    }

    public Tensor erfc() {
        return apply(Special.ERFC);
    }

    public Tensor lgamma() {
        return apply(Special.LGAMMA);
    }

    public Tensor square() {
        return apply(Arithmetic.SQUARE);
    }

    public Tensor reciprocal() {
        return apply(Arithmetic.RECIPROCAL);
    }

    public Tensor neg() {
        return apply(Arithmetic.NEG);
    }

    public Tensor plus(Tensor b) {
        return binary(Arithmetic.ADD, this, b);
    }

    public Tensor plus(Num b) {
        return binary(Arithmetic.ADD, this, b);
    }

    public Tensor plus(double b) {
        return binary(Arithmetic.ADD, this, b);
    }

    public Tensor minus(Tensor b) {
        return binary(Arithmetic.SUB, this, b);
    }

    public Tensor minus(Num b) {
        return binary(Arithmetic.SUB, this, b);
    }

    public Tensor minus(double b) {
        return binary(Arithmetic.SUB, this, b);
    }

    public Tensor times(Tensor b) {
        return binary(Arithmetic.MUL, this, b);
    }

    public Tensor times(Num b) {
        return binary(Arithmetic.MUL, this, b);
    }

    public Tensor times(double b) {
        return binary(Arithmetic.MUL, this, b);
    }

    public Tensor div(Tensor b) {
        return binary(Arithmetic.DIV, this, b);
    }

    public Tensor div(Num b) {
        return binary(Arithmetic.DIV, this, b);
    }

    public Tensor div(double b) {
        return binary(Arithmetic.DIV, this, b);
    }

    /** Every element to the power p. */
    public Tensor pow(double p) {
        return binary(Arithmetic.POW, this, p);
    }

    public Tensor pow(Tensor b) {
        return binary(Arithmetic.POW, this, b);
    }

    public Tensor max(Tensor b) {
        return binary(Arithmetic.MAX, this, b);
    }

    public Tensor max(double b) {
        return binary(Arithmetic.MAX, this, b);
    }

    public Tensor min(Tensor b) {
        return binary(Arithmetic.MIN, this, b);
    }

    public Tensor min(double b) {
        return binary(Arithmetic.MIN, this, b);
    }

    public Tensor atan2(Tensor x) {
        return binary(Arithmetic.ATAN2, this, x);
    }

    public Tensor hypot(Tensor b) {
        return binary(Arithmetic.HYPOT, this, b);
    }

    /** xᵢ·log yᵢ element by element, 0 where xᵢ = 0 (with broadcasting). */
    public Tensor xlogy(Tensor y) {
        return binary(Special.XLOGY, this, y);
    }

    /** a + b with the scalar a on the left of every element b (the facade's {@code plus(a, b)}). */
    public static Tensor plus(Num a, Tensor b) {
        return binary(Arithmetic.ADD, scalarArg(a, "plus"), tensorArg(b, "plus"));
    }

    /** a + b with the constant a on the left of every element b. */
    public static Tensor plus(double a, Tensor b) {
        return binary(Arithmetic.ADD, a, tensorArg(b, "plus"));
    }

    /** a − b with the scalar a on the left of every element b (the facade's {@code minus(a, b)}). */
    public static Tensor minus(Num a, Tensor b) {
        return binary(Arithmetic.SUB, scalarArg(a, "minus"), tensorArg(b, "minus"));
    }

    /** a − b with the constant a on the left of every element b. */
    public static Tensor minus(double a, Tensor b) {
        return binary(Arithmetic.SUB, a, tensorArg(b, "minus"));
    }

    /** a · b with the scalar a on the left of every element b (the facade's {@code times(a, b)}). */
    public static Tensor times(Num a, Tensor b) {
        return binary(Arithmetic.MUL, scalarArg(a, "times"), tensorArg(b, "times"));
    }

    /** a · b with the constant a on the left of every element b. */
    public static Tensor times(double a, Tensor b) {
        return binary(Arithmetic.MUL, a, tensorArg(b, "times"));
    }

    /** a / b with the scalar a on the left of every element b (the facade's {@code div(a, b)}). */
    public static Tensor div(Num a, Tensor b) {
        return binary(Arithmetic.DIV, scalarArg(a, "div"), tensorArg(b, "div"));
    }

    /** a / b with the constant a on the left of every element b. */
    public static Tensor div(double a, Tensor b) {
        return binary(Arithmetic.DIV, a, tensorArg(b, "div"));
    }

    private static Num scalarArg(Num a, String op) {
        if (a == null) {
            throw new IllegalArgumentException(op + "(null, tensor): the scalar is null");
        }
        return a;
    }

    private static Tensor tensorArg(Tensor b, String op) {
        if (b == null) {
            throw new IllegalArgumentException(op + "(a, null): the tensor is null");
        }
        return b;
    }

    /** A binary rule element by element, with broadcasting; operands are Tensors, Nums or Doubles. */
    static Tensor binary(BinaryRule r, Object x, Object y) {
        Tensor tx = x instanceof Tensor t ? t : null;
        Tensor ty = y instanceof Tensor t ? t : null;
        int[] sx = tx != null ? tx.shape : new int[0];
        int[] sy = ty != null ? ty.shape : new int[0];
        int[] out = broadcastShape(r.name(), sx, sy);
        int rows = out.length == 2 ? out[0] : 1;
        int cols = out.length == 0 ? 1 : out[out.length - 1];
        ArrayTape t = commonTape(r.name(), x, y);
        ForwardArrays fwd = t == null ? forwardOf(r.name(), x, y) : null;
        if (fwd != null) {
            return new Tensor(out, TangentKernels.binary(r, in(x, sx, out, fwd, r.name()), in(y, sy, out, fwd, r.name()),
                    rows, cols, fwd));
        }
        if (t == null && isVariable(x, y)) {
            Num[] e = new Num[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    e[i * cols + j] = element(x, sx, out, i, j).apply(r, element(y, sy, out, i, j));
                }
            }
            return fromNums(out, e);
        }
        Operand a = operand(x, sx, out);
        Operand b = operand(y, sy, out);
        if (t == null) {
            double[] d = new double[rows * cols];
            new ElementwiseOp(r, a, b, 0, rows, cols).forward(d);
            return new Tensor(out, d, null, -1, null);
        }
        return record(t, out, o -> new ElementwiseOp(r, a, b, o, rows, cols));
    }

    // ---- array operations ----------------------------------------------------------------------------

    /**
     * The matrix product: (m×k)·(k×n) → m×n, (m×k)·(k) → (m), (k)·(k×n) → (n).
     */
    public Tensor matmul(Tensor b) {
        if (b == null) {
            throw new IllegalArgumentException("matmul(null): give the right-hand tensor");
        }
        int m = shape.length == 2 ? shape[0] : 1;
        int k = shape[shape.length - 1];
        int kb = b.shape[0];
        int n = b.shape.length == 2 ? b.shape[1] : 1;
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + shapeString(shape) + " and " + shapeString(b.shape)
                    + " do not match: the inner dimensions " + k + " and " + kb + " differ");
        }
        int[] out = shape.length == 1 ? new int[] {n} : b.shape.length == 1 ? new int[] {m} : new int[] {m, n};
        ArrayTape t = commonTape("matmul", this, b);
        ForwardArrays fwd = t == null ? forwardOf("matmul", this, b) : null;
        if (fwd != null) {
            return new Tensor(out, TangentKernels.matmul(in(this, shape, shape, fwd, "matmul"),
                    in(b, b.shape, b.shape, fwd, "matmul"), m, k, n, fwd));
        }
        if (t == null && isVariable(this, b)) {
            Num[] e = new Num[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    Num[] terms = new Num[k];
                    for (int p = 0; p < k; p++) {
                        terms[p] = flat(this, i * k + p).times(flat(b, p * n + j));
                    }
                    e[i * n + j] = Num.sum(terms);
                }
            }
            return fromNums(out, e);
        }
        Operand oa = plain(this);
        Operand ob = plain(b);
        if (t == null) {
            double[] d = new double[m * n];
            new MatMulOp(oa, ob, 0, m, k, n).forward(d);
            return new Tensor(out, d, null, -1, null);
        }
        return record(t, out, o -> new MatMulOp(oa, ob, o, m, k, n));
    }

    /** Σ aᵢ·bᵢ over all elements (shapes must be equal). */
    public Num dot(Tensor b) {
        if (b == null || !Arrays.equals(shape, b.shape)) {
            throw new IllegalArgumentException("dot: shapes " + shapeString(shape) + " and "
                    + (b == null ? "null" : shapeString(b.shape)) + " must be equal");
        }
        return reduce(ReduceOp.Kind.DOT, b);
    }

    /** Σ of all elements. */
    public Num sum() {
        return reduce(ReduceOp.Kind.SUM, null);
    }

    /** The mean of all elements. */
    public Num mean() {
        return reduce(ReduceOp.Kind.MEAN, null);
    }

    /** log Σ e^xᵢ over all elements, without overflow. */
    public Num logsumexp() {
        return reduce(ReduceOp.Kind.LOGSUMEXP, null);
    }

    /**
     * The sum along an axis: of each column (axis 0, one value per column) or of each row
     * (axis 1, one per row). A 1-D tensor has axis 0 only (one value).
     *
     * <pre>{@code
     * tensor(new double[][] {{1, 2}, {3, 4}}).sum(1);   // [3, 7]: row sums
     * }</pre>
     */
    public Tensor sum(int axis) {
        return alongAxis(AxisReduceOp.Kind.SUM, axis);
    }

    /** The mean along an axis (see {@link #sum(int)}). */
    public Tensor mean(int axis) {
        return alongAxis(AxisReduceOp.Kind.MEAN, axis);
    }

    /**
     * The maximum along an axis (see {@link #sum(int)}); its derivative goes to the element
     * that attains it, split evenly between elements that tie. (Named as in NumPy and PyTorch:
     * {@code max(b)} is the elementwise maximum.)
     */
    public Tensor amax(int axis) {
        return alongAxis(AxisReduceOp.Kind.MAX, axis);
    }

    /** The minimum along an axis (see {@link #amax(int)}). */
    public Tensor amin(int axis) {
        return alongAxis(AxisReduceOp.Kind.MIN, axis);
    }

    /** log Σ e^x along an axis, without overflow (see {@link #sum(int)}): per row, a mixture's log-likelihood. */
    public Tensor logsumexp(int axis) {
        return alongAxis(AxisReduceOp.Kind.LOGSUMEXP, axis);
    }

    private Tensor alongAxis(AxisReduceOp.Kind kind, int axis) {
        String op = kind.name().toLowerCase() + "(" + axis + ")";
        if (axis != 0 && (axis != 1 || shape.length != 2)) {
            throw new IllegalArgumentException(op + ": the tensor has shape " + shapeString(shape) + ", so the axis is "
                    + (shape.length == 2 ? "0 (down the columns) or 1 (along the rows)" : "0 (a 1-D tensor has one axis)"));
        }
        // a 1-D tensor is one column: axis 0 reduces all of it
        int rows = shape[0];
        int cols = shape.length == 2 ? shape[1] : 1;
        int n = axis == 0 ? cols : rows;
        int[] out = {n};
        if (constant != null) {
            double[] d = new double[n];
            new AxisReduceOp(kind, plain(this), rows, cols, axis, 0).forward(d);
            return new Tensor(out, d, null, -1, null);
        }
        Dual f = forward(op);
        if (f != null) {
            return new Tensor(out, AxisReduceOp.forward(kind, f, rows, cols, axis));
        }
        if (elems != null) {
            int len = axis == 0 ? rows : cols;
            Num[] r = new Num[n];
            for (int o = 0; o < n; o++) {
                Num[] e = new Num[len];
                for (int k = 0; k < len; k++) {
                    e[k] = axis == 0 ? elems[k * cols + o] : elems[o * cols + k];
                }
                r[o] = switch (kind) {
                    case SUM -> Num.sum(e);
                    case MEAN -> Num.sum(e).div(len);
                    case LOGSUMEXP -> Num.logsumexp(e);
                    default -> extremum(e, kind == AxisReduceOp.Kind.MAX);
                };
            }
            return fromNums(out, r);
        }
        check(op);
        Operand a = plain(this);
        return record(tape, out, o -> new AxisReduceOp(kind, a, rows, cols, axis, o));
    }

    /** The largest (smallest) of e, its derivative split evenly between elements that tie (NaN wins). */
    private static Num extremum(Num[] e, boolean max) {
        List<Num> ties = new ArrayList<>();
        for (Num x : e) {
            if (x.ne(x)) {
                ties.add(x);
            }
        }
        if (ties.isEmpty()) {
            Num best = e[0];
            for (Num x : e) {
                if (max ? x.gt(best) : x.lt(best)) {
                    best = x;
                }
            }
            for (Num x : e) {
                if (x.eq(best)) {
                    ties.add(x);
                }
            }
        }
        return ties.size() == 1 ? ties.get(0) : Num.sum(ties.toArray(new Num[0])).div(ties.size());
    }

    private Num reduce(ReduceOp.Kind kind, Tensor b) {
        int n = size();
        String op = kind.name().toLowerCase();
        ArrayTape t = commonTape(op, this, b == null ? this : b);
        ForwardArrays fwd = t == null ? forwardOf(op, this, b == null ? this : b) : null;
        if (fwd != null) {
            return switch (kind) {
                case SUM -> TangentKernels.sum(forwardOrLift(fwd, op));
                case MEAN -> TangentKernels.mean(forwardOrLift(fwd, op));
                case LOGSUMEXP -> TangentKernels.logsumexp(forwardOrLift(fwd, op));
                case DOT -> TangentKernels.dot(in(this, shape, shape, fwd, op), in(b, b.shape, b.shape, fwd, op), n, fwd);
            };
        }
        if (t == null && isVariable(this, b == null ? this : b)) {
            Num[] e = new Num[n];
            for (int i = 0; i < n; i++) {
                e[i] = kind == ReduceOp.Kind.DOT ? flat(this, i).times(flat(b, i)) : flat(this, i);
            }
            return switch (kind) {
                case SUM, DOT -> Num.sum(e);
                case MEAN -> Num.sum(e).div(n);
                default -> Num.logsumexp(e);
            };
        }
        Operand a = plain(this);
        Operand ob = b == null ? null : plain(b);
        if (t == null) {
            double[] d = new double[1];
            new ReduceOp(kind, a, ob, 0, n).forward(d);
            return Num.constant(d[0]);
        }
        return t.at(t.record(new ReduceOp(kind, a, ob, t.size(), n), 1));
    }

    /** e^(xᵢ − m) / Σ e^(xⱼ − m) over all elements. */
    public Tensor softmax() {
        if (constant != null) {
            return new Tensor(shape, Arithmetic.softmax(constant), null, -1, null);
        }
        Dual f = forward("softmax");
        if (f != null) {
            return new Tensor(shape, TangentKernels.softmax(f));
        }
        if (elems != null) {
            // e^(xᵢ − xₘ) / Σ e^(xⱼ − xₘ) with xₘ the largest: differentiated, every difference is
            // one of inputs (dxᵢ − dxₘ), where exp(xᵢ − logsumexp x) would subtract Σ yⱼ dxⱼ from
            // dxᵢ and lose 1 − yₘ's digits when a weight is near 1 (as SoftmaxOp's pullback avoids)
            int m = 0;
            for (int i = 1; i < elems.length; i++) {
                if (elems[i].value() > elems[m].value()) {
                    m = i;
                }
            }
            Num[] t = new Num[elems.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = elems[i].minus(elems[m]).exp();
            }
            Num s = Num.sum(t);
            Num[] e = new Num[elems.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = t[i].div(s);
            }
            return fromNums(shape, e);
        }
        check("softmax");
        Operand a = plain(this);
        return record(tape, shape, o -> new SoftmaxOp(a, o, size()));
    }

    /** The transpose of a matrix (a 1-D tensor is returned as it is). */
    public Tensor transpose() {
        if (shape.length == 1) {
            return this;
        }
        int m = shape[0];
        int n = shape[1];
        int[] out = {n, m};
        int[] perm = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                perm[j * m + i] = i * n + j;
            }
        }
        return gather("transpose", out, perm, 0.0);
    }

    /** The same elements in another shape (row-major order kept; no copy, no tape node). */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        checkShape("reshape", s);
        if (count(s) != size()) {
            throw new IllegalArgumentException("reshape: shape " + shapeString(shape) + " has " + size()
                    + " elements, " + shapeString(s) + " has " + count(s));
        }
        return new Tensor(s, constant, tape, start, elems, dual);
    }

    /** Elements [from, to) of a 1-D tensor, or rows [from, to) of a matrix (no copy, no tape node). */
    public Tensor slice(int from, int to) {
        int len = shape[0];
        if (from < 0 || to > len || from > to) {
            throw new IndexOutOfBoundsException("slice(" + from + ", " + to + "): the tensor has shape "
                    + shapeString(shape) + ", so 0 ≤ from ≤ to ≤ " + len);
        }
        if (from == to) {
            throw new IllegalArgumentException("slice(" + from + ", " + to + "): the slice is empty");
        }
        int width = shape.length == 2 ? shape[1] : 1;
        int[] s = shape.length == 2 ? new int[] {to - from, width} : new int[] {to - from};
        int a = from * width;
        int b = to * width;
        if (constant != null) {
            return new Tensor(s, Arrays.copyOfRange(constant, a, b), null, -1, null);
        }
        if (elems != null) {
            return new Tensor(s, null, null, -1, Arrays.copyOfRange(elems, a, b));
        }
        if (dual != null) {
            checkForward("slice");
            return new Tensor(s, TangentKernels.range(dual, a, b));
        }
        check("slice");
        return new Tensor(s, null, tape, start + a, null);
    }

    /** Column j of a matrix, as a 1-D tensor. */
    public Tensor column(int j) {
        if (shape.length != 2 || j < 0 || j >= shape[1]) {
            throw new IndexOutOfBoundsException("column(" + j + "): the tensor has shape " + shapeString(shape));
        }
        int m = shape[0];
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i * shape[1] + j;
        }
        return gather("column", new int[] {m}, idx, 0.0);
    }

    /**
     * The 1-D concatenation of tensors (each flattened in row-major order): one tape node when
     * they are on one tape (or constant), with no handle per element.
     */
    public static Tensor concat(Tensor... ts) {
        if (ts == null || ts.length == 0) {
            throw new IllegalArgumentException("concat(): give at least one tensor");
        }
        int n = 0;
        for (Tensor t : ts) {
            if (t == null) {
                throw new IllegalArgumentException("concat: a tensor is null");
            }
            n += t.size();
        }
        ForwardArrays fwd = forwardOf("concat", (Object[]) ts);
        if (fwd != null) {
            TangentKernels.In[] parts = new TangentKernels.In[ts.length];
            int[] sizes = new int[ts.length];
            for (int p = 0; p < ts.length; p++) {
                parts[p] = ts[p].in(ts[p].shape, ts[p].shape, fwd, "concat");
                sizes[p] = ts[p].size();
            }
            return new Tensor(new int[] {n}, TangentKernels.concat(parts, sizes, fwd));
        }
        ArrayTape tape = commonTape("concat", (Object[]) ts);
        if (tape == null && isVariable((Object[]) ts)) {
            Num[] all = new Num[n];
            int k = 0;
            for (Tensor t : ts) {
                for (int i = 0; i < t.size(); i++) {
                    all[k++] = flat(t, i);
                }
            }
            return fromNums(new int[] {n}, all);
        }
        int[] src = new int[n];
        double[] konst = new double[n];
        int k = 0;
        for (Tensor t : ts) {
            for (int i = 0; i < t.size(); i++, k++) {
                if (t.constant != null) {
                    src[k] = -1;
                    konst[k] = t.constant[i];
                } else {
                    src[k] = t.start + i;
                }
            }
        }
        if (tape == null) {
            return new Tensor(new int[] {n}, konst, null, -1, null);
        }
        return record(tape, new int[] {n}, o -> new GatherOp("concat", src, konst, o));
    }

    /**
     * Elements by index (row-major, as {@link #get(int)} numbers them) into a tensor of the
     * given shape; index −1 gives 0. One tape node; its derivative routes each output's
     * adjoint back to the element it copied.
     *
     * <pre>{@code
     * tensor(new double[] {1, 2, 3}).gather(new int[] {2, -1, 0, 0}, 2, 2);   // [[3, 0], [1, 1]]
     * }</pre>
     */
    public Tensor gather(int[] index, int... shape) {
        if (index == null) {
            throw new IllegalArgumentException("gather(index, shape): the index is null");
        }
        int[] s = shape == null || shape.length == 0 ? new int[] {index.length} : shape.clone();
        checkShape("gather", s);
        if (count(s) != index.length) {
            throw new IllegalArgumentException("gather: " + index.length + " indices do not fill the shape "
                    + shapeString(s) + " (" + count(s) + " elements)");
        }
        for (int i = 0; i < index.length; i++) {
            if (index[i] < -1 || index[i] >= size()) {
                throw new IndexOutOfBoundsException("gather: index[" + i + "] = " + index[i] + " is outside the tensor of "
                        + size() + " elements (−1 stands for 0)");
            }
        }
        return gather("gather", s, index.clone(), 0.0);
    }

    /**
     * Shifted by k places (k &gt; 0: later; k &lt; 0: earlier), 0 flowing in: for a 1-D tensor
     * element i becomes element i − k; for a matrix, row i becomes row i − k.
     *
     * <pre>{@code
     * tensor(new double[] {1, 2, 3, 4}).shift(1);   // [0, 1, 2, 3]
     * }</pre>
     */
    public Tensor shift(int k) {
        return shift(k, 0.0);
    }

    /** {@link #shift(int)} with {@code fill} flowing in. */
    public Tensor shift(int k, double fill) {
        int rows = shape[0];
        int width = shape.length == 2 ? shape[1] : 1;
        int[] index = new int[size()];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                int from = i - k;
                index[i * width + j] = from >= 0 && from < rows ? from * width + j : -1;
            }
        }
        return gather("shift", shape.clone(), index, fill);
    }

    /** A 1-D tensor with {@code before} and {@code after} zeros added at its ends (a matrix: rows of zeros). */
    public Tensor pad(int before, int after) {
        return pad(before, after, 0.0);
    }

    /** {@link #pad(int, int)} with {@code value} added instead of 0. */
    public Tensor pad(int before, int after, double value) {
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("pad(" + before + ", " + after + "): the padding must not be negative");
        }
        int rows = shape[0];
        int width = shape.length == 2 ? shape[1] : 1;
        int outRows = before + rows + after;
        int[] index = new int[outRows * width];
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < width; j++) {
                int from = i - before;
                index[i * width + j] = from >= 0 && from < rows ? from * width + j : -1;
            }
        }
        int[] out = shape.length == 2 ? new int[] {outRows, width} : new int[] {outRows};
        return gather("pad", out, index, value);
    }

    /**
     * A 1-D tensor of {@code size} elements where element i of this tensor is added into
     * element {@code index[i]} (elements nothing lands in are 0): the adjoint of a gather, as
     * in sums by group.
     *
     * <pre>{@code
     * tensor(new double[] {1, 2, 3}).scatter(new int[] {1, 0, 1}, 2);   // [2, 4]
     * }</pre>
     */
    public Tensor scatter(int[] index, int size) {
        if (index == null || index.length != size()) {
            throw new IllegalArgumentException("scatter(index, " + size + "): give one index per element ("
                    + size() + "), not " + (index == null ? "null" : String.valueOf(index.length)));
        }
        if (size < 1) {
            throw new IllegalArgumentException("scatter(index, " + size + "): the size must be at least 1");
        }
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= size) {
                throw new IndexOutOfBoundsException("scatter: index[" + i + "] = " + index[i] + " is outside [0, " + size + ")");
            }
        }
        int[] idx = index.clone();
        int[] out = {size};
        if (constant != null) {
            double[] d = new double[size];
            new ScatterOp(plain(this), idx, 0, size).forward(d);
            return new Tensor(out, d, null, -1, null);
        }
        Dual f = forward("scatter");
        if (f != null) {
            return new Tensor(out, ScatterOp.forward(f, idx, size));
        }
        if (elems != null) {
            List<List<Num>> parts = new ArrayList<>();
            for (int o = 0; o < size; o++) {
                parts.add(new ArrayList<>());
            }
            for (int i = 0; i < idx.length; i++) {
                parts.get(idx[i]).add(elems[i]);
            }
            Num[] e = new Num[size];
            for (int o = 0; o < size; o++) {
                e[o] = parts.get(o).isEmpty() ? Num.constant(0) : Num.sum(parts.get(o).toArray(new Num[0]));
            }
            return fromNums(out, e);
        }
        check("scatter");
        Operand a = plain(this);
        return record(tape, out, o -> new ScatterOp(a, idx, o, size));
    }

    /**
     * The n×n lower triangular matrix whose entries (i, j) with j − i ≤ {@code diagonal} are
     * this 1-D tensor's elements, in row-major order (or column by column with
     * {@code byColumns}), and 0 elsewhere: {@code diagonal} 0 includes the main diagonal
     * (n(n+1)/2 elements), −1 starts below it (n(n−1)/2), as in PyTorch's {@code tril}. A
     * Cholesky factor or a precision matrix's off-diagonal part, from its parameters.
     *
     * <pre>{@code
     * tensor(new double[] {1, 2, 3}).lowerTriangular(3, -1, true);   // [[0,0,0],[1,0,0],[2,3,0]]
     * }</pre>
     */
    public Tensor lowerTriangular(int n, int diagonal, boolean byColumns) {
        if (shape.length != 1 || n < 1) {
            throw new IllegalArgumentException("lowerTriangular(" + n + ", …): fills an n×n matrix (n ≥ 1) from a 1-D "
                    + "tensor; this one has shape " + shapeString(shape));
        }
        int[] index = new int[n * n];
        Arrays.fill(index, -1);
        int k = 0;
        for (int outer = 0; outer < n; outer++) {
            for (int inner = 0; inner < n; inner++) {
                int i = byColumns ? inner : outer;
                int j = byColumns ? outer : inner;
                if (j - i <= diagonal) {
                    if (k < size()) {
                        index[i * n + j] = k;
                    }
                    k++;
                }
            }
        }
        if (k != size()) {
            throw new IllegalArgumentException("lowerTriangular(" + n + ", " + diagonal + ", …): the triangle has " + k
                    + " entries but the tensor has " + size() + " elements");
        }
        return gather("lowerTriangular", new int[] {n, n}, index, 0.0);
    }

    /** Copies elements by index (−1: {@code fill}) as one node: transpose, column, shift, pad. */
    private Tensor gather(String name, int[] outShape, int[] index, double fill) {
        if (constant != null) {
            double[] d = new double[index.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = index[i] >= 0 ? constant[index[i]] : fill;
            }
            return new Tensor(outShape, d, null, -1, null);
        }
        Dual f = forward(name);
        if (f != null) {
            return new Tensor(outShape, TangentKernels.gather(f, index, fill));
        }
        if (elems != null) {
            Num[] e = new Num[index.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = index[i] >= 0 ? elems[index[i]] : Num.constant(fill);
            }
            return fromNums(outShape, e);
        }
        check(name);
        int[] src = new int[index.length];
        double[] konst = new double[index.length];
        for (int i = 0; i < src.length; i++) {
            src[i] = index[i] >= 0 ? start + index[i] : -1;
            konst[i] = fill;
        }
        return record(tape, outShape, o -> new GatherOp(name, src, konst, o));
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    /**
     * The one tape every non-constant operand is a first-order block or scalar of, or null
     * when there is none (all constant) or when some operand needs the element path (forward
     * mode, nested values, two tapes).
     */
    private static ArrayTape commonTape(String op, Object... xs) {
        ArrayTape t = null;
        for (Object x : xs) {
            ArrayTape tx;
            if (x instanceof Tensor tt) {
                if (tt.elems != null || tt.dual != null) {
                    return null;
                }
                if (tt.tape == null) {
                    continue;
                }
                tt.check(op);
                tx = tt.tape;
            } else if (x instanceof Num n) {
                if (n.isConstant()) {
                    continue;
                }
                tx = ArrayTape.of(n, op);
                if (tx == null) {
                    return null;
                }
            } else {
                continue;
            }
            if (t != null && tx != t) {
                return null;
            }
            t = tx;
        }
        return t;
    }

    // ---- forward mode --------------------------------------------------------------------------------

    /**
     * The forward-mode differentiation all non-constant operands belong to as first-order
     * forward values (Dual tensors, element tensors of such values, forward-mode Nums), or null
     * when there is none or when some operand needs another path (a tape, nested values, two
     * differentiations). Then the operation runs on {@link Dual}s.
     */
    private static ForwardArrays forwardOf(String op, Object... xs) {
        ForwardArrays f = null;
        for (Object x : xs) {
            ForwardArrays fx;
            if (x instanceof Tensor t) {
                if (t.tape != null) {
                    return null;
                }
                if (t.dual != null) {
                    t.checkForward(op);
                    fx = t.dual.tag;
                } else if (t.elems != null) {
                    fx = t.elementsTag(op);
                    if (fx == null) {
                        return null;
                    }
                } else {
                    continue;
                }
            } else if (x instanceof Num n) {
                if (n.isConstant()) {
                    continue;
                }
                fx = ForwardArrays.of(n, op);
                if (fx == null) {
                    return null;
                }
            } else {
                continue;
            }
            if (f != null && fx != f) {
                return null;
            }
            f = fx;
        }
        return f;
    }

    /**
     * The differentiation of an element tensor whose elements are all constants or first-order
     * forward values of one differentiation (a forward-mode parameter tensor, scalars stacked),
     * or null (then it takes the element path).
     */
    private ForwardArrays elementsTag(String op) {
        if (lifted != null) {
            return lifted.tag;
        }
        ForwardArrays f = null;
        for (Num e : elems) {
            if (e.isConstant()) {
                continue;
            }
            ForwardArrays fe = ForwardArrays.of(e, op);
            if (fe == null || (f != null && fe != f)) {
                return null;
            }
            f = fe;
        }
        return f;
    }

    /** This tensor as a Dual when it is one or its elements are first-order forward values of one differentiation, else null. */
    private Dual forward(String op) {
        if (dual != null) {
            checkForward(op);
            return dual;
        }
        if (elems == null) {
            return null;
        }
        ForwardArrays f = elementsTag(op);
        return f == null ? null : forwardOrLift(f, op);
    }

    /** This non-constant tensor's Dual (an element tensor's made once and kept), of differentiation f. */
    private Dual forwardOrLift(ForwardArrays f, String op) {
        if (dual != null) {
            checkForward(op);
            return dual;
        }
        if (lifted == null) {
            lifted = Dual.of(f, elems);
        }
        return lifted;
    }

    /** An operand of a forward-mode kernel: x (a Tensor, Num or Double) of shape s, broadcast into out. */
    private static TangentKernels.In in(Object x, int[] s, int[] out, ForwardArrays f, String op) {
        if (x instanceof Double d) {
            return TangentKernels.In.scalar(d, null, null);
        }
        if (x instanceof Num n) {
            return TangentKernels.In.scalar(n.value(), n.isConstant() ? null : f, n);
        }
        return ((Tensor) x).in(s, out, f, op);
    }

    private TangentKernels.In in(int[] s, int[] out, ForwardArrays f, String op) {
        int[] st = strides(s, out);
        if (constant != null) {
            return new TangentKernels.In(constant, 0, st[0], st[1], null);
        }
        Dual d = forwardOrLift(f, op);
        return new TangentKernels.In(d.value, 0, st[0], st[1], d.tangent);
    }

    /** Whether any operand depends on a parameter (then, without a common tape, the element path is taken). */
    private static boolean isVariable(Object... xs) {
        for (Object x : xs) {
            if ((x instanceof Tensor t && t.constant == null) || (x instanceof Num n && !n.isConstant())) {
                return true;
            }
        }
        return false;
    }

    /** Element k (row-major) of any tensor as a Num. */
    private static Num flat(Tensor t, int k) {
        if (t.constant != null) {
            return Num.constant(t.constant[k]);
        }
        if (t.elems != null) {
            return t.elems[k];
        }
        if (t.dual != null) {
            return t.dual.element(k);
        }
        return t.tape.at(t.start + k);
    }

    /** The element of operand x (of shape s) at (i, j) of the broadcast output. */
    private static Num element(Object x, int[] s, int[] out, int i, int j) {
        if (x instanceof Num n) {
            return n;
        }
        if (x instanceof Double d) {
            return Num.constant(d);
        }
        int[] st = strides(s, out);
        return flat((Tensor) x, i * st[0] + j * st[1]);
    }

    private static Operand plain(Tensor t) {
        return t.constant != null ? new Operand(-1, t.constant, 0, 1, t.size())
                : new Operand(t.start, null, 0, 1, t.size());
    }

    private static Operand operand(Object x, int[] s, int[] out) {
        if (x instanceof Double d) {
            return new Operand(-1, new double[] {d}, 0, 0, 1);
        }
        if (x instanceof Num n) {
            return n.isConstant() ? new Operand(-1, new double[] {n.value()}, 0, 0, 1)
                    : new Operand(n.position(), null, 0, 0, 1);
        }
        Tensor t = (Tensor) x;
        int[] st = strides(s, out);
        return t.constant != null ? new Operand(-1, t.constant, st[0], st[1], t.size())
                : new Operand(t.start, null, st[0], st[1], t.size());
    }

    /** {row stride, column stride} of an operand of shape s inside the output shape out. */
    private static int[] strides(int[] s, int[] out) {
        if (s.length == 0 || count(s) == 1) {
            return new int[] {0, 0};                          // a scalar
        }
        int cols = out[out.length - 1];
        if (Arrays.equals(s, out)) {
            return new int[] {cols, 1};
        }
        if (s.length == 1 || s[0] == 1) {
            return new int[] {0, 1};                          // a row vector
        }
        return new int[] {1, 0};                              // a column vector (m, 1)
    }

    /** The shape of a broadcast result, or a clear error naming both shapes. */
    static int[] broadcastShape(String op, int[] a, int[] b) {
        if (a.length == 0 || count(a) == 1 && b.length > 0) {
            return b.length == 0 ? new int[] {1} : b.clone();
        }
        if (b.length == 0 || count(b) == 1) {
            return a.clone();
        }
        if (Arrays.equals(a, b)) {
            return a.clone();
        }
        // the matrix is the 2-D operand, or of two 2-D ones the larger: a (m, 1) column on the
        // left of an (m, n) matrix broadcasts as it does on the right
        int[] big = a.length != b.length ? (a.length == 2 ? a : b) : (count(a) >= count(b) ? a : b);
        int[] small = big == a ? b : a;
        if (big.length == 2) {
            int m = big[0];
            int n = big[1];
            boolean row = (small.length == 1 && small[0] == n) || (small.length == 2 && small[0] == 1 && small[1] == n);
            boolean col = small.length == 2 && small[0] == m && small[1] == 1;
            if (row || col) {
                return big.clone();
            }
        }
        throw new IllegalArgumentException(op + ": shapes " + shapeString(a) + " and " + shapeString(b)
                + " cannot be combined: use equal shapes, a scalar, a row vector of " + big[big.length - 1]
                + " elements or a column vector (" + big[0] + ", 1)");
    }

    private static Tensor fromNums(int[] shape, Num[] e) {
        boolean allConst = true;
        for (Num x : e) {
            allConst &= x.isConstant();
        }
        if (allConst) {
            double[] d = new double[e.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = e[i].value();
            }
            return new Tensor(shape, d, null, -1, null);
        }
        return new Tensor(shape, null, null, -1, e);
    }

    private static void checkShape(String op, int[] s) {
        if (s.length < 1 || s.length > 2) {
            throw new IllegalArgumentException(op + ": shape " + shapeString(s) + " — tensors are 1-D or 2-D");
        }
        for (int d : s) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": shape " + shapeString(s) + " has a dimension below 1");
            }
        }
    }

    static int count(int[] s) {
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    static String shapeString(int[] s) {
        if (s.length == 1) {
            return "(" + s[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * A 1-D tensor as one short line, its shape and first values; a 2-D tensor as a grid under
     * its shape, rows on lines and columns aligned (a large one shows its first and last
     * {@value #EDGE} rows and columns, as NumPy does):
     * <pre>
     * Tensor(2, 2)
     * [[1.0, 2.0],
     *  [3.0, 4.0]]
     * </pre>
     */
    @Override
    public String toString() {
        double[] v = values();
        if (shape.length == 2) {
            return shapeName() + "\n" + grid(v, shape[0], shape[1]);
        }
        StringBuilder sb = new StringBuilder(shapeName()).append(" [");
        int shown = Math.min(v.length, 6);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.append(v.length > shown ? ", …]" : "]").toString();
    }

    /** Rows or columns beyond {@value #WHOLE} are summarised by this many at each end. */
    static final int EDGE = 3;
    /** Up to this many rows (columns) are printed whole. */
    static final int WHOLE = 10;

    private String shapeName() {
        return "Tensor" + shapeString(shape);
    }

    /** The indices printed of n, -1 for "…". */
    private static int[] shown(int n) {
        if (n <= WHOLE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[2 * EDGE + 1];
        for (int k = 0; k < EDGE; k++) {
            out[k] = k;
            out[EDGE + 1 + k] = n - EDGE + k;
        }
        out[EDGE] = -1;
        return out;
    }

    private static String grid(double[] v, int rows, int cols) {
        int[] rs = shown(rows), cs = shown(cols);
        String[][] cell = new String[rs.length][cs.length];
        int[] width = new int[cs.length];
        for (int i = 0; i < rs.length; i++) {
            for (int j = 0; j < cs.length; j++) {
                cell[i][j] = rs[i] < 0 || cs[j] < 0 ? "…" : Double.toString(v[rs[i] * cols + cs[j]]);
                width[j] = Math.max(width[j], cell[i][j].length());
            }
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rs.length; i++) {
            sb.append(i == 0 ? "[" : ",\n [");
            for (int j = 0; j < cs.length; j++) {
                sb.append(j == 0 ? "" : ", ").append(" ".repeat(width[j] - cell[i][j].length())).append(cell[i][j]);
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    /**
     * A table of the values (a 1-D tensor as one row) with row and column indices under the
     * shape, capped as {@link dev.wengert.display.TableView} caps tables, and the text of
     * {@link #toString()}.
     */
    @Override
    public Map<String, String> mimeBundle() {
        double[] v = values();
        int rows = shape.length == 2 ? shape[0] : 1, cols = shape.length == 2 ? shape[1] : shape[0];
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/html", dev.wengert.display.TableView.grid(shapeName(), rows, cols,
                (r, c) -> Double.toString(v[r * cols + c])).html());
        m.put("text/plain", toString());
        return m;
    }
}
