package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.ValueAndGradient;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Compiled tapes against fresh recordings, including branches that flip between inputs. */
class CompiledFnTest {

    static final Fn ROSENBROCK = x -> {
        Num s = constant(0);
        for (int i = 0; i + 1 < x.length; i++) {
            s = s.plus(x[i + 1].minus(x[i].square()).square().times(100)).plus(constant(1).minus(x[i]).square());
        }
        return s;
    };

    @Test
    void replayEqualsAFreshRecording() {
        CompiledFn c = compile(ROSENBROCK, new double[20]);
        Random r = new Random(3);
        for (int k = 0; k < 50; k++) {
            double[] x = new double[20];
            for (int i = 0; i < 20; i++) {
                x[i] = r.nextGaussian();
            }
            assertArrayEquals(gradient(ROSENBROCK, x), c.gradient(x), 0.0);
            assertEquals(ROSENBROCK.apply(toConstants(x)).value(), c.value(x), 0.0);
        }
        assertEquals(1, c.recordings(), "no control flow: recorded once");
    }

    static Num[] toConstants(double[] x) {
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = constant(x[i]);
        }
        return c;
    }

    @Test
    void valueAndGradientIntoFillsTheCallersArrayAndFollowsGuards() {
        Fn f = x -> x[0].gt(x[1]) ? x[0].square().times(x[1]) : x[0].times(sin(x[1]));
        CompiledFn c = compile(f, 2.0, 1.0);
        double[] g = {7, 7, 7};
        for (double[] x : new double[][] {{3.0, 0.5}, {0.5, 3.0}, {0.25, 2.0}, {4.0, -1.0}}) {
            double v = c.valueAndGradientInto(x, g);
            ValueAndGradient fresh = valueAndGradient(f, x);
            assertEquals(fresh.value(), v, 0.0);
            assertArrayEquals(fresh.gradient(), java.util.Arrays.copyOf(g, 2), 0.0);
            assertEquals(7.0, g[2], 0.0, "entries past the inputs are left alone");
        }
        assertEquals(3, c.recordings(), "each flip of the branch records again");

        CompiledFn constantOutput = compile(x -> constant(5), 1.0);
        double[] h = {9};
        assertEquals(5.0, constantOutput.valueAndGradientInto(new double[] {2.0}, h), 0.0);
        assertEquals(0.0, h[0], 0.0, "a function that ignores its input has a zero gradient");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.valueAndGradientInto(new double[] {1, 2}, new double[1]));
        assertTrue(e.getMessage().contains("valueAndGradientInto") && e.getMessage().contains("at least 2")
                && e.getMessage().contains("given 1"), e.getMessage());
    }

    @Test
    void valueAndGradientIntoAllocatesNothingPerCall() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        CompiledFn c = compile(ROSENBROCK, new double[50]);
        double[] x = new double[50];
        double[] g = new double[50];
        for (int k = 0; k < 2_000; k++) {
            x[k % 50] = 0.001 * k;
            c.valueAndGradientInto(x, g);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 10_000; k++) {
            x[k % 50] = -0.001 * k;
            c.valueAndGradientInto(x, g);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 10,000 replays of ~500 operations each: an allocation per call (even 16 bytes) would show as ≥ 160 KB
        assertTrue(allocated < 64 * 1024, "10,000 replays allocated " + allocated + " bytes");
        assertEquals(1, c.recordings());
    }

    @Test
    void aFlippedBranchRecordsAgain() {
        Fn f = x -> x[0].gt(x[1]) ? x[0].square().times(x[1]) : x[0].times(sin(x[1]));
        CompiledFn c = compile(f, 2.0, 1.0);
        assertEquals(1, c.guards());
        assertArrayEquals(gradient(f, 3.0, 0.5), c.gradient(3.0, 0.5), 0.0);
        assertEquals(1, c.recordings());
        assertArrayEquals(gradient(f, 0.5, 3.0), c.gradient(0.5, 3.0), 0.0, "the other branch, not a wrong gradient");
        assertEquals(2, c.recordings());
        assertArrayEquals(gradient(f, 0.25, 2.0), c.gradient(0.25, 2.0), 0.0);
        assertEquals(2, c.recordings(), "same branch as the last recording: replayed");
    }

    @Test
    void loopsAndMaxAndAbsReplayExactly() {
        Fn f = x -> {
            Num y = x[0];
            int steps = 0;
            while (y.lt(10) && steps < 50) {     // the loop's trip count is guarded
                y = y.times(x[1]).plus(abs(x[0]));
                steps++;
            }
            return max(y, x[1].times(3)).plus(relu(x[0].minus(1)));
        };
        CompiledFn c = compile(f, 1.5, 2.0);
        double[][] pts = {{1.5, 2.0}, {1.6, 2.1}, {0.5, 3.0}, {-1.0, 1.5}, {2.0, 1.2}};
        for (double[] p : pts) {
            assertArrayEquals(gradient(f, p), c.gradient(p), 0.0);
        }
    }

    @Test
    void readingAValueIsGuarded() {
        Fn f = x -> x[0].value() > 1 ? x[0].square() : x[0].times(3);   // branch on a raw read
        CompiledFn c = compile(f, 2.0);
        assertArrayEquals(new double[] {4.0}, c.gradient(2.0), 0.0);
        assertArrayEquals(new double[] {3.0}, c.gradient(0.5), 0.0);
        assertEquals(2, c.recordings());
    }

    @Test
    void tensorProgramsReplay() {
        double[] xs = new double[40 * 3];
        double[] s = new double[40];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 3; j++) {
                xs[i * 3 + j] = Math.sin(0.7 * i + 1.3 * j);
            }
            s[i] = i % 3 == 0 ? 1 : -1;
        }
        Tensor x = tensor(xs, 40, 3);
        Tensor sv = tensor(s);
        Fn loss = w -> x.matmul(tensor(w)).times(sv).softplus().mean().plus(softmax(tensor(w)).get(0));
        CompiledFn c = compile(loss, 0.1, 0.2, 0.3);
        for (double[] w : new double[][] {{0.1, 0.2, 0.3}, {-1, 0.5, 2}, {0, 0, 0}}) {
            assertArrayEquals(gradient(loss, w), c.gradient(w), 1e-16);
        }
        assertEquals(1, c.recordings());
    }

    /** Every operation replay special-cases (and each generic kind), alone, against a fresh recording. */
    @Test
    void everySpecialCasedOperationReplaysExactly() {
        Map<String, Fn> ops = new LinkedHashMap<>();
        ops.put("add", x -> x[0].plus(x[1]));
        ops.put("add constant", x -> x[0].plus(0.3));
        ops.put("constant add", x -> constant(0.3).plus(x[0]));
        ops.put("sub", x -> x[0].minus(x[1]));
        ops.put("sub constant", x -> x[0].minus(0.3));
        ops.put("constant sub", x -> constant(0.3).minus(x[0]));
        ops.put("mul", x -> x[0].times(x[1]));
        ops.put("mul itself", x -> x[0].times(x[0]));
        ops.put("mul constant", x -> x[0].times(0.3));
        ops.put("constant mul", x -> constant(0.3).times(x[0]));
        ops.put("div", x -> x[0].div(x[1]));
        ops.put("div constant", x -> x[0].div(0.3));
        ops.put("constant div", x -> constant(0.3).div(x[0]));
        ops.put("square", x -> x[0].square());
        ops.put("neg", x -> x[0].neg());
        ops.put("reciprocal", x -> x[0].reciprocal());
        ops.put("unary rule", x -> sin(x[0]));
        ops.put("binary rule", x -> atan2(x[0], x[1]));
        ops.put("binary rule, constant right", x -> x[0].pow(3.0));
        ops.put("binary rule, constant left", x -> atan2(0.3, x[0]));
        ops.put("n-ary rule", x -> logsumexp(x[0], constant(0.3), x[1]));
        double[][] pts = {{0.7, -1.3}, {-2.5, 0.4}, {1e-3, 3.0}, {0.0, 1.0}, {-0.0, -0.0}, {1e300, 1e-300}};
        for (var op : ops.entrySet()) {
            Fn f = x -> op.getValue().apply(x).times(x[1].plus(2.0));   // a non-trivial seed into the op
            CompiledFn c = compile(f, 0.5, 0.25);
            for (double[] p : pts) {
                String what = op.getKey() + " at " + Arrays.toString(p);
                assertBitwise(f.apply(toConstants(p)).value(), c.value(p), what + ": value");
                double[] want = gradient(f, p);
                double[] got = c.gradient(p);
                for (int i = 0; i < want.length; i++) {
                    assertBitwise(want[i], got[i], what + ": gradient " + i);
                }
            }
            assertEquals(1, c.recordings(), op.getKey());
        }
    }

    static void assertBitwise(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), what + ": " + want + " vs " + got);
    }

    /**
     * Repeated sweeps of a compiled tape reuse the reached flags of the first: a node the
     * sweep reaches with a zero adjoint still turns an infinite partial into NaN (0·∞), and
     * an unreached node with an infinite partial still contributes nothing.
     */
    @Test
    void repeatedSweepsKeepZeroTimesInfinity() {
        // y = (x1·0)·√x0 + x1²: at x0 = 0 the √ node is reached with adjoint 0 and partial ∞
        Fn reachedWithZero = x -> x[1].times(0.0).times(sqrt(x[0])).plus(x[1].square());
        // √x0 is computed but not used: its infinite partial must not reach x0
        Fn unreached = x -> {
            sqrt(x[0]);
            return x[1].square().plus(x[0].times(0.0));
        };
        for (Fn f : new Fn[] {reachedWithZero, unreached}) {
            CompiledFn c = compile(f, 1.0, 2.0);
            for (double[] p : new double[][] {{0.0, 2.0}, {0.0, 3.0}, {4.0, 3.0}, {0.0, -1.0}}) {
                double[] want = gradient(f, p);
                double[] got = c.gradient(p);
                for (int i = 0; i < 2; i++) {
                    assertBitwise(want[i], got[i], Arrays.toString(p) + " gradient " + i);
                }
            }
            assertEquals(1, c.recordings());
        }
        assertTrue(Double.isNaN(compile(reachedWithZero, 1.0, 2.0).gradient(0.0, 2.0)[0]), "0·∞ is NaN");
        assertEquals(0.0, compile(unreached, 1.0, 2.0).gradient(0.0, 2.0)[0], 0.0, "an unreached ∞ adds nothing");
    }

    @Test
    void aFunctionThatNestsRecordsOnEveryCall() {
        var k = param("k", 2.0);
        Fn f = x -> x[0].times(k);
        CompiledFn c = compile(f, 1.0);
        assertArrayEquals(new double[] {2.0}, c.gradient(5.0), 0.0);
        assertTrue(c.toString().contains("not replayable"), c.toString());
    }

    @Test
    void wrongLengthIsAClearError() {
        CompiledFn c = compile(ROSENBROCK, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.gradient(1, 2, 3));
        assertTrue(e.getMessage().contains("compiled for 2 inputs but was given 3"), e.getMessage());
    }
}
