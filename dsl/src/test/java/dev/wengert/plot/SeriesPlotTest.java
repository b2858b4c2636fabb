package dev.wengert.plot;

import static dev.wengert.Wengert.sin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class SeriesPlotTest {

    @Test
    void linesAndScattersOverlayWithTheirPointsAndLabels() {
        double[] xs = {0, 1, 2, 3};
        LinePlot p = LinePlot.line(xs, new double[] {1, 3, 2, 5})
                .scatter("measured", xs, new double[] {1.2, 2.7, 2.1, 4.8})
                .title("two series").labels("t", "value");
        assertEquals(List.of("y", "measured"), p.seriesLabels());
        assertEquals(4, p.series().get(1).size());
        assertEquals(SeriesPlot.Style.POINTS, p.series().get(1).style());
        XYPlot plot = p.chart().getXYPlot();
        // the line is a JFreeChart series; the points are a layer of their own, under it
        assertEquals(1, plot.getDataset(0).getSeriesCount());
        assertEquals(4, plot.getDataset(0).getItemCount(0));
        assertEquals(List.of("y", "measured"), legendLabels(plot));
        String text = Svg.text(Svg.parse(p.svg()));
        for (String s : new String[] {"two series", "measured", "t"}) {
            assertTrue(text.contains(s), s);
        }
        Svg.png(p.png(300, 200), 300, 200);
        assertEquals("LinePlot[two series: y (4 points), measured (4 points)]", p.toString());
    }

    static List<String> legendLabels(XYPlot plot) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < plot.getLegendItems().getItemCount(); i++) {
            out.add(plot.getLegendItems().get(i).getLabel());
        }
        return out;
    }

    @Test
    void scatterOfATableUsesItsColumnsAndSkipsMissingRows() {
        Table t = Table.create("houses",
                DoubleColumn.create("area", 50, 80, Double.NaN, 120),
                DoubleColumn.create("price", 100, 150, 170, 260));
        LinePlot p = LinePlot.scatter(t, "area", "price");
        assertEquals(1, p.series().size());
        assertArrayEquals(new double[] {50, 80, 120}, p.series().get(0).x(), 0);
        assertArrayEquals(new double[] {100, 150, 260}, p.series().get(0).y(), 0);
        assertEquals("area", p.xLabel());
        assertEquals("price", p.yLabel());
        assertEquals("houses", p.title());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinePlot.scatter(t, "size", "price"));
        assertTrue(e.getMessage().contains("[area, price]"), e.getMessage());
    }

    @Test
    void logAxesAreLogAndRefuseNonPositiveData() {
        LinePlot p = LinePlot.line(new double[] {1, 10, 100}, new double[] {1, 0.1, 0.01}).logX().logY();
        XYPlot plot = p.chart().getXYPlot();
        assertTrue(plot.getDomainAxis() instanceof LogAxis);
        assertTrue(plot.getRangeAxis() instanceof LogAxis);
        Svg.parse(p.svg());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinePlot.line(new double[] {0, 1}, new double[] {1, 2}).logX().chart());
        assertTrue(e.getMessage().contains("log"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinePlot.line(new double[] {0, 1}, new double[] {1}));
    }

    @Test
    void functionAndDerivativeComeFromTheDsl() {
        FunctionPlot p = FunctionPlot.of(x -> x.times(sin(x)), 0, 10).samples(101).withDerivatives(1);
        List<SeriesPlot.Series> s = p.series();
        assertEquals(List.of("f", "f′"), p.seriesLabels());
        assertEquals(101, s.get(0).size());
        for (int i = 0; i < 101; i++) {
            double x = s.get(0).x()[i];
            assertEquals(x * Math.sin(x), s.get(0).y()[i], 1e-12);
            assertEquals(Math.sin(x) + x * Math.cos(x), s.get(1).y()[i], 1e-12);
        }
        Svg.parse(p.svg());
        assertEquals("FunctionPlot[f and 1 derivative on [0, 10], 101 points]", p.toString());
    }

    @Test
    void derivativesAndResidualsGetAZeroLine() {
        FunctionPlot p = FunctionPlot.of(x -> sin(x), 0, 3).withDerivatives(1);
        assertEquals(1, p.chart().getXYPlot().getRangeMarkers(0, org.jfree.chart.ui.Layer.BACKGROUND).size());
    }

    @Test
    void undefinedPointsLeaveGaps() {
        FunctionPlot p = FunctionPlot.of(x -> dev.wengert.Wengert.log(x), -1, 1).samples(5);
        double[] y = p.series().get(0).y();
        assertTrue(Double.isNaN(y[0]));
        assertEquals(0, y[4], 0);
        Svg.parse(p.svg());
    }

    @Test
    void higherDerivativesComeFromTheTaylorTower() {
        FunctionPlot p = FunctionPlot.of(x -> sin(x), 0, 3).samples(31).withDerivatives(4);
        assertEquals(List.of("f", "f′", "f″", "f‴", "f⁽⁴⁾"), p.seriesLabels());
        for (int i = 0; i < 31; i++) {
            double x = p.series().get(0).x()[i];
            assertEquals(Math.sin(x), p.series().get(0).y()[i], 1e-12);
            assertEquals(Math.cos(x), p.series().get(1).y()[i], 1e-12);
            assertEquals(-Math.sin(x), p.series().get(2).y()[i], 1e-12);
            assertEquals(-Math.cos(x), p.series().get(3).y()[i], 1e-12);
            assertEquals(Math.sin(x), p.series().get(4).y()[i], 1e-12);
        }
        Svg.parse(p.svg());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FunctionPlot.of(x -> x, 0, 1).withDerivatives(7));
        assertTrue(e.getMessage().contains("up to 6"), e.getMessage());
    }

    @Test
    void lossCurvesOverlayRunsAndGradientNormsOnTheirOwnAxis() {
        LossCurvePlot p = new LossCurvePlot()
                .run("gd", new double[] {10, 4, 1.8, 0.9})
                .run("lbfgs", new double[] {0, 1, 2}, new double[] {10, 0.5, 0.001}, new double[] {5, 1, 0.01})
                .withGradientNorm().logScale();
        assertEquals(List.of("gd", "lbfgs", "lbfgs ‖∇f‖"), p.seriesLabels());
        assertEquals(1, p.series().get(2).axis());
        assertEquals(p.series().get(1).colour(), p.series().get(2).colour(), "a run and its gradient norm share a colour");
        XYPlot plot = p.chart().getXYPlot();
        assertTrue(plot.getRangeAxis() instanceof LogAxis);
        assertEquals(2, plot.getDataset(0).getSeriesCount());
        assertEquals(1, plot.getDataset(1).getSeriesCount());
        Svg.parse(p.svg());
        assertEquals("LossCurvePlot[gd: 4 iterations, final 0.9, lbfgs: 3 iterations, final 0.001, log scale]", p.toString());
    }
}
