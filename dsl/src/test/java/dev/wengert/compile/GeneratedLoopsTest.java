package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.ValueAndGradient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Compiled tapes whose loops run as generated Java code (LoopFinder, LoopCode) against fresh
 * recordings: values and gradients must agree to the bit, through every kind of operand a loop
 * can have, with guards, and after a branch flips and the function is recorded again.
 */
class GeneratedLoopsTest {
    private String saved;
    private String savedVerdict;
    private String savedWarmup;

    @BeforeEach
    void generateAtOnce() {
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
        savedWarmup = System.getProperty("wengert.codegen.warmup");
        System.setProperty("wengert.codegen", "0");           // from the first replay on
        System.setProperty("wengert.codegen.verdict", "keep"); // whatever the machine's load
        System.setProperty("wengert.codegen.warmup", "false"); // 150 programs: CodegenTest warms up
    }

    @AfterEach
    void restore() {
        restore("wengert.codegen", saved);
        restore("wengert.codegen.verdict", savedVerdict);
        restore("wengert.codegen.warmup", savedWarmup);
    }

    static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /**
     * f compiled at x0 and replayed once, which hands it to the code generation thread (the
     * threshold is 0 here); the test then waits for that thread, which a caller never does.
     */
    static CompiledFn generated(Fn f, double... x0) {
        CompiledFn c = compile(f, x0);
        c.gradient(x0);
        c.awaitLoops();
        return c;
    }

    /** Calls c at several points and checks each against a fresh recording, to the bit. */
    static void agrees(Fn f, CompiledFn c, double[]... points) {
        for (double[] x : points) {
            ValueAndGradient fresh = valueAndGradient(f, x);
            double[] g = new double[x.length];
            double v = c.valueAndGradientInto(x, g);
            assertEquals(bits(fresh.value()), bits(v), "value");
            assertArrayEquals(bits(fresh.gradient()), bits(g), "gradient");
            assertArrayEquals(bits(fresh.gradient()), bits(c.gradient(x)), "gradient()");
            assertEquals(bits(fresh.value()), bits(c.value(x)), "value()");
        }
    }

    /** Bit patterns: −0.0 differs from 0.0 here (all NaNs are one). */
    static long bits(double d) {
        return Double.doubleToLongBits(d);
    }

