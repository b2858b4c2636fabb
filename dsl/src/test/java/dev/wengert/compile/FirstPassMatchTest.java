package dev.wengert.compile;

import dev.wengert.core.Mode;
import dev.wengert.core.NonFiniteException;
import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.CompiledRowsTest.column;
import static dev.wengert.compile.CompiledRowsTest.samePerRow;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The first pass's fast path: a row is checked against the shape of the row before it while it
 * is recorded, and only a row that leaves that shape (another operation, operand, constant side,
 * guard or output; an array operation or a nested differentiation) is read the long way. Every
 * value and gradient stays that of a per-row reverse pass (of a forward pass, for a function
 * that cannot be replayed), to the bit, and the count of rows that took the fast path is exact.
 */
class FirstPassMatchTest {

    @AfterEach
    void checkingOff() {
        checkNonFinite(false);
    }

    @Test
    void everyRowAfterTheFirstTakesTheFastPath() {
        int m = 1000;
        double[] x = column(m);
        CompiledRows c = new CompiledRows(CompiledRowsTest.MM, 2, x, 0, 1, 1, m);
        samePerRow(CompiledRowsTest.MM, c, x, 1, new double[] {2.0, 0.8});
        assertEquals(m, c.recordings());
        assertEquals(m - 1, c.matchedRecordings(), "rows 1 … m−1 matched the shape of the row before");
        assertEquals(1, c.shapes());
        assertEquals(8.0, c.bytesPerRow(), 0.5, "x kept once for its two uses");
    }

    /** Row kinds: 0 the common shape, 1 leaves it at its first operation, 2 at the middle one, 3 at the last. */
    static final RowFn DIVERGING = (p, x) -> {
        int kind = (int) x[1];
        Num a = kind == 1 ? p[0].minus(x[0]) : p[0].times(x[0]);
        Num b = kind == 2 ? constant(x[0]).minus(p[1]) : p[1].plus(x[0]);
        return kind == 3 ? a.times(b) : a.div(b);
    };

    @Test
    void rowsThatLeaveTheShapeAtTheirFirstMiddleOrLastOperationAreReadTheLongWay() {
        int[] kinds = {0, 0, 0, 1, 0, 0, 2, 2, 0, 3, 0, 0, 1, 1, 3, 0, 2, 0, 0, 0};
        int m = kinds.length;
        double[] data = new double[2 * m];
        for (int i = 0; i < m; i++) {
            data[2 * i] = 0.3 + 0.17 * i;
            data[2 * i + 1] = kinds[i];
        }
        CompiledRows c = new CompiledRows(DIVERGING, 2, data, 0, 2, 2, m);
        samePerRow(DIVERGING, c, data, 2, new double[] {2.0, 0.8});
        int same = 0;
        for (int i = 1; i < m; i++) {
            same += kinds[i] == kinds[i - 1] ? 1 : 0;
        }
        assertEquals(same, c.matchedRecordings(), "exactly the rows shaped like the row before them");
        assertEquals(4, c.shapes());
        assertEquals(m, c.recordings());
        samePerRow(DIVERGING, c, data, 2, new double[] {-1.5, 3.0});     // replays, no new recordings
        assertEquals(m, c.recordings());
    }

    @Test
    void theConstantsSideMattersForMinusButNotForPlus() {
        // kind 0: p0 − x and p1 + x; kind 1: x − p0 (the constant on the left: another shape)
        // and x + p1 (+ takes its constant on either side: the same shape)
        RowFn f = (p, x) -> {
            boolean left = x[1] > 0;
            Num a = left ? constant(x[0]).minus(p[0]) : p[0].minus(x[0]);
            Num b = left ? constant(x[0]).plus(p[1]) : p[1].plus(x[0]);
            return a.times(b);
        };
        RowFn g = (p, x) -> {
            Num b = x[1] > 0 ? constant(x[0]).plus(p[1]) : p[1].plus(x[0]);
            return p[0].minus(x[0]).times(b);
        };
        int m = 12;
        double[] data = new double[2 * m];
        for (int i = 0; i < m; i++) {
            data[2 * i] = 0.5 + i;
            data[2 * i + 1] = i % 3 == 2 ? 1 : 0;                // rows 2, 5, 8, 11 put constants on the left
        }
        CompiledRows cf = new CompiledRows(f, 2, data, 0, 2, 2, m);
        samePerRow(f, cf, data, 2, new double[] {1.25, -0.5});
        assertEquals(2, cf.shapes());
        assertEquals(m - 1 - 4 - 3, cf.matchedRecordings(), "rows 2, 5, 8, 11 and the rows after them leave the shape");
        CompiledRows cg = new CompiledRows(g, 2, data, 0, 2, 2, m);
        samePerRow(g, cg, data, 2, new double[] {1.25, -0.5});
        assertEquals(1, cg.shapes());
        assertEquals(m - 1, cg.matchedRecordings());
    }

