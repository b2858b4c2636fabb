package dev.wengert.fit;

import dev.wengert.plot.FitPlot;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The options around a fit that are not statistics: array weights with tables, the printed
 * forms of a band and of the estimates, a global fit's datasets and plots, and the messages
 * that bad bounds, fixes and losses get.
 */
class FitOptionsTest {
    private static final Map<String, double[]> PURO = Reference.csv("puromycin.csv");
    private static final Model1 MM = (p, s) -> p[0].times(s).div(p[1].plus(s));

    private static Table puromycin() {
        return Table.create("puromycin", DoubleColumn.create("conc", PURO.get("conc")),
                DoubleColumn.create("rate", PURO.get("rate")));
    }

    @Test
    void arrayWeightsAndSigmasWorkWithATable() {
        double[] rate = PURO.get("rate");
        double[] sd = new double[rate.length];
        for (int i = 0; i < sd.length; i++) {
            sd[i] = Math.sqrt(rate[i]);
        }
        FitResult arrays = fit1(MM).start(200, 0.1).sigma(sd).to(PURO.get("conc"), rate);
        FitResult table = fit1(MM).start(200, 0.1).sigma(sd).to(puromycin(), "rate", "conc");
        assertArrayEquals(arrays.parameters(), table.parameters(), 1e-12);
        assertArrayEquals(arrays.standardErrors(), table.standardErrors(), 1e-12);
        assertTrue(table.weighted());
        // σ = √rate is the weight 1/rate of R's weighted fit
        assertEquals(Reference.nls().get("puromycin.weighted.Vm.estimate"), table.parameter("b1"), 1e-6);
        // the weights follow the table's rows when rows with missing values are left out
        Table gap = puromycin();
        gap.doubleColumn("rate").setMissing(3);
        FitResult dropped = fit1(MM).start(200, 0.1).weights(sd).to(gap, "rate", "conc");
        assertEquals(1, dropped.rowsDropped());
        assertEquals(sd[4], dropped.weights()[3], 0);
        FitException e = assertThrows(FitException.class,
                () -> fit1(MM).start(200, 0.1).sigma(new double[] {1, 2}).to(puromycin(), "rate", "conc"));
        assertTrue(e.getMessage().contains("2 values but table \"puromycin\" has 12 rows"), e.getMessage());
    }

    @Test
    void aBandPrintsItsPointsAndTheParametersTableHoldsTheSummary() {
        FitResult r = fit1(MM).start(200, 0.1).names("Vm", "K").to(puromycin(), "rate", "conc");
        Band b = r.predictionBand(new double[][] {{0.1}, {0.5}}, 0.95);
        assertEquals(String.format(java.util.Locale.ROOT, "Band[2 points: lower [%.3g, %.3g], fit [%.3g, %.3g], upper [%.3g, %.3g]]",
                b.lower()[0], b.lower()[1], b.fit()[0], b.fit()[1], b.upper()[0], b.upper()[1]), b.toString());
        double[][] grid = new double[10][];
        for (int i = 0; i < 10; i++) {
            grid[i] = new double[] {0.1 * (i + 1)};
        }
        assertTrue(r.confidenceBand(grid, 0.9).toString().startsWith("Band[10 points: lower ["));
        assertTrue(r.confidenceBand(grid, 0.9).toString().contains("… (4 more)"));

        Table t = r.parametersTable();
        assertEquals(List.of("parameter", "estimate", "std. error", "t value", "Pr(>|t|)", "2.5 %", "97.5 %", "status"),
                t.columnNames());
        assertEquals("K", t.stringColumn("parameter").get(1));
        assertEquals(r.standardErrors()[1], t.doubleColumn("std. error").get(1), 0);
        assertEquals(r.pValues()[0], t.doubleColumn("Pr(>|t|)").get(0), 0);
        assertEquals(r.confidenceIntervals(0.95)[1][1], t.doubleColumn("97.5 %").get(1), 0);
        assertEquals("estimated", t.stringColumn("status").get(0));
    }

