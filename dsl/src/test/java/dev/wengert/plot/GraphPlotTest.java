package dev.wengert.plot;

import static dev.wengert.Wengert.mode;
import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.resetTape;
import static dev.wengert.Wengert.sin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class GraphPlotTest {

    @AfterEach
    void cleanUp() {
        mode(Mode.REVERSE);
        resetTape();
    }

    /** The seed's example: z(x(u, v), y(u, v)) with x = u·v, y = u + v, z = x·y + sin x. */
    private static Num seed() {
        resetTape();
        Num u = param("u", 2.0);
        Num v = param("v", 0.5);
        Num x = u.times(v);
        Num y = u.plus(v);
        return x.times(y).plus(sin(x));
    }

    @Test
    void theSeedGraphHasItsSevenNodesAndNineEdges() {
        Num z = seed();
        TapeGraph g = GraphPlot.of(z).graph();
        // #0 u, #1 v, #2 x = u·v, #3 y = u + v, #4 x·y, #5 sin x, #6 z
        assertEquals(7, g.nodes().size());
        assertEquals(List.of("param", "param", "mul", "add", "mul", "sin", "add"),
                g.nodes().stream().map(TapeGraph.Node::op).toList());
        assertEquals("u", g.node(0).name());
        assertEquals("v", g.node(1).name());
        Set<String> edges = new HashSet<>();
        for (TapeGraph.Edge e : g.edges()) {
            edges.add(e.from() + "->" + e.to());
        }
        assertEquals(Set.of("0->2", "1->2", "0->3", "1->3", "2->4", "3->4", "2->5", "4->6", "5->6"), edges);
        assertEquals(9, g.edges().size());
        // edges carry the local partials: ∂(u·v)/∂u = v, ∂(x·y)/∂x = y, ∂ sin x/∂x = cos x
        assertEquals(0.5, partial(g, 0, 2), 0);
        assertEquals(2.0, partial(g, 1, 2), 0);
        assertEquals(2.5, partial(g, 2, 4), 0);
        assertEquals(Math.cos(1.0), partial(g, 2, 5), 1e-15);
        // inputs at the bottom, z alone on top
        assertEquals(0, g.node(0).layer());
        assertEquals(0, g.node(1).layer());
        assertEquals(1, g.node(2).layer());
        assertEquals(1, g.node(3).layer());
        assertEquals(3, g.node(6).layer());
        assertEquals(4, g.layers());
        assertTrue(!g.isSummarised());
    }

    private static double partial(TapeGraph g, int from, int to) {
        return g.edges().stream().filter(e -> e.from() == from && e.to() == to).findFirst().orElseThrow().partial();
    }

    @Test
    void adjointsAppearAfterBackwardAndMatchTheChainRule() {
        Num z = seed();
        assertNull(GraphPlot.of(z).graph().node(0).adjoint(), "no adjoints before backward()");
        z.backward();
        TapeGraph g = GraphPlot.of(z).graph();
        double u = 2, v = 0.5, x = u * v, y = u + v;
        // ∂z/∂u = (y + cos x)·v + x, ∂z/∂v = (y + cos x)·u + x
        assertEquals((y + Math.cos(x)) * v + x, g.node(0).adjoint(), 1e-12);
        assertEquals((y + Math.cos(x)) * u + x, g.node(1).adjoint(), 1e-12);
        assertEquals(1.0, g.node(6).adjoint(), 0);
        String text = Svg.text(Svg.parse(GraphPlot.of(z).svg()));
        assertTrue(text.contains("adj 2.52"), text);
        assertTrue(text.contains("#0 u"), text);
        assertTrue(text.contains("0.5403"), "cos 1 labels the edge x → sin x: " + text);
    }

    @Test
    void theSvgHasOneGroupPerNodeAndThePngDecodes() {
        Num z = seed();
        GraphPlot p = GraphPlot.of(z);
        Document doc = Svg.parse(p.svg());
        for (int i = 0; i <= 6; i++) {
            assertNotNull(Svg.byId(doc, "node-" + i), "node #" + i + " drawn");
        }
        Svg.png(p.png(500, 400), 500, 400);
        assertEquals("GraphPlot[#6: 7 nodes, 9 edges, 2 parameters]", p.toString());
        p.name("z");
        assertEquals("GraphPlot[z: 7 nodes, 9 edges, 2 parameters]", p.toString());
        String text = Svg.text(Svg.parse(p.svg()));
        assertTrue(text.contains("computation graph of z = 3.341"), text);
        assertTrue(text.contains("#6 z = add"), text);
    }

    @Test
    void aRepeatedInputGivesTwoEdges() {
        resetTape();
        Num a = param("a", 3.0);
        Num sq = a.times(a);
        TapeGraph g = GraphPlot.of(sq).graph();
        assertEquals(2, g.edges().size());
        assertEquals(Set.of(0, 1), Set.copyOf(g.edges().stream().map(TapeGraph.Edge::repeat).toList()));
        Svg.parse(GraphPlot.of(sq).svg());
    }

    @Test
    void aLargeGraphIsSummarisedNotDrawnWhole() {
        resetTape();
        Num w = param("w", 0.3);
        Num acc = w;
        for (int i = 0; i < 200; i++) {
            acc = acc.times(w).plus(sin(acc));
        }
        TapeGraph g = GraphPlot.of(acc).graph();
        assertTrue(g.isSummarised());
        assertTrue(g.nodes().size() <= GraphPlot.LIMIT, "at most the limit drawn: " + g.nodes().size());
        assertEquals(601, g.totalOperations());
        TapeGraph.Node earlier = g.node(TapeGraph.EARLIER);
        assertNotNull(earlier);
        int folded = g.summary().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(g.totalOperations() - (g.nodes().size() - 1), folded, "every operation drawn or counted");
        assertTrue(earlier.op().contains(folded + " earlier operations"), earlier.op());
        Svg.parse(GraphPlot.of(acc).svg());
    }

    @Test
    void valuesWithoutARecordingAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GraphPlot.of(dev.wengert.Wengert.constant(2)));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
        mode(Mode.FORWARD);
        Num f = param("f", 1.0).times(2);
        e = assertThrows(IllegalArgumentException.class, () -> GraphPlot.of(f));
        assertTrue(e.getMessage().contains("forward mode"), e.getMessage());
        mode(Mode.REVERSE);
        Num z = seed();
        resetTape();
        param("other", 7.0);
        dev.wengert.core.WengertException w = assertThrows(dev.wengert.core.WengertException.class, () -> GraphPlot.of(z));
        assertTrue(w.getMessage().contains("graph") && w.getMessage().contains("resetTape()"), w.getMessage());
    }
}
