package dev.wengert.optim;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.minimize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result as users and the plot helper read it, and progress as events. */
class ResultAndEventsTest {

    @Test
    void historyStartsAtTheStartPointAndEndsAtTheResult() {
        OptimizationResult r = minimize(Mgh.ROSENBROCK, -1.2, 1.0);
        Iteration first = r.history().get(0);
        assertEquals(0, first.iteration());
        assertArrayEquals(new double[] {-1.2, 1.0}, first.point(), 0.0);
        assertEquals(24.2, first.value(), 1e-12);   // (10·(1 − 1.44))² + (2.2)²
        Iteration last = r.history().get(r.history().size() - 1);
        assertArrayEquals(r.x(), last.point(), 0.0);
        assertEquals(r.value(), last.value(), 0.0);
        assertEquals(r.gradientNorm(), last.gradientNorm(), 0.0);
        for (int k = 1; k < r.history().size(); k++) {
            Iteration a = r.history().get(k - 1);
            Iteration b = r.history().get(k);
            assertEquals(Vectors.distance(a.point(), b.point()), b.step(), 1e-15, "step = ‖x_k − x_{k−1}‖");
        }
        assertThrows(UnsupportedOperationException.class, () -> r.history().clear());
        assertEquals("L-BFGS (m = 10)", r.method());
        assertEquals(List.of("x0", "x1"), r.names());
    }

    @Test
    void historyTableHasOneRowPerIterationAndOneColumnPerCoordinate() {
        OptimizationResult r = minimize(Mgh.ROSENBROCK, -1.2, 1.0);
        Table t = r.historyTable();
        assertEquals(r.history().size(), t.rowCount());
        assertEquals(List.of("iteration", "value", "gradientNorm", "step", "x0", "x1"), t.columnNames());
        assertEquals(r.value(), t.doubleColumn("value").get(t.rowCount() - 1), 0.0);
        assertEquals(-1.2, t.doubleColumn("x0").get(0), 0.0);
        assertEquals(r.iterations(), t.intColumn("iteration").get(t.rowCount() - 1));
    }

    @Test
    void largeProblemsKeepNoPointsUnlessAsked() {
        double[] x0 = Mgh.extendedRosenbrockStart(20);
        OptimizationResult kept = minimize(Mgh.EXTENDED_ROSENBROCK, x0);
        assertEquals(20, kept.history().get(1).point().length);
        assertEquals(4 + 20, kept.historyTable().columnCount());
        OptimizationResult none = lbfgs().keepPoints(false).minimize(Mgh.EXTENDED_ROSENBROCK, x0);
        assertEquals(0, none.history().get(1).point().length);
        assertEquals(4, none.historyTable().columnCount());
        assertArrayEquals(kept.x(), none.x(), 0.0);
    }

    @Test
    void toStringIsOneShortLineAndTheHtmlIsATable() {
        OptimizationResult r = minimize(Mgh.ROSENBROCK, -1.2, 1.0);
        String s = r.toString();
        assertFalse(s.contains("\n"));
        assertTrue(s.startsWith("L-BFGS (m = 10): converged, f = "), s);
        assertTrue(s.contains(r.iterations() + " iterations"), s);
        assertTrue(s.contains(r.reason()), s);
        Map<String, String> m = r.mimeBundle();
        assertEquals(s, m.get("text/plain"));
        assertTrue(m.get("text/html").startsWith("<table>"));
        assertTrue(m.get("text/html").contains("iterations"));
        String longPoint = minimize(Mgh.EXTENDED_ROSENBROCK, Mgh.extendedRosenbrockStart(100)).toString();
        assertTrue(longPoint.length() < 400, longPoint);
    }

    @Test
    void listenersHearStartEachIterationAndEnd() {
        List<String> events = new ArrayList<>();
        OptimizerListener l = new OptimizerListener() {
            @Override
            public void started(String method, Iteration start) {
                events.add("start " + start.iteration());
            }

            @Override
            public void iteration(String method, Iteration it) {
                events.add("it " + it.iteration());
            }

            @Override
            public void finished(OptimizationResult result) {
                events.add("end " + result.iterations());
            }
        };
        OptimizationResult r = lbfgs().listener(l).minimize(Mgh.BEALE, 1, 1);
        assertEquals(r.iterations() + 2, events.size());
        assertEquals("start 0", events.get(0));
        assertEquals("it 1", events.get(1));
        assertEquals("end " + r.iterations(), events.get(events.size() - 1));
    }

    @Test
    void globalListenersHearEveryRunUntilRemoved() {
        List<Iteration> heard = new ArrayList<>();
        OptimizerListener l = (method, it) -> heard.add(it);
        OptimizerEvents.add(l);
        try {
            OptimizationResult r = minimize(Mgh.BEALE, 1, 1);
            assertEquals(r.history().subList(1, r.history().size()), heard);
        } finally {
            OptimizerEvents.remove(l);
        }
        heard.clear();
        minimize(Mgh.BEALE, 1, 1);
        assertTrue(heard.isEmpty());
    }

    @Test
    void progressLineRewritesOneLineAndEndsWithANewline() {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressLine line = new ProgressLine(out, true, 0, 0);
        lbfgs().listener(line).minimize(Mgh.BEALE, 1, 1);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rL-BFGS (m = 10)  iteration 1  f = "), s);
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, finished once");
        assertTrue(s.endsWith("\n"));
    }

    @Test
    void progressIntoAFileIsPlainLinesWithoutCarriageReturns() {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressLine line = new ProgressLine(out, false, 0, 0);
        OptimizationResult r = lbfgs().listener(line).minimize(Mgh.BEALE, 1, 1);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"), s);
        assertFalse(s.contains("\u001b"), s);
        List<String> lines = s.lines().toList();
        // every iteration once, in order, the last one not repeated when the run ends
        assertEquals(r.history().size() - 1, lines.size(), s);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).startsWith("L-BFGS (m = 10)  iteration " + (i + 1) + "  f = "), lines.get(i));
        }
        assertTrue(s.endsWith("\n"));
    }

    @Test
    void thePropertyChoosesLiveLinesOrOff() {
        String before = System.getProperty(OptimizerEvents.PROGRESS_PROPERTY);
        try {
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, "lines");
            assertTrue(OptimizerEvents.showProgress(null));
            assertFalse(OptimizerEvents.liveProgress());
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, "live");
            assertTrue(OptimizerEvents.showProgress(null));
            assertTrue(OptimizerEvents.liveProgress());
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, "off");
            assertFalse(OptimizerEvents.showProgress(null));
            assertTrue(OptimizerEvents.showProgress(true), "the optimizer's own choice wins");
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, "sometimes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OptimizerEvents.showProgress(null));
            assertTrue(e.getMessage().contains("-Dwengert.progress=sometimes is not a progress style: use live"),
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OptimizerEvents.PROGRESS_PROPERTY);
            } else {
                System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, before);
            }
        }
    }

    @Test
    void progressLineIsOffWithoutAConsoleAndCanBeForced() {
        // tests run without a console, so by default nothing is drawn
        assertFalse(OptimizerEvents.showProgress(null));
        OptimizerEvents.progressLine(true);
        try {
            assertTrue(OptimizerEvents.showProgress(null));
            assertFalse(OptimizerEvents.showProgress(false), "the optimizer's own choice wins");
        } finally {
            OptimizerEvents.progressLineAuto();
        }
    }

    @Test
    void quickRunsDrawNothing() {
        var bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, Long.MAX_VALUE, 0);
        lbfgs().listener(line).minimize(Mgh.BEALE, 1, 1);
        assertEquals(0, bytes.size());
    }
}
