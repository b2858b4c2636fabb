package dev.wengert.compile;

import dev.wengert.core.ArrayTape;
import dev.wengert.core.BlockOp;
import dev.wengert.core.Num;
import dev.wengert.core.Tape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A replay runs each array operation (block) of a recording once, in order, then the sweep pulls back through them. */
class ProgramBlocksTest {

    /** out[k] = (k + 1) · v[in + k mod w]. */
    static final class Scale implements BlockOp {
        final int in;
        final int w;
        final int out;
        final int n;
        int forwards;

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
            for (int k = 0; k < n; k++) {
                if (hit[out + k]) {
                    adj[in + k % w] += (k + 1) * adj[out + k];
                    hit[in + k % w] = true;
                }
            }
        }
    }

    private static Scale scale(ArrayTape t, int in, int w, int n) {
        Scale s = new Scale(in, w, t.size(), n);
        t.record(s, n);
        return s;
    }

    @Test
    void replayRunsEachBlockOnceInOrder() {
        Program p = new Program("a test program");
        Tape t = p.tape();
        Num xv = p.parameter(1.0);
        int x = xv.position();
        ArrayTape at = ArrayTape.of(xv, "test");
        Scale a = scale(at, x, 1, 4);                 // a_k = (k+1)·x
        Scale b = scale(at, a.out, 4, 8);             // b_k = (k+1)·a_{k mod 4}
        Scale c = scale(at, b.out + 7, 1, 1);         // a block of one: c = b_7
        Num yv = at.at(c.out).sin();
        int y = yv.position();
        assertTrue(p.replay(new int[] {x}, new double[] {0.25}));
        assertEquals(2, a.forwards);
        assertEquals(2, b.forwards);
        assertEquals(2, c.forwards);
        assertEquals(8 * 4 * 0.25, t.value(c.out), 0.0);
        assertEquals(Math.sin(8.0), t.value(y), 0.0);
        p.sweep(y);
        assertEquals(32 * Math.cos(8.0), t.adjoint(x), 0.0);
    }
}
