package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import static dev.wengert.Wengert.*;
import static dev.wengert.compile.GeneratedLoopsTest.agrees;
import static dev.wengert.compile.GeneratedLoopsTest.points;
import static dev.wengert.compile.GeneratedLoopsTest.restore;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Code generation never stalls a call (issue 20): it runs on the thread wengert-codegen, calls
 * go on interpreting until its loops are ready and never wait for them, loops that differ only
 * in their offsets share one method, the source is bounded, and shapes that are not faster are
 * dropped — all checked by counting, not by timing, and every call's numbers checked to the bit
 * against a fresh recording whichever way its loops ran.
 */
class CodegenTest {
    private String saved;
    private String savedVerdict;
    private String savedSource;
    private String savedRepay;
    private String savedJavac;

    @BeforeEach
    void generateAtOnce() {
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
        savedSource = System.getProperty("wengert.codegen.source");
        savedRepay = System.getProperty("wengert.codegen.repay");
        savedJavac = System.getProperty("wengert.codegen.javac");
        System.setProperty("wengert.codegen", "0");
        System.setProperty("wengert.codegen.verdict", "keep");
    }

    @AfterEach
    void restoreProperties() {
        restore("wengert.codegen", saved);
        restore("wengert.codegen.verdict", savedVerdict);
        restore("wengert.codegen.source", savedSource);
        restore("wengert.codegen.repay", savedRepay);
        restore("wengert.codegen.javac", savedJavac);
        Codegen.gate = null;
    }

    /**
     * gradbench's llsq: ½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)², a double loop over Num whose rows each record
     * the inner loop again at another offset, with their own constants tᵢʲ.
     */
    static Fn llsq(int n) {
        return x -> {
            Num sum = constant(0);
            for (int i = 0; i < n; i++) {
                double ti = -1 + 2.0 * i / (n - 1);
                Num inner = constant(Math.signum(ti));
                for (int j = 0; j < x.length; j++) {
                    inner = inner.minus(x[j].times(Math.pow(ti, j)));
                }
                sum = sum.plus(inner.square());
            }
            return sum.div(2);
        };
    }

    @Test
    void rowsThatDifferOnlyInTheirOffsetsShareOneMethodAndTheSourceDoesNotGrowWithThem() {
        int m = 40;                                // rows longer than LoopFinder's longest body: inner loops
        int[] sizes = {16, 64, 256};
        int[] chars = new int[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            int n = sizes[s];
            CompiledFn c = GeneratedLoopsTest.generated(llsq(n), points(m, 1, 1)[0]);
            assertEquals(1, c.generatedMethods(), c.toString());
            assertTrue(c.generatedOperations() >= n * 2 * (m - 2), c.toString());
            chars[s] = c.generatedSourceChars();
            agrees(llsq(n), c, points(m, 3, 2));
        }
        assertEquals(chars[0], chars[1], "the source is the same for 16 and 64 rows");
        assertEquals(chars[0], chars[2], "and for 256");
        assertTrue(chars[0] < 10_000, chars[0] + " characters");
    }

    @Test
    void javacNeverRunsOnTheCallersThread() {
        CompiledFn c = GeneratedLoopsTest.generated(llsq(32), points(16, 1, 3)[0]);
        assertTrue(c.generatedOperations() > 0, c.toString());
        assertNull(Codegen.COMPILES_BY_THREAD.get(Thread.currentThread().getName()),
                "compiled on " + Codegen.COMPILES_BY_THREAD.keySet());
        assertTrue(Codegen.COMPILES_BY_THREAD.get("wengert-codegen").get() > 0, Codegen.COMPILES_BY_THREAD.toString());
    }

