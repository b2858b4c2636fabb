package dev.wengert.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MarchingSquaresTest {

    private static double[] range(double a, double b, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = a + (b - a) * i / (n - 1);
        }
        return v;
    }

    private static double[][] grid(double[] xs, double[] ys, java.util.function.DoubleBinaryOperator f) {
        double[][] z = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                z[j][i] = f.applyAsDouble(xs[i], ys[j]);
            }
        }
        return z;
    }

    @Test
    void levelsOfTheParaboloidAreClosedCirclesOfRadiusSqrtLevel() {
        double[] xs = range(-2, 2, 81);
        double[] ys = range(-2, 2, 81);
        double[][] z = grid(xs, ys, (x, y) -> x * x + y * y);
        for (double level : new double[] {0.25, 1, 2.25}) {
            List<double[]> lines = MarchingSquares.lines(xs, ys, z, level);
            assertEquals(1, lines.size(), "one closed line at level " + level);
            double[] l = lines.get(0);
            assertEquals(l[0], l[l.length - 2], 0, "closed: ends where it starts");
            assertEquals(l[1], l[l.length - 1], 0);
            double r = Math.sqrt(level);
            double step = xs[1] - xs[0];
            for (int k = 0; k < l.length; k += 2) {
                // linear interpolation of a quadratic along a cell edge errs by at most step²/(8r)·…: well under a step
                assertEquals(r, Math.hypot(l[k], l[k + 1]), step * step, "radius at level " + level);
            }
            assertTrue(l.length / 2 > 20, "a circle, not a polygon of a few points");
        }
    }

    @Test
    void aLevelCrossingTheBorderGivesAnOpenLineFromBorderToBorder() {
        double[] xs = range(0, 1, 11);
        double[] ys = range(0, 1, 11);
        double[][] z = grid(xs, ys, (x, y) -> x);
        List<double[]> lines = MarchingSquares.lines(xs, ys, z, 0.55);
        assertEquals(1, lines.size());
        double[] l = lines.get(0);
        assertEquals(11, l.length / 2, "one point per row of the grid");
        for (int k = 0; k < l.length; k += 2) {
            assertEquals(0.55, l[k], 1e-12);
        }
        assertEquals(0, Math.min(l[1], l[l.length - 1]), 1e-12);
        assertEquals(1, Math.max(l[1], l[l.length - 1]), 1e-12);
    }

    @Test
    void aSaddleCellIsResolvedByItsCentreAndGivesTwoSeparateLines() {
        double[] xs = {0, 1};
        double[] ys = {0, 1};
        // a and c above, centre below: the two high corners are cut off separately
        double[][] z = {{1, 0}, {0.2, 1}};
        List<double[]> lines = MarchingSquares.lines(xs, ys, z, 0.6);
        assertEquals(2, lines.size());
        for (double[] l : lines) {
            assertEquals(4, l.length, "each a single segment");
        }
    }

    @Test
    void cellsWithNaNAreSkippedAndLevelsOutsideTheRangeDrawNothing() {
        double[] xs = range(-1, 1, 5);
        double[] ys = range(-1, 1, 5);
        double[][] z = grid(xs, ys, (x, y) -> x * x + y * y);
        assertTrue(MarchingSquares.lines(xs, ys, z, 5).isEmpty());
        z[2][2] = Double.NaN;
        // the centre cells are gone, so a small circle around the centre cannot close
        List<double[]> lines = MarchingSquares.lines(xs, ys, z, 0.1);
        assertTrue(lines.isEmpty(), "every cell touching the centre has a NaN corner");
    }
}
