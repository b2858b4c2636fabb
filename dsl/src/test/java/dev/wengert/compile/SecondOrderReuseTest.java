package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.WengertException;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.SecondOrderBitsTest.bits;
import static dev.wengert.compile.SecondOrderBitsTest.threePasses;
import static org.junit.jupiter.api.Assertions.*;

/**
 * hvp and hessian record on one program per thread, restarted call after call with its arrays
 * (the tape's, the opcodes', the sweeps'): every product has the bits of the three separate
 * passes over a fresh recording ({@link SecondOrderBitsTest#threePasses}), whatever the
 * calls before it recorded — another function, another size, the same size laid out
 * otherwise, a recording or a sweep that threw half way — and the reuse is counted.
 */
class SecondOrderReuseTest {

    /** kmeans' cost as tensors: k centroids of dimension d (the inputs) against n points. */
    static Fn kmeans(int k, int n, int d, long seed) {
        double[] points = SecondOrderTest.point(n * d, seed);
        Tensor p = tensor(points, n, d);
        Tensor pt = p.transpose();
        return c -> {
            Tensor cm = tensor(c, 0, k, d);
            return cm.matmul(pt).times(-2).plus(p.square().sum(1)).plus(cm.square().sum(1).reshape(k, 1)).amin(0).sum();
        };
    }

    // three functions of 4 inputs recorded on the same number of nodes (17), laid out otherwise:
    // blocks at positions 4–12, scalar nodes only (the sweeps then form only the tangents they
    // read), and blocks after a scalar node
    static final Fn BLOCKS = v -> tensor(v).square().sum().sin().times(v[1]).div(v[2]).plus(1);
    static final Fn SCALAR = v -> v[0].times(v[1]).plus(v[2].times(v[3])).square().sin().times(v[0]).times(v[3])
            .plus(v[1]).times(v[2]).minus(v[0]).div(v[3]).square().exp();
    static final Fn SHIFTED = v -> v[0].sin().times(tensor(v).exp().sum()).div(v[2]).square();

