package dev.wengert.compile;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.VecFn;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Compiled vector functions: one recording, its Jacobian by rows or columns, vjp and jvp, guards. */
class CompiledVecFnTest {

    /** ba's reprojection block: a rotation about an axis, a projection, a radial distortion (2 outputs of 7 inputs). */
    static final VecFn PROJECT = p -> {
        Num[] rot = {p[0], p[1], p[2]};
        Num[] x = {p[3], p[4], p[5]};
        Num theta = sqrt(dot(rot, rot));
        Num[] w = {rot[0].div(theta), rot[1].div(theta), rot[2].div(theta)};
        Num[] wx = cross(w, x);
        Num c = cos(theta);
        Num tmp = dot(w, x).times(minus(1, c));
        Num[] xr = new Num[3];
        for (int i = 0; i < 3; i++) {
            xr[i] = x[i].times(c).plus(wx[i].times(sin(theta))).plus(w[i].times(tmp));
        }
        Num u = xr[0].div(xr[2]);
        Num v = xr[1].div(xr[2]);
        Num l = plus(1, u.square().plus(v.square()).times(p[6]));
        return new Num[] {u.times(l), v.times(l)};
    };

    static double[] point(long seed) {
        Random r = new Random(seed);
        return new double[] {0.1 + 0.2 * r.nextDouble(), -0.2 + 0.1 * r.nextDouble(), 0.3, 0.5 + r.nextDouble(),
            -0.3 + r.nextDouble(), 4 + r.nextDouble(), 0.01 * r.nextDouble()};
    }

    @Test
    void aTwoOutputBlockIsOneRecordingWithTheFreshJacobian() {
        CompiledVecFn c = compileVec(PROJECT, point(1));
        for (long s = 2; s < 8; s++) {
            double[] x = point(s);
            double[][] want = jacobian(PROJECT, x);
            double[][] got = c.jacobian(x);
            for (int r = 0; r < 2; r++) {
                assertArrayEquals(want[r], got[r], 0.0, "row " + r);
            }
            double[] v = c.value(x);
            assertEquals(PROJECT.apply(constant(x))[0].value(), v[0], 0.0);
            assertEquals(PROJECT.apply(constant(x))[1].value(), v[1], 0.0);
            double[] u = {0.3, -2.0};
            assertArrayEquals(vjp(PROJECT, x, u), c.vjp(x, u), 1e-15);
            double[] d = {1, 0, -1, 0.5, 0, 2, 3};
            assertArrayEquals(jvp(PROJECT, x, d), c.jvp(x, d), 1e-14);
        }
        assertEquals(1, c.recordings());
        assertEquals(2, c.outputs());
        assertTrue(c.toString().contains("7 inputs and 2 outputs"), c.toString());
    }

