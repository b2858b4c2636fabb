package dev.wengert.fit;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The vectorised form: a {@link ColumnModel} fitted with {@code fitColumns} gives the per-row
 * {@link Model} fit of the same model (to 1e-10 relative: estimates, standard errors, RSS,
 * predictions and bands; Lanczos1's RSS and standard errors to the 2.5 digits its
 * rounding-level residuals allow), weighted or not, and bad models get errors as clear as the per-row form's.
 */
class ColumnModelTest {
    private static final double REL = 1e-10;
    /**
     * Lanczos1's RSS and standard errors, relative: an exact fit whose residuals are rounding
     * noise (RSS ~1e-25), so both move with the last bits of the estimates and of the
     * ill-conditioned Jacobian. The column model's Jacobian is forward mode's, the per-row
     * model's compiled rows a reverse sweep's: equal within rounding, not to the bit, and the
     * two fits' RSS and standard errors were up to 1.1e-3 apart. NistCertifiedTest asks LRE ≥ 2.5
     * of them (10^−2.5 relative to the certified values), as this does of the two fits.
     */
    private static final double LANCZOS1_NOISE_REL = Math.pow(10, -2.5);
    private static final double TWO_PI = 2 * Math.PI;

    @AfterEach
    void restore() {
        checkNonFinite(false);
    }

    /** The NIST models over whole columns, written in the same order of operations as {@link NistModels}. */
    static final Map<String, ColumnModel> COLUMNS = new LinkedHashMap<>();

    static {
        // y = exp(−b1·x) / (b2 + b3·x)
        COLUMNS.put("Chwirut2", (p, x) -> x[0].times(p[0]).neg().exp().div(x[0].times(p[2]).plus(p[1])));
        // y = b1·x^b2
        COLUMNS.put("DanWood", (p, x) -> x[0].log().times(p[1]).exp().times(p[0]));
        // y = b1 + b2·cos(2πx/12) + b3·sin(2πx/12) + b5·cos(2πx/b4) + b6·sin(2πx/b4) + b8·cos(2πx/b7) + b9·sin(2πx/b7)
        COLUMNS.put("ENSO", (p, x) -> {
            Tensor a = x[0].times(TWO_PI).div(12);
            Tensor w4 = x[0].times(TWO_PI).div(p[3]);
            Tensor w7 = x[0].times(TWO_PI).div(p[6]);
            return a.cos().times(p[1]).plus(p[0]).plus(a.sin().times(p[2]))
                    .plus(w4.cos().times(p[4])).plus(w4.sin().times(p[5]))
                    .plus(w7.cos().times(p[7])).plus(w7.sin().times(p[8]));
        });
        // y = b1·exp(−b2·x) + b3·exp(−(x − b4)²/b5²) + b6·exp(−(x − b7)²/b8²)
        COLUMNS.put("Gauss1", (p, x) -> x[0].times(p[1]).neg().exp().times(p[0])
                .plus(x[0].minus(p[3]).square().div(p[4].square()).neg().exp().times(p[2]))
                .plus(x[0].minus(p[6]).square().div(p[7].square()).neg().exp().times(p[5])));
        // y = (b1 + b2·x + b3·x²) / (1 + b4·x + b5·x²)
        COLUMNS.put("Kirby2", (p, x) -> x[0].times(p[1]).plus(p[0]).plus(x[0].square().times(p[2]))
                .div(x[0].times(p[3]).plus(x[0].square().times(p[4])).plus(1)));
        // y = b1·exp(−b2·x) + b3·exp(−b4·x) + b5·exp(−b6·x)
        COLUMNS.put("Lanczos1", ColumnModelTest::lanczos);
        COLUMNS.put("Lanczos3", ColumnModelTest::lanczos);
        // y = b1·(x² + x·b2) / (x² + x·b3 + b4)
        COLUMNS.put("MGH09", (p, x) -> x[0].times(p[1]).plus(x[0].square()).times(p[0])
                .div(x[0].times(p[2]).plus(p[3]).plus(x[0].square())));
        // y = b1 + b2·exp(−x·b4) + b3·exp(−x·b5)
        COLUMNS.put("MGH17", (p, x) -> x[0].times(p[3]).neg().exp().times(p[1]).plus(p[0])
                .plus(x[0].times(p[4]).neg().exp().times(p[2])));
        // y = b1·(1 − exp(−b2·x))
        COLUMNS.put("Misra1a", (p, x) -> x[0].times(p[1]).neg().exp().neg().plus(1).times(p[0]));
        // y = b1·(1 − (1 + 2·b2·x)^(−1/2))
        COLUMNS.put("Misra1c", (p, x) -> x[0].times(2).times(p[1]).plus(1).pow(-0.5).neg().plus(1).times(p[0]));
        // log y = b1 − b2·x1·exp(−b3·x2)
        COLUMNS.put("Nelson", (p, x) -> x[0].times(p[1]).times(x[1].times(p[2]).neg().exp()).neg().plus(p[0]));
        // y = b1 / (1 + exp(b2 − b3·x))
        COLUMNS.put("Rat42", (p, x) -> x[0].times(p[2]).neg().plus(p[1]).exp().plus(1).reciprocal().times(p[0]));
        // y = (b1 + b2·x + b3·x² + b4·x³) / (1 + b5·x + b6·x² + b7·x³)
        COLUMNS.put("Thurber", (p, x) -> {
            Tensor t2 = x[0].square();
            Tensor t3 = t2.times(x[0]);
            return x[0].times(p[1]).plus(p[0]).plus(t2.times(p[2])).plus(t3.times(p[3]))
                    .div(x[0].times(p[4]).plus(t2.times(p[5])).plus(t3.times(p[6])).plus(1));
        });
    }

