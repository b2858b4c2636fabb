package dev.wengert.core;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** The hooks optimizers use: moving parameters, evaluating a loss at values, cutting the tape back. */
class AssignAndTruncateTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    @Test
    void evaluateAtMovesParametersDifferentiatesAndLeavesTheTapeAsItWas() {
        var a = param("a", 1.0);
        var b = param("b", 2.0);
        int before = tape().size();
        ValueAndGradient vg = Functional.evaluateAt(() -> a.minus(3).square().plus(b.times(a)), new Num[] {a, b},
                new double[] {4.0, 5.0});
        assertEquals(1 + 20, vg.value(), 0.0);
        assertArrayEquals(new double[] {2 * 1 + 5, 4}, vg.gradient(), 0.0);
        assertEquals(before, tape().size(), "the evaluation was cut back off the tape");
        assertEquals(4.0, a.value(), "the parameter holds the value it was moved to");
        Num z = a.times(b);                            // parameters stay usable
        assertEquals(20.0, z.value());
        assertEquals(5.0, z.d(a));
    }

    @Test
    void valuesOfACutRangeAreRefusedNotReused() {
        var a = param("a", 1.0);
        int mark = tape().size();
        Num inside = a.times(2);
        tape().truncate(mark);
        Num later = a.plus(1);                          // reuses the position 'inside' had
        assertEquals(inside.position(), later.position());
        WengertException e = assertThrows(WengertException.class, () -> inside.plus(1));
        assertTrue(e.getMessage().contains("optimizer"), e.getMessage());
        assertEquals(2.0, later.value());
    }

    @Test
    void aLossOverAValueComputedBeforehandIsReported() {
        var a = param("a", 1.0);
        Num stale = a.times(2);                         // computed from the old value
        WengertException e = assertThrows(WengertException.class,
                () -> Functional.evaluateAt(() -> stale.plus(a).square(), new Num[] {a}, new double[] {3.0}));
        assertTrue(e.getMessage().contains("before minimize") && e.getMessage().contains("#"), e.getMessage());
    }

    @Test
    void forwardModeParametersToo() {
        mode(Mode.FORWARD);
        var a = param("a", 1.0);
        ValueAndGradient vg = Functional.evaluateAt(() -> a.square().times(3), new Num[] {a}, new double[] {2.0});
        assertEquals(12.0, vg.value());
        assertArrayEquals(new double[] {12.0}, vg.gradient(), 0.0);
    }
}
