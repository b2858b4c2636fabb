package dev.wengert.tensor;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.NonFiniteException;
import dev.wengert.core.Num;
import dev.wengert.core.WengertException;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.UnaryRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Forward-mode tensors ({@link Dual}: values and tangent columns) against the same program
 * written element by element over forward-mode {@link Num}s — what a forward-mode tensor was
 * before, and the definition its kernels follow. Values and every tangent must be equal to the
 * bit ({@link TangentKernels} says why they can be): the operations are the scalar rules' own
 * calls, in the same order.
 */
class ForwardTensorTest {
    /** The parameters of every test: three forward-mode parameters of one differentiation. */
    static final double[] P = {0.7, -0.3, 1.9};

    @AfterEach
    void checkingOff() {
        checkNonFinite(false);
    }

    /** A tensor and its element-by-element mirror: the same shape, the element path's Nums. */
    record Pair(Tensor t, Num[] e, int[] shape) {
    }

    /** Data in (0.2, 0.8), mapped into a domain. */
    static double[] data(int n, long seed, java.util.function.DoubleUnaryOperator into) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = into.applyAsDouble(0.2 + 0.6 * r.nextDouble());
        }
        return d;
    }

    /**
     * A forward tensor depending on all three parameters, d·p₀ + p₁ + p₂·d², and its mirror;
     * the values stay where they were (p₀ ≈ 1 scales little) by subtracting what was added.
     */
    static Pair variable(Num[] p, double[] d, int... shape) {
        Tensor c = tensor(d, shape);
        Tensor sq = tensor(square(d), shape);
        Tensor t = c.times(p[0]).plus(p[1]).plus(sq.times(p[2]).times(1e-3)).minus(p[1]);
        Num[] e = new Num[d.length];
        for (int k = 0; k < d.length; k++) {
            Num a = constant(d[k]).apply(Arithmetic.MUL, p[0]).apply(Arithmetic.ADD, p[1]);
            Num b = constant(sq.values()[k]).apply(Arithmetic.MUL, p[2]).apply(Arithmetic.MUL, constant(1e-3));
            e[k] = a.apply(Arithmetic.ADD, b).apply(Arithmetic.SUB, p[1]);
        }
        return new Pair(t, e, shape.length == 0 ? new int[] {d.length} : shape);
    }

    static double[] square(double[] d) {
        double[] s = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            s[i] = d[i] * d[i];
        }
        return s;
    }

    /** Values and ∂/∂pⱼ of every element: equal to the bit. */
    static void same(String what, Tensor t, Num[] e, Num[] p) {
        double[] v = t.values();
        assertEquals(e.length, v.length, what + ": size");
        for (int j = 0; j < p.length; j++) {
            double[] col = t.d(p[j]);
            for (int k = 0; k < e.length; k++) {
                if (j == 0) {
                    assertBits(e[k].value(), v[k], what + ": value of element " + k);
                }
                assertBits(e[k].d(p[j]), col[k], what + ": ∂/∂p" + j + " of element " + k);
            }
        }
    }

    static void same(String what, Num t, Num e, Num[] p) {
        assertBits(e.value(), t.value(), what + ": value");
        for (int j = 0; j < p.length; j++) {
            assertBits(e.d(p[j]), t.d(p[j]), what + ": ∂/∂p" + j);
        }
    }

    static void assertBits(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                () -> what + ": want " + want + ", got " + got);
    }

    static <R> R inForward(Function<Num[], R> body) {
        return Functional.forward(P, "a test", body);
    }

    @TestFactory
    List<DynamicTest> everyUnaryRuleToTheBit() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> inForward(p -> {
                double[] d = data(6, 11, x -> RuleRows.of(r).domain().into(x));
                Pair a = variable(p, d, 2, 3);
                Num[] e = new Num[d.length];
                for (int k = 0; k < e.length; k++) {
                    e[k] = a.e()[k].apply(r);
                }
                same(r.name(), a.t().apply(r), e, p);
                return null;
            })));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyBinaryRuleWithBroadcastingToTheBit() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            RuleRows.Binary row = RuleRows.of(r);
            tests.add(DynamicTest.dynamicTest(r.name(), () -> inForward(p -> {
                double[] da = data(6, 21, x -> row.a().into(x));
                double[] db = data(6, 22, x -> row.b().into(x));
                Pair a = variable(p, da, 2, 3);
                Pair b = variable(p, db, 2, 3);
                // Dual ⊕ Dual, same shape
                same(r.name() + " dual, dual", a.t().apply(r, b.t()), each(a.e(), b.e(), r), p);
                // Dual ⊕ constant and constant ⊕ Dual
                Tensor cb = tensor(db, 2, 3);
                same(r.name() + " dual, constant", a.t().apply(r, cb), each(a.e(), constants(db), r), p);
                same(r.name() + " constant, dual", tensor(da, 2, 3).apply(r, b.t()), each(constants(da), b.e(), r), p);
                // Dual ⊕ a forward scalar (broadcast), both ways round
                Num s = p[2].times(0.25).plus(row.b().into(0.5));
                Num[] ss = new Num[6];
                java.util.Arrays.fill(ss, s);
                same(r.name() + " dual, scalar", Tensor.binary(r, a.t(), s), each(a.e(), ss, r), p);
                Num s2 = p[0].times(0.1).plus(row.a().into(0.5));
                Num[] ss2 = new Num[6];
                java.util.Arrays.fill(ss2, s2);
                same(r.name() + " scalar, dual", Tensor.binary(r, s2, b.t()), each(ss2, b.e(), r), p);
                // a row vector (3) and a column vector (2, 1) against a matrix
                Pair rowv = variable(p, java.util.Arrays.copyOf(db, 3), 3);
                Num[] rows = new Num[6];
                for (int k = 0; k < 6; k++) {
                    rows[k] = rowv.e()[k % 3];
                }
                same(r.name() + " matrix, row", a.t().apply(r, rowv.t()), each(a.e(), rows, r), p);
                Pair colv = variable(p, java.util.Arrays.copyOf(da, 2), 2, 1);
                Num[] cols = new Num[6];
                for (int k = 0; k < 6; k++) {
                    cols[k] = colv.e()[k / 3];
                }
                same(r.name() + " column, matrix", colv.t().apply(r, b.t()), each(cols, b.e(), r), p);
                return null;
            })));
        }
        return tests;
    }

    static Num[] each(Num[] a, Num[] b, BinaryRule r) {
        Num[] e = new Num[a.length];
        for (int k = 0; k < a.length; k++) {
            e[k] = a[k].apply(r, b[k]);
        }
        return e;
    }

    static Num[] constants(double[] d) {
        Num[] c = new Num[d.length];
        for (int k = 0; k < d.length; k++) {
            c[k] = constant(d[k]);
        }
        return c;
    }

    /** Σₚ a·b one product at a time, as the element path's matmul did (Num.sum of Num products). */
    static Num[] matmul(Num[] a, Num[] b, int m, int k, int n) {
        Num[] c = new Num[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                Num[] terms = new Num[k];
                for (int q = 0; q < k; q++) {
                    terms[q] = a[i * k + q].times(b[q * n + j]);
                }
                c[i * n + j] = Num.sum(terms);
            }
        }
        return c;
    }

    @Test
    void matrixProductsToTheBit() {
        inForward(p -> {
            double[] da = data(12, 31, x -> x);
            double[] db = data(8, 32, x -> x - 0.5);
            Pair a = variable(p, da, 3, 4);
            Pair b = variable(p, db, 4, 2);
            Tensor ca = tensor(da, 3, 4);
            Tensor cb = tensor(db, 4, 2);
            same("dual · constant", a.t().matmul(cb), matmul(a.e(), constants(db), 3, 4, 2), p);
            same("constant · dual", ca.matmul(b.t()), matmul(constants(da), b.e(), 3, 4, 2), p);
            same("dual · dual", a.t().matmul(b.t()), matmul(a.e(), b.e(), 3, 4, 2), p);
            // a matrix–vector product (the kernel of a column model's X·w) and a vector–matrix one
            Pair w = variable(p, java.util.Arrays.copyOf(db, 4), 4);
            same("constant · dual vector", ca.matmul(w.t()), matmul(constants(da), w.e(), 3, 4, 1), p);
            Pair u = variable(p, java.util.Arrays.copyOf(da, 3), 3);
            same("dual vector · constant", u.t().matmul(ca), matmul(u.e(), constants(da), 1, 3, 4), p);
            // a non-finite constant takes the exact loop: ∞·0 is NaN where the element path had it
            double[] inf = db.clone();
            inf[3] = Double.POSITIVE_INFINITY;
            same("dual · constant with ∞", a.t().matmul(tensor(inf, 4, 2)), matmul(a.e(), constants(inf), 3, 4, 2), p);
            return null;
        });
    }

    @Test
    void reductionsAndSoftmaxToTheBit() {
        inForward(p -> {
            double[] d = data(7, 41, x -> 3 * x - 1);
            Pair a = variable(p, d, 7);
            Pair b = variable(p, data(7, 42, x -> x), 7);
            same("sum", a.t().sum(), Num.sum(a.e()), p);
            same("mean", a.t().mean(), Num.sum(a.e()).div(7), p);
            same("logsumexp", a.t().logsumexp(), Num.logsumexp(a.e()), p);
            Num[] prods = new Num[7];
            Num[] cprods = new Num[7];
            for (int k = 0; k < 7; k++) {
                prods[k] = a.e()[k].times(b.e()[k]);
                cprods[k] = a.e()[k].times(constant(d[k]));
            }
            same("dot dual, dual", a.t().dot(b.t()), Num.sum(prods), p);
            same("dot dual, constant", a.t().dot(tensor(d)), Num.sum(cprods), p);
            // the element path's softmax: e^(xₖ − xₘ) / Σ e^(xⱼ − xₘ), xₘ the largest
            int mx = 0;
            for (int k = 1; k < 7; k++) {
                if (a.e()[k].value() > a.e()[mx].value()) {
                    mx = k;
                }
            }
            Num[] ex = new Num[7];
            for (int k = 0; k < 7; k++) {
                ex[k] = a.e()[k].minus(a.e()[mx]).exp();
            }
            Num total = Num.sum(ex);
            Num[] soft = new Num[7];
            for (int k = 0; k < 7; k++) {
                soft[k] = ex[k].div(total);
            }
            same("softmax", a.t().softmax(), soft, p);
            return null;
        });
    }

    @Test
    void movingElementsKeepsTheirTangents() {
        inForward(p -> {
            double[] d = data(6, 51, x -> x);
            Pair a = variable(p, d, 2, 3);
            Num[] e = a.e();
            same("transpose", a.t().transpose(), new Num[] {e[0], e[3], e[1], e[4], e[2], e[5]}, p);
            same("column", a.t().column(1), new Num[] {e[1], e[4]}, p);
            same("slice", a.t().slice(1, 2), new Num[] {e[3], e[4], e[5]}, p);
            same("reshape", a.t().reshape(3, 2), e, p);
            Tensor cat = Tensor.concat(a.t(), tensor(new double[] {5, 6}), a.t().slice(0, 1));
            Num[] want = {e[0], e[1], e[2], e[3], e[4], e[5], constant(5), constant(6), e[0], e[1], e[2]};
            same("concat", cat, want, p);
            for (int k = 0; k < 6; k++) {
                same("get(" + k + ")", a.t().get(k), e[k], p);
            }
            return null;
        });
    }

    @Test
    void stackedScalarsAndParameterTensorsTakeTheTangentPath() {
        // a tensor stacked from forward scalars is lifted once into tangent columns
        inForward(p -> {
            Tensor s = tensor(p[0], p[1].times(2), constant(3.0));
            Num[] e = {p[0].apply(Elementary.EXP), p[1].times(2).apply(Elementary.EXP), constant(3.0).exp()};
            same("exp of stacked scalars", s.exp(), e, p);
            return null;
        });
        // a forward-mode parameter tensor: its elements stay the parameters, operations use columns
        mode(Mode.FORWARD);
        try {
            Tensor w = param("w", new double[] {0.5, -1.5});
            Num z = w.square().sum();
            z.backward();
            assertArrayEquals(new double[] {1.0, -3.0}, w.grad(), 0.0);
            assertTrue(w.get(0).isParameter(), "get(i) of a parameter tensor is the parameter");
            // ∂/∂w₀ of (e^(2w₀), e^(2w₁)) = (2e, 0)
            assertArrayEquals(new double[] {2 * Math.exp(1.0), 0.0}, w.times(2).exp().d(w.get(0)), 1e-15);
        } finally {
            resetTape();
            mode(Mode.REVERSE);
        }
    }

    /**
     * Tensors longer than a kernel's chunk ({@link TangentKernels#CHUNK}), as a column model's
     * are, with slots that only one operand has (a column of one parameter against a scalar of
     * another, both ways round, and against a column of others), tangents that are exactly 0
     * and −0 (a data column with zeros times a parameter), and a negative partial (so a product
     * is −0): every value and tangent equals the element path's to the bit, across the chunks'
     * boundaries, in a long row, a matrix of long rows and a matrix of short ones.
     */
    @Test
    void longTensorsAndOneSidedSlotsToTheBit() {
        int n = 2 * TangentKernels.CHUNK + 276;
        double[] c = data(n, 71, x -> x - 0.5);
        double[] d = data(n, 72, x -> x + 0.1);
        for (int k = 0; k < n; k += 7) {
            c[k] = k % 14 == 0 ? 0.0 : -0.0;
        }
        for (int[] shape : new int[][] {{n}, {2, n / 2}, {n / 2, 2}}) {
            inForward(p -> {
                String at = java.util.Arrays.toString(shape);
                // a depends on p0 alone (its zeros give 0 and −0 tangents), b on p1 and p2
                Tensor a = tensor(c, shape).times(p[0]);
                Tensor b = tensor(d, shape).times(p[1]).plus(p[2].times(-0.5));
                Num[] ae = new Num[n];
                Num[] be = new Num[n];
                for (int k = 0; k < n; k++) {
                    ae[k] = constant(c[k]).apply(Arithmetic.MUL, p[0]);
                    be[k] = constant(d[k]).apply(Arithmetic.MUL, p[1]).apply(Arithmetic.ADD, p[2].times(-0.5));
                }
                Num s = p[1].times(-0.75).plus(2.0);     // a scalar of p1, its partial negative
                Num[] ss = new Num[n];
                java.util.Arrays.fill(ss, s);
                for (BinaryRule r : new BinaryRule[] {Arithmetic.ADD, Arithmetic.SUB, Arithmetic.MUL, Arithmetic.DIV,
                        Arithmetic.HYPOT}) {
                    same(r.name() + " column, scalar " + at, Tensor.binary(r, a, s), each(ae, ss, r), p);
                    same(r.name() + " scalar, column " + at, Tensor.binary(r, s, a), each(ss, ae, r), p);
                    same(r.name() + " column, column " + at, a.apply(r, b), each(ae, be, r), p);
                    same(r.name() + " column, constant " + at, a.apply(r, tensor(d, shape)), each(ae, constants(d), r), p);
                }
                for (UnaryRule r : new UnaryRule[] {Elementary.EXP, Arithmetic.NEG, Arithmetic.SQUARE, Elementary.SIN}) {
                    Num[] e = new Num[n];
                    for (int k = 0; k < n; k++) {
                        e[k] = ae[k].apply(r);
                    }
                    same(r.name() + " " + at, a.apply(r), e, p);
                }
                return null;
            });
        }
    }

    @Test
    void aColumnModelsJacobianFromTangentColumns() {
        // y = a·x/(b + x) over a column: ∂y/∂a = x/(b + x), ∂y/∂b = −a·x/(b + x)²
        double[] x = data(50, 61, v -> 5 * v);
        double[][] cols = Functional.forward(new double[] {2.0, 0.8}, "a column model", p -> {
            Tensor y = tensor(x).times(p[0]).div(tensor(x).plus(p[1]));
            return new double[][] {y.d(p[0]), y.d(p[1])};
        });
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] / (0.8 + x[i]), cols[0][i], 1e-15);
            assertEquals(-2.0 * x[i] / ((0.8 + x[i]) * (0.8 + x[i])), cols[1][i], 1e-15);
        }
    }

    @Test
    void aForwardTensorIsRefusedAfterItsDifferentiationReturns() {
        Tensor escaped = Functional.forward(P, "a test", p -> tensor(new double[] {1, 2}).times(p[0]));
        WengertException e = assertThrows(WengertException.class, () -> escaped.exp());
        assertTrue(e.getMessage().contains("after its differentiation returned"), e.getMessage());
    }

    @Test
    void checkingModeStopsAtTheFirstNonFiniteElement() {
        checkNonFinite(true);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> inForward(p ->
                tensor(new double[] {1, 2, -3}).times(p[0]).log()));
        assertEquals("log", e.operation());
        assertTrue(e.getMessage().contains("log(-2.0"), e.getMessage());
    }

    @Test
    void derivativeColumnsInReverseModeComeElementByElement() {
        double[] g = gradient(v -> {
            Tensor y = tensor(new double[] {1, 2, 3}).times(v[0]).exp();
            double[] col = y.d(v[0]);                     // three backward sweeps
            assertArrayEquals(new double[] {Math.exp(0.5), 2 * Math.exp(1.0), 3 * Math.exp(1.5)}, col, 1e-15);
            return y.sum();
        }, 0.5);
        assertEquals(Math.exp(0.5) + 2 * Math.exp(1.0) + 3 * Math.exp(1.5), g[0], 1e-13);
    }
}
