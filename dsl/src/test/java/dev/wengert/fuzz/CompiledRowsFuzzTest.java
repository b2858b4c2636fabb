package dev.wengert.fuzz;

import dev.wengert.compile.CompiledRows;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.RowFn;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Compiled rows against a pass per row, on random row models: each a
 * {@link RandomProgram} whose registers start as three parameters and the row's two predictors
 * (constants, as a fit's model sees them), so every rule of the registry, n-ary sums,
 * branches and value-dependent loops (guards), tensors and user rules turn up. Every row's
 * value and gradient must be equal to the bit (raw bits) at the recording's parameters and at
 * others, where rows change branch and are recorded again: to a reverse pass of the row's own
 * (a recording and a backward sweep) where the rows are replayed, and to a forward pass where
 * the function cannot be replayed (tensors inside), which is how those rows are evaluated.
 */
class CompiledRowsFuzzTest {
    static final int ROWS = 150;

    @Test
    void randomRowModelsGiveThePerRowPassToTheBit() {
        int replayed = 0;
        int reRecorded = 0;
        int saidFinite = 0;
        int notFinite = 0;
        for (long seed = 1; seed <= 60; seed++) {
            RandomProgram prog = new RandomProgram(seed, 5, 6 + (int) (seed % 10));
            RowFn f = (p, x) -> prog.apply(p[0], p[1], p[2], constant(x[0]), constant(x[1]));
            Random rnd = new Random(seed);
            double[] data = new double[2 * ROWS];
            for (int i = 0; i < data.length; i++) {
                data[i] = 2 * rnd.nextDouble() - 0.5;
            }
            CompiledRows rows = new CompiledRows(f, 3, data, 0, 2, 2, ROWS);
            double[] values = new double[ROWS];
            double[] jac = new double[3 * ROWS];
            for (int k = 0; k < 4; k++) {
                double[] p = {rnd.nextDouble() - 0.2, 1.5 * rnd.nextDouble(), rnd.nextGaussian()};
                rows.evaluate(p, values, jac);
                // jacobianFinite() may say "not known" of a finite Jacobian, never "finite" of another
                boolean allFinite = java.util.Arrays.stream(jac).allMatch(Double::isFinite);
                assertTrue(allFinite || !rows.jacobianFinite(), () -> prog + "\nsaid finite at " + java.util.Arrays.toString(p));
                saidFinite += rows.jacobianFinite() ? 1 : 0;
                notFinite += allFinite ? 0 : 1;
                Mode oracle = rows.replayed() ? Mode.REVERSE : Mode.FORWARD;
                for (int i = 0; i < ROWS; i++) {
                    double[] x = {data[2 * i], data[2 * i + 1]};
                    double[] v = new double[1];
                    double[][] want = jacobian(oracle, q -> {
                        Num y = f.apply(q, x);
                        v[0] = y.value();
                        return new Num[] {y};
                    }, p);
                    int row = i;
                    assertEquals(Double.doubleToRawLongBits(v[0]), Double.doubleToRawLongBits(values[i]),
                            () -> prog + "\nrow " + row + " value at " + java.util.Arrays.toString(p) + ": " + rows);
                    for (int j = 0; j < 3; j++) {
                        int col = j;
                        assertEquals(Double.doubleToRawLongBits(want[0][j]), Double.doubleToRawLongBits(jac[j * ROWS + i]),
                                () -> prog + "\nrow " + row + " ∂/∂p" + col + " at " + java.util.Arrays.toString(p) + " (" + oracle + ")"
                                        + ": want " + want[0][col] + ", got " + jac[col * ROWS + row] + "; " + rows);
                    }
                }
            }
            // far from the data's scale, where values and gradients overflow or turn NaN: the
            // replay must not call such a Jacobian finite
            for (double big : new double[] {300, 1e200}) {
                double[] p = {big, -big, big};
                rows.evaluate(p, values, jac);
                boolean allFinite = java.util.Arrays.stream(jac).allMatch(Double::isFinite);
                assertTrue(allFinite || !rows.jacobianFinite(), () -> prog + "\nsaid finite at " + java.util.Arrays.toString(p));
                saidFinite += rows.jacobianFinite() ? 1 : 0;
                notFinite += allFinite ? 0 : 1;
            }
            if (!prog.usesCustomRule) {                   // a first-order-only rule has no second derivative
                curvatureWithinRounding(prog, f, rows, data, new double[] {0.3, 0.9, -0.4});
            }
            if (rows.replayed()) {
                replayed++;
                reRecorded += rows.recordings() > ROWS ? 1 : 0;
            } else {
                assertTrue(prog.usesTensors, "only programs with tensors (array operations) are evaluated row by row: "
                        + prog);
            }
        }
        // the programs exercised both replays and re-recordings of rows whose branches changed
        System.out.println("compiled rows fuzz: " + replayed + " of 60 programs replayed, " + reRecorded + " with rows recorded again");
        assertTrue(replayed >= 25, replayed + " of 60 programs replayed");
        assertTrue(reRecorded >= 10, reRecorded + " programs had rows recorded again");
        System.out.println("compiled rows fuzz: " + saidFinite + " of 360 Jacobians said finite, " + notFinite + " not finite");
        assertTrue(saidFinite >= 60 && notFinite >= 10, saidFinite + " Jacobians said finite, " + notFinite + " not finite");
    }

    /**
     * Σ cᵢ·∇²fᵢ by compiled rows against a forward-over-reverse Hessian per row: within rounding
     * relative to the size of the terms (the second-order pass adds them in another order).
     */
    static void curvatureWithinRounding(RandomProgram prog, RowFn f, CompiledRows rows, double[] data, double[] p) {
        double[] c = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            c[i] = 1 + (i % 7) * 0.25;
        }
        double[][] got = rows.curvature(p, c);
        double[][] want = new double[3][3];
        double[][] scale = new double[3][3];
        for (int i = 0; i < ROWS; i++) {
            double[] x = {data[2 * i], data[2 * i + 1]};
            int row = i;
            double[][] h = hessian(Mode.FORWARD, Mode.REVERSE, q -> f.apply(q, x).times(c[row]), p);
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    want[a][b] += h[a][b];
                    scale[a][b] += Math.abs(h[a][b]);
                }
            }
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double w = want[a][b];
                double g = got[a][b];
                String where = prog + "\ncurvature [" + a + "][" + b + "]: want " + w + ", got " + g + "; " + rows;
                if (!Double.isFinite(w) || !Double.isFinite(scale[a][b])) {
                    assertFalse(Double.isFinite(g) && Double.isFinite(w), where);
                    continue;
                }
                assertEquals(w, g, 1e-11 * scale[a][b] + 1e-300, where);
            }
        }
    }
}
