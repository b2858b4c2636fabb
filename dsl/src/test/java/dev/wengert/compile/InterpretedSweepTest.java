package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The interpreter's own sweep of a compiled tape (code generation off), which runs from the
 * second gradient on, once the tape knows what a sweep from the output reaches: nodes of one
 * operand, of two (the same operand twice among them) and n-ary nodes (with constants among
 * their arguments, and a repeated argument) each take their own path there, and every path
 * must add the same products in the same order as the tape's first sweep, so the gradient is
 * a fresh recording's to the bit.
 */
class InterpretedSweepTest {
    private String saved;

    @BeforeEach
    void interpreterOnly() {
        saved = System.getProperty("wengert.codegen");
        System.setProperty("wengert.codegen", "off");
    }

    @AfterEach
    void restore() {
        GeneratedLoopsTest.restore("wengert.codegen", saved);
    }

    static final int D = 3;
    static final int K = 4;
    static final int N = 6;
    static final double[] DATA = new Random(20).doubles(N * D).toArray();

    /**
     * A small Gaussian mixture written as gradbench's gmm.scalar is: per point a log-sum-exp
     * over the components (an n-ary node of K operands), with x·x (one operand twice), a
     * difference with the data on the left, squares, exponentials and a product by a constant.
     * Inputs: K weights, K·D means, K·D log-precisions.
     */
    static final Fn MIXTURE = x -> {
        Num total = constant(0);
        for (int i = 0; i < N; i++) {
            Num[] main = new Num[K];
            for (int k = 0; k < K; k++) {
                Num sq = constant(0);
                Num sumQ = constant(0);
                for (int t = 0; t < D; t++) {
                    Num q = x[K + K * D + k * D + t];
                    Num xc = minus(DATA[i * D + t], x[K + k * D + t]);
                    Num qx = q.exp().times(xc);
                    sq = sq.plus(qx.times(qx));
                    sumQ = sumQ.plus(q);
                }
                main[k] = x[k].plus(sumQ).minus(sq.times(0.5));
            }
            total = total.plus(logsumexp(main));
        }
        Num[] alphas = java.util.Arrays.copyOf(x, K);
        // a repeated argument and a constant among an n-ary node's arguments: its recorded slots are fewer
        Num prior = logsumexp(x[0], x[0], constant(2.0), x[1]).plus(sum(x[2], x[3], x[2]));
        return total.minus(logsumexp(alphas).times(N)).plus(prior);
    };

    static double[] point(long seed) {
        return new Random(seed).doubles(K + 2 * K * D, -1, 1).toArray();
    }

    @Test
    void unaryBinaryAndNaryNodesSweepToAFreshRecordingsBits() {
        CompiledFn c = compile(MIXTURE, point(1));
        c.gradient(point(2));                            // the tape's sweep: it finds the reach
        assertTrue(c.sweepsWithKnownReach(), "from now on the program's own sweep runs");
        for (long s = 3; s < 9; s++) {
            GeneratedLoopsTest.agrees(MIXTURE, c, point(s));
        }
        assertTrue(c.sweepsWithKnownReach());
        assertEquals(1, c.recordings(), "no guard: the same recording throughout");
        assertEquals(0, c.generatedOperations());
    }

    /**
     * A reached node whose adjoint is 0 still propagates (0·∞ is NaN), through a node of one
     * operand (√ at 0), of two (x/y at y = 0) and an n-ary one (log-sum-exp of −∞ and −∞).
     */
    @Test
    void aReachedNodeWithAZeroAdjointStillPropagatesNaN() {
        Fn f = x -> {
            Num root = sqrt(x[0]);                        // ∂ = ∞ at 0
            Num ratio = x[1].div(x[2]);                   // ∂/∂y = −x/y² = −∞ at y = 0, x ≠ 0
            Num lse = logsumexp(x[3], x[4]);              // softmax of (−∞, −∞): NaN
            return root.times(x[5]).plus(ratio.times(x[5])).plus(lse.times(x[5]));
        };
        double[] at = {0, 1, 0, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
        CompiledFn c = compile(f, 1, 1, 1, 1, 1, 1);
        c.gradient(2, 2, 2, 2, 2, 2);
        assertTrue(c.sweepsWithKnownReach());
        GeneratedLoopsTest.agrees(f, c, at, new double[] {1, 2, 3, 4, 5, 6}, at);
        double[] g = c.gradient(at);
        for (int i = 0; i < 5; i++) {
            assertTrue(Double.isNaN(g[i]), "0·∞ at input " + i + ": " + java.util.Arrays.toString(g));
        }
    }
}