    @Test
    void aGlobalFitPlotsEachDatasetAndRefusesToGuessWhich() {
        double[] x = {0, 1, 2, 3, 4, 5, 6};
        double[] y1 = new double[x.length];
        double[] y2 = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y1[i] = 10 * Math.exp(-0.3 * x[i]) + 0.01 * Math.sin(7 * i);
            y2[i] = 4 * Math.exp(-0.3 * x[i]) - 0.01 * Math.cos(5 * i);
        }
        // two decays with their own amplitudes and one rate
        FitResult r = fitGlobal("a1", "a2", "k").start(5, 5, 0.1)
                .dataset((p, v) -> p[0].times(exp(p[2].times(-v[0]))), x, y1)
                .dataset((p, v) -> p[1].times(exp(p[2].times(-v[0]))), x, y2)
                .fit();
        assertEquals(0.3, r.parameter("k"), 1e-2);
        FitPlot plot = fitPlot(r, 1);
        assertTrue(plot.toString().contains("7 points"), plot.toString());
        assertEquals("dataset 1", plot.title());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fitPlot(r));
        assertTrue(e.getMessage().contains("fitPlot(r, k)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.dataset(2));
        assertTrue(r.dataset(1).toString().contains("dataset 1 of a global fit of 2"), r.dataset(1).toString());
        assertArrayEquals(y2, r.dataset(1).yData(), 0);
        // a global fit runs with fit(), an ordinary one with to(…)
        FitException f = assertThrows(FitException.class, () -> fitGlobal("a").start(1).to(x, y1));
        assertTrue(f.getMessage().contains(".fit()"), f.getMessage());
        FitException g = assertThrows(FitException.class, () -> fit1(MM).start(1, 1).fit());
        assertTrue(g.getMessage().contains(".to("), g.getMessage());
        FitException h = assertThrows(FitException.class, () -> fit1(MM).start(1, 1).dataset((p, v) -> p[0], x, y1));
        assertTrue(h.getMessage().contains("Fitter.global"), h.getMessage());
        FitException none = assertThrows(FitException.class, () -> fitGlobal("a").start(1).fit());
        assertTrue(none.getMessage().contains(".dataset(model, x, y)"), none.getMessage());
        // a model that reads past the parameters names its dataset
        FitException past = assertThrows(FitException.class, () -> fitGlobal("a", "k").start(5, 0.1)
                .dataset((p, v) -> p[0].times(exp(p[1].times(-v[0]))), x, y1)
                .dataset((p, v) -> p[2].times(exp(p[1].times(-v[0]))), x, y2).fit());
        assertTrue(past.getMessage().contains("dataset 1"), past.getMessage());
    }

    @Test
    void aGlobalFitOfTablesWithASigmaColumnIsTheFitOfArraysWithSigmas() {
        double[] x = {0, 1, 2, 3, 4, 5};
        double[] y1 = {10.2, 7.3, 5.6, 4.0, 3.1, 2.2};
        double[] y2 = {4.1, 3.0, 2.2, 1.7, 1.1, 0.9};
        double[] sd1 = {0.2, 0.2, 0.3, 0.3, 0.4, 0.4};
        double[] sd2 = {0.1, 0.1, 0.1, 0.2, 0.2, 0.2};
        Model m1 = (p, v) -> p[0].times(exp(p[2].times(-v[0])));
        Model m2 = (p, v) -> p[1].times(exp(p[2].times(-v[0])));
        Table t1 = Table.create("first", DoubleColumn.create("t", x), DoubleColumn.create("y", y1), DoubleColumn.create("sd", sd1));
        Table t2 = Table.create("second", DoubleColumn.create("t", x), DoubleColumn.create("y", y2), DoubleColumn.create("sd", sd2));
        t2.doubleColumn("y").setMissing(4);
        FitResult tables = fitGlobal("a1", "a2", "k").start(8, 4, 0.3).sigma("sd")
                .dataset(m1, t1, "y", "t").dataset(m2, t2, "y", "t").fit();
        double[] y2nan = y2.clone();
        y2nan[4] = Double.NaN;
        FitResult arrays = fitGlobal("a1", "a2", "k").start(8, 4, 0.3)
                .dataset(m1, Fitter.column(x), y1, sd1).dataset(m2, Fitter.column(x), y2nan, sd2).fit();
        assertArrayEquals(arrays.parameters(), tables.parameters(), 1e-12);
        assertArrayEquals(arrays.standardErrors(), tables.standardErrors(), 1e-12);
        assertEquals(1, tables.rowsDropped());
        assertEquals(11, tables.observations());
        assertTrue(tables.weighted());
        assertEquals("t", tables.dataset(1).predictorNames()[0]);
        assertEquals(1 / (sd2[5] * sd2[5]), tables.dataset(1).weights()[4], 1e-12);
        // a missing response column names its dataset
        FitException e = assertThrows(FitException.class, () -> fitGlobal("a1", "a2", "k").start(8, 4, 0.3)
                .dataset(m1, t1, "y", "t").dataset(m2, t2, "z", "t").fit());
        assertTrue(e.getMessage().startsWith("dataset 1: no response column \"z\""), e.getMessage());
        // arrays of weights belong to each dataset in a global fit
        FitException w = assertThrows(FitException.class, () -> fitGlobal("a1", "a2", "k").start(8, 4, 0.3)
                .sigma(sd1).dataset(m1, t1, "y", "t").fit());
        assertTrue(w.getMessage().contains(".dataset(model, x, y, sigma)"), w.getMessage());
    }

    @Test
    void badBoundsFixesAndLossesAreRefusedByName() {
        double[] s = PURO.get("conc");
        double[] v = PURO.get("rate");
        String msg = assertThrows(FitException.class,
                () -> fit1(MM).start(200, 0.1).names("Vm", "K").lower("Km", 0).to(s, v)).getMessage();
        assertTrue(msg.contains("\"Km\"") && msg.contains("[Vm, K]"), msg);
        msg = assertThrows(FitException.class,
                () -> fit1(MM).start(200, -0.1).names("Vm", "K").lower("K", 0).to(s, v)).getMessage();
        assertTrue(msg.contains("K = -0.1 is below its lower bound 0.0"), msg);
        msg = assertThrows(FitException.class,
                () -> fit1(MM).start(200, 0.1).names("Vm", "K").bounds("K", 1, 0.5).to(s, v)).getMessage();
        assertTrue(msg.contains("bounds of K are empty"), msg);
        msg = assertThrows(FitException.class,
                () -> fit1(MM).start(200, 0.1).names("Vm", "K").bounds("K", 0.1, 0.1).to(s, v)).getMessage();
        assertTrue(msg.contains(".fix(\"K\", 0.1)"), msg);
        msg = assertThrows(FitException.class, () -> fit1(MM).start(200, 0.1)
                .bounds(new double[] {0}, new double[] {1}).to(s, v)).getMessage();
        assertTrue(msg.contains("1 bounds of each kind for 2 parameters"), msg);
        msg = assertThrows(FitException.class, () -> fit1(MM).start(200, 0.1).lower("b1", Double.NaN)).getMessage();
        assertTrue(msg.contains("NaN"), msg);
        msg = assertThrows(FitException.class,
                () -> fit1(MM).start(200, 0.1).fix("b1").fix("b2").to(s, v)).getMessage();
        assertTrue(msg.contains("every parameter is fixed"), msg);
        msg = assertThrows(FitException.class, () -> fit1(MM).loss(Loss.HUBER, 0)).getMessage();
        assertTrue(msg.contains("scale C") && msg.contains("positive"), msg);
        msg = assertThrows(FitException.class, () -> fit1(MM).fix("b1", Double.POSITIVE_INFINITY)).getMessage();
        assertTrue(msg.contains("finite"), msg);
        // a start on the bound is allowed
        FitResult onBound = fit1(MM).start(200, 0.05).upper("b2", 0.05).to(s, v);
        assertEquals(0.05, onBound.parameters()[1], 0);
    }
}
