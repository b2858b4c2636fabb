package dev.wengert.plot;

import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.contour;
import static dev.wengert.Wengert.fit1;
import static dev.wengert.Wengert.fitPlot;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.graph;
import static dev.wengert.Wengert.lossCurve;
import static dev.wengert.Wengert.minimize;
import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.plot;
import static dev.wengert.Wengert.resetTape;
import static dev.wengert.Wengert.residualPlot;
import static dev.wengert.Wengert.sin;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.fit.FitResult;
import dev.wengert.optim.OptimizationResult;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No label hides another or is cut off: every plot of the README's tour, and the cases that
 * went wrong, rendered at several sizes, with each piece of text's box computed from the SVG
 * and the font's metrics ({@link Svg#assertTextReadable}).
 */
class LabelGeometryTest {
    private static final int[][] SIZES = {{640, 480}, {480, 360}, {360, 270}};

    @AfterEach
    void cleanUp() {
        resetTape();
    }

    private static void assertReadableAtEverySize(Plot<?> p, String what) {
        for (int[] s : SIZES) {
            Svg.assertTextReadable(p.svg(s[0], s[1]), what + " at " + s[0] + " × " + s[1]);
        }
    }

    /** The README's chain-rule picture: z = x·y + sin x, x = u·v, y = u + v at u = 2, v = 0.5. */
    @Test
    void theChainRuleGraphShowsEveryEdgeLabelApart() {
        resetTape();
        var cu = param("u", 2.0);
        var cv = param("v", 0.5);
        Num cx = cu.times(cv), cy = cu.plus(cv);
        Num cz = cx.times(cy).plus(sin(cx));
        cz.backward();
        GraphPlot g = graph(cz).name("z");
        List<Svg.TextBox> boxes = Svg.assertTextReadable(g.svg(), "graph(cz)");
        // ∂x/∂v = u = 2 and ∂y/∂u = 1 label the two edges that cross between the bottom layers
        List<String> texts = new ArrayList<>();
        boxes.forEach(b -> texts.add(b.text()));
        for (String partial : new String[] {"2", "1", "0.5", "2.5", "0.5403"}) {
            assertTrue(texts.contains(partial), "edge label " + partial + " drawn: " + texts);
        }
        assertReadableAtEverySize(g, "graph(cz)");
    }

    @Test
    void aLargerGraphKeepsItsLabelsApart() {
        resetTape();
        Num w = param("w", 0.3);
        Num b = param("b", 0.1);
        Num acc = constant(0);
        for (int i = 0; i < 6; i++) {
            acc = acc.plus(square(w.times(i).plus(b).minus(i * 0.5)));
        }
        acc.backward();
        Svg.assertTextReadable(graph(acc).svg(), "graph of a 6-term loss");
        resetTape();
        Num a = param("a", 1.5);
        Svg.assertTextReadable(graph(a.times(a).times(a).plus(a.times(a))).svg(), "parallel edges of a·a·a + a·a");
        resetTape();
        Num s = param("s", 0.3);
        Num t = s;
        for (int i = 0; i < 200; i++) {
            t = t.times(s).plus(sin(t));
        }
        Svg.assertTextReadable(graph(t).svg(), "a graph of 601 operations, summarised");
        resetTape();
        Num[] ps = new Num[40];
        Num sum = constant(0);
        for (int i = 0; i < ps.length; i++) {
            ps[i] = param("p" + i, i * 0.25);
            sum = sum.plus(ps[i].times(ps[i]));
        }
        Svg.assertTextReadable(graph(sum).svg(), "a layer of 40 parameters");
    }

    @Test
    void theLastTickLabelOfAnAxisEndingAt11000IsWhole() {
        FunctionPlot f = plot(x -> x.times(2), 0, 11000);
        List<Svg.TextBox> boxes = Svg.assertTextReadable(f.svg(), "plot on [0, 11000]");
        assertTrue(boxes.stream().anyMatch(b -> b.text().equals("11,000")), "the tick label 11,000 is drawn whole");
        assertReadableAtEverySize(f, "plot on [0, 11000]");
        double[] v = new double[11_001];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(-i / 3000.0);
        }
        assertReadableAtEverySize(new LossCurvePlot().run("slow", v), "loss curve of 11,000 iterations");
        assertReadableAtEverySize(new LossCurvePlot().run("slow", v).logScale(), "the same on a log scale");
        assertReadableAtEverySize(LinePlot.line(new double[] {-123456, 987654}, new double[] {1e-7, 3e-3}).logY(),
                "wide labels on both axes");
    }

    private static final double[] XS = {0, 1, 2, 3, 4};
    private static final double[] YS = {1.1, 2.9, 5.2, 6.8, 9.1};
    private static final Fn J = t -> {
        Num s = constant(0);
        for (int i = 0; i < XS.length; i++) {
            s = s.plus(square(t[0].plus(t[1].times(XS[i])).minus(YS[i])));
        }
        return s.div(2 * XS.length);
    };

    @Test
    void theTourPlotsHaveReadableLabels() {
        OptimizationResult gd = minimize(J, new double[] {-3, 5}, gradientDescent(0.1));
        OptimizationResult bfgs = minimize(J, -3, 5);
        assertReadableAtEverySize(contour(J, -4, 6, -1, 6).path(gd, bfgs).labels("θ0", "θ1")
                .title("cost J(θ0, θ1) and two descents"), "the cost surface");
        assertReadableAtEverySize(lossCurve(gd, bfgs).logScale().withGradientNorm().title("loss per iteration"),
                "the loss curves");
        FitResult r = fit1((p, t) -> p[0].times(dev.wengert.Wengert.exp(p[1].times(-t))),
                new double[] {0, 1, 2, 3, 4, 5, 6, 7}, new double[] {10.2, 6.1, 3.6, 2.3, 1.3, 0.85, 0.52, 0.29}, 8, 0.3);
        assertReadableAtEverySize(fitPlot(r).predictionBand(true), "the fit");
        assertReadableAtEverySize(residualPlot(r), "the residuals");
        assertReadableAtEverySize(plot(x -> sin(x).times(x), 0, 10).withDerivatives(3), "f and three derivatives");
    }

    /** The check itself finds what it should: overlapping and clipped text. */
    @Test
    void theCheckCatchesOverlapsAndClipping() {
        String overlapping = "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='50'>"
                + "<text x='10' y='20' style='font-family: sans-serif; font-size: 10px;'>2</text>"
                + "<text x='11' y='21' style='font-family: sans-serif; font-size: 10px;'>1</text></svg>";
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Svg.assertTextReadable(overlapping, "two labels on one spot"));
        assertTrue(e.getMessage().contains("\"2\"") && e.getMessage().contains("overlaps"), e.getMessage());
        String clipped = "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='50'>"
                + "<text x='80' y='20' style='font-family: sans-serif; font-size: 11px;'>11,000</text></svg>";
        e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Svg.assertTextReadable(clipped, "a label at the edge"));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        List<Svg.TextBox> one = Svg.textBoxes(Svg.parse(clipped));
        Rectangle2D box = one.get(0).box();
        assertEquals(80, box.getX(), 1e-9);
        assertTrue(box.getWidth() > 25 && box.getWidth() < 45, "six characters of 11 px: " + box.getWidth());
    }
}
