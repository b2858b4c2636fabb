package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;


import static dev.wengert.compile.AllocatedBytes.allocated;
import static dev.wengert.compile.AllocatedBytes.counter;
import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The objective without derivatives (issue 20, item 4), counted in bytes allocated on the
 * calling thread, not timed: a compiled value replays the recording's arrays and makes no Num
 * per operation (nothing that grows with the program); value(f, x) runs f on constants, one
 * 40-byte handle per operation and no tape.
 */
class ValueCostTest {
    static final int STEPS = 100_000;

    /** Three recorded operations per step: 300,000 in all. */
    static final Fn F = x -> {
        Num s = x[0];
        for (int i = 0; i < STEPS; i++) {
            s = s.times(0.999).plus(x[1]).sin();
        }
        return s;
    };

    static double plain(double a, double b) {
        double s = a;
        for (int i = 0; i < STEPS; i++) {
            s = Math.sin(s * 0.999 + b);
        }
        return s;
    }

    @Test
    void aCompiledValueMakesNoNumPerOperation() {
        var mx = counter();
        CompiledFn c = compile(F, 0.5, 0.25);
        long fewest = Long.MAX_VALUE;
        for (int k = 0; k < 6; k++) {
            double a = 0.5 + 0.01 * k;
            long before = allocated(mx);
            double v = c.value(a, 0.25);
            fewest = Math.min(fewest, allocated(mx) - before);
            assertEquals(plain(a, 0.25), v, 0.0, "the same numbers as the code on doubles");
        }
        // 300,000 operations: a Num each would be 12 MB; the replay allocates at most a few small objects
        assertTrue(fewest < 4_096, fewest + " bytes allocated by one compiled value of 300,000 operations");
        assertEquals(1, c.recordings());
    }

    @Test
    void valueRunsOnConstantsWithOneHandlePerOperationAndNoTape() {
        var mx = counter();
        value(F, 0.5, 0.25);                                     // loads and links the code once
        long before = allocated(mx);
        double v = value(F, 0.5, 0.25);
        double perOp = (double) (allocated(mx) - before) / (3.0 * STEPS);
        assertEquals(plain(0.5, 0.25), v, 0.0);
        assertTrue(perOp <= 40.5, perOp + " bytes per operation: a handle, and no tape");
    }
}
