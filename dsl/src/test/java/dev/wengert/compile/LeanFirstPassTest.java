package dev.wengert.compile;

import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.CompiledRowsTest.column;
import static dev.wengert.compile.CompiledRowsTest.samePerRow;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The first pass records a row lean (values only, no inputs or partials on the tape) when the
 * row before it matched its shape. A row that then leaves the shape, reads its own tape, or
 * records something that is not a scalar or n-ary operation is recorded again in full. Whatever
 * happens, every value and gradient is a per-row reverse pass's to the bit (a forward pass's
 * for rows that cannot be replayed), and the counts of lean rows and reruns are exact.
 */
class LeanFirstPassTest {

    private static int[] lean(CompiledRows c) {
        return c.leanCounts();
    }

    @Test
    void rowsAfterTwoOfOneShapeAreRecordedLean() {
        int m = 1000;
        double[] x = column(m);
        CompiledRows c = new CompiledRows(CompiledRowsTest.MM, 2, x, 0, 1, 1, m);
        samePerRow(CompiledRowsTest.MM, c, x, 1, new double[] {2.0, 0.8});
        // row 0 makes the shape, row 1 matches it in full, rows 2 … m−1 are lean
        assertArrayEquals(new int[] {m - 2, 0}, lean(c));
        assertEquals(m, c.recordings());
        assertEquals(m - 1, c.matchedRecordings());
        samePerRow(CompiledRowsTest.MM, c, x, 1, new double[] {-0.5, 3.0});   // replays
        assertArrayEquals(new int[] {m - 2, 0}, lean(c));
    }

    @Test
    void aRowThatLeavesTheShapeAtAnyOperationIsRecordedAgainInFull() {
        int[] kinds = {0, 0, 0, 1, 0, 0, 2, 2, 0, 3, 0, 0, 0, 1, 1, 1, 3, 0, 2, 2, 2, 0, 0, 0};
        int m = kinds.length;
        double[] data = new double[2 * m];
        for (int i = 0; i < m; i++) {
            data[2 * i] = 0.3 + 0.17 * i;
            data[2 * i + 1] = kinds[i];
        }
        CompiledRows c = new CompiledRows(FirstPassMatchTest.DIVERGING, 2, data, 0, 2, 2, m);
        samePerRow(FirstPassMatchTest.DIVERGING, c, data, 2, new double[] {2.0, 0.8});
        int kept = 0;
        int again = 0;
        for (int i = 2; i < m; i++) {
            if (kinds[i - 1] == kinds[i - 2]) {           // row i−1 matched: row i is lean
                kept += kinds[i] == kinds[i - 1] ? 1 : 0;
                again += kinds[i] != kinds[i - 1] ? 1 : 0;
            }
        }
        assertTrue(kept >= 5 && again >= 5, "the data has both: " + kept + " " + again);
        assertArrayEquals(new int[] {kept, again}, lean(c));
        assertEquals(4, c.shapes());
        assertEquals(m, c.recordings(), "a row recorded lean, then in full, is one recording");
    }

    @Test
    void rowsThatChangeShapeAtRandomSoonStopBeingTriedLean() {
        // two shapes at random: half the rows after a match leave the shape, so lean recording
        // would waste more than it saves; it stops once reruns pass a quarter of the rows kept
        java.util.Random rnd = new java.util.Random(7);
        int m = 4000;
        double[] data = new double[2 * m];
        for (int i = 0; i < m; i++) {
            data[2 * i] = 0.3 + 0.001 * i;
            data[2 * i + 1] = rnd.nextBoolean() ? 1 : 0;
        }
        CompiledRows c = new CompiledRows(FirstPassMatchTest.DIVERGING, 2, data, 0, 2, 2, m);
        samePerRow(FirstPassMatchTest.DIVERGING, c, data, 2, new double[] {2.0, 0.8});
        int[] n = lean(c);
        assertTrue(n[1] >= RowRecorder.LEAN_SLACK / 4, "tried: " + n[0] + " kept, " + n[1] + " again");
        assertTrue(4 * (n[1] - 1) <= n[0] + RowRecorder.LEAN_SLACK, "the last rerun was allowed: " + n[0] + " " + n[1]);
        assertTrue(n[0] + n[1] < m / 20, "then no more lean rows: " + n[0] + " " + n[1]);
    }

