package dev.wengert.core;

import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.Elementary;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Blocks (array operations) on the tape: recorded in one step and stepped over in one step by
 * the sweeps, the replay and truncate, while every member stays a tape position of its own.
 */
class BlockTapeTest {

    /** out[k] = (k + 1) · v[in + k mod w]: a block whose pullback is easy to state by hand. */
    static final class Scale implements BlockOp {
        final int in;
        final int w;
        final int out;
        final int n;
        int forwards;
        int pullbacks;

        Scale(int in, int w, int out, int n) {
            this.in = in;
            this.w = w;
            this.out = out;
            this.n = n;
        }

        @Override
        public String name() {
            return "scale";
        }

        @Override
        public int[] inputs() {
            return new int[] {in};
        }

        @Override
        public void forward(double[] v) {
            forwards++;
            for (int k = 0; k < n; k++) {
                v[out + k] = (k + 1) * v[in + k % w];
            }
        }

        @Override
        public void pullback(double[] v, double[] adj, boolean[] hit) {
            pullbacks++;
            for (int k = 0; k < n; k++) {
                if (hit[out + k]) {
                    adj[in + k % w] += (k + 1) * adj[out + k];
                    hit[in + k % w] = true;
                }
            }
        }
    }

    static Tape tape() {
        return new Tape(Session.current(), "a test tape", false, Long.MAX_VALUE);
    }

    static Scale scale(Tape t, int in, int w, int n) {
        Scale s = new Scale(in, w, t.size(), n);
        t.block(s, n);
        t.forward(s);
        return s;
    }

    @Test
    void membersArePositionsAndTheSweepPullsBackOnce() {
        Tape t = tape();
        int x0 = t.leaf(2.0, "x0");
        t.leaf(3.0, "x1");
        Scale s = scale(t, x0, 2, 5);                 // #2..#6 = 2, 6, 6, 12, 10
        int y = t.push1(Elementary.SIN, Math.sin(12.0), s.out + 3, Math.cos(12.0));
        assertEquals(8, t.size());
        assertEquals(4, t.operations(), "two leaves, the block, sin");
        assertEquals("…", t.op(2));
        assertEquals("…", t.op(5));
        assertEquals("scale", t.op(6));
        assertArrayEquals(new int[] {x0}, t.inputs(6));
        assertArrayEquals(new int[0], t.inputs(2));
        assertArrayEquals(new double[] {2, 6, 6, 12, 10}, java.util.Arrays.copyOfRange(t.values(), 2, 7), 0.0);

        t.backward(y);
        assertEquals(1, s.pullbacks);
        assertEquals(Math.cos(12.0), t.adjoint(5), 0.0, "a member receives its adjoint");
        assertFalse(t.reached(4), "members the sweep did not reach stay unreached");
        assertEquals(4 * Math.cos(12.0), t.adjoint(1), 0.0, "∂y/∂x1 through member #5 = 4·x1");
        assertFalse(t.reached(0));
    }

    @Test
    void aRewoundTapeForgetsWhatTheBlockPositionsHeldBefore() {
        Tape t = tape();
        for (int i = 0; i < 10; i++) {
            t.leaf(i, "p" + i);
        }
        t.rewind();
        int x = t.leaf(1.0, "x");
        scale(t, x, 1, 9);
        for (int i = 1; i < 10; i++) {
            assertFalse(t.isParameter(i), "#" + i + " is a member now, not a parameter");
        }
        assertTrue(t.toString().contains("scale"), t.toString());
    }

    @Test
    void recordingTheSameBlockAgainAfterARewindKeepsItsMembersEmpty() {
        // a block recorded where the same block stood before a rewind skips the member fills;
        // one at the same positions after other work there, or with other inputs before it, fills
        Tape t = tape();
        int x = t.leaf(2.0, "x");
        scale(t, x, 1, 5);                             // #1..#5
        for (int round = 0; round < 3; round++) {
            t.rewind();
            x = t.leaf(1.0 + round, "x");
            if (round == 1) {
                // scalar work over the old block's positions, then a rewind: the block's first
                // position now holds sin, so the next block there fills its members again
                int s1 = t.push1(Elementary.SIN, Math.sin(1.0), x, Math.cos(1.0));
                t.push1(Elementary.SIN, Math.sin(Math.sin(1.0)), s1, 1.0);
                t.rewind();
                x = t.leaf(1.0 + round, "x");
            }
            Scale s = scale(t, x, 1, 5);
            for (int i = 1; i < 5; i++) {
                assertEquals("…", t.op(i), "round " + round + ": #" + i + " is a member");
                assertArrayEquals(new int[0], t.inputs(i), "round " + round + ": member #" + i + " has no inputs");
            }
            int y = t.push1(Elementary.SIN, Math.sin(t.value(s.out + 4)), s.out + 4, Math.cos(t.value(s.out + 4)));
            t.backward(y);
            assertEquals(5 * Math.cos(5 * (1.0 + round)), t.adjoint(x), 1e-15, "round " + round);
        }
        // with one input more before it, the block's start entries differ: they are written again
        t.rewind();
        int a = t.leaf(1.0, "a");
        int b = t.leaf(2.0, "b");
        int ab = t.push2(Arithmetic.MUL, 2.0, a, 2.0, b, 1.0);
        Scale s = scale(t, ab, 1, 3);
        assertArrayEquals(new int[0], t.inputs(s.out + 1));
        assertArrayEquals(new int[] {ab}, t.inputs(s.out + 2));
    }

    @Test
    void growingForALargeBlockKeepsEarlierPositions() {
        Tape t = tape();
        int x = t.leaf(0.5, "x");
        Scale s = scale(t, x, 1, 1000);               // far past the initial capacity, in one step
        int y = t.push1(Elementary.SIN, Math.sin(500.0), s.out + 999, Math.cos(500.0));
        assertEquals(0.5, t.value(x), 0.0);
        assertEquals(500.0, t.value(s.out + 999), 0.0);
        t.backward(y);
        assertEquals(1000 * Math.cos(500.0), t.adjoint(x), 1e-12);
    }

    @Test
    void truncateInsideABlockKeepsTheMembersBelowTheMark() {
        Tape t = tape();
        int x = t.leaf(2.0, "x");
        Scale s = scale(t, x, 1, 6);                  // #1..#6
        assertEquals(2, t.operations());
        t.truncate(4);                                // keeps members #1..#3, drops the op at #6
        assertEquals(4, t.size());
        assertEquals(1, t.operations(), "the leaf; the kept members are no operation of their own");
        assertEquals("…", t.op(1));
        assertArrayEquals(new int[0], t.inputs(1));
        // record past the cut; the orphaned members must not be replayed or swept as a block
        Scale s2 = scale(t, x, 1, 3);                 // #4..#6
        int y = t.push1(Elementary.SIN, Math.sin(6.0), s2.out + 2, Math.cos(6.0));
        assertEquals(3, t.operations());
        TapeStorage st = new TapeStorage(t);
        for (int i = 1; i <= 3; i++) {
            assertNull(st.blockStartingAt(i), "kept member #" + i + " is no block a replay would run");
        }
        assertSame(s2, st.blockStartingAt(4));
        assertEquals(6, st.blockEnd(4));
        t.backward(y);
        assertEquals(0, s.pullbacks);
        assertEquals(1, s2.pullbacks);
        assertEquals(3 * Math.cos(6.0), t.adjoint(x), 0.0);
        t.truncate(1);
        assertEquals(1, t.size());
        assertEquals(1, t.operations());
    }
}