    static long[] bits(double[] d) {
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = bits(d[i]);
        }
        return b;
    }

    static double[][] points(int n, int count, long seed) {
        Random r = new Random(seed);
        double[][] p = new double[count][n];
        for (double[] x : p) {
            for (int i = 0; i < n; i++) {
                x[i] = 0.2 + r.nextDouble();
            }
        }
        return p;
    }

    @Test
    void rosenbrockRunsAsAGeneratedLoopWithTheInterpretersNumbers() {
        Fn f = CompiledFnTest.ROSENBROCK;
        int n = 300;
        CompiledFn c = compile(f, points(n, 1, 1)[0]);
        c.gradient(points(n, 1, 2)[0]);
        c.awaitLoops();
        c.gradient(points(n, 1, 3)[0]);
        // 299 terms of 8 operations; the first term differs (its sum starts from a constant),
        // so the loop has the other 298
        assertEquals(298 * 8, c.generatedOperations(), c.toString());
        assertTrue(c.toString().contains("1 loop run as generated code"), c.toString());
        assertTrue(c.toString().contains("forward and backward in one pass"), c.toString());
        agrees(f, c, points(n, 20, 4));
        assertEquals(1, c.recordings());
    }

    @Test
    void theJavadocExample() {
        System.clearProperty("wengert.codegen");           // the default threshold (calls' time), as a user has it
        CompiledFn f = compile(x -> {
            Num s = x[0];
            for (int i = 1; i < x.length; i++) {
                s = s.plus(x[i].square());
            }
            return s;
        }, new double[1000]);
        for (int k = 0; k < 2_000_000 && !f.generating(); k++) {   // half a second of calls, on any machine
            f.gradient(new double[1000]);
        }
        assertTrue(f.generating(), f.toString());
        f.awaitLoops();
        // iteration 1 starts from the input x[0], the other 998 from the previous sum
        assertEquals(1996, f.generatedOperations(), f.toString());
    }

    @Test
    void everyKindOfOperandAndOperation() {
        // rule calls (exp, sin, log, tanh, pow with a constant exponent or base), division both
        // ways, reciprocal, a product carried from one iteration to the next (its value is read
        // back going backward), a parameter every iteration reads (stride 0), inputs read
        // backward (stride −1), constants on either side
        Fn f = x -> {
            int n = x.length - 1;
            Num a = x[n];
            Num prod = constant(1);
            Num s = constant(0);
            for (int i = 0; i < n; i++) {
                Num u = exp(x[i].times(a)).plus(sin(x[n - 1 - i]));
                Num v = log(x[i].plus(2)).div(x[n - 1 - i]).minus(constant(3).div(x[i].plus(1)));
                Num w = tanh(u.times(v)).plus(pow(x[i], 2.5)).plus(pow(constant(1.5), x[i])).times(0.25);
                prod = prod.times(x[i].plus(0.5).reciprocal().plus(0.9));
                s = s.plus(w.square().div(4)).minus(prod.neg().times(a)).plus(constant(2).minus(u).div(v));
            }
            return s.times(prod);
        };
        int n = 80;
        CompiledFn c = compile(f, points(n + 1, 1, 5)[0]);
        c.gradient(points(n + 1, 1, 6)[0]);
        c.awaitLoops();
        c.gradient(points(n + 1, 1, 7)[0]);
        assertTrue(c.generatedOperations() > 70 * 20, c.toString());
        agrees(f, c, points(n + 1, 20, 8));
    }

    @Test
    void valuesReadAfterTheLoopByASecondLoop() {
        // the first loop's values are read by every iteration of the second, in reverse order:
        // both loops are generated, and the first stores each value it computes
        Fn f = x -> {
            int n = x.length;
            Num[] u = new Num[n - 1];
            for (int i = 0; i + 1 < n; i++) {
                u[i] = sin(x[i]).times(x[i + 1]);
            }
            Num s = u[0];
            for (int i = 1; i < n - 1; i++) {
                s = s.plus(u[i].times(u[n - 2 - i]));
            }
            return s;
        };
        int n = 200;
        CompiledFn c = compile(f, points(n, 1, 9)[0]);
        c.gradient(points(n, 1, 10)[0]);
        c.awaitLoops();
        c.gradient(points(n, 1, 11)[0]);
        assertTrue(c.toString().contains("2 loops run as generated code"), c.toString());
        agrees(f, c, points(n, 20, 12));
    }

    @Test
    void theOutputNeedNotBeTheLastThingRecorded() {
        // f returns the sum, but each iteration records more after it: a value only the next
        // iteration reads (dead in the last one) and one nothing reads; the output sits inside
        // the loop's last iteration
        Fn f = x -> {
            Num s = x[0];
            Num t = x[1];
            for (int i = 1; i + 1 < x.length; i++) {
                s = s.plus(x[i].square()).plus(t);
                t = s.times(x[i + 1]).times(0.001);
                s.times(3);
            }
            return s;
        };
        int n = 150;
        CompiledFn c = compile(f, points(n, 1, 18)[0]);
        c.gradient(points(n, 1, 19)[0]);
        c.awaitLoops();
        assertTrue(c.generatedOperations() > 100 * 5, c.toString());
        agrees(f, c, points(n, 10, 20));
    }

    @Test
    void guardsInsideALoopStillDecideAndABranchFlipRecordsAgain() {
        Fn f = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                Num d = x[i + 1].minus(x[i]);
                s = s.plus(d.gt(0) ? d.square() : d.times(-3));
            }
            return s;
        };
        int n = 200;
        double[] up = new double[n];
        for (int i = 0; i < n; i++) {
            up[i] = 0.01 * i + 0.001 * Math.sin(i);     // increasing: every guard takes the first branch
        }
        CompiledFn c = compile(f, up);
        c.gradient(up);
        c.awaitLoops();
        c.gradient(up);
        assertTrue(c.generatedOperations() > 0, c.toString());
        double[] up2 = up.clone();
        up2[7] += 1e-4;
        agrees(f, c, up, up2);
        assertEquals(1, c.recordings());
        double[] down = up.clone();
        down[50] = -1;                                  // two differences change sign
        agrees(f, c, down);
        assertEquals(2, c.recordings(), "the generated loop's guards caught the flip");
        c.gradient(down);
        c.awaitLoops();
        c.gradient(down);
        assertTrue(c.generatedOperations() > 0, "the new recording gets its own loops: " + c);
        agrees(f, c, down, up);
    }

    @Test
    void aFunctionOnlyEverAskedForValuesGetsItsLoopsToo() {
        CompiledFn c = compile(CompiledFnTest.ROSENBROCK, new double[100]);
        double[] x = points(100, 1, 15)[0];
        assertEquals(CompiledFnTest.ROSENBROCK.apply(CompiledFnTest.toConstants(x)).value(), c.value(x), 0.0);
        c.awaitLoops();
        assertEquals(98 * 8, c.generatedOperations(), c.toString());
        for (double[] y : points(100, 5, 16)) {
            assertEquals(bits(CompiledFnTest.ROSENBROCK.apply(CompiledFnTest.toConstants(y)).value()), bits(c.value(y)));
        }
        agrees(CompiledFnTest.ROSENBROCK, c, points(100, 3, 17));
    }

    @Test
    void nonFiniteValuesFollowTheInterpreter() {
        // √ at 0 has an infinite partial, log of a negative is NaN: the sweep's 0·∞ and NaN
        // must come out exactly as the interpreter's
        Fn f = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(sqrt(x[i]).times(x[i + 1])).plus(log(x[i + 1]).times(0.5));
            }
            return s;
        };
        int n = 120;
        double[] x = points(n, 1, 13)[0];
        CompiledFn c = compile(f, x);
        c.gradient(x);
        c.awaitLoops();
        assertTrue(c.generatedOperations() > 0, c.toString());
        double[] zero = x.clone();
        zero[40] = 0.0;
        double[] negative = x.clone();
        negative[60] = -2.0;
        double[] infinite = x.clone();
        infinite[80] = Double.POSITIVE_INFINITY;
        agrees(f, c, zero, negative, infinite);
    }

    @Test
    void noLoopsOrCodegenOffLeavesTheInterpreter() {
        Fn straight = x -> x[0].times(x[1]).plus(sin(x[2]));
        CompiledFn c = compile(straight, 1, 2, 3);
        c.gradient(1, 2, 3);
        c.awaitLoops();
        c.gradient(1, 2, 3);
        assertEquals(0, c.generatedOperations());
        assertTrue(c.toString().contains("no loops found"), c.toString());

        System.setProperty("wengert.codegen", "off");
        CompiledFn off = compile(CompiledFnTest.ROSENBROCK, new double[100]);
        for (int k = 0; k < 5; k++) {
            off.gradient(new double[100]);
        }
        assertEquals(0, off.generatedOperations());
        agrees(CompiledFnTest.ROSENBROCK, off, points(100, 3, 14));

        System.setProperty("wengert.codegen", "lots");
        CompiledFn bad = compile(CompiledFnTest.ROSENBROCK, new double[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.gradient(new double[100]));
        assertTrue(e.getMessage().contains("wengert.codegen=lots") && e.getMessage().contains("off"), e.getMessage());
    }

    @Test
    void theThresholdCountsReplayedOperations() {
        // 100 inputs and 99 terms of 8 operations: 892 nodes. compile() records, every call
        // replays, and 6 × 892 = 5,352 is the first count past 5,000
        System.setProperty("wengert.codegen", "5000");
        CompiledFn c = compile(CompiledFnTest.ROSENBROCK, new double[100]);
        int calls = 0;
        while (!c.generating() && calls < 100) {
            c.gradient(new double[100]);
            calls++;
        }
        assertEquals(6, calls, c.toString());
        c.awaitLoops();
        assertEquals(98 * 8, c.generatedOperations(), c.toString());
    }

    /**
     * Random loop bodies: operations of every kind, on earlier values of the iteration, on the
     * previous iteration's values, and on inputs read with strides 1, 2, −1 and 0, sometimes
     * behind a comparison. Each program's generated loops must agree with a fresh recording to
     * the bit at random points (NaN and infinities included, when a program makes them).
     */
    @Test
    void randomLoopBodiesAgreeToTheBit() {
        int generated = 0;
        for (long seed = 1; seed <= 60; seed++) {
            Fn f = randomLoop(new Random(seed));
            int n = 64;
            double[][] x = points(n, 6, 100 + seed);
            CompiledFn c = generated(f, x[0]);
            generated += c.generatedOperations() > 0 ? 1 : 0;
            try {
                agrees(f, c, x);
            } catch (AssertionError e) {
                throw new AssertionError("program " + seed + " (" + c + "): " + e.getMessage(), e);
            }
        }
        assertTrue(generated >= 50, generated + " of 60 programs had generated loops");
    }

    /**
     * Functions that return a loop's sum run that loop forward and backward in one pass, the
     * contributions to each input's adjoint delayed until the sweep's order can be kept. Random
     * bodies whose terms read inputs at strides 1 and 2, with several offsets (so one input is
     * read by up to four iterations), behind comparisons at times, and sometimes also carrying
     * a value (which rules the one pass out): every one agrees to the bit with a fresh
     * recording, at random points and at points with a NaN or an infinity.
     */
    @Test
    void loopsThatSumTheOutputRunForwardAndBackwardInOnePassWithTheSweepsNumbers() {
        int onePass = 0;
        int onePassVarying = 0;
        for (long seed = 1; seed <= 60; seed++) {
            Random r = new Random(seed);
            boolean varying = seed % 2 == 0;
            Fn f = randomSum(r, 1 + r.nextInt(2), varying);
            int n = 80;
            double[][] x = points(n, 6, 300 + seed);
            x[4][7] = Double.NaN;
            x[5][9] = Double.POSITIVE_INFINITY;
            CompiledFn c = generated(f, x[0]);
            onePass += c.toString().contains("one pass") ? 1 : 0;
            onePassVarying += varying && c.toString().contains("one pass") ? 1 : 0;
            try {
                agrees(f, c, x);
            } catch (AssertionError e) {
                throw new AssertionError("program " + seed + " (" + c + "): " + e.getMessage(), e);
            }
        }
        assertTrue(onePass >= 20, onePass + " of 60 programs ran in one pass");
        assertTrue(onePassVarying >= 5, onePassVarying + " of them with constants that change with i");
    }

    /**
     * Loops over {@code double[]} data record a different constant in every iteration
     * ({@code a.times(t[i])}); they run as generated code all the same, the constants and the
     * partials that follow them read from arrays. A least-squares loss over data (parameters
     * read by every iteration: two passes) and a weighted sum over inputs (one pass).
     */
    @Test
    void loopsOverDoubleDataRunAsGeneratedCode() {
        int m = 200;
        double[] t = new double[m];
        double[] y = new double[m];
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            t[i] = 0.05 * i;
            y[i] = 1.5 * Math.exp(-0.3 * t[i]) + 0.01 * Math.sin(7 * i);
            w[i] = 1 + 0.5 * Math.cos(i);
        }
        Fn leastSquares = p -> {
            Num s = constant(0);
            for (int i = 0; i < m; i++) {
                Num r = p[0].times(exp(p[1].times(-t[i]))).minus(y[i]);
                s = s.plus(r.square().times(w[i]));
            }
            return s.div(m);
        };
        CompiledFn fit = generated(leastSquares, 1.0, 0.2);
        assertTrue(fit.generatedOperations() > 190 * 7, fit.toString());
        agrees(leastSquares, fit, new double[][] {{1.4, 0.31}, {-2, 3}, {0.5, Double.NaN}});

        Fn weighted = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(x[i].minus(y[i]).square().times(w[i]).plus(t[i] / (1 + i)).minus(x[i + 1].div(w[i])));
            }
            return s;
        };
        double[][] x = points(m, 5, 31);
        CompiledFn sum = generated(weighted, x[0]);
        assertTrue(sum.generatedOperations() > 190 * 6, sum.toString());
        assertTrue(sum.toString().contains("one pass"), sum.toString());
        agrees(weighted, sum, x);
    }

    /**
     * f may do more after the loop if the partials are constants fixed when recording (a mean,
     * a scale, a shift, a sign): that chain is swept before the replay, and the loop still runs
     * in one pass. A square after the loop needs its value first: two passes.
     */
    @Test
    void aMeanOrAScaleAfterTheLoopStillRunsInOnePass() {
        Fn mean = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(x[i + 1].minus(x[i].square()).square());
            }
            return s.div(x.length);
        };
        Fn scaled = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(x[i].times(x[i + 1]).minus(x[i + 1]));
            }
            return s.times(0.5).plus(3).neg().minus(1e-3);
        };
        Fn squared = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(x[i].times(x[i + 1]));
            }
            return s.square();
        };
        for (Fn f : new Fn[] {mean, scaled, squared}) {
            double[][] x = points(120, 6, 41);
            CompiledFn c = generated(f, x[0]);
            assertTrue(c.generatedOperations() > 100, c.toString());
            assertEquals(f != squared, c.toString().contains("one pass"), c.toString());
            agrees(f, c, x);
        }
    }

    /**
     * Inputs that take several contributions in one iteration (x[i] three times, x[i+1] twice)
     * and from up to three iterations, at strides 1 and 2: the order in which they are added
     * is the sweep's, which shows in the last bits.
     */
    @Test
    void anInputsContributionsAreAddedInTheSweepsOrder() {
        Fn strideOne = x -> {
            Num s = constant(0.5);
            for (int i = 0; i + 2 < x.length; i++) {
                Num t = x[i].times(x[i + 1]).times(x[i]).plus(x[i]).times(x[i + 1]).minus(x[i + 2].square());
                s = s.plus(t);
            }
            return s;
        };
        Fn strideTwo = x -> {
            Num s = constant(0.5);
            for (int i = 0; 2 * i + 4 < x.length; i++) {
                Num t = x[2 * i].times(x[2 * i + 2]).minus(x[2 * i + 1].times(x[2 * i + 4])).times(x[2 * i])
                        .plus(sin(x[2 * i + 4]));
                s = s.plus(t);
            }
            return s;
        };
        for (Fn f : new Fn[] {strideOne, strideTwo}) {
            double[][] x = points(41, 8, 21);
            CompiledFn c = generated(f, x[0]);
            assertTrue(c.toString().contains("one pass"), c.toString());
            agrees(f, c, x);
        }
    }

    /**
     * Σ over i of a random term of x[s·i + o] (o < 4), as one running sum that f returns; with
     * {@code varying}, the term's constants change with i.
     */
    private static Fn randomSum(Random r, int stride, boolean varying) {
        int size = 3 + r.nextInt(8);
        int[] kind = new int[size];
        int[][] src = new int[size][2];
        double[] k = new double[size];
        boolean[] guarded = new boolean[size];
        boolean carries = r.nextInt(5) == 0;
        for (int j = 0; j < size; j++) {
            kind[j] = r.nextInt(22);
            k[j] = 0.25 + 2 * r.nextDouble();
            guarded[j] = r.nextInt(8) == 0;
            for (int a = 0; a < 2; a++) {
                // an earlier value of this iteration, or (mostly, so that an input's adjoint
                // takes several contributions) an input at one of four offsets
                src[j][a] = j > 0 && r.nextInt(3) == 0 ? r.nextInt(j) : 200 + r.nextInt(4);
            }
        }
        if (carries) {
            src[0][0] = 100;                                   // the previous iteration's last term
        }
        return x -> {
            Num s = constant(0.5);
            Num prev = x[0];
            for (int i = 0; stride * i + 4 < x.length; i++) {
                Num[] cur = new Num[size];
                for (int j = 0; j < size; j++) {
                    Num[] ab = new Num[2];
                    for (int a = 0; a < 2; a++) {
                        int q = src[j][a];
                        ab[a] = q < 100 ? cur[q] : q == 100 ? prev : x[stride * i + q - 200];
                    }
                    Num y = op(kind[j], ab[0], ab[1], varying ? k[j] + 0.001 * i : k[j]);
                    cur[j] = guarded[j] && y.gt(ab[0]) ? y.times(0.5) : y;
                }
                prev = cur[size - 1];
                s = s.plus(cur[size - 1]);
            }
            return s;
        };
    }

    /**
     * The one pass needs a sum's adjoint to come back unchanged, and each input's adjoint to
     * take contributions from a few iterations only: here every term reads one parameter (its
     * adjoint sums over all iterations, which the sweep adds last to first), and a product is
     * carried along. Both run the usual way, with the same numbers.
     */
    @Test
    void loopsTheOnePassCannotKeepTheSweepsOrderForRunTheUsualWay() {
        Fn readsAParameterEveryIteration = x -> {
            Num s = constant(0);
            for (int i = 1; i < x.length; i++) {
                s = s.plus(x[i].minus(x[0]).square());
            }
            return s;
        };
        Fn carriesAProduct = x -> {
            Num s = constant(0);
            Num prod = constant(1);
            for (int i = 0; i < x.length; i++) {
                prod = prod.times(x[i]);
                s = s.plus(prod);
            }
            return s;
        };
        for (Fn f : new Fn[] {readsAParameterEveryIteration, carriesAProduct}) {
            double[][] x = points(40, 5, 11);
            CompiledFn c = generated(f, x[0]);
            assertTrue(c.generatedOperations() > 0, c.toString());
            assertFalse(c.toString().contains("one pass"), c.toString());
            agrees(f, c, x);
        }
    }

    /** A random program: a loop of 2–9 operations per iteration over n/2 − 1 iterations. */
    private static Fn randomLoop(Random r) {
        int size = 2 + r.nextInt(8);
        int[] kind = new int[size];
        int[][] src = new int[size][2];
        double[] k = new double[size];
        boolean[] guarded = new boolean[size];
        for (int j = 0; j < size; j++) {
            kind[j] = r.nextInt(22);
            k[j] = 0.25 + 2 * r.nextDouble();
            guarded[j] = r.nextInt(8) == 0;
            for (int a = 0; a < 2; a++) {
                int pick = r.nextInt(3);
                // an earlier value of this iteration, one of the previous iteration, or an input
                src[j][a] = pick == 0 && j > 0 ? r.nextInt(j) : pick == 1 ? 100 + r.nextInt(size) : 200 + r.nextInt(5);
            }
        }
        return x -> {
            int n = x.length;
            Num[] prev = new Num[size];
            Arrays.fill(prev, x[1]);
            Num s = x[2];
            for (int i = 0; i + 1 < n / 2; i++) {
                Num[] cur = new Num[size];
                for (int j = 0; j < size; j++) {
                    Num a = operand(src[j][0], cur, prev, x, i);
                    Num b = operand(src[j][1], cur, prev, x, i);
                    Num y = op(kind[j], a, b, k[j]);
                    cur[j] = guarded[j] && y.gt(a) ? y.times(0.5) : y;
                }
                prev = cur;
                s = s.plus(tanh(cur[size - 1]));
            }
            return s.times(prev[0]);
        };
    }

    private static Num operand(int src, Num[] cur, Num[] prev, Num[] x, int i) {
        if (src < 100) {
            return cur[src];
        }
        if (src < 200) {
            return prev[src - 100];
        }
        int n = x.length;
        return switch (src - 200) {
            case 0 -> x[i];
            case 1 -> x[i + 1];
            case 2 -> x[2 * i];
            case 3 -> x[n - 1 - i];
            default -> x[0];
        };
    }

    private static Num op(int kind, Num a, Num b, double k) {
        return switch (kind) {
            case 0 -> a.plus(b);
            case 1 -> a.minus(b);
            case 2 -> a.times(b);
            case 3 -> a.div(b.square().plus(0.5));
            case 4 -> a.square();
            case 5 -> a.neg();
            case 6 -> a.square().plus(k).reciprocal();
            case 7 -> a.plus(k);
            case 8 -> a.minus(k);
            case 9 -> constant(k).minus(a);
            case 10 -> a.times(k);
            case 11 -> a.div(k);
            case 12 -> constant(k).div(a.square().plus(1));
            case 13 -> sin(a);
            case 14 -> exp(tanh(a));
            case 15 -> log(a.square().plus(k));
            case 16 -> tanh(a.times(b));
            case 17 -> pow(a.square().plus(1), k);
            case 18 -> pow(k, tanh(a));
            case 19 -> a.max(b);                                // rules of two recorded operands
            case 20 -> atan2(a, b.square().plus(1));
            default -> hypot(a, b);
        };
    }
}