    @Test
    void aRowThatReadsItsOwnTapeGetsItInFull() {
        // the model checks the structure it recorded: a lean row's check tears the lean
        // recording (the node is then one without inputs), throws, and the row runs again in full
        int[] reads = {0};
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]);
            reads[0]++;
            if (a.tape().inputs(a.position()).length != 1) {
                throw new IllegalStateException("a node recorded without its input");
            }
            return a.div(p[1].plus(x[0]));
        };
        int m = 200;
        double[] x = column(m);
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, m);
        samePerRow(f, c, x, 1, new double[] {2.0, 0.8});
        int tried = RowRecorder.LEAN_SLACK / 4 + 1;   // each torn, until reruns outnumber a quarter of none kept
        assertArrayEquals(new int[] {0, tried}, lean(c), "every lean row torn by its read, then recorded in full");
        assertEquals(m + tried + m, reads[0], "each row once, each lean row once more, and the oracle's own pass");
        assertEquals(m - 1, c.matchedRecordings());
    }

    /**
     * A model that returns the output of the row before for a repeated x (a memo) is not a
     * function of its row alone: its rows are evaluated by one forward pass. Where the repeat
     * is the first row after a cut of the tape (row 64: rows are recorded in runs of 32), the
     * output returned was cut off the tape; it used to be read as a node of the new row (an
     * index out of bounds while building its shape). Within a run (row 40, recorded lean, then
     * again in full in its place) the row before is still on the tape.
     */
    @Test
    void aModelThatReturnsTheOutputOfAnEarlierRowIsEvaluatedByAForwardPass() {
        for (int repeat : new int[] {40, 64}) {
            double[] lastX = {Double.NaN};
            Num[] lastY = {null};
            RowFn memo = (p, x) -> {
                if (x[0] == lastX[0]) {
                    return lastY[0];
                }
                lastX[0] = x[0];
                lastY[0] = CompiledRowsTest.MM.apply(p, x);
                return lastY[0];
            };
            int m = 100;
            double[] x = new double[m];
            for (int i = 0; i < m; i++) {
                x[i] = 0.5 + 0.1 * (i == repeat ? i - 1 : i);
            }
            CompiledRows c = new CompiledRows(memo, 2, x, 0, 1, 1, m);
            double[] p = {2.0, 0.8};
            double[] v = new double[m];
            double[] j = new double[2 * m];
            c.evaluate(p, v, j);
            assertFalse(c.replayed(), "row " + repeat);
            for (int i = 0; i < m; i++) {
                double[] want = CompiledRowsTest.forward(CompiledRowsTest.MM, p, new double[] {x[i]});
                assertEquals(Double.doubleToRawLongBits(want[0]), Double.doubleToRawLongBits(v[i]), "value of row " + i);
                assertEquals(Double.doubleToRawLongBits(want[1]), Double.doubleToRawLongBits(j[i]), "∂/∂p0 of row " + i);
                assertEquals(Double.doubleToRawLongBits(want[2]), Double.doubleToRawLongBits(j[m + i]), "∂/∂p1 of row " + i);
            }
        }
    }

    @Test
    void nAryNodesAreMatchedAndRecordedLeanToo() {
        // rows with x < 2.5 (the first half) are Michaelis–Menten; the others end in a sum with
        // a recorded argument, a parameter and a constant that changes from row to row
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]);
            return x[0] < 2.5 ? a.div(p[1].plus(x[0])) : sum(a, p[1], constant(x[0] * x[0]));
        };
        int m = 400;
        double[] x = column(m);
        int first = 0;
        while (x[first] < 2.5) {
            first++;
        }
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, m);
        samePerRow(f, c, x, 1, new double[] {2.0, 0.8});
        assertEquals(2, c.shapes());
        assertEquals(m - 2, c.matchedRecordings(), "every row but the first of each shape");
        // the first row with a sum was lean and left the shape at the sum; the rows of the new
        // shape are lean from its third row on
        assertArrayEquals(new int[] {first - 2 + (m - first - 2), 1}, lean(c));
        samePerRow(f, c, x, 1, new double[] {-1.0, 3.5});    // replays, the sums' constants per row
    }

    @Test
    void aThrowInALeanRowIsTheRowsOwnAndTheFirstPassGoesOnAfterIt() {
        int m = 300;
        double[] x = column(m);
        double bad = x[150];
        int[] calls = {0};
        boolean[] refuse = {true};
        boolean[] tear = {false};
        RowFn f = (p, r) -> {
            Num a = p[0].times(r[0]);
            if (r[0] == bad && refuse[0]) {
                if (tear[0] && a.tape().inputs(a.position()).length == 0) {
                    calls[0]++;                              // a read of a lean node: torn, and thrown again in full
                }
                calls[0]++;
                throw new IllegalStateException("refused x = " + r[0]);
            }
            return a.div(p[1].plus(r[0]));
        };
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, m);
        double[] v = new double[m];
        double[] j = new double[2 * m];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.evaluate(new double[] {2.0, 0.8}, v, j));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertEquals(1, calls[0], "values are exact in a lean row: its throw is its own, not run again");
        tear[0] = true;
        assertThrows(IllegalStateException.class, () -> c.evaluate(new double[] {2.0, 0.8}, v, j));
        assertEquals(1 + 1 + 2, calls[0], "a throw after a tear may come from the lean recording: run again in full");
        refuse[0] = false;
        samePerRow(f, c, x, 1, new double[] {2.0, 0.8});
        assertEquals(1, c.shapes());
    }
}
