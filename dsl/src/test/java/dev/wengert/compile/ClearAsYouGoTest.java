package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.GeneratedLoopsTest.agrees;
import static dev.wengert.compile.GeneratedLoopsTest.generated;
import static dev.wengert.compile.GeneratedLoopsTest.points;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A compiled gradient's sweep sets each adjoint it reads back to 0.0 (Program's clear as you
 * go), so the next sweep clears only the leaves instead of every cell of the adjoint array.
 * Counted here: which clear each sweep ran and over how many cells; and the gradients stay the
 * bits of a fresh recording when calls repeat, after a sweep that stopped with an exception,
 * when the output sits inside a loop, and between Hessian–vector products.
 */
class ClearAsYouGoTest {
    private String saved;
    private String savedVerdict;
    private String savedWarmup;

    @BeforeEach
    void generateAtOnce() {
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
        savedWarmup = System.getProperty("wengert.codegen.warmup");
        System.setProperty("wengert.codegen", "0");
        System.setProperty("wengert.codegen.verdict", "keep");
        System.setProperty("wengert.codegen.warmup", "false");
    }

    @AfterEach
    void restore() {
        GeneratedLoopsTest.restore("wengert.codegen", saved);
        GeneratedLoopsTest.restore("wengert.codegen.verdict", savedVerdict);
        GeneratedLoopsTest.restore("wengert.codegen.warmup", savedWarmup);
    }

    static final int N = 60;

    /**
     * gradbench's ode in small: a few explicit steps whose loops read the previous loop's values
     * (slots read outside their loop, which the backward methods load from the adjoint array),
     * after two interpreted nodes every loop reads (a = x₀x₁ and b = sin a, below the loops).
     */
    static final Fn STEPS = x -> {
        int n = x.length;
        Num a = x[0].times(x[1]);
        Num b = sin(a);
        Num[] y = new Num[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[i].times(b);
        }
        for (int step = 0; step < 3; step++) {
            Num[] z = new Num[n];
            z[0] = x[0];
            for (int i = 1; i < n; i++) {
                z[i] = x[i].times(y[i - 1]);
            }
            for (int i = 0; i < n; i++) {
                y[i] = y[i].plus(z[i].times(a).times(0.1));
            }
        }
        Num s = y[0];
        for (int i = 1; i < n; i++) {
            s = s.plus(y[i]);
        }
        return s;
    };

    @Test
    void afterItsFirstSweepAGeneratedLoopGradientClearsOnlyTheInputs() {
        double[][] xs = points(N, 6, 7);
        CompiledFn c = generated(STEPS, xs[0]);
        Program p = c.program();
        assertTrue(p.loopOperations() > 5 * N, "the steps run as generated loops: " + p.loopOperations());
        c.gradient(xs[0]);                             // the first sweep over the generated loops: a full clear
        int full = p.fullClears();
        int rest = p.restClears();
        agrees(STEPS, c, xs);                          // 6 points, 2 gradients each
        assertEquals(full, p.fullClears(), "no sweep cleared the whole adjoint array again");
        assertEquals(rest + 12, p.restClears(), "every sweep cleared only what the one before left");
        assertEquals(N, p.restCells(), "what is left is the inputs' adjoints, the gradient itself");
        assertTrue(c.size() > 10 * N, "of " + c.size() + " cells");
    }

    @Test
    void aSweepStoppedByAnExceptionIsFollowedByAFullClear() {
        double[][] xs = points(N, 4, 8);
        CompiledFn c = generated(STEPS, xs[0]);
        Program p = c.program();
        c.gradient(xs[1]);
        c.gradient(xs[2]);                             // swept to the end: the next clear is the inputs only
        // b = sin a is node N + 1, interpreted, below the loops: after a replay, make its sweep
        // fail once the loops have cleared their cells and added to a's (N), which the sweep
        // then never reaches
        int[] leaves = new int[N];
        for (int i = 0; i < N; i++) {
            leaves[i] = i;
        }
        int root = c.size() - 1;                       // the sum, the last node recorded
        assertTrue(p.replay(leaves, xs[3]));
        int[] starts = p.storage().starts();
        int[] args = p.storage().args();
        int k = starts[N + 1];
        assertEquals(N, args[k], "b's operand is a");
        args[k] = Integer.MAX_VALUE;
        int full = p.fullClears();
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> p.sweep(root));
        args[k] = N;
        assertEquals(full, p.fullClears(), "the failed sweep started from the inputs-only clear");
        assertNotEquals(0.0, p.storage().adjoints()[N], "a holds the loops' contributions, left by the failed sweep");
        agrees(STEPS, c, xs[3], xs[0]);
        assertEquals(full + 1, p.fullClears(), "the sweep after it cleared every cell it reads");
    }

    @Test
    void anOutputInsideALoopStillLeavesOnlyTheInputs() {
        // the output is the running sum one term before its end: later slots of the loop and
        // the nodes after it are dead, and the sweep starts inside the loop
        Fn inside = x -> {
            Num s = x[0].times(x[0]);
            Num out = null;
            for (int i = 1; i < x.length; i++) {
                s = s.plus(x[i].times(x[i - 1]).times(sin(x[i])));
                if (i == x.length - 2) {
                    out = s;
                }
            }
            return out;
        };
        double[][] xs = points(N, 5, 9);
        CompiledFn c = generated(inside, xs[0]);
        Program p = c.program();
        assertTrue(p.loopOperations() > 0, "the sum runs as a generated loop");
        c.gradient(xs[0]);
        int full = p.fullClears();
        agrees(inside, c, xs);
        assertEquals(full, p.fullClears(), "no full clear");
        assertEquals(N, p.restCells());
        assertEquals(0.0, c.gradient(xs[1])[N - 1], "the last input is past the output");
    }

    @Test
    void productsBetweenGradientsLeaveTheirBitsAndTheClearsAlone() {
        double[][] xs = points(N, 4, 10);
        double[][] vs = points(N, 4, 11);
        CompiledFn c = generated(STEPS, xs[0]);
        Program p = c.program();
        c.gradient(xs[0]);
        int full = p.fullClears();
        for (int t = 0; t < xs.length; t++) {
            double[] x = xs[t];
            agrees(STEPS, c, x);
            assertArrayEquals(GeneratedLoopsTest.bits(hvp(STEPS, x, vs[t])), GeneratedLoopsTest.bits(c.hvp(x, vs[t])),
                    "hvp at point " + t);
            double[] g = new double[N];
            double[] hv = new double[N];
            c.gradientAndHvpInto(x, vs[t], g, hv);
            assertArrayEquals(GeneratedLoopsTest.bits(gradient(STEPS, x)), GeneratedLoopsTest.bits(g),
                    "gradient with the product at point " + t);
            assertArrayEquals(GeneratedLoopsTest.bits(hvp(STEPS, x, vs[t])), GeneratedLoopsTest.bits(hv),
                    "product with the gradient at point " + t);
            agrees(STEPS, c, xs[(t + 1) % xs.length]);
        }
        assertEquals(full, p.fullClears(), "the products' own arrays leave the tape's adjoints as the sweep left them");
    }
}