    @Test
    void rowsWithOtherConstantsOrAnOperandInsteadOfAConstantTakeTheirOwnPath() {
        // the literal varies by row (same shape, a column for it); for x ≥ 3 the second factor is
        // a parameter, not a constant (another shape)
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]).plus(x[0] > 2 ? 1.0 : 2.0);
            return x[0] >= 3 ? a.times(p[1]) : a.times(x[0]);
        };
        int m = 40;
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 0.1 * i;
        }
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, m);
        samePerRow(f, c, x, 1, new double[] {0.7, 1.9});
        assertEquals(2, c.shapes());
        assertEquals(m - 2, c.matchedRecordings(), "only row 30, the first with x ≥ 3, leaves the shape");
    }

    @Test
    void aGuardOrAReadValueIsPartOfTheShape() {
        // the same operations in every row, but the comparison's outcome (and the value read) differ
        RowFn f = (p, x) -> {
            Num a = p[0].times(x[0]);
            double v = a.value();                                // a read: guarded
            return a.gt(1.0) ? a.plus(v) : a.plus(v);            // a comparison: guarded
        };
        int m = 30;
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 0.1 * (i + 1);
        }
        CompiledRows c = new CompiledRows(f, 1, x, 0, 1, 1, m);
        double p0 = 0.5;                                         // a > 1 from x > 2: rows 20 …
        samePerRow(f, c, x, 1, new double[] {p0});
        assertEquals(2, c.shapes(), "one shape per outcome");
        assertEquals(m - 2, c.matchedRecordings(), "row 20 leaves the shape at its guard");
        // the read value is a guard: a new p fails it for every row, and each is recorded again
        samePerRow(f, c, x, 1, new double[] {0.25});
        assertEquals(2 * m, c.recordings());
    }

    @Test
    void aRowThatThrowsInCheckingModeIsResumedAndStillMatched() {
        // log(p0·x − 1) is NaN for x < 1/p0: checking mode stops the first pass there, mid-row
        RowFn f = (p, x) -> p[0].times(x[0]).minus(1).log().plus(p[1].times(x[0])).times(x[0]);
        int m = 50;
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 3.0 - 0.05 * i;                               // from row 20 on, x ≤ 2
        }
        CompiledRows c = new CompiledRows(f, 2, x, 0, 1, 1, m);
        checkNonFinite(true);
        double[] p = {0.5, 0.3};
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> c.evaluate(p, new double[m], new double[2 * m]));
        assertEquals("log", e.operation());
        assertEquals(20, c.rowInProgress());
        assertEquals(19, c.matchedRecordings(), "rows 1 … 19 matched; row 20 threw after its first operations");
        checkNonFinite(false);
        // resumed at row 20, checked against row 19's shape: a NaN row has the same structure
        samePerRow(f, c, x, 1, p);
        assertEquals(m, c.recordings());
        assertEquals(m - 1, c.matchedRecordings());
        assertEquals(1, c.shapes());
        samePerRow(f, c, x, 1, new double[] {0.9, -0.2});
    }

    @Test
    void aNestedDifferentiationMidRowIsRecordedAsItsArithmetic() {
        // rows from x = 1 on nest a reverse-mode derivative after the same first operation: they
        // leave the first rows' shape there, and the derivative's sweep is recorded as plain
        // operations on the row's tape, so they share a shape of their own and are replayed
        RowFn nested = (p, x) -> {
            Num a = p[0].times(x[0]);
            if (x[0] < 1) {
                return a.plus(p[1]);
            }
            return a.plus(derivative(Mode.REVERSE, t -> t.times(t).times(p[1]), a));
        };
        double[] x = {0.25, 0.5, 0.75, 1.5, 2.5, 3.0};
        CompiledRows c = new CompiledRows(nested, 2, x, 0, 1, 1, x.length);
        samePerRow(nested, c, x, 1, new double[] {1.2, 0.4});
        assertTrue(c.replayed());
        assertEquals(2, c.shapes());
        assertEquals(4, c.matchedRecordings(), "rows 1, 2, 4 and 5");
        samePerRow(nested, c, x, 1, new double[] {-0.7, 2.0});
    }

    @Test
    void aTensorMidRowSendsEveryRowToItsOwnForwardPass() {
        // later rows use a tensor (array operations, which a row replay does not run) after the
        // same first operation: they leave the shape, and every row is evaluated by a forward pass
        RowFn tensor = (p, x) -> {
            Num a = p[0].times(x[0]);
            if (x[0] < 1) {
                return a.plus(p[1]);
            }
            return a.plus(tensor(p[1], a).times(x[0]).sum());
        };
        double[] x = {0.25, 0.5, 0.75, 1.5, 2.5};
        CompiledRows c = new CompiledRows(tensor, 2, x, 0, 1, 1, x.length);
        samePerRow(tensor, c, x, 1, new double[] {1.2, 0.4});
        assertFalse(c.replayed());
        assertEquals(0, c.shapes());
        assertEquals(2, c.matchedRecordings(), "rows 1 and 2, before the tensor");
        samePerRow(tensor, c, x, 1, new double[] {-0.7, 2.0});
    }
}
