package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.UnaryFn;
import dev.wengert.core.ValueAndGradient;
import dev.wengert.core.VecFn;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.UnaryRule;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A compiled value computes values only (issue 20, item 4): {@link Program#replayValues} calls
 * each rule's value and never its partial, in the interpreter and in generated loops. Its
 * value is, to the bit, the full replay's, a fresh recording's and f's on constants, for every
 * opcode, every rule of the registry, array operations and loops; guards still decide, and a
 * gradient after a value (whose partials the value left stale) is still the fresh one.
 */
class ValuesReplayTest {
    private boolean changed;
    private String saved;
    private String savedVerdict;

    @AfterEach
    void restore() {
        if (changed) {
            GeneratedLoopsTest.restore("wengert.codegen", saved);
            GeneratedLoopsTest.restore("wengert.codegen.verdict", savedVerdict);
        }
    }

    /** Generated loops from the first replay on, kept whatever the machine's load. */
    private void generateAtOnce() {
        changed = true;
        saved = System.getProperty("wengert.codegen");
        savedVerdict = System.getProperty("wengert.codegen.verdict");
        System.setProperty("wengert.codegen", "0");
        System.setProperty("wengert.codegen.verdict", "keep");
    }

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

    static double onConstants(Fn f, double[] x) {
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = constant(x[i]);
        }
        return f.apply(c).value();
    }

    /**
     * At each point, c.value(x) — called first, after a value at another point — equals to the
     * bit f on constants, value(f, x), a fresh recording's value and the full replay's; the
     * gradient that follows (its replay recomputes the partials the value left) is the fresh
     * recording's.
     */
    static void agrees(String what, Fn f, CompiledFn c, double[]... points) {
        double[] previous = points[points.length - 1];
        for (double[] x : points) {
            ValueAndGradient fresh = valueAndGradient(f, x);
            c.value(previous);
            double v = c.value(x);
            assertEquals(bits(onConstants(f, x)), bits(v), what + ": f on constants");
            assertEquals(bits(value(f, x)), bits(v), what + ": value(f, x)");
            assertEquals(bits(fresh.value()), bits(v), what + ": a fresh recording");
            double[] g = new double[x.length];
            double full = c.valueAndGradientInto(x, g);
            assertEquals(bits(full), bits(v), what + ": the full replay's value");
            assertArrayEquals(bits(fresh.gradient()), bits(g), what + ": the gradient after a value");
            c.value(previous);
            assertArrayEquals(bits(fresh.gradient()), bits(c.gradient(x)), what + ": gradient() after a value elsewhere");
            previous = x;
        }
    }

    static double[][] points(int n, int count, long seed) {
        return GeneratedLoopsTest.points(n, count, seed);
    }

    @Test
    void everyOpcodeOfTheInterpreter() {
        Fn f = x -> {
            Num a = x[0].plus(x[1]).minus(x[2]).times(x[3]);                     // ADD SUB MUL
            Num b = x[0].div(x[1]).plus(3).minus(0.5).times(2).div(4).neg();      // DIV, _K arithmetic, NEG
            Num c = constant(2).minus(x[2]).plus(constant(3).div(x[3].square())); // K_SUB, K_DIV, SQUARE
            Num d = x[1].reciprocal().plus(sin(x[0].times(x[2]))).plus(exp(x[3]).log1p());   // RECIPROCAL, UNARY
            Num e = x[0].max(x[1]).plus(atan2(x[2], x[3])).plus(hypot(x[0], x[3]));          // BINARY
            Num g = pow(x[1], 2.5).plus(pow(1.7, x[2])).plus(x[0].xlogy(constant(3)));       // BINARY_K, K_BINARY
            return sum(a, b.square(), c).plus(logsumexp(d, e, g.times(0.1)));                // NARY
        };
        double[][] x = points(4, 6, 1);
        agrees("every opcode", f, compile(f, x[0]), x);
    }

    @TestFactory
    List<DynamicTest> everyRuleOfTheRegistry() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[][] x = points(2, 5, 2);
                for (double[] p : x) {
                    for (int i = 0; i < p.length; i++) {
                        p[i] = RuleRows.of(r).domain().into(p[i]);
                    }
                }
                Fn f = v -> v[0].apply(r).times(v[1]).plus(v[1].apply(r));
                agrees(r.name(), f, compile(f, x[0]), x);
            }));
        }
        for (BinaryRule r : Rules.binary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                RuleRows.Binary row = RuleRows.of(r);
                double[][] x = points(2, 5, 3);
                for (double[] p : x) {
                    p[0] = row.a().into(p[0]);
                    p[1] = row.b().into(p[1]);
                }
                double ka = row.a().into(0.6);
                double kb = row.b().into(0.8);
                // both recorded, a constant on the right, one on the left
                Fn f = v -> v[0].apply(r, v[1]).plus(v[0].apply(r, constant(kb))).plus(constant(ka).apply(r, v[1]));
                agrees(r.name(), f, compile(f, x[0]), x);
            }));
        }
        for (NaryRule r : Rules.nary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[][] x = points(3, 5, 4);
                // recorded arguments and a constant one among them
                Fn f = v -> Num.apply(r, new Num[] {v[0], constant(0.25), v[2].times(v[1]), v[1]});
                agrees(r.name(), f, compile(f, x[0]), x);
            }));
        }
        return tests;
    }

    /** A one-argument rule that counts how often its partial runs. */
    static UnaryFn countingCube(AtomicLong partials) {
        return rule("cube", q -> q * q * q, q -> {
            partials.incrementAndGet();
            return 3 * q * q;
        });
    }

    @Test
    void noPartialIsComputedByTheInterpreter() {
        AtomicLong partials = new AtomicLong();
        UnaryFn cube = countingCube(partials);
        Fn f = x -> cube.apply(x[0]).plus(cube.apply(x[1].times(x[0])));
        CompiledFn c = compile(f, 0.5, 0.7);
        long before = partials.get();
        for (double[] x : points(2, 10, 5)) {
            assertEquals(bits(onConstants(f, x)), bits(c.value(x)));
        }
        assertEquals(before, partials.get(), "a compiled value called a rule's partial");
        c.gradient(0.3, 0.9);
        assertEquals(before + 2, partials.get(), "a gradient's replay computes both partials");
        assertEquals(1, c.recordings());
    }

    @Test
    void noPartialIsComputedByAGeneratedLoop() {
        generateAtOnce();
        AtomicLong partials = new AtomicLong();
        UnaryFn cube = countingCube(partials);
        Fn f = x -> {
            Num s = x[0];
            for (int i = 1; i < x.length; i++) {
                s = s.plus(cube.apply(x[i].times(0.5)).times(x[i - 1]));
            }
            return s;
        };
        int n = 100;
        double[][] x = points(n, 6, 6);
        CompiledFn c = compile(f, x[0]);
        c.gradient(x[0]);
        c.awaitLoops();
        c.gradient(x[0]);
        assertTrue(c.generatedOperations() > 90 * 4, c.toString());
        long before = partials.get();
        for (double[] p : x) {
            assertEquals(bits(onConstants(f, p)), bits(c.value(p)));
        }
        assertEquals(before, partials.get(), "the generated loop's values-only method called a rule's partial");
        c.gradient(x[1]);
        assertEquals(before + (n - 1), partials.get(), "a gradient's generated loop computes every partial");
        agrees("a generated loop with a rule call", f, c, x);
        assertTrue(c.generatedOperations() > 90 * 4, "still generated: " + c);
    }

    @Test
    void generatedLoopsGiveTheInterpretersValues() {
        generateAtOnce();
        // a loop whose values a second loop reads in reverse order, and a loop over data
        double[] data = points(1, 1, 7)[0];
        Fn f = x -> {
            int n = x.length;
            Num[] u = new Num[n - 1];
            for (int i = 0; i + 1 < n; i++) {
                u[i] = sin(x[i]).times(x[i + 1]).div(x[i].plus(2));
            }
            Num s = u[0];
            for (int i = 1; i < n - 1; i++) {
                s = s.plus(u[i].times(u[n - 2 - i])).minus(exp(x[i].times(data[0] + i)));
            }
            return s.times(0.5);
        };
        int n = 120;
        double[][] x = points(n, 8, 8);
        CompiledFn c = compile(f, x[0]);
        c.value(x[1]);                                      // a function asked for values hands its loops over too
        c.awaitLoops();
        c.value(x[1]);
        assertTrue(c.toString().contains("2 loops run as generated code"), c.toString());
        agrees("two generated loops", f, c, x);
        assertEquals(1, c.recordings());
    }

    @Test
    void guardsStillDecideAndABranchChangeRecordsAgain() {
        Fn f = x -> x[0].gt(x[1]) ? x[0].square().times(x[1]) : exp(x[1]).minus(x[0]);
        CompiledFn c = compile(f, 2.0, 1.0);
        assertEquals(bits(4.0 * 1.5), bits(c.value(2.0, 1.5)));
        assertEquals(1, c.recordings());
        assertEquals(bits(Math.exp(3.0) - 1.0), bits(c.value(1.0, 3.0)), "the other branch's value, not the recorded one's");
        assertEquals(2, c.recordings(), "the guard failed on a value, so f was recorded again");
        assertEquals(bits(Math.exp(4.0) - 0.5), bits(c.value(0.5, 4.0)));
        assertEquals(2, c.recordings());
        assertArrayEquals(new double[] {-1, Math.exp(4.0)}, c.gradient(0.5, 4.0), 0.0);
        assertEquals(bits(9.0 * 2.0), bits(c.value(3.0, 2.0)));
        assertEquals(3, c.recordings());
    }

    @Test
    void guardsInsideAGeneratedLoop() {
        generateAtOnce();
        Fn f = x -> {
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i++) {
                Num d = x[i + 1].minus(x[i]);
                s = s.plus(d.gt(0) ? d.square() : d.times(-3));
            }
            return s;
        };
        int n = 150;
        double[] up = new double[n];
        for (int i = 0; i < n; i++) {
            up[i] = 0.01 * i;
        }
        CompiledFn c = compile(f, up);
        c.value(up);
        c.awaitLoops();
        c.value(up);
        assertTrue(c.generatedOperations() > 0, c.toString());
        double[] down = up.clone();
        down[70] = -1;
        assertEquals(bits(onConstants(f, down)), bits(c.value(down)));
        assertEquals(2, c.recordings(), "the generated loop's values-only run still checks the guards");
        agrees("guards in a loop", f, c, down, up);
    }

    @Test
    void arrayOperations() {
        double[][] x = points(12, 5, 9);
        List<Fn> fs = List.of(
                v -> tensor(v, 0, 2, 3).matmul(tensor(v, 6, 3, 2)).square().sum(),
                v -> tensor(v, 0, 3, 4).times(tensor(v, 0, 4)).div(tensor(v, 4, 3, 1).plus(2)).minus(v[11]).square().sum(),
                v -> {
                    Tensor m = tensor(v, 0, 3, 4);
                    return m.sum(0).dot(m.amax(0)).plus(m.logsumexp(1).square().sum()).plus(m.mean(1).dot(m.amin(1)));
                },
                v -> tensor(v, 0, 6).times(tensor(v, 6, 6)).softmax().dot(tensor(v, 6, 6)),
                v -> {
                    Tensor t = tensor(v, 0, 12);
                    Tensor g = t.gather(new int[] {3, -1, 3, 11, 0}, 5).pad(1, 2, 0.5);
                    Tensor s = t.square().scatter(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 3);
                    Tensor l = t.slice(0, 6).lowerTriangular(3, 0, true);
                    return concat(g, s).exp().sum().plus(l.matmul(l.transpose()).square().sum()).times(t.get(4));
                });
        for (int k = 0; k < fs.size(); k++) {
            agrees("array operations " + k, fs.get(k), compile(fs.get(k), x[0]), x);
        }
    }

    @Test
    void aCompiledVectorFunctionsValue() {
        VecFn f = x -> new Num[] {x[0].times(cos(x[1])), x[0].times(sin(x[1])), x[1].gt(0) ? x[0].square() : x[1]};
        CompiledVecFn c = compileVec(f, 1.0, 0.5);
        for (double[] x : new double[][] {{2.0, 0.5}, {0.3, 1.7}, {1.5, -0.2}, {0.7, 0.9}}) {
            double[] v = c.value(x);
            Num[] plain = f.apply(new Num[] {constant(x[0]), constant(x[1])});
            for (int r = 0; r < 3; r++) {
                assertEquals(bits(plain[r].value()), bits(v[r]), "output " + r);
            }
            double[][] j = c.jacobian(x);
            double[][] fresh = compileVec(f, x).jacobian(x);
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(bits(fresh[r]), bits(j[r]), "the Jacobian after a value, row " + r);
            }
        }
        assertEquals(3, c.recordings(), "the guard on x₁ > 0 recorded again at −0.2 and back at 0.7");
    }

    @Test
    void aSweepAfterAValuesOnlyReplayIsRefused() {
        Program p = new Program("a test's tape");
        Num a = p.parameter(1.0);
        Num b = p.parameter(2.0);
        int root = p.positionOf(a.times(b));
        int[] leaves = {p.positionOf(a), p.positionOf(b)};
        assertTrue(p.replayValues(leaves, new double[] {5.0, 6.0}));
        assertEquals(30.0, p.tape().value(root), 0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.sweep(root));
        assertTrue(e.getMessage().contains("values-only"), e.getMessage());
        assertTrue(p.replay(leaves, new double[] {5.0, 6.0}));
        p.sweep(root);
        assertEquals(6.0, p.tape().adjoint(leaves[0]), 0.0);
        assertEquals(5.0, p.tape().adjoint(leaves[1]), 0.0);
    }
}
