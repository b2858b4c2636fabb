package dev.wengert.core;

import dev.wengert.rules.Arithmetic;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** The tape's storage: growth, what a sweep leaves behind, and what rewinding and truncating forget. */
class TapeTest {

    static Tape newTape() {
        return new Tape(Session.current(), "a test tape", false, Long.MAX_VALUE);
    }

    @Test
    void growthIsBoundedAndMonotone() {
        int cap = 64;
        for (int step = 0; step < 200 && cap < Integer.MAX_VALUE - 16; step++) {
            int next = Tape.grow(cap, cap + 1L);
            assertTrue(next > cap, "grows: " + cap + " -> " + next);
            if (cap >= Tape.SLOW_GROWTH_FROM) {
                assertTrue(next <= cap + (long) cap / 4 + 1, "at most a quarter more: " + cap + " -> " + next);
            }
            cap = next;
        }
        assertEquals(1000, Tape.grow(64, 1000), "a large request is met in one step");
        assertThrows(IllegalStateException.class, () -> Tape.grow(Integer.MAX_VALUE - 9, Integer.MAX_VALUE));
    }

    @Test
    void aLongRecordingLeavesAtMostAQuarterOfItsArraysUnused() {
        for (int n : new int[] {70_000, 200_001, 1_000_003}) {
            Tape t = newTape();
            int x = t.leaf(0.5, "x");
            int s = x;
            for (int k = 1; k < n; k++) {
                s = t.push1(Arithmetic.NEG, -t.value(s), s, -1.0);
            }
            // one node (value 8, op 4, start 4) and one input (args 4, partials 8) per operation
            long exact = 28L * n;
            assertTrue(t.bytes() <= exact + exact / 4 + 200, n + " operations: " + t.bytes() + " bytes");
            t.backward(s);
            assertEquals(n % 2 == 1 ? 1.0 : -1.0, t.adjoint(x), 0.0);
        }
    }

    @Test
    void gradientsStayExactAcrossManyGrowthSteps() {
        // 600k operations: ten doublings, then growth by a quarter several times; integer
        // coefficients keep every adjoint exact, so any lost or duplicated slot shows
        int n = 10;
        int terms = 300_000;
        Fn f = x -> {
            Num s = constant(0);
            for (int k = 0; k < terms; k++) {
                s = s.plus(x[k % n].times(k % 7 - 3));
            }
            return s;
        };
        double[] want = new double[n];
        for (int k = 0; k < terms; k++) {
            want[k % n] += k % 7 - 3;
        }
        double[] x = new double[n];
        assertArrayEquals(want, gradient(f, x), 0.0);
        assertArrayEquals(want, gradient(f, x), 0.0, "again, on the reused (rewound) tape");
        assertArrayEquals(want, compile(f, x).gradient(x), 0.0, "and replayed");
    }

    @Test
    void truncatingForgetsTheSweepOfWhatItCut() {
        Tape t = newTape();
        int a = t.leaf(2.0, "a");
        int b = t.leaf(3.0, "b");
        int y = t.push2(Arithmetic.MUL, 6.0, a, 3.0, b, 2.0);
        t.backward(y);
        assertEquals(2.0, t.parameterGradient(b), 0.0);
        assertTrue(t.reached(b));

        t.truncate(1);
        int c = t.leaf(5.0, "c");
        assertEquals(b, c, "the new parameter takes the cut one's position");
        assertNull(t.parameterGradient(c), "no sweep has reached c");
        assertFalse(t.reached(c));
        assertEquals(0.0, t.adjoint(c), 0.0);
        assertEquals(3.0, t.parameterGradient(a), 0.0, "a kept its gradient");

        int z = t.push1(Arithmetic.SQUARE, 25.0, c, 10.0);
        t.backward(z);
        assertEquals(10.0, t.parameterGradient(c), 0.0);
        assertFalse(t.reached(a), "a is not an input of z");
        assertEquals(3.0, t.parameterGradient(a), 0.0, "from the last sweep that reached it");
    }

    @Test
    void rewindingForgetsTheLastSweep() {
        Tape t = newTape();
        int a = t.leaf(2.0, "a");
        int y = t.push1(Arithmetic.SQUARE, 4.0, a, 4.0);
        t.backward(y);
        assertTrue(t.reached(a));
        t.rewind();
        int b = t.leaf(7.0, "b");
        assertEquals(a, b);
        assertFalse(t.reached(b));
        assertEquals(0.0, t.adjoint(b), 0.0);
        assertNull(t.parameterGradient(b));
        int w = t.push1(Arithmetic.NEG, -7.0, b, -1.0);
        t.push1(Arithmetic.NEG, 7.0, w, -1.0);   // recorded after w: the sweep from w must clear it too
        t.backward(w);
        assertEquals(-1.0, t.adjoint(b), 0.0);
        assertFalse(t.reached(w + 1));
    }
}
