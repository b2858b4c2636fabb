package dev.wengert.tensor;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.Oracles;
import dev.wengert.rules.Arithmetic;
import dev.wengert.rules.Elementary;
import dev.wengert.rules.Special;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.UnaryRule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Tensor operations against their scalar-loop equivalents in both modes and against finite differences. */
class TensorTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    static double[] data(int n, long seed) {
        Random r = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = 0.2 + 0.6 * r.nextDouble();          // inside every rule's domain
        }
        return d;
    }

    /** Compares ∇ of a tensor program with ∇ of the same program written as scalar loops. */
    static void sameGradient(Fn tensorForm, Fn scalarForm, double[] x, double tol) {
        for (Mode m : Mode.values()) {
            double[] a = gradient(m, tensorForm, x);
            double[] b = gradient(m, scalarForm, x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(b[i], a[i], tol * Math.max(1, Math.abs(b[i])), m + " ∂/∂x" + i);
            }
            assertEquals(scalarForm.apply(constants(x)).value(), tensorForm.apply(constants(x)).value(),
                    tol * Math.max(1, Math.abs(scalarForm.apply(constants(x)).value())));
        }
    }

    static Num[] constants(double[] x) {
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = constant(x[i]);
        }
        return c;
    }

    @TestFactory
    List<DynamicTest> everyElementwiseRuleMatchesTheScalarRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : Rules.unary()) {
            // data mapped into the rule's domain (acosh needs x > 1)
            double[] x = data(6, 1);
            for (int i = 0; i < x.length; i++) {
                x[i] = RuleRows.of(r).domain().into(x[i]);
            }
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                // Σ cᵢ·f(xᵢ) with distinct weights, so every element's derivative is seen
                Fn t = v -> tensor(v).apply(r).dot(tensor(new double[] {1, 2, 3, 4, 5, 6}));
                Fn s = v -> {
                    Num acc = constant(0);
                    for (int i = 0; i < v.length; i++) {
                        acc = acc.plus(v[i].apply(r).times(i + 1));
                    }
                    return acc;
                };
                sameGradient(t, s, x, 1e-14);
                double[] g = gradient(t, x);
                for (int i = 0; i < x.length; i++) {
                    final int k = i;
                    double fd = Oracles.ridders(z -> {
                        double[] p = x.clone();
                        p[k] = z;
                        return t.apply(constants(p)).value();
                    }, x[i], 1e-3);
                    assertEquals(fd, g[i], 1e-8 * Math.max(1, Math.abs(fd)), r.name() + " vs finite differences");
                }
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyElementwiseBinaryRuleMatchesTheScalarRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            RuleRows.Binary row = RuleRows.of(r);
            double[] x = data(8, 3);
            for (int i = 0; i < 4; i++) {
                x[i] = row.a().into(x[i]);
                x[4 + i] = row.b().into(x[4 + i]);
            }
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[] w = {1, 2, 3, 4};
                // Σ cᵢ·f(aᵢ, bᵢ), so every element's partials are seen
                Fn t = v -> tensor(java.util.Arrays.copyOfRange(v, 0, 4)).apply(r, tensor(java.util.Arrays.copyOfRange(v, 4, 8)))
                        .dot(tensor(w));
                Fn s = v -> {
                    Num acc = constant(0);
                    for (int i = 0; i < 4; i++) {
                        acc = acc.plus(v[i].apply(r, v[4 + i]).times(w[i]));
                    }
                    return acc;
                };
                sameGradient(t, s, x, 1e-14);
            }));
        }
        return tests;
    }

    @Test
    void broadcastingAgainstScalarLoops() {
        double[] x = data(2 * 3 + 3 + 2 + 1, 2);
        // x = [M (2×3) | row (3) | col (2) | s]
        Fn t = v -> {
            Tensor m = tensor(java.util.Arrays.copyOfRange(v, 0, 6)).reshape(2, 3);
            Tensor row = tensor(java.util.Arrays.copyOfRange(v, 6, 9));
            Tensor col = tensor(java.util.Arrays.copyOfRange(v, 9, 11)).reshape(2, 1);
            Num s = v[11];
            return m.times(row).plus(col).div(s).minus(0.5).pow(2.0).max(m.times(0.1)).sum()
                    .plus(col.minus(m).sum()).plus(row.reshape(1, 3).times(m).sum());   // broadcasts on the left
        };
        Fn sc = v -> {
            Num acc = constant(0);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    Num e = v[i * 3 + j].times(v[6 + j]).plus(v[9 + i]).div(v[11]).minus(0.5).pow(2.0);
                    acc = acc.plus(max(e, v[i * 3 + j].times(0.1)));
                }
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    acc = acc.plus(v[9 + i].minus(v[i * 3 + j]));
                }
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    acc = acc.plus(v[6 + j].times(v[i * 3 + j]));
                }
            }
            return acc;
        };
        sameGradient(t, sc, x, 1e-14);
    }

    @Test
    void matmulDotReductionsAndReshapes() {
        double[] x = data(12 + 4, 3);
        Fn t = v -> {
            Tensor a = tensor(java.util.Arrays.copyOfRange(v, 0, 12)).reshape(3, 4);
            Tensor b = tensor(java.util.Arrays.copyOfRange(v, 12, 16));
            Tensor c = a.matmul(b);                                  // (3)
            Tensor d = b.matmul(a.transpose());                      // (3)
            Tensor e = a.transpose().matmul(a);                      // (4, 4)
            return c.dot(d).plus(e.mean()).plus(logsumexp(c)).plus(softmax(b).get(2))
                    .plus(a.column(1).sum()).plus(a.slice(1, 3).get(1, 2)).plus(concat(c, b).mean());
        };
        Fn sc = v -> {
            Num[] c = new Num[3];
            for (int i = 0; i < 3; i++) {
                c[i] = constant(0);
                for (int p = 0; p < 4; p++) {
                    c[i] = c[i].plus(v[i * 4 + p].times(v[12 + p]));
                }
            }
            Num cd = constant(0);
            for (int i = 0; i < 3; i++) {
                cd = cd.plus(c[i].times(c[i]));                        // d = c
            }
            Num em = constant(0);
            for (int p = 0; p < 4; p++) {
                for (int q = 0; q < 4; q++) {
                    for (int i = 0; i < 3; i++) {
                        em = em.plus(v[i * 4 + p].times(v[i * 4 + q]));
                    }
                }
            }
            Num lse = logsumexp(c);
            Num sm = exp(v[14].minus(logsumexp(v[12], v[13], v[14], v[15])));
            Num col = v[1].plus(v[5]).plus(v[9]);
            Num cat = c[0].plus(c[1]).plus(c[2]).plus(v[12]).plus(v[13]).plus(v[14]).plus(v[15]).div(7);
            return cd.plus(em.div(16)).plus(lse).plus(sm).plus(col).plus(v[4 + 4 + 2]).plus(cat);
        };
        sameGradient(t, sc, x, 1e-13);
    }

    @Test
    void aLossOverManyRowsIsAHandfulOfOperations() {
        int m = 100_000;
        int d = 5;
        double[] xs = new double[m * d];
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) {
                xs[i * d + j] = Math.sin(0.7 * i + 1.3 * j) + 0.01 * j;
            }
            s[i] = Math.sin(0.37 * i) > 0 ? -1 : 1;
        }
        Tensor x = tensor(xs, m, d);
        Tensor sv = tensor(s);
        var w = param("w", new double[] {0.1, -0.2, 0.3, 0, 0.05});
        int before = tape().operations();
        Num loss = x.matmul(w).times(sv).softplus().mean();   // mean softplus(−(2y−1)·Xw)
        assertEquals(4, tape().operations() - before, "matmul, times, softplus, mean");
        loss.backward();
        // the hand-written gradient: ∇ = (1/m) Σ σ(sᵢ zᵢ) sᵢ xᵢ
        double[] g = new double[d];
        double[] wv = {0.1, -0.2, 0.3, 0, 0.05};
        for (int i = 0; i < m; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += xs[i * d + j] * wv[j];
            }
            double q = Special.sigmoid(s[i] * z) * s[i] / m;
            for (int j = 0; j < d; j++) {
                g[j] += q * xs[i * d + j];
            }
        }
        assertArrayEquals(g, w.grad(), 1e-15);
    }

    @Test
    void hessianOfTensorCodeUsesTheElementPath() {
        // f(x) = Σ (A x)ᵢ² / 2 has Hessian AᵀA
        double[][] a = {{1, 2}, {3, -1}, {0.5, 4}};
        Tensor am = tensor(a);
        double[][] h = hessian(v -> am.matmul(tensor(v)).square().sum().div(2), 0.3, -0.7);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double want = 0;
                for (double[] row : a) {
                    want += row[i] * row[j];
                }
                assertEquals(want, h[i][j], 1e-14);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void parameterTensorsInBothModes(Mode m) {
        mode(m);
        var w = param("w", new double[] {1, 2, 3});
        Num z = w.square().sum();
        z.backward();
        assertArrayEquals(new double[] {2, 4, 6}, w.grad(), 0.0);
        assertEquals(14.0, z.value());
    }

    @Test
    void fromTablesaw() {
        Table t = Table.create("t", DoubleColumn.create("a", 1, 2, 3), DoubleColumn.create("b", 4, 5, 6));
        Tensor x = tensor(t, "a", "b");
        assertArrayEquals(new int[] {3, 2}, x.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, x.values());
        assertArrayEquals(new double[] {4, 5, 6}, tensor(t.doubleColumn("b")).values());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tensor(t, "c"));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("[a, b]"), e.getMessage());
        DoubleColumn missing = DoubleColumn.create("m", 1.0, Double.NaN);
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> tensor(missing));
        assertTrue(f.getMessage().contains("row 1"), f.getMessage());
    }

    @Test
    void shapeErrorsNameTheOperationAndBothShapes() {
        Tensor a = tensor(new double[6], 2, 3);
        Tensor b = tensor(new double[4], 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("(2, 3)") && e.getMessage().contains("(2, 2)"),
                e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> a.plus(b));
        assertTrue(p.getMessage().contains("add") && p.getMessage().contains("(2, 3)") && p.getMessage().contains("(2, 2)"),
                p.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
        assertTrue(r.getMessage().contains("reshape") && r.getMessage().contains("(4, 2)"), r.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(6));
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> a.dot(b));
        assertTrue(d.getMessage().contains("dot"), d.getMessage());
    }
}
