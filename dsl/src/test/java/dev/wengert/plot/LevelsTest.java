package dev.wengert.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LevelsTest {

    @Test
    void linearLevelsAreRoundAndInside() {
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7}, Levels.linear(0, 7.5, 9), 1e-12);
        assertArrayEquals(new double[] {0.2, 0.4, 0.6, 0.8}, Levels.linear(0, 1, 4), 1e-12);
        double[] l = Levels.linear(-3, 3, 5);
        assertEquals(0.0, l[l.length / 2], 0, "zero is a level, not 1e-17");
    }

    @Test
    void logLevelsAreGeometricToTwoDigits() {
        double[] l = Levels.log(1, 10_000, 4);
        assertArrayEquals(new double[] {3.2, 32, 320, 3200}, l, 1e-9);
        assertTrue(Levels.autoIsLog(0, 250));
        assertTrue(!Levels.autoIsLog(-1, 250), "negative values: linear");
        assertTrue(!Levels.autoIsLog(1, 50), "narrow range: linear");
    }

    @Test
    void labelsAreShort() {
        assertEquals("0.25", Levels.label(0.25));
        assertEquals("240", Levels.label(240));
        assertEquals("1.5e6", Levels.label(1.5e6));
        assertEquals("-3", Levels.label(-3));
        assertEquals("1e-5", Levels.label(1e-5));
    }
}