    @Test
    void javacRunsInAChildProcessAtTheLowestPriorityNeverInTheCallersJvm() {
        assertTrue(ChildJavac.inChild(), "this JDK has a javac executable and our classes a file: " + ChildJavac.javac()
                + ", " + ChildJavac.classPath());
        long inJvm = ChildJavac.IN_JVM_COMPILES.get();
        long child = ChildJavac.CHILD_COMPILES.get();
        long failed = ChildJavac.CHILD_FAILURES.get();
        Fn f = llsq(24);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(12, 1, 30)[0]);
        assertTrue(c.generatedOperations() > 0, c.toString());
        assertEquals(failed, ChildJavac.CHILD_FAILURES.get(), "the child process started");
        assertEquals(inJvm, ChildJavac.IN_JVM_COMPILES.get(), "javac ran in the caller's JVM");
        assertEquals(child + 1, ChildJavac.CHILD_COMPILES.get(), "one child process per generation");
        agrees(f, c, points(12, 3, 31));
        if (System.getProperty("os.name").startsWith("Linux")) {
            // nice 39 is capped at 19, the lowest priority, whatever the JVM's own
            assertEquals(List.of("/usr/bin/nice", "-n", "39"), ChildJavac.lastCommand.subList(0, 3), ChildJavac.lastCommand.toString());
            assertEquals(19, ChildJavac.codegenThreadNice, "the code generation thread's own nice value");
        }
    }

    @Test
    void javacInTheCallersJvmWhenAskedGivesTheSameLoops() {
        System.setProperty("wengert.codegen.javac", "inprocess");
        long inJvm = ChildJavac.IN_JVM_COMPILES.get();
        long child = ChildJavac.CHILD_COMPILES.get();
        Fn f = llsq(24);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(12, 1, 32)[0]);
        assertTrue(c.generatedOperations() > 0, c.toString());
        assertEquals(inJvm + 1, ChildJavac.IN_JVM_COMPILES.get());
        assertEquals(child, ChildJavac.CHILD_COMPILES.get());
        assertNull(Codegen.COMPILES_BY_THREAD.get(Thread.currentThread().getName()), "still on wengert-codegen");
        agrees(f, c, points(12, 3, 33));
        System.setProperty("wengert.codegen.javac", "elsewhere");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ChildJavac::inChild);
        assertTrue(e.getMessage().contains("wengert.codegen.javac=elsewhere") && e.getMessage().contains("inprocess"),
                e.getMessage());
    }

    @Test
    void noGenerationStartsBeforeTheCallsHaveTakenWhatItIsEstimatedToCost() {
        // the default policy: not a count of operations but the calls' time against the estimate
        System.clearProperty("wengert.codegen");
        System.setProperty("wengert.codegen.repay", "3600000");   // an hour of calls
        long jobs = Codegen.COMPILES_BY_THREAD.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum();
        Fn f = llsq(40);
        CompiledFn c = compile(f, points(30, 1, 34)[0]);
        double[] g = new double[30];
        for (double[] p : points(30, 300, 35)) {          // 300 calls of 2,500 operations: 750,000, far past 0
            c.valueAndGradientInto(p, g);
            c.value(p);
        }
        assertFalse(c.generating(), c.toString());
        assertEquals(0, c.generatedOperations(), c.toString());
        assertFalse(c.toString().contains("loops"), "no job was started: " + c);
        assertEquals(jobs, Codegen.COMPILES_BY_THREAD.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum());
        agrees(f, c, points(30, 2, 36));
        // with nothing to repay, the first call hands the tape over
        System.setProperty("wengert.codegen.repay", "0");
        CompiledFn d = compile(f, points(30, 1, 37)[0]);
        d.valueAndGradientInto(points(30, 1, 38)[0], g);
        assertTrue(d.generating() || d.generatedOperations() > 0, d.toString());
        d.awaitLoops();
        assertTrue(d.generatedOperations() > 0, d.toString());
        agrees(f, d, points(30, 3, 39));
    }

    @Test
    void theRepayEstimateGrowsWithTheTapeAndABadSettingIsNamed() {
        System.clearProperty("wengert.codegen.repay");
        assertEquals(500_000_000L + 2_000L * 264_321, Program.repayNanos(264_321));
        assertTrue(Program.repayNanos(1_000_000) > Program.repayNanos(1_000));
        System.setProperty("wengert.codegen.repay", "-5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Program.repayNanos(10));
        assertTrue(e.getMessage().contains("wengert.codegen.repay=-5") && e.getMessage().contains("milliseconds"),
                e.getMessage());
    }

    @Test
    void callsGoOnInterpretingWhileTheLoopsAreGeneratedAndNeverWaitForThem() {
        // the job cannot finish while the gate is shut: if a call waited for it, this test would hang
        Codegen.gate = new CountDownLatch(1);
        Fn f = llsq(40);
        CompiledFn c = compile(f, points(20, 1, 4)[0]);
        double[][] x = points(20, 8, 5);
        for (double[] p : x) {
            agrees(f, c, p);
            assertTrue(c.generating(), c.toString());
            assertEquals(0, c.generatedOperations(), c.toString());
        }
        assertTrue(c.toString().contains("being generated"), c.toString());
        Codegen.gate.countDown();
        c.awaitLoops();
        assertTrue(c.generatedOperations() > 0, c.toString());
        agrees(f, c, x);
    }

    @Test
    void theSourceIsBoundedAndWhatDoesNotFitStaysInterpreted() {
        // two loop shapes: the bound lets only the one covering more operations through
        Fn f = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                s = s.plus(x[i].times(x[i + 1]).sin());
            }
            Num t = constant(1);
            for (int i = 0; i + 1 < x.length / 2; i++) {
                t = t.plus(x[i].minus(x[i + 1]).square().div(x[i].square().plus(1)));
            }
            return s.times(t);
        };
        CompiledFn all = GeneratedLoopsTest.generated(f, points(200, 1, 6)[0]);
        assertEquals(2, all.generatedMethods(), all.toString());
        int total = all.generatedSourceChars();
        System.setProperty("wengert.codegen.source", String.valueOf(total * 2 / 3));
        CompiledFn bounded = GeneratedLoopsTest.generated(f, points(200, 1, 6)[0]);
        assertEquals(1, bounded.generatedMethods(), bounded.toString());
        assertTrue(bounded.generatedSourceChars() <= total * 2 / 3, bounded.toString());
        assertTrue(bounded.toString().contains("left interpreted"), bounded.toString());
        agrees(f, bounded, points(200, 4, 7));
        System.setProperty("wengert.codegen.source", "100");
        CompiledFn none = GeneratedLoopsTest.generated(f, points(200, 1, 6)[0]);
        assertEquals(0, none.generatedOperations(), none.toString());
        assertTrue(none.toString().contains("exceed the bound"), none.toString());
        agrees(f, none, points(200, 2, 8));
    }

    @Test
    void shapesThatAreNotFasterAreDroppedAndEveryCallMeanwhileHasTheInterpretersNumbers() {
        System.setProperty("wengert.codegen.verdict", "drop");
        Fn f = llsq(30);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(20, 1, 9)[0]);
        assertTrue(c.generatedOperations() > 0, "measured first: " + c);
        double[][] x = points(20, 4 * Program.MEASURED_CALLS, 10);
        for (double[] p : x) {
            agrees(f, c, p);                      // each agrees() makes four calls, alternately timed
        }
        assertEquals(0, c.generatedOperations(), c.toString());
        assertTrue(c.toString().contains("generated loops dropped"), c.toString());
        agrees(f, c, points(20, 2, 11));
        assertEquals(1, c.recordings());
    }

    @Test
    void theTimedVerdictKeepsTheNumbersWhateverItDecides() {
        System.setProperty("wengert.codegen.verdict", "timed");
        Fn f = llsq(50);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(30, 1, 12)[0]);
        double[] g = new double[30];
        for (double[] p : points(30, 6 * Program.MEASURED_CALLS, 13)) {
            var fresh = valueAndGradient(f, p);
            assertEquals(Double.doubleToLongBits(fresh.value()), Double.doubleToLongBits(c.valueAndGradientInto(p, g)));
            for (int i = 0; i < g.length; i++) {
                assertEquals(Double.doubleToLongBits(fresh.gradient()[i]), Double.doubleToLongBits(g[i]), "∂/∂x" + i);
            }
        }
        assertFalse(c.toString().contains("being timed"), "decided after the measured calls: " + c);
    }

    @Test
    void generatedMethodsAreWarmedUpOnTheirOwnCopiesOfTheData() {
        // warm-up runs the methods on copies: the tape's values are untouched, the numbers exact
        System.clearProperty("wengert.codegen.warmup");
        Fn f = llsq(20);
        double[] x0 = points(12, 1, 14)[0];
        CompiledFn c = compile(f, x0);
        double before = c.value(x0);
        c.awaitLoops();
        assertEquals(Double.doubleToLongBits(before), Double.doubleToLongBits(c.value(x0)));
        assertTrue(c.generatedOperations() > 0, c.toString());
        agrees(f, c, points(12, 3, 15));
    }

    @Test
    void aMaximumOverALoopRunsAsGeneratedCode() {
        // gradbench's lse, as a user writes it: the max of the inputs, then Σ exp(xᵢ − max)
        Fn lse = x -> {
            Num a = x[0];
            for (int i = 1; i < x.length; i++) {
                a = a.max(x[i]);
            }
            Num s = constant(0);
            for (Num xi : x) {
                s = s.plus(xi.minus(a).exp());
            }
            return s.log().plus(a);
        };
        CompiledFn c = GeneratedLoopsTest.generated(lse, points(300, 1, 16)[0]);
        assertEquals(2, c.generatedMethods(), c.toString());
        assertTrue(c.generatedOperations() > 290 * 4, c.toString());
        agrees(lse, c, points(300, 4, 17));
    }

    @Test
    void naryNodesBeforeBetweenAndAfterLoopsKeepTheirArguments() {
        // n-ary rules are interpreted; the segments around the generated loops must find their
        // arguments in the right order
        Fn f = x -> {
            Num head = sum(x[0], x[1].square(), x[2]);
            Num s = head;
            for (int i = 3; i < x.length; i++) {
                s = s.plus(x[i].times(x[i - 1]).sin());
            }
            Num mid = logsumexp(s, x[0], head.times(0.5));
            Num t = mid;
            for (int i = 3; i < x.length; i++) {
                t = t.plus(x[i].minus(x[i - 2]).square().times(0.25));
            }
            return logsumexp(t, mid, x[1]).plus(sum(t, s));
        };
        CompiledFn c = GeneratedLoopsTest.generated(f, points(150, 1, 18)[0]);
        assertEquals(2, c.generatedMethods(), c.toString());
        agrees(f, c, points(150, 4, 19));
    }

    @Test
    void aCallerThatAlternatesValuesAndGradientsGetsBothWaysOfBothMeasured() {
        // the decision needs each kind of call timed both ways: alternating value, gradient,
        // value, gradient must not leave every gradient interpreted and every value generated
        System.setProperty("wengert.codegen.verdict", "drop");
        Fn f = llsq(24);
        CompiledFn c = GeneratedLoopsTest.generated(f, points(40, 1, 20)[0]);
        double[] g = new double[40];
        for (double[] p : points(40, 4 * Program.MEASURED_CALLS, 21)) {
            c.value(p);
            c.valueAndGradientInto(p, g);
        }
        assertTrue(c.toString().contains("verdict=drop"), "decided on measurements, not for want of them: " + c);
    }
}
