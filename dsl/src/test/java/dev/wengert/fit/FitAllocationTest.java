package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static dev.wengert.compile.AllocatedBytes.allocated;
import static dev.wengert.compile.AllocatedBytes.counter;
import static dev.wengert.compile.WithThreads.withThreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a fit allocates, counted in bytes on the calling thread (one thread for the passes, so
 * the count is the fit's), not timed: the points of a fit reuse the arrays of the points the
 * solver dropped, so a warm fit of a 2-parameter model allocates a few copies of its rows'
 * arrays in all, not a few per evaluated point, and an iteration more costs O(p²) bytes, not
 * O(n). And a point's arrays are never reused while someone holds it: a released point that is
 * read fails loudly.
 */
class FitAllocationTest {
    static final int ROWS = 10_000;
    /**
     * Bytes per row of a warm Michaelis–Menten fit of 10⁴ rows (5 iterations, 5 evaluations), at
     * most. 405 before the points reused their arrays (JMH's gc.alloc.rate.norm: 4.05 MB a fit);
     * 211 measured when written (the fewest of six warm fits, one thread). Of those, the first
     * pass's recording (Num objects, the tape's growth: another effort's) is about 130; the rest
     * is the fit's copy of x, y and the weights (24), the compiled rows' constant column (8: x,
     * used in two slots, kept once), one model slab (values and Jacobian, 24) and one set of
     * residuals (8) that every point of the fit reuses, √w (8), the curvature weights (8) and
     * the result's fitted values (8). The bound leaves 18% headroom.
     */
    static final double BYTES_PER_ROW = 250;
    /**
     * An evaluation more, at most: its p-sized arrays, LM's QR of p + 1 columns, and (p + 1)²
     * doubles per chunk of 4,096 rows (the TSQR's R factors); 2.2 kB measured when written at 10⁴
     * rows, against 24 bytes per row (240 kB) for each point's fresh arrays before.
     */
    static final double BYTES_PER_EXTRA_EVALUATION = 4_096;

    private static long warmFit(Supplier<FitResult> fit, int[] evaluations) {
        var mx = counter();
        long fewest = Long.MAX_VALUE;
        for (int k = 0; k < 6; k++) {
            long before = allocated(mx);
            FitResult r = fit.get();
            fewest = Math.min(fewest, allocated(mx) - before);
            assertTrue(r.converged(), r.reason());
            evaluations[0] = r.evaluations();
        }
        return fewest;
    }

    @Test
    void aWarmFitAllocatesAFewCopiesOfItsRowsNotOnePerPoint() {
        double[][] d = FitBitsTest.mm(ROWS, 19);
        int[] near = new int[1];
        int[] far = new int[1];
        long nearBytes = withThreads("1", () -> warmFit(() -> Fitter.of(FitBitsTest.MM).start(1.5, 0.5).to(d[0], d[1]),
                near));
        long farBytes = withThreads("1", () -> warmFit(() -> Fitter.of(FitBitsTest.MM).start(100, 50).to(d[0], d[1]),
                far));
        double perRow = (double) nearBytes / ROWS;
        double perExtra = (double) (farBytes - nearBytes) / (far[0] - near[0]);
        System.out.printf("warm MM fit of %d rows: %d bytes (%.1f per row), %d evaluations; from far: %d bytes, %d "
                + "evaluations (%.0f bytes per extra evaluation)%n", ROWS, nearBytes, perRow, near[0], farBytes, far[0],
                perExtra);
        assertTrue(perRow <= BYTES_PER_ROW, perRow + " bytes per row allocated by a warm fit of " + ROWS + " rows");
        assertTrue(far[0] >= near[0] + 10, "the far start takes many more evaluations: " + far[0] + " vs " + near[0]);
        assertTrue(perExtra <= BYTES_PER_EXTRA_EVALUATION, perExtra + " bytes per extra evaluation ("
                + (farBytes - nearBytes) + " bytes for " + (far[0] - near[0]) + " evaluations more)");
    }

    /** The solver's points recycle a bounded number of array sets, whatever the iterations: bounded, robust, restarts. */
    @Test
    void theSolversMakeAFewArraySetsWhateverTheirIterations() {
        double[][] d = FitBitsTest.mm(2_000, 5);
        NistFile mgh09 = NistFile.read("MGH09");
        NistFile mgh17 = NistFile.read("MGH17");
        double inf = Double.POSITIVE_INFINITY;
        double[] far = {100, 50};
        record Case(String name, Model model, double[] x, double[] y, double[] start, double[] hi, Loss loss) {
        }
        for (Case c : new Case[] {
                new Case("far start", FitBitsTest.MM, d[0], d[1], far, new double[] {inf, inf}, Loss.LINEAR),
                new Case("bounded", FitBitsTest.MM, d[0], d[1], far, new double[] {1.9, inf}, Loss.LINEAR),
                new Case("huber", FitBitsTest.MM, d[0], d[1], far, new double[] {inf, inf}, Loss.HUBER),
                new Case("MGH09 restarts", NistModels.model("MGH09"), column(mgh09.x()), mgh09.y(), mgh09.starts()[0],
                        new double[] {inf, inf, inf, inf}, Loss.LINEAR),
                new Case("MGH17, trials where exp overflows", NistModels.model("MGH17"), column(mgh17.x()), mgh17.y(),
                        mgh17.starts()[0], new double[] {inf, inf, inf, inf, inf}, Loss.LINEAR),
                new Case("MGH17 bounded", NistModels.model("MGH17"), column(mgh17.x()), mgh17.y(),
                        mgh17.starts()[0], new double[] {inf, inf, inf, 1, inf}, Loss.LINEAR)}) {
            int k = c.start.length;
            String[] names = new String[k];
            double[] lo = new double[k];
            for (int j = 0; j < k; j++) {
                names[j] = "b" + (j + 1);
                lo[j] = Double.NEGATIVE_INFINITY;
            }
            Residuals f = new Residuals(c.model, FitData.fromColumn(c.x, c.y, null, FitData.WeightKind.NONE,
                    MissingValues.REFUSE), null, names);
            ParameterSet ps = new ParameterSet(names, c.start, new boolean[k], lo, c.hi);
            f.checkStart(c.start);
            LeastSquares ls = new LeastSquares(f, ps, f.responses(), f.weights(), c.loss, 0.05);
            Solver.Solution s = withThreads("1", () -> Solver.solve(ls, ps.freeOf(c.start), 500));
            FitAssembly.assemble(ls, f, s, false, 0);
            int[] made = ls.arraysMade();
            // LM holds one point at a time and lets go of it before the next is evaluated; the
            // bounded LM holds two (the current one and its trial); so do their points' arrays
            int sets = java.util.Arrays.stream(c.hi).anyMatch(Double::isFinite) ? 2 : 1;
            assertTrue(made[0] == sets && made[1] == sets, c.name + ": " + made[0] + " model slabs and " + made[1]
                    + " row sets made for " + s.evaluations() + " evaluations, not " + sets);
            assertTrue(s.evaluations() >= 10, c.name + " takes many evaluations: " + s.evaluations());
        }
    }

    private static double[] column(double[][] x) {
        double[] c = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i][0];
        }
        return c;
    }

    @Test
    void aReleasedPointCannotBeRead() {
        double[][] d = FitBitsTest.mm(100, 3);
        Residuals f = new Residuals(FitBitsTest.MM, FitData.fromColumn(d[0], d[1], null, FitData.WeightKind.NONE,
                MissingValues.REFUSE), null, new String[] {"a", "b"});
        ParameterSet ps = ParameterSet.unconstrained(new String[] {"a", "b"}, new double[] {1.5, 0.5});
        LeastSquares ls = new LeastSquares(f, ps, f.responses(), f.weights(), Loss.LINEAR, 1.0);
        LeastSquares.Point a = ls.at(new double[] {1.5, 0.5});
        double[] aValues = a.eval().values().clone();
        LeastSquares.Point again = ls.at(new double[] {1.5, 0.5});
        assertTrue(a == again, "the last point is handed out again, held twice");
        a.release();
        // still held once (again): its arrays are its own
        LeastSquares.Point b = ls.at(new double[] {1.9, 0.7});
        assertEquals(java.util.Arrays.toString(aValues), java.util.Arrays.toString(again.eval().values()),
                "a point held is not overwritten by the next evaluation");
        again.release();
        LeastSquares.Point c = ls.at(new double[] {2.0, 0.8});       // may reuse a's arrays now
        assertThrows(IllegalStateException.class, () -> a.eval(), "a released point's arrays are not read");
        assertThrows(IllegalStateException.class, () -> a.rt());
        assertThrows(IllegalStateException.class, () -> a.gradient());
        assertThrows(IllegalStateException.class, a::release, "released more often than handed out");
        assertTrue(b.finite() && c.finite());
        assertTrue(b.eval().values() != c.eval().values(), "two held points never share a slab of other parameters");
        b.release();
        c.release();
    }
}