    /** Positions f records at x on a fresh program. */
    static int size(Fn f, double[] x) {
        Program p = new Program("a test's tape");
        Num[] in = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = p.parameter(x[i]);
        }
        f.apply(in);
        return p.storage().size();
    }

    /** hvp(f, x, v) on this thread (its spare program) has the bits of the three passes on a fresh recording. */
    static void fresh(String what, Fn f, double[] x, double[] v) {
        double[] want = threePasses(f, x, v);
        double[] got = hvp(f, x, v);
        assertArrayEquals(bits(want), bits(got), what + ": want " + Arrays.toString(want) + ", got " + Arrays.toString(got));
    }

    static double[] direction(int n, long seed) {
        double[] v = SecondOrderTest.point(n, seed);
        for (int i = 0; i < n; i++) {
            v[i] -= 0.5;
        }
        return v;
    }

    @Test
    void interleavedProductsOfOtherFunctionsAndShapesHaveTheBitsOfFreshRecordings() {
        double[] x4 = SecondOrderTest.point(4, 1);
        int blocks = size(BLOCKS, x4);
        assertEquals(blocks, size(SCALAR, x4), "the scalar function's recording is the blocks' size");
        assertEquals(blocks, size(SHIFTED, x4), "the shifted blocks' recording is the blocks' size");
        Fn small = kmeans(3, 7, 2, 2);
        Fn large = kmeans(4, 11, 3, 3);
        double[] c6 = SecondOrderTest.point(6, 4);
        double[] c12 = SecondOrderTest.point(12, 5);
        hvp(BLOCKS, x4, direction(4, 6));                        // the thread has a spare from here on
        long before = SecondOrder.REUSES.get();
        int calls = 0;
        for (int round = 0; round < 2; round++) {
            fresh("small kmeans", small, c6, direction(6, 10 + round));
            fresh("large kmeans", large, c12, direction(12, 20 + round));
            fresh("blocks", BLOCKS, x4, direction(4, 30 + round));
            fresh("scalar, as many nodes", SCALAR, x4, direction(4, 40 + round));
            fresh("blocks elsewhere, as many nodes", SHIFTED, x4, direction(4, 50 + round));
            fresh("blocks again", BLOCKS, SecondOrderTest.point(4, 60 + round), direction(4, 70 + round));
            fresh("small kmeans at another point", small, SecondOrderTest.point(6, 80 + round), direction(6, 90 + round));
            calls += 7;
        }
        assertEquals(before + calls, SecondOrder.REUSES.get(), "every product took the thread's program over");
    }

    @Test
    void aRecordingOrASweepThatThrewLeavesNothingBehind() {
        double[] x4 = SecondOrderTest.point(4, 7);
        double[] v = direction(4, 8);
        fresh("before", BLOCKS, x4, v);
        // f throws half way through its recording
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> hvp(x -> {
            tensor(x).square().sum();
            throw new IllegalStateException("f failed");
        }, x4, v));
        assertEquals("f failed", thrown.getMessage());
        fresh("after f threw", BLOCKS, x4, v);
        // f reads an input it does not have: the nested way reports it
        assertThrows(RuntimeException.class, () -> hvp(x -> tensor(x).square().sum().plus(x[9]), x4, v));
        fresh("after an index error", SHIFTED, x4, v);
        // the backward pass throws half way (a first-order rule after the blocks), on a recording
        // of the size of the next one, which then takes over arrays the pass left dirty
        var cube = rule("cube", q -> q * q * q, q -> 3 * q * q);
        Fn firstOrder = x -> tensor(x).square().sum().plus(cube.apply(x[0]));
        Fn secondOrder = x -> tensor(x).square().sum().plus(x[0].sin());
        assertEquals(size(secondOrder, x4), size(firstOrder, x4));
        long fallbacks = SecondOrder.FALLBACKS.get();
        RuntimeException e = assertThrows(RuntimeException.class, () -> hvp(firstOrder, x4, v));
        assertTrue(e.getMessage().contains("first-order only"), e.getMessage());
        assertEquals(fallbacks + 1, SecondOrder.FALLBACKS.get(), "the sweep stopped half way");
        fresh("after a sweep threw", secondOrder, x4, v);
        fresh("and again", secondOrder, x4, direction(4, 9));
    }

    @Test
    void anHvpInsideFAndAHessianBetweenProducts() {
        double[] x4 = SecondOrderTest.point(4, 11);
        double[] v = direction(4, 12);
        Fn inner = SCALAR;
        // f calls hvp while its own recording is under way: the inner call gets a program of its own
        Fn outer = x -> {
            double w = hvp(inner, new double[] {0.4, 0.5, 0.6, 0.7}, new double[] {1, 0, 0, 1})[0];
            return tensor(x).square().sum().times(w).plus(x[1].exp());
        };
        fresh("an hvp inside f", outer, x4, v);
        fresh("after it", outer, x4, v);
        double[][] h = hessian(SHIFTED, x4);
        for (int j = 0; j < 4; j++) {
            double[] e = new double[4];
            e[j] = 1;
            double[] column = threePasses(SHIFTED, x4, e);
            for (int i = 0; i < 4; i++) {
                assertEquals(Double.doubleToLongBits(column[i]), Double.doubleToLongBits(h[i][j]), "H" + i + j);
            }
        }
        fresh("after a Hessian", BLOCKS, x4, v);
    }

    @Test
    void aValueOfAnEarlierProductIsRefusedOnceTheProgramIsReused() {
        Num[] kept = new Num[1];
        double[] x = {0.5, 1.5};
        double[] v = {1, -1};
        hvp(y -> {
            kept[0] = y[0].square();
            return kept[0].times(y[1]);
        }, x, v);
        hvp(SCALAR, SecondOrderTest.point(4, 13), direction(4, 14));
        WengertException e = assertThrows(WengertException.class, () -> kept[0].plus(1));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void threadsEachRecordOnTheirOwnProgram() throws Exception {
        Fn[] fs = {kmeans(3, 7, 2, 21), BLOCKS, SCALAR, SHIFTED};
        double[][] xs = {SecondOrderTest.point(6, 22), SecondOrderTest.point(4, 23), SecondOrderTest.point(4, 24),
                SecondOrderTest.point(4, 25)};
        double[][] vs = {direction(6, 26), direction(4, 27), direction(4, 28), direction(4, 29)};
        long[][] want = new long[fs.length][];
        for (int k = 0; k < fs.length; k++) {
            want[k] = bits(threePasses(fs[k], xs[k], vs[k]));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    for (int call = 0; call < 200; call++) {
                        int k = (call + offset) % fs.length;
                        assertArrayEquals(want[k], bits(hvp(fs[k], xs[k], vs[k])), "function " + k + ", call " + call);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