    private static Tensor lanczos(Num[] p, Tensor[] x) {
        return x[0].times(p[1]).neg().exp().times(p[0])
                .plus(x[0].times(p[3]).neg().exp().times(p[2]))
                .plus(x[0].times(p[5]).neg().exp().times(p[4]));
    }

    private static void same(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int j = 0; j < expected.length; j++) {
            same(expected[j], actual[j], rel, what + " [" + j + "]");
        }
    }

    private static void same(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, rel * Math.abs(expected), what);
    }

    private static void sameFit(FitResult rows, FitResult cols, String what) {
        assertTrue(cols.converged(), what + ": " + cols.reason());
        same(rows.parameters(), cols.parameters(), REL, what + " estimates");
        double noise = what.startsWith("Lanczos1 ") ? LANCZOS1_NOISE_REL : REL;
        same(rows.standardErrors(), cols.standardErrors(), noise, what + " standard errors");
        same(rows.residualSumOfSquares(), cols.residualSumOfSquares(), noise, what + " RSS");
        same(rows.fitted(), cols.fitted(), REL, what + " fitted");
    }

    @Test
    void everyNistProblemFitsAsItsPerRowModelDoes() throws IOException {
        assertEquals(NistModels.MODELS.keySet(), COLUMNS.keySet(), "a column model per NIST model");
        List<String> failures = new ArrayList<>();
        double worst = 0;
        for (String name : NistFile.names()) {
            NistFile f = NistFile.read(name);
            double[] y = NistModels.response(f);
            for (int s = 0; s < 2; s++) {
                FitResult rows = Fitter.of(NistModels.model(name)).start(f.starts()[s]).to(f.x(), y);
                FitResult cols = Fitter.ofColumns(COLUMNS.get(name)).start(f.starts()[s]).to(f.x(), y);
                worst = Math.max(worst, maxRel(rows.parameters(), cols.parameters()));
                worst = Math.max(worst, maxRel(rows.standardErrors(), cols.standardErrors()));
                try {
                    sameFit(rows, cols, name + " start " + (s + 1));
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        System.out.println("column vs per-row fits, 14 NIST problems × 2 starts: largest relative difference "
                + "of an estimate or standard error " + worst);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static double maxRel(double[] a, double[] b) {
        double m = 0;
        for (int j = 0; j < a.length; j++) {
            m = Math.max(m, Math.abs(a[j] - b[j]) / Math.abs(a[j]));
        }
        return m;
    }

    /** Three predictors, per-row σ, 300 rows: y = a·exp(−k·t) + c·u + d·v². */
    private static Table weightedTable() {
        Random r = new Random(11);
        int n = 300;
        double[] t = new double[n];
        double[] u = new double[n];
        double[] v = new double[n];
        double[] y = new double[n];
        double[] sd = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 5.0 * i / n;
            u[i] = r.nextDouble();
            v[i] = r.nextGaussian();
            sd[i] = 0.05 + 0.2 * r.nextDouble();
            w[i] = 1 / (sd[i] * sd[i]);
            y[i] = 3 * Math.exp(-0.7 * t[i]) + 1.5 * u[i] - 0.4 * v[i] * v[i] + sd[i] * r.nextGaussian();
        }
        return Table.create("weighted", DoubleColumn.create("t", t), DoubleColumn.create("u", u),
                DoubleColumn.create("v", v), DoubleColumn.create("y", y), DoubleColumn.create("sd", sd),
                DoubleColumn.create("w", w));
    }

    // y = a·exp(−k·t) + c·u + d·v²
    private static final Model ROW3 = (p, x) -> p[0].times(exp(p[1].times(-x[0])))
            .plus(p[2].times(x[1])).plus(p[3].times(x[2] * x[2]));
    private static final ColumnModel COL3 = (p, x) -> x[0].times(p[1]).neg().exp().times(p[0])
            .plus(x[1].times(p[2])).plus(x[2].square().times(p[3]));
    private static final String[] XS = {"t", "u", "v"};

    @Test
    void weightedFitsAreThePerRowFits() {
        Table t = weightedTable();
        FitResult rows = fit(ROW3).start(1, 0.1, 0, 0).names("a", "k", "c", "d").sigma("sd").to(t, "y", XS);
        FitResult cols = fitColumns(COL3).start(1, 0.1, 0, 0).names("a", "k", "c", "d").sigma("sd").to(t, "y", XS);
        sameFit(rows, cols, "sigma");
        assertTrue(cols.weighted());
        same(rows.aic(), cols.aic(), REL, "AIC");
        same(rows.rSquared(), cols.rSquared(), REL, "R²");
        // the same weights given as 1/σ², and the result is unchanged
        FitResult byWeight = fitColumns(COL3).start(1, 0.1, 0, 0).weights("w").to(t, "y", XS);
        same(cols.parameters(), byWeight.parameters(), 1e-9, "weights = 1/σ²");
        // predictions and bands evaluate the column model on single rows
        double[][] grid = {{0.5, 0.2, -1}, {2, 0.7, 0.3}, {4.5, 0.1, 2}};
        for (double[] x : grid) {
            same(rows.predict(x), cols.predict(x), REL, "predict");
        }
        same(rows.confidenceBand(grid, 0.95).lower(), cols.confidenceBand(grid, 0.95).lower(), REL, "band");
        same(rows.predictionBand(grid, 0.9).upper(), cols.predictionBand(grid, 0.9).upper(), REL, "band");
        // the unweighted fit of the same data differs, so the weights were used
        FitResult plain = fitColumns(COL3, t, "y", XS, 1, 0.1, 0, 0);
        sameFit(fit(ROW3, t, "y", XS, 1, 0.1, 0, 0), plain, "unweighted");
        assertNotEquals(plain.parameters()[0], cols.parameters()[0]);
    }

    @Test
    void theFacadeFormsAndSinglePredictor() {
        Table t = Table.create("decay", DoubleColumn.create("t", 0, 1, 2, 3, 4, 5),
                DoubleColumn.create("y", 10.1, 6.0, 3.7, 2.2, 1.4, 0.8));
        // y = a·exp(−k·t), as a lambda: fitColumns is its own name, so no ambiguity with fit
        FitResult cols = fitColumns((p, x) -> x[0].times(p[1]).neg().exp().times(p[0]), t, "y", "t", 8, 0.3);
        FitResult rows = fit1((p, x) -> p[0].times(exp(p[1].times(-x))), t, "y", "t", 8, 0.3);
        sameFit(rows, cols, "single predictor");
        double[][] x = {{0}, {1}, {2}, {3}, {4}, {5}};
        double[] y = {10.1, 6.0, 3.7, 2.2, 1.4, 0.8};
        FitResult arrays = fitColumns((p, c) -> c[0].times(p[1]).neg().exp().times(p[0]), x, y, 8, 0.3);
        sameFit(rows, arrays, "arrays");
        assertTrue(cols.toString().contains("b1"), cols.toString());
        assertTrue(cols.reason().contains("forward-mode Jacobian"), cols.reason());
    }

    @Test
    void reverseModeGivesTheSameFit() throws IOException {
        // a backward sweep per row over the block tape: slow for big tables, a cross-check here
        NistFile f = NistFile.read("Thurber");
        FitResult fwd = Fitter.ofColumns(COLUMNS.get("Thurber")).start(f.starts()[1]).to(f.x(), f.y());
        FitResult rev = Fitter.ofColumns(COLUMNS.get("Thurber")).mode(Mode.REVERSE).start(f.starts()[1]).to(f.x(), f.y());
        sameFit(fwd, rev, "reverse");
        assertTrue(rev.reason().contains("reverse-mode Jacobian"), rev.reason());
    }

    // ---- errors, as clear as the per-row form's --------------------------------------------

    private static Table table() {
        return Table.create("growth",
                DoubleColumn.create("x", 0, 1, 2, 3, 4, 5),
                DoubleColumn.create("y", 1.0, 1.6, 2.8, 4.4, 7.5, 12.1));
    }

    private static String error(Runnable r) {
        return assertThrows(FitException.class, r::run).getMessage();
    }

    @Test
    void aResultOfTheWrongShapeIsRefused() {
        String m = error(() -> fitColumns((p, x) -> tensor(p[0]), table(), "y", "x", 1));
        assertTrue(m.contains("shape (1,)") && m.contains("6 rows") && m.contains("not spread over the rows"), m);
        m = error(() -> fitColumns((p, x) -> x[0].slice(0, 3).times(p[0]), table(), "y", "x", 1));
        assertTrue(m.contains("shape (3,)") && m.contains("shape (6,) or (6, 1)"), m);
        // a tensor operation inside the model that refuses its shapes: named, with the columns it ran on
        m = error(() -> fitColumns((p, x) -> x[0].times(p[0]).plus(tensor(new double[] {1, 2})), table(), "y", "x", 1));
        assertTrue(m.contains("the column model failed on 1 predictor column [x] of 6 rows") && m.contains("(6,)")
                && m.contains("(2,)"), m);
        m = error(() -> fitColumns((p, x) -> null, table(), "y", "x", 1));
        assertTrue(m.contains("returned null"), m);
        // a column (6, 1) is accepted
        FitResult r = fitColumns((p, x) -> x[0].reshape(6, 1).times(p[0]).exp(), table(), "y", "x", 0.5);
        assertTrue(r.converged(), r.reason());
    }

    @Test
    void aModelThatIsNotFiniteAtTheStartNamesTheRowAndParameters() {
        // y = log(b1 + x) is undefined where b1 + x ≤ 0: the same message as the per-row form
        String rows = error(() -> fit1((p, x) -> log(p[0].plus(x)), table(), "y", "x", -2.5, 0));
        String cols = error(() -> fitColumns((p, x) -> x[0].plus(p[0]).log(), table(), "y", "x", -2.5, 0));
        assertTrue(cols.contains("row 0") && cols.contains("x = 0.0") && cols.contains("b1 = -2.5"), cols);
        assertEquals(rows, cols);
        // √(b1·x) is finite at b1 = 0 but its derivative is not
        String m = error(() -> fitColumns((p, x) -> x[0].times(p[0]).sqrt(), table(), "y", "x", 0));
        assertTrue(m.contains("derivative") && m.contains("b1 is Infinity") && m.contains("row 1 (x = 1.0)"), m);
        // in the session's checking mode the model throws inside; the parameters are named
        checkNonFinite(true);
        m = error(() -> fitColumns((p, x) -> x[0].plus(p[0]).log(), table(), "y", "x", -2.5, 0));
        assertTrue(m.contains("not finite at the start point") && m.contains("b1 = -2.5"), m);
    }

    @Test
    void aModelThatReadsPastItsArraysSaysWhatItWasGiven() {
        String m = error(() -> fitColumns((p, x) -> x[0].times(p[1]).plus(p[2]), table(), "y", "x", 1, 1));
        assertTrue(m.contains("2 parameters [b1, b2]") && m.contains("1 predictor column [x]"), m);
        m = error(() -> fitColumns((p, x) -> x[1].times(p[0]), table(), "y", "x", 1));
        assertTrue(m.contains("read past") && m.contains("[x]"), m);
        m = error(() -> fitColumns((ColumnModel) null));
        assertTrue(m.contains("null"), m);
        m = error(() -> fitColumns((p, x) -> x[0].times(p[0]), table(), "y", "dose", 1));
        assertTrue(m.contains("\"dose\"") && m.contains("x, y"), m);
    }

    @Test
    void aModelThatMixesRowsFitsButCannotPredictANewRow() {
        // y = b1 + b2·(x − mean(x)): valid for the fit, but a lone row has another mean
        FitResult r = fitColumns((p, x) -> x[0].minus(x[0].mean()).times(p[1]).plus(p[0]), table(), "y", "x", 0, 1);
        assertTrue(r.converged(), r.reason());
        same(4.9, r.parameters()[0], 1e-12, "intercept at the mean");
        String m = error(() -> r.predict(2.5));
        assertTrue(m.contains("depends on other rows") && m.contains("mean()"), m);
        assertTrue(error(() -> r.confidenceBand(new double[][] {{1}}, 0.95)).contains("depends on other rows"));
    }
}