    @Test
    void moreOutputsThanInputsTakeColumnsByForwardSweepsAndTensorsTakeRows() {
        VecFn wide = x -> new Num[] {x[0].times(x[1]), sin(x[0]), x[1].square(), x[0].div(x[1]), constant(4)};
        CompiledVecFn c = compileVec(wide, 0.5, 2.0);
        double[] x = {1.5, -0.7};
        double[][] want = jacobian(Mode.REVERSE, wide, x);
        double[][] got = c.jacobian(x);
        for (int r = 0; r < 5; r++) {
            assertArrayEquals(want[r], got[r], 1e-15, "row " + r);
        }
        assertEquals(4.0, c.value(x)[4]);
        VecFn tensors = z -> {
            Tensor t = tensor(z, 0, 2, 2);
            Tensor r = t.matmul(t).sum(1);
            return new Num[] {r.get(0), r.get(1), t.amax(0).get(0)};
        };
        CompiledVecFn ct = compileVec(tensors, 1, 2, 3, 4);
        double[] y = {0.5, -1, 2, 0.25};
        double[][] wt = jacobian(tensors, y);
        double[][] gt = ct.jacobian(y);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(wt[r], gt[r], 1e-15, "row " + r);
        }
        assertArrayEquals(jvp(tensors, y, new double[] {1, 2, 3, 4}), ct.jvp(y, new double[] {1, 2, 3, 4}), 1e-14);
        // more outputs than inputs, with array operations: columns by forward sweeps over the blocks
        VecFn wideTensors = z -> {
            Tensor a = tensor(z, 0, 2);
            Tensor m = tensor(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).matmul(a).exp();      // 3
            Tensor s = a.square().softmax().pad(1, 1, 0.5);                               // 4
            return concat(m, s, a.reshape(1, 2).logsumexp(1)).toNums();                   // 8 outputs of 2 inputs
        };
        CompiledVecFn cw = compileVec(wideTensors, 0.1, 0.2);
        double[] w = {0.3, -0.4};
        double[][] ww = jacobian(Mode.REVERSE, wideTensors, w);
        double[][] gw = cw.jacobian(w);
        for (int r = 0; r < ww.length; r++) {
            assertArrayEquals(ww[r], gw[r], 1e-14, "row " + r);
        }
        assertArrayEquals(jvp(wideTensors, w, new double[] {1, -2}), cw.jvp(w, new double[] {1, -2}), 1e-14);
    }

    @Test
    void aFlippedBranchRecordsAgain() {
        VecFn f = x -> x[0].gt(0) ? new Num[] {x[0].square(), x[1]} : new Num[] {x[0].neg(), x[1].times(2)};
        CompiledVecFn c = compileVec(f, 1.0, 1.0);
        assertArrayEquals(new double[] {4, 0}, c.jacobian(2, 5)[0]);
        assertEquals(1, c.recordings());
        assertArrayEquals(new double[] {-1, 0}, c.jacobian(-2, 5)[0]);
        assertArrayEquals(new double[] {0, 2}, c.jacobian(-2, 5)[1]);
        assertEquals(2, c.recordings());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.value(1.0));
        assertTrue(e.getMessage().contains("2 inputs"), e.getMessage());
    }

    private static void assertSameBits(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                    what + " [" + i + "]: " + want[i] + " against " + got[i]);
        }
    }

    @Test
    void laterRowsSweepOverTheKnownReachWithTheFreshRecordingsBits() {
        // row 0 reaches √x₀ with a zero adjoint (x₁ = 0) and an infinite partial (x₀ = 0): 0·∞ is
        // NaN there, as in a fresh sweep; row 1 never reaches it, so its ∂/∂x₀ stays 0. Output 2
        // is a leaf (a row read above its own root), output 3 a constant.
        VecFn f = x -> new Num[] {sqrt(x[0]).times(x[1]), x[1].times(2).plus(x[2].square()).minus(x[3].neg()), x[0],
            constant(7)};
        CompiledVecFn c = compileVec(f, 1.0, 2.0, 3.0, 4.0);
        double[][] points = {{0.0, 0.0, 1.5, 1}, {0.25, -3.0, 0.5, -0.0}, {0.0, 2.0, -0.0, 2}, {4.0, 0.0, 1e300, 3},
            {0.0, 0.0, 1.5, 1}};
        for (int k = 0; k < points.length; k++) {
            double[][] want = jacobian(Mode.REVERSE, f, points[k]);
            double[][] got = c.jacobian(points[k]);
            double[][] into = new double[4][5];
            c.jacobianInto(points[k], into);
            for (int r = 0; r < 4; r++) {
                assertSameBits(want[r], got[r], "call " + k + ", row " + r);
                assertSameBits(want[r], java.util.Arrays.copyOf(into[r], 4), "call " + k + ", row " + r + " (into)");
                assertEquals(0.0, into[r][4], "jacobianInto writes the first n elements of a row only");
            }
        }
        assertTrue(Double.isNaN(c.jacobian(0.0, 0.0, 1.0, 1.0)[0][0]), "0·∞ where the sweep reaches √x₀ with a zero adjoint");
        assertEquals(0.0, c.jacobian(0.0, 0.0, 1.0, 1.0)[1][0], "row 1 never reaches √x₀");
        assertEquals(1, c.recordings());
        // every call after the first sweeps its three recorded rows over the reach of the first
        int calls = 2 * points.length + 2;
        assertEquals(3 * (calls - 1), c.rowsByKnownReach());
    }

    @Test
    void jacobianIntoAllocatesNothingOnceTheRowsAreKnown() {
        var mx = AllocatedBytes.counter();
        CompiledVecFn c = compileVec(PROJECT, point(1));
        double[][] j = new double[2][7];
        c.jacobianInto(point(2), j);
        long fewest = Long.MAX_VALUE;
        for (long s = 3; s < 23; s++) {
            double[] x = point(s);
            long before = AllocatedBytes.allocated(mx);
            c.jacobianInto(x, j);
            fewest = Math.min(fewest, AllocatedBytes.allocated(mx) - before);
            double[][] want = jacobian(PROJECT, x);
            assertSameBits(want[0], j[0], "row 0 at seed " + s);
            assertSameBits(want[1], j[1], "row 1 at seed " + s);
        }
        assertEquals(0, fewest, "bytes allocated by jacobianInto of " + c);
    }

    @Test
    void jacobianIntoRefusesArraysOfTheWrongShape() {
        CompiledVecFn c = compileVec(PROJECT, point(1));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> c.jacobianInto(point(2), new double[3][7]));
        assertTrue(rows.getMessage().contains("one row per output (2), not 3"), rows.getMessage());
        IllegalArgumentException cols = assertThrows(IllegalArgumentException.class, () -> c.jacobianInto(point(2), new double[][] {new double[7], new double[6]}));
        assertTrue(cols.getMessage().contains("row 1 has 6 elements but f has 7 inputs"), cols.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.jacobianInto(point(2), null));
        assertThrows(IllegalArgumentException.class, () -> c.jacobianInto(new double[3], new double[2][7]));
    }
}
