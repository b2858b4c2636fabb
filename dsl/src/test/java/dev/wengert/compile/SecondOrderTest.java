package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.UnaryRule;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Hessian–vector products by forward over reverse on the recorded nodes (issue 20) against
 * the nested way (forward values under an inner tape, Functional.hvp) and against Hessians:
 * every opcode of the scalar interpreter, every rule of the registry, every array operation.
 * Tensor code is swept as blocks: the nested way is never taken (counted).
 */
class SecondOrderTest {

    static double[] point(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.3 + 0.5 * r.nextDouble();
        }
        return x;
    }

    /** H·v by the sweeps and by nesting agree to 1e-12 relative, for two directions; the sweeps never fall back. */
    static void agrees(String what, Fn f, double[] x) {
        long before = SecondOrder.FALLBACKS.get();
        for (long s = 1; s <= 2; s++) {
            double[] v = point(x.length, 100 + s);
            for (int i = 0; i < v.length; i++) {
                v[i] -= 0.5;
            }
            double[] want = Functional.hvp(f, x, v);
            double[] got = hvp(f, x, v);
            double scale = 1;
            for (double w : want) {
                scale = Math.max(scale, Math.abs(w));
            }
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[i], got[i], 1e-12 * scale, what + ": (Hv)" + i);
            }
            CompiledFn c = compile(f, x);
            double[] replayed = c.hvp(x, v);
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[i], replayed[i], 1e-12 * scale, what + ": compiled (Hv)" + i);
            }
            // the fused passes give the bits of the three separate ones they replaced
            double[] three = SecondOrderBitsTest.threePasses(f, x, v);
            assertArrayEquals(SecondOrderBitsTest.bits(three), SecondOrderBitsTest.bits(got), what + ": bits of hvp");
            assertArrayEquals(SecondOrderBitsTest.bits(three), SecondOrderBitsTest.bits(replayed),
                    what + ": bits of the compiled hvp");
            double[] g = new double[x.length];
            c.valueAndGradientInto(x, g);
            assertArrayEquals(SecondOrderBitsTest.bits(three), SecondOrderBitsTest.bits(c.hvp(x, v)),
                    what + ": bits of the compiled hvp after a gradient at x");
        }
        assertEquals(before, SecondOrder.FALLBACKS.get(), what + ": took the nested way");
    }

    @Test
    void everyOpcodeOfTheInterpreter() {
        Fn f = x -> {
            Num a = x[0].plus(x[1]).minus(x[2]).times(x[3]);                     // ADD SUB MUL
            Num b = x[0].div(x[1]).plus(3).minus(0.5).times(2).div(4).neg();      // DIV, _K arithmetic, NEG
            Num c = constant(2).minus(x[2]).plus(constant(3).div(x[3].square())); // K_SUB, K_DIV, SQUARE
            Num d = x[1].reciprocal().plus(sin(x[0].times(x[2]))).plus(exp(x[3]).log1p());   // RECIPROCAL, UNARY
            Num e = x[0].max(x[1]).plus(atan2(x[2], x[3])).plus(hypot(x[0], x[3]));          // BINARY
            Num g = pow(x[1], 2.5).plus(pow(1.7, x[2])).plus(x[0].xlogy(constant(3)));       // BINARY_K, K_BINARY
            Num h = sum(a, b.square(), c).plus(logsumexp(d, e, g.times(0.1)));               // NARY
            return h.times(a).plus(tensor(x).get(1).square());                   // an element read out (index)
        };
        agrees("every opcode", f, point(4, 1));
        double[] x = point(4, 2);
        double[][] h = hessian(f, x);
        double[] col = hvp(f, x, new double[] {0, 0, 1, 0});
        for (int i = 0; i < 4; i++) {
            assertEquals(h[i][2], col[i], 1e-11 * Math.max(1, Math.abs(h[i][2])), "H·e₂ is H's third column");
        }
    }

    @TestFactory
    List<DynamicTest> everyUnaryRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[] x = point(3, 3);
                for (int i = 0; i < x.length; i++) {
                    x[i] = RuleRows.of(r).domain().into(x[i]);
                }
                // scalar and as a tensor: Σ cᵢ·r(xᵢ)·xᵢ (the product makes the Hessian dense)
                agrees(r.name(), v -> v[0].apply(r).times(v[1]).plus(v[1].apply(r).times(v[2]).times(2))
                        .plus(v[2].apply(r).times(v[0]).times(3)), x);
                agrees(r.name() + " (tensor)", v -> tensor(v, 0, 3).apply(r).times(tensor(v, 0, 3).shift(1, 1.0))
                        .dot(tensor(new double[] {1, 2, 3})), x);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyBinaryRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                RuleRows.Binary row = RuleRows.of(r);
                double[] x = point(4, 4);
                x[0] = row.a().into(x[0]);
                x[1] = row.a().into(x[1]);
                x[2] = row.b().into(x[2]);
                x[3] = row.b().into(x[3]);
                agrees(r.name(), v -> v[0].apply(r, v[2]).times(v[1]).plus(v[1].apply(r, v[3]).square())
                        .plus(v[0].apply(r, constant(x[3]))).plus(constant(x[0]).apply(r, v[3])), x);
                agrees(r.name() + " (tensor)", v -> tensor(v, 0, 2).apply(r, tensor(v, 2, 2)).times(tensor(v, 0, 2))
                        .sum(), x);
            }));
        }
        return tests;
    }

    @Test
    void everyArrayOperationAsBlocks() {
        double[] x = point(12, 5);
        agrees("matmul, both recorded", v -> tensor(v, 0, 2, 3).matmul(tensor(v, 6, 3, 2)).square().sum(), x);
        agrees("matmul, a constant", v -> tensor(v, 0, 3, 4).matmul(tensor(point(4, 6))).exp().sum(), x);
        agrees("matmul, vector on the left", v -> tensor(v, 0, 3).matmul(tensor(v, 3, 3, 3)).square().sum(), x);
        agrees("broadcasting", v -> tensor(v, 0, 3, 4).times(tensor(v, 0, 4)).div(tensor(v, 4, 3, 1).plus(2))
                .minus(v[11]).square().sum(), x);
        agrees("reductions", v -> tensor(v, 0, 6).dot(tensor(v, 6, 6)).times(tensor(v).mean())
                .plus(tensor(v).logsumexp()).plus(tensor(v).square().sum()), x);
        agrees("along an axis", v -> {
            Tensor m = tensor(v, 0, 3, 4);
            return m.sum(0).dot(m.amax(0)).plus(m.logsumexp(1).square().sum()).plus(m.mean(1).dot(m.amin(1)));
        }, x);
        agrees("softmax", v -> tensor(v, 0, 6).times(tensor(v, 6, 6)).softmax().dot(tensor(v, 6, 6)), x);
        agrees("gather, pad, scatter, triangle, concat", v -> {
            Tensor t = tensor(v, 0, 12);
            Tensor g = t.gather(new int[] {3, -1, 3, 11, 0}, 5).pad(1, 2, 0.5);
            Tensor s = t.square().scatter(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 3);
            Tensor l = t.slice(0, 6).lowerTriangular(3, 0, true);
            return concat(g, s).exp().sum().plus(l.matmul(l.transpose()).square().sum()).times(t.get(4));
        }, x);
        agrees("transpose and column", v -> tensor(v, 0, 3, 4).transpose().column(1).times(tensor(v, 8, 4)).square().sum(), x);
    }

    @Test
    void kmeansNewtonDirectionHasTheClosedForm() {
        // Σ over points of the squared distance to the nearest of two centroids: H = 2·(cluster size)·I
        double[] points = {0.1, 0.2, 0.9, 0.8, 0.15, 0.25, 0.95, 0.7, 0.05, 0.3};
        Fn cost = c -> {
            Tensor p = tensor(points, 5, 2);
            Tensor cm = tensor(c, 0, 2, 2);
            Tensor d = cm.matmul(p.transpose()).times(-2).plus(p.square().sum(1)).plus(cm.square().sum(1).reshape(2, 1));
            return d.amin(0).sum();
        };
        double[] c0 = {0.1, 0.25, 0.9, 0.75};
        double[] h = hvp(cost, c0, new double[] {1, 1, 1, 1});
        assertArrayEquals(new double[] {6, 6, 4, 4}, h, 1e-12);
    }

    @Test
    void aCompiledHvpFollowsItsGuardsAndAFirstOrderRuleTakesTheNestedWay() {
        Fn f = x -> x[0].gt(0) ? x[0].square().times(x[1]) : x[0].times(x[1]).times(3);
        CompiledFn c = compile(f, 1.0, 2.0);
        assertArrayEquals(new double[] {2 * 2 * 1 + 2 * 3 * 0, 2 * 3 * 1}, c.hvp(new double[] {3, 2}, new double[] {1, 0}));
        assertEquals(1, c.recordings());
        assertArrayEquals(new double[] {0, 3}, c.hvp(new double[] {-1, 2}, new double[] {1, 0}));
        assertEquals(2, c.recordings());
        var cube = rule("cube", q -> q * q * q, q -> 3 * q * q);
        long before = SecondOrder.FALLBACKS.get();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> hvp(x -> cube.apply(x[0]), new double[] {2}, new double[] {1}));
        assertTrue(e.getMessage().contains("first-order only"), e.getMessage());
        assertEquals(before + 1, SecondOrder.FALLBACKS.get());
    }

    /** hessian(f, x) agrees with both nested pairings and takes the form expected for f's code (counted). */
    static void hessianAgrees(String what, Fn f, double[] x, boolean bySweeps) {
        long before = SecondOrder.FALLBACKS.get();
        long swept = SecondOrder.HESSIANS_BY_SWEEPS.get();
        double[][] got = hessian(f, x);
        assertEquals(before, SecondOrder.FALLBACKS.get(), what + ": a sweep met a node without tangents");
        assertEquals(swept + (bySweeps ? 1 : 0), SecondOrder.HESSIANS_BY_SWEEPS.get(),
                what + (bySweeps ? ": not by the sweeps" : ": by the sweeps, not the one pass with n tangents"));
        double[][] forwardOverReverse = Functional.hessian(dev.wengert.core.Mode.FORWARD, dev.wengert.core.Mode.REVERSE, f, x);
        double[][] reverseOverReverse = Functional.hessian(dev.wengert.core.Mode.REVERSE, dev.wengert.core.Mode.REVERSE, f, x);
        double scale = 1;
        for (double[] row : forwardOverReverse) {
            for (double w : row) {
                scale = Math.max(scale, Math.abs(w));
            }
        }
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                assertEquals(forwardOverReverse[i][j], got[i][j], 1e-12 * scale, what + ": H" + i + j);
                assertEquals(reverseOverReverse[i][j], got[i][j], 1e-12 * scale, what + ": H" + i + j + " (reverse over reverse)");
            }
        }
    }

    @Test
    void theHessianChoosesForwardOverReverseOnTheRecordedNodes() {
        double[] x = point(12, 9);
        hessianAgrees("scalar code", v -> v[0].times(v[1]).sin().plus(v[2].div(v[3].square().plus(1)))
                .plus(exp(v[4].minus(v[5])).times(v[6])).plus(max(v[7], v[8]).times(v[9])).plus(atan2(v[10], v[11])), x, false);
        hessianAgrees("tensor code", v -> {
            Tensor m = tensor(v, 0, 3, 4);
            return m.matmul(m.transpose()).exp().sum().plus(m.logsumexp(1).square().sum()).plus(m.softmax().dot(m));
        }, x, true);
        assertArrayEquals(new double[][] {{4, 2}, {2, 0}}, hessian(v -> v[0].square().times(v[1]), 1.0, 2.0));
        assertArrayEquals(new double[][] {{0, 0}, {0, 0}}, hessian(v -> constant(3), 1.0, 2.0), "f does not depend on x");
        // a forward derivative inside tensor code records ordinary nodes on the tape: the sweeps take it
        hessianAgrees("a derivative inside", v -> tensor(v).square().sum().times(derivative(t -> t.times(v[1]).sin(), v[0])),
                new double[] {0.3, 0.7}, true);
        // a first-order user rule has no second-order tangent: the nested way, which says why it cannot either
        var cube = rule("cube", q -> q * q * q, q -> 3 * q * q);
        long before = SecondOrder.FALLBACKS.get();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> hessian(v -> tensor(v).square().sum().plus(cube.apply(v[0])), 0.3, 0.7));
        assertTrue(e.getMessage().contains("first-order only"), e.getMessage());
        assertEquals(before + 1, SecondOrder.FALLBACKS.get(), "the nested way, once");
    }
}
