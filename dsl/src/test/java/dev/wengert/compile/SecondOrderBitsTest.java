package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Functional;
import dev.wengert.core.Num;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The compiled Hessian–vector product after its passes were fused (issue 20 part 3): its bits
 * against the three separate passes it replaced ({@link ThreePassHvp}) at edge values (signed
 * zeros, an infinite partial reached or not, overflow, directions with zero components), and
 * when it skips its replay — only when the tape's arrays hold every value and partial for the
 * very same x, counted.
 */
class SecondOrderBitsTest {
    private String saved;
    private String savedVerdict;
    private String savedWarmup;

    @BeforeEach
    void noGeneratedCodeUnlessAsked() {
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
        savedWarmup = System.getProperty("wengert.codegen.warmup");
        System.setProperty("wengert.codegen", "off");
    }

    @AfterEach
    void restore() {
        GeneratedLoopsTest.restore("wengert.codegen", saved);
        GeneratedLoopsTest.restore("wengert.codegen.verdict", savedVerdict);
        GeneratedLoopsTest.restore("wengert.codegen.warmup", savedWarmup);
    }

    /** Bit patterns: −0.0 differs from 0.0 here (all NaNs are one). */
    static long[] bits(double[] d) {
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToLongBits(d[i]);
        }
        return b;
    }

    /** H·v by the three separate passes on a fresh recording of f at x. */
    static double[] threePasses(Fn f, double[] x, double[] v) {
        Program p = new Program("the oracle's tape");
        Num[] in = new Num[x.length];
        int[] leaves = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = p.parameter(x[i]);
            leaves[i] = in[i].position();
        }
        int root = p.positionOf(f.apply(in));
        double[] out = new double[x.length];
        try {
            if (root >= 0) {
                ThreePassHvp.sweeps(p, leaves, root, v, out);
            }
        } finally {
            p.discard();
        }
        return out;
    }

    private static void sameBits(double[] want, double[] got, String what) {
        assertArrayEquals(bits(want), bits(got), what + ": want " + Arrays.toString(want) + ", got " + Arrays.toString(got));
    }

    /** f, x, v: H·v fused (recorded, and compiled with and without a gradient before it) has the three passes' bits. */
    private static void sameBitsEveryWay(String what, Fn f, double[] x, double[] v) {
        double[] want = threePasses(f, x, v);
        sameBits(want, hvp(f, x, v), what + ", recorded");
        CompiledFn c = compile(f, x);
        sameBits(want, c.hvp(x, v), what + ", compiled");
        c.gradient(x);
        sameBits(want, c.hvp(x, v), what + ", compiled after a gradient at x");
    }

    @Test
    void edgeValuesKeepTheirBits() {
        // a reached node with an infinite partial and a zero adjoint: 0·∞ = NaN, as the full sweep has it
        sameBitsEveryWay("√0 reached by a zero adjoint", x -> x[0].square().plus(sqrt(x[1]).times(0.0)),
                new double[] {1.5, 0.0}, new double[] {1, 1});
        // an infinite partial on a node the sweep never reaches: skipped, no NaN
        sameBitsEveryWay("√0 not reached", x -> {
            sqrt(x[1]);
            return x[0].times(x[0]).times(x[1].plus(1));
        }, new double[] {1.5, 0.0}, new double[] {1, 1});
        // signed zeros through products, negation and division
        sameBitsEveryWay("signed zeros", x -> x[0].times(x[1]).neg().plus(x[1].div(x[2]).times(x[0])),
                new double[] {-0.0, 0.0, -2.0}, new double[] {-0.0, 1.0, 0.0});
        // zero components of the direction: the tangent sums skip them (a zero tangent never meets ∞)
        sameBitsEveryWay("zero tangents", x -> atan2(x[0], x[1]).plus(pow(x[1], x[2])).plus(x[0].reciprocal()),
                new double[] {0.7, 1.3, 2.5}, new double[] {0, 1, 0});
        // overflow: an infinite value and partial
        sameBitsEveryWay("overflow", x -> exp(x[0]).times(x[1]).plus(x[1].square()), new double[] {1000, 2},
                new double[] {1, 1});
        // the minimum of recorded values (kmeans' form), with a tie
        sameBitsEveryWay("min with a tie", x -> x[0].minus(1).square().min(x[1].minus(1).square()).plus(x[0].times(x[1])),
                new double[] {3, -1}, new double[] {1, 1});
        // n-ary rules, one of them with a constant argument in place
        sameBitsEveryWay("n-ary", x -> logsumexp(x[0], constant(0.5), x[1].square()).times(sum(x[0], x[1], x[2])),
                new double[] {0.3, -0.4, 1.1}, new double[] {1, -2, 0.5});
        // array operations as blocks, into scalar code
        sameBitsEveryWay("tensor", x -> tensor(x, 0, 2, 2).matmul(tensor(x, 0, 2, 2)).exp().sum().times(x[1]),
                new double[] {0.1, 0.2, -0.3, 0.4}, new double[] {1, 0, -1, 2});
    }

    @Test
    void theProductIsTheHessiansColumnByIndependentWays() {
        // kmeans' cost on three points, two centroids in 2-d: H = 2·(cluster size)·I per centroid
        double[] pts = {0, 0, 1, 0, 5, 5};
        Fn cost = c -> {
            Num total = constant(0);
            for (int i = 0; i < 3; i++) {
                Num closest = null;
                for (int j = 0; j < 2; j++) {
                    Num d = constant(0);
                    for (int t = 0; t < 2; t++) {
                        d = d.plus(minus(pts[2 * i + t], c[2 * j + t]).square());
                    }
                    closest = j == 0 ? d : closest.min(d);
                }
                total = total.plus(closest);
            }
            return total;
        };
        double[] x = {0.5, 0.1, 4, 4};
        CompiledFn c = compile(cost, x);
        double[] g = new double[4];
        c.valueAndGradientInto(x, g);
        int skipped = c.hvpReplaysSkipped();
        double[] h = c.hvp(x, new double[] {1, 1, 1, 1});
        assertEquals(skipped + 1, c.hvpReplaysSkipped(), "the gradient's replay was current: no replay");
        assertArrayEquals(new double[] {4, 4, 2, 2}, h, "2·(points in the cluster) per coordinate, exactly");
        assertArrayEquals(Functional.hvp(cost, x, new double[] {1, 1, 1, 1}), h, 0.0, "the nested way");
    }

    private static final Fn CURVED = x -> x[0].square().times(x[1]).plus(sin(x[1].times(x[2]))).plus(x[2].div(x[0]));

    @Test
    void aGradientAtTheSameXLeavesTheReplayCurrent() {
        double[] x = {1.2, -0.7, 0.4};
        double[] v = {0.3, 1, -2};
        CompiledFn c = compile(CURVED, new double[] {2, 2, 2});
        c.valueAndGradientInto(x, new double[3]);
        assertEquals(0, c.hvpReplaysSkipped());
        sameBits(threePasses(CURVED, x, v), c.hvp(x, v), "after a gradient at x");
        assertEquals(1, c.hvpReplaysSkipped(), "no replay after a gradient at the same x");
        // a product replays nothing either: the first one left the arrays as they were
        sameBits(threePasses(CURVED, x, new double[] {1, 0, 0}), c.hvp(x, new double[] {1, 0, 0}), "a second product");
        assertEquals(2, c.hvpReplaysSkipped());
        // and leaves the gradient as it was: a gradient afterwards has a fresh recording's bits
        double[] g = new double[3];
        c.valueAndGradientInto(x, g);
        sameBits(gradient(CURVED, x), g, "a gradient after products");
    }

    @Test
    void anythingElseReplays() {
        double[] x = {1.2, -0.7, 0.4};
        double[] y = {0.9, 0.5, -1.5};
        double[] v = {0.3, 1, -2};
        double[] want = threePasses(CURVED, x, v);
        assertFalse(Arrays.equals(bits(want), bits(threePasses(CURVED, y, v))),
                "at y the product differs: a stale replay would show");
        CompiledFn c = compile(CURVED, y);
        // a values-only replay at x leaves the partials of the last gradient's point, y
        c.gradient(y);
        c.value(x);
        sameBits(want, c.hvp(x, v), "after a value at x");
        assertEquals(0, c.hvpReplaysSkipped(), "a values-only replay is not enough");
        // a gradient at a point one ulp away
        double[] near = x.clone();
        near[1] = Math.nextUp(near[1]);
        c.gradient(near);
        sameBits(want, c.hvp(x, v), "after a gradient one ulp away");
        assertEquals(0, c.hvpReplaysSkipped(), "x must match bit for bit");
        // −0.0 is not 0.0: 1/x tells them apart
        Fn inv = z -> z[0].reciprocal().times(z[1]);
        CompiledFn d = compile(inv, 1, 1);
        d.gradient(0.0, 1.0);
        sameBits(threePasses(inv, new double[] {-0.0, 1}, new double[] {1, 1}), d.hvp(new double[] {-0.0, 1},
                new double[] {1, 1}), "after a gradient at +0");
        assertEquals(0, d.hvpReplaysSkipped(), "−0.0 and 0.0 differ in their bits");
    }

    @Test
    void aBranchChangeRecordsAgainAndIsNotSkipped() {
        Fn f = x -> x[0].gt(0) ? x[0].square().times(x[1]) : x[0].neg().times(x[1].square());
        CompiledFn c = compile(f, 1, 1);
        c.gradient(2, 3);
        double[] v = {1, -1};
        sameBits(threePasses(f, new double[] {-2, 3}, v), c.hvp(new double[] {-2, 3}, v), "the other branch");
        assertEquals(2, c.recordings(), "recorded again for the other branch");
        assertEquals(0, c.hvpReplaysSkipped());
        // the new recording was made at x: a gradient there replays it, and the product then does not
        c.gradient(-2, 3);
        sameBits(threePasses(f, new double[] {-2, 3}, v), c.hvp(new double[] {-2, 3}, v), "after its gradient");
        assertEquals(1, c.hvpReplaysSkipped());
    }

    @Test
    void generatedLoopsKeepPartialsInLocalsSoTheProductReplays() {
        System.setProperty("wengert.codegen", "0");
        System.setProperty("wengert.codegen.verdict", "keep");
        System.setProperty("wengert.codegen.warmup", "false");
        double[] data = new double[200];
        for (int k = 0; k < data.length; k++) {
            data[k] = 0.01 * k - 0.5;
        }
        Fn f = x -> {
            Num s = constant(0);
            for (double d : data) {
                s = s.plus(minus(d, x[0]).square().times(x[1]).plus(exp(x[1].times(d))));
            }
            return s;
        };
        double[] x = {0.3, 0.2};
        double[] v = {1, -0.5};
        CompiledFn c = GeneratedLoopsTest.generated(f, x);
        assertTrue(c.generatedOperations() > 0, "the loop runs as generated code: " + c);
        double[] want = threePasses(f, x, v);
        c.valueAndGradientInto(x, new double[2]);
        sameBits(want, c.hvp(x, v), "after a generated gradient");
        assertEquals(0, c.hvpReplaysSkipped(), "a generated gradient leaves partials in locals: replayed");
        // the product's own replay interprets every node: a second product at x needs none
        sameBits(want, c.hvp(x, v), "a second product");
        assertEquals(1, c.hvpReplaysSkipped());
        // a generated gradient in between makes the arrays stale again
        double[] g = new double[2];
        c.valueAndGradientInto(x, g);
        sameBits(gradient(f, x), g, "the generated gradient after products");
        sameBits(want, c.hvp(x, v), "after another generated gradient");
        assertEquals(1, c.hvpReplaysSkipped());
        // and a values-only replay, generated too
        c.value(x);
        sameBits(want, c.hvp(x, v), "after a generated value");
        assertEquals(1, c.hvpReplaysSkipped());
    }

    /** f recorded on a fresh program at x: the program, its leaves, its root. */
    private record Rec(Program p, int[] leaves, int root) {
        static Rec of(Fn f, double... x) {
            Program p = new Program("a test's tape");
            Num[] in = new Num[x.length];
            int[] leaves = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = p.parameter(x[i]);
                leaves[i] = in[i].position();
            }
            return new Rec(p, leaves, p.positionOf(f.apply(in)));
        }

        double[] fused(double[] v) {
            double[] out = new double[leaves.length];
            SecondOrder.sweeps(p, leaves, root, v, out);
            return out;
        }

        double[] threePasses(double[] v) {
            double[] out = new double[leaves.length];
            ThreePassHvp.sweeps(p, leaves, root, v, out);
            return out;
        }
    }

    private static void assertClean(Program.Scratch sc, String what) {
        for (int i = 0; i < sc.adjoints.length; i++) {
            if (sc.adjoints[i] != 0 || Double.doubleToRawLongBits(sc.adjointTangents[i]) != 0 || sc.reached[i]) {
                fail(what + ": node #" + i + " left with adjoint " + sc.adjoints[i] + ", its tangent "
                        + sc.adjointTangents[i] + ", reached " + sc.reached[i]);
            }
        }
        assertTrue(sc.clean, what);
    }

    @Test
    void theBackwardPassLeavesItsArraysClean() {
        Rec r = Rec.of(CURVED, 1.2, -0.7, 0.4);
        double[] v = {0.3, 1, -2};
        sameBits(r.threePasses(v), r.fused(v), "first product");
        assertFalse(r.p().scratch().bareNodes);
        assertClean(r.p().scratch(), "after a product");
        sameBits(r.threePasses(new double[] {0, 1, 0}), r.fused(new double[] {0, 1, 0}), "second product");
        assertClean(r.p().scratch(), "after a second product");
        // a pass that stopped half way (it threw) leaves them dirty: the next clears them all first
        Program.Scratch sc = r.p().scratch();
        Arrays.fill(sc.adjoints, Double.NaN);
        Arrays.fill(sc.adjointTangents, 7.0);
        Arrays.fill(sc.reached, true);
        sc.clean = false;
        sameBits(r.threePasses(v), r.fused(v), "after a dirty pass");
        assertClean(sc, "after a product that started dirty");
        // with array operations (their blocks are cleared as ranges) and a root that is a leaf
        Rec t = Rec.of(x -> tensor(x, 0, 2, 2).matmul(tensor(x, 0, 2, 2)).exp().sum().times(x[1]), 0.1, 0.2, -0.3, 0.4);
        sameBits(t.threePasses(new double[] {1, 0, -1, 2}), t.fused(new double[] {1, 0, -1, 2}), "tensor");
        assertClean(t.p().scratch(), "after a product through blocks");
        Rec leaf = Rec.of(x -> x[1], 3, 4);
        sameBits(new double[] {0, 0}, leaf.fused(new double[] {1, 1}), "f returns a leaf");
        assertClean(leaf.p().scratch(), "after a product of a leaf");
    }

    @Test
    void aLeafRecordedAfterTheFirstOperation() {
        Program p = new Program("late leaves");
        Num a = p.parameter(0.7);
        Num u = a.square().times(3);
        Num b = p.parameter(-1.3);                     // a leaf among the operations: a bare node above first
        Num y = u.times(b).plus(sin(b.times(a)));
        Rec r = new Rec(p, new int[] {a.position(), b.position()}, p.positionOf(y));
        assertTrue(p.scratch().bareNodes);
        for (double[] v : new double[][] {{1, 2}, {0, 1}, {-0.5, 0}}) {
            double[] want = r.threePasses(v);
            sameBits(want, r.fused(v), "late leaf, v = " + Arrays.toString(v));
            // H = [[6b − b²·sin(ab), 6a + cos(ab) − ab·sin(ab)], [·, −a²·sin(ab)]]
            double av = 0.7;
            double bv = -1.3;
            double h00 = 6 * bv - bv * bv * Math.sin(av * bv);
            double h01 = 6 * av + Math.cos(av * bv) - av * bv * Math.sin(av * bv);
            double h11 = -av * av * Math.sin(av * bv);
            assertEquals(h00 * v[0] + h01 * v[1], want[0], 1e-12, "analytic (Hv)0");
            assertEquals(h01 * v[0] + h11 * v[1], want[1], 1e-12, "analytic (Hv)1");
        }
    }

    @Test
    void aProductAllocatesOnlyItsResult() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // kmeans' operations (a constant minus an input, square, add, min of recorded values), mul and div
        double[] pts = new double[60];
        for (int k = 0; k < pts.length; k++) {
            pts[k] = Math.sin(k);
        }
        Fn f = c -> {
            Num total = constant(0);
            for (int i = 0; i < 30; i++) {
                Num closest = null;
                for (int j = 0; j < 2; j++) {
                    Num d = constant(0);
                    for (int t = 0; t < 2; t++) {
                        d = d.plus(minus(pts[2 * i + t], c[2 * j + t]).square());
                    }
                    closest = j == 0 ? d : closest.min(d);
                }
                total = total.plus(closest.times(c[i % 4]).div(c[(i + 1) % 4]));
            }
            return total;
        };
        double[] x = {0.5, 0.1, -0.4, 0.3};
        double[] v = {1, -1, 0.5, 2};
        CompiledFn c = compile(f, x);
        assertTrue(c.size() > 400, c.toString());
        for (int k = 0; k < 3_000; k++) {
            x[k % 4] += 1e-9;                           // a new point: every product replays
            c.hvp(x, v);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 1_000; k++) {
            x[k % 4] -= 1e-9;
            c.hvp(x, v);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // the result (48 bytes) per product: 48 KB; 16 bytes per node would be over 6 MB
        assertTrue(allocated < 128 * 1024, "1,000 products allocated " + allocated + " bytes");
        assertEquals(0, c.hvpReplaysSkipped());
        assertEquals(1, c.recordings());
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    @Test
    void onlyTheTangentsTheBackwardPassReadsAreFormed() {
        // Σ (pᵢ − x_{i mod 2})²: the squares read their operands' tangents, nothing reads the
        // squares' or the sums': 50 differences and the 2 leaves
        double[] pts = new double[50];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = Math.cos(i);
        }
        Fn f = x -> {
            Num s = constant(0);
            for (int i = 0; i < pts.length; i++) {
                s = s.plus(minus(pts[i], x[i % 2]).square());
            }
            return s.min(x[0].plus(100));
        };
        Rec r = Rec.of(f, 0.25, -0.5);
        boolean[] need = SecondOrder.neededTangents(r.p());
        assertEquals(52, count(need), "the differences and the leaves");
        for (double[] v : new double[][] {{1, 0}, {0.5, -2}}) {
            double[] h = r.fused(v);
            sameBits(r.threePasses(v), h, "pruned tangents");
            assertArrayEquals(new double[] {50 * v[0], 50 * v[1]}, h, 0.0, "2·25 per coordinate");
        }
        // a product reads both operands' tangents, and they read theirs: everything below it
        Rec m = Rec.of(x -> x[0].plus(x[1]).times(x[0].minus(x[1])).plus(x[1].times(3)), 1.5, 0.5);
        assertEquals(4, count(SecondOrder.neededTangents(m.p())), "the 2 leaves, the sum and the difference");
        sameBits(m.threePasses(new double[] {1, 1}), m.fused(new double[] {1, 1}), "a product");
        // array operations: every tangent
        assertNull(SecondOrder.neededTangents(Rec.of(x -> tensor(x).square().sum(), 1, 2).p()));
    }
}
