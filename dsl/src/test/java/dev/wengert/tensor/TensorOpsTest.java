package dev.wengert.tensor;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.Oracles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.wengert.Wengert.*;
import static dev.wengert.tensor.TensorTest.constants;
import static dev.wengert.tensor.TensorTest.data;
import static dev.wengert.tensor.TensorTest.sameGradient;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The array operations real programs need (issue 20): reductions along an axis, gather,
 * shift, pad, scatter, triangular fill, concatenation without a handle per element, and views
 * of f's inputs. Each against the same program written as scalar loops, in both modes (forward
 * mode takes the element path), and against finite differences.
 */
class TensorOpsTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    /** ∇ of f against Ridders' central differences. */
    static void finiteDifferences(Fn f, double[] x, double tol) {
        double[] g = gradient(f, x);
        for (int i = 0; i < x.length; i++) {
            int k = i;
            double fd = Oracles.ridders(z -> {
                double[] p = x.clone();
                p[k] = z;
                return f.apply(constants(p)).value();
            }, x[i], 1e-3);
            assertEquals(fd, g[i], tol * Math.max(1, Math.abs(fd)), "∂/∂x" + i + " against finite differences");
        }
    }

    /** Distinct weights so every output's derivative is seen. */
    static Tensor weights(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 + 0.37 * i;
        }
        return tensor(w);
    }

    @Test
    void reductionsAlongEitherAxisMatchScalarLoops() {
        int m = 3;
        int n = 4;
        double[] x = data(m * n, 7);
        for (int axis = 0; axis < 2; axis++) {
            int ax = axis;
            int outs = axis == 0 ? n : m;
            int len = axis == 0 ? m : n;
            for (String kind : new String[] {"sum", "mean", "amax", "amin", "logsumexp"}) {
                Fn t = v -> {
                    Tensor a = tensor(v, 0, m, n);
                    Tensor r = switch (kind) {
                        case "sum" -> a.sum(ax);
                        case "mean" -> a.mean(ax);
                        case "amax" -> a.amax(ax);
                        case "amin" -> a.amin(ax);
                        default -> a.logsumexp(ax);
                    };
                    assertArrayEquals(new int[] {outs}, r.shape());
                    return r.dot(weights(outs));
                };
                Fn s = v -> {
                    Num total = constant(0);
                    for (int o = 0; o < outs; o++) {
                        Num[] e = new Num[len];
                        for (int k = 0; k < len; k++) {
                            e[k] = ax == 0 ? v[k * n + o] : v[o * n + k];
                        }
                        Num r = switch (kind) {
                            case "sum" -> sum(e);
                            case "mean" -> sum(e).div(len);
                            case "amax" -> Arrays.stream(e).reduce(Num::max).orElseThrow();
                            case "amin" -> Arrays.stream(e).reduce(Num::min).orElseThrow();
                            default -> logsumexp(e);
                        };
                        total = total.plus(r.times(1 + 0.37 * o));
                    }
                    return total;
                };
                sameGradient(t, s, x, 1e-14);
                finiteDifferences(t, x, 1e-8);
            }
        }
    }

    @Test
    void aReductionOfAOneDimensionalTensorAlongAxisZeroReducesAllOfIt() {
        double[] x = data(5, 8);
        Fn t = v -> tensor(v).amax(0).get(0).plus(tensor(v).logsumexp(0).get(0)).plus(tensor(v).mean(0).get(0));
        Fn s = v -> Arrays.stream(v).reduce(Num::max).orElseThrow().plus(logsumexp(v)).plus(sum(v).div(v.length));
        sameGradient(t, s, x, 1e-14);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tensor(x).sum(1));
        assertTrue(e.getMessage().contains("sum(1)") && e.getMessage().contains("(5,)"), e.getMessage());
    }

    @Test
    void tiesSplitTheDerivativeEvenlyInBothModes() {
        // row 0 has its maximum three times, row 1 once; the minimum of row 0 twice
        double[] x = {2, 5, 5, 1, 5, 1, 0, 3, 9, 4, 2, 1};
        for (Mode mode : Mode.values()) {
            double[] gmax = gradient(mode, v -> tensor(v, 0, 2, 6).amax(1).sum(), x);
            assertArrayEquals(new double[] {0, 1.0 / 3, 1.0 / 3, 0, 1.0 / 3, 0, 0, 0, 1, 0, 0, 0}, gmax, 1e-15, mode + "");
            double[] gmin = gradient(mode, v -> tensor(v, 0, 2, 6).amin(1).sum(), x);
            assertArrayEquals(new double[] {0, 0, 0, 0.5, 0, 0.5, 1, 0, 0, 0, 0, 0}, gmin, 1e-15, mode + "");
        }
        double[] nan = {1, Double.NaN, 3};
        assertTrue(Double.isNaN(tensor(nan).amax(0).get(0).value()), "NaN wins, as in Math.max");
        assertArrayEquals(new double[] {0, 1, 0}, gradient(v -> tensor(v).amax(0).sum(), nan));
    }

    @Test
    void gatherShiftPadAndScatterMatchScalarLoops() {
        double[] x = data(6, 9);
        int[] idx = {5, -1, 0, 0, 3, 2, 2, 1};
        Fn gather = v -> tensor(v).gather(idx, 2, 4).square().sum(1).dot(weights(2));
        Fn gatherScalar = v -> {
            Num s = constant(0);
            for (int i = 0; i < idx.length; i++) {
                Num e = idx[i] < 0 ? constant(0) : v[idx[i]];
                s = s.plus(e.square().times(1 + 0.37 * (i / 4)));
            }
            return s;
        };
        sameGradient(gather, gatherScalar, x, 1e-14);

        // ode's stage, z₀ = x₀ and zᵢ = xᵢ·yᵢ₋₁: x ⊙ (y shifted by one, 1 flowing in)
        Fn shift = v -> {
            Tensor a = tensor(v, 0, 3);
            Tensor y = tensor(v, 3, 3).sin();
            return a.times(y.shift(1, 1.0)).dot(weights(3)).plus(y.shift(-1).dot(weights(3)));
        };
        Fn shiftScalar = v -> {
            Num[] y = {v[3].sin(), v[4].sin(), v[5].sin()};
            Num s = v[0].times(1.0).plus(v[1].times(y[0]).times(1.37)).plus(v[2].times(y[1]).times(1.74));
            return s.plus(y[1]).plus(y[2].times(1.37));
        };
        sameGradient(shift, shiftScalar, x, 1e-14);
        assertArrayEquals(new double[] {0, 1, 2, 3}, tensor(new double[] {1, 2, 3, 4}).shift(1).values());
        assertArrayEquals(new double[] {3, 4, 0, 0}, tensor(new double[] {1, 2, 3, 4}, 2, 2).shift(-1).values());

        Fn pad = v -> tensor(v).pad(2, 1, 0.5).exp().dot(weights(9));
        Fn padScalar = v -> {
            Num s = constant(Math.exp(0.5) * (1 + 1.37 + 1 + 0.37 * 8));
            for (int i = 0; i < v.length; i++) {
                s = s.plus(v[i].exp().times(1 + 0.37 * (i + 2)));
            }
            return s;
        };
        sameGradient(pad, padScalar, x, 1e-13);
        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 4, 0, 0},
                tensor(new double[] {1, 2, 3, 4}, 2, 2).pad(1, 1).values());

        int[] buckets = {2, 0, 2, 1, 0, 2};
        Fn scatter = v -> tensor(v).square().scatter(buckets, 4).dot(weights(4));
        Fn scatterScalar = v -> {
            Num s = constant(0);
            for (int i = 0; i < v.length; i++) {
                s = s.plus(v[i].square().times(1 + 0.37 * buckets[i]));
            }
            return s;
        };
        sameGradient(scatter, scatterScalar, x, 1e-14);
        assertArrayEquals(new double[] {2, 4}, tensor(new double[] {1, 2, 3}).scatter(new int[] {1, 0, 1}, 2).values());
        for (Fn f : new Fn[] {gather, shift, pad, scatter}) {
            finiteDifferences(f, x, 1e-8);
        }
    }

    @Test
    void lowerTriangularFillsRowsOrColumnsWithOrWithoutTheDiagonal() {
        Tensor three = tensor(new double[] {1, 2, 3});
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 2, 3, 0}, three.lowerTriangular(3, -1, false).values());
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 2, 3, 0}, three.lowerTriangular(3, -1, true).values());
        Tensor six = tensor(new double[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new double[] {1, 0, 0, 2, 3, 0, 4, 5, 6}, six.lowerTriangular(3, 0, false).values());
        assertArrayEquals(new double[] {1, 0, 0, 2, 4, 0, 3, 5, 6}, six.lowerTriangular(3, 0, true).values());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> six.lowerTriangular(3, -1, true));
        assertTrue(e.getMessage().contains("3 entries") && e.getMessage().contains("6 elements"), e.getMessage());

        // gmm's precision factor: Q = diag(e^q) + L, L from column-ordered parameters; ‖Q·d‖²
        double[] x = data(3 + 3 + 3, 10);
        Fn t = v -> {
            Tensor q = tensor(v, 0, 3);
            Tensor l = tensor(v, 3, 3).lowerTriangular(3, -1, true);
            Tensor d = tensor(v, 6, 3);
            return l.matmul(d).plus(q.exp().times(d)).square().sum();
        };
        Fn s = v -> {
            Num[][] lm = {{constant(0), constant(0), constant(0)}, {v[3], constant(0), constant(0)}, {v[4], v[5], constant(0)}};
            Num total = constant(0);
            for (int i = 0; i < 3; i++) {
                Num r = v[i].exp().times(v[6 + i]);
                for (int j = 0; j < 3; j++) {
                    r = r.plus(lm[i][j].times(v[6 + j]));
                }
                total = total.plus(r.square());
            }
            return total;
        };
        sameGradient(t, s, x, 1e-13);
        finiteDifferences(t, x, 1e-8);
    }

    @Test
    void concatenationIsOneNodeWithNoHandlePerElement() {
        var a = param("a", data(400, 11));
        var b = param("b", data(300, 12));
        int before = tape().operations();
        Tensor c = concat(a.exp(), tensor(new double[] {1, 2}), b);
        assertEquals(before + 2, tape().operations(), "the exp and the concatenation");
        assertArrayEquals(new int[] {702}, c.shape());
        Num loss = c.dot(weights(702));
        loss.backward();
        assertEquals(Math.exp(a.values()[5]) * (1 + 0.37 * 5), a.grad()[5], 1e-12);
        assertEquals(1 + 0.37 * 402, b.grad()[0], 1e-12);

        double[] x = data(5, 13);
        Fn t = v -> concat(tensor(v, 0, 2).sin(), tensor(new double[] {3}), tensor(v, 2, 3).square()).dot(weights(6));
        Fn s = v -> v[0].sin().plus(v[1].sin().times(1.37)).plus(3 * 1.74).plus(v[2].square().times(2.11))
                .plus(v[3].square().times(2.48)).plus(v[4].square().times(2.85));
        sameGradient(t, s, x, 1e-14);
    }

    @Test
    void fsInputsReadAsATensorAreAViewNotANode() {
        double[] x = {9, 1, 2, 3, 4};
        assertArrayEquals(new double[] {0, 2, 4, 6, 8}, gradient(v -> tensor(v, 1, 2, 2).square().sum(), x));
        var p = param("p", 0.0);
        var q = param("q", 0.0);
        int before = tape().operations();
        Tensor view = tensor(new Num[] {p, q}, 0, 2);
        assertEquals(before, tape().operations(), "consecutive parameters: a view");
        Tensor copy = tensor(new Num[] {q, p}, 0, 2);
        assertEquals(before + 1, tape().operations(), "out of order: one gather node");
        assertArrayEquals(new double[] {0, 0}, view.values());
        assertArrayEquals(new double[] {0, 0}, copy.values());
        assertThrows(IndexOutOfBoundsException.class, () -> tensor(new Num[] {p, q}, 1, 2));
        // forward mode: the element path
        assertArrayEquals(new double[] {0, 2, 4, 6, 8}, gradient(Mode.FORWARD, v -> tensor(v, 1, 2, 2).square().sum(), x));
    }

    @Test
    void namedBlocksGiveGradientsOfTheSameShapes() {
        Blocks p = blocks("alpha", new double[] {0.1, 0.2, -0.3}, "means", new double[][] {{1, 2}, {3, 4}, {5, 6}},
                "scale", 0.5);
        assertEquals(10, p.size());
        assertArrayEquals(new int[] {3, 2}, p.shape("means"));
        // f = logsumexp(α) + scale · Σ μ²
        Fn f = x -> p.tensor(x, "alpha").logsumexp().plus(p.tensor(x, "means").square().sum().times(p.num(x, "scale")));
        Blocks g = gradient(f, p);
        assertEquals(p.names(), g.names());
        assertArrayEquals(new int[] {3, 2}, g.get("means").shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, g.values("means"), 1e-15);
        assertEquals(1 + 4 + 9 + 16 + 25 + 36, g.value("scale"), 1e-12);
        double[] soft = tensor(new double[] {0.1, 0.2, -0.3}).softmax().values();
        assertArrayEquals(soft, g.values("alpha"), 1e-15);
        assertArrayEquals(gradient(f, p.values()), g.values(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.get("mu"));
        assertTrue(e.getMessage().contains("mu") && e.getMessage().contains("means"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gradient(x -> p.tensor(x, "means").sum(), 1, 2));
        assertTrue(e.getMessage().contains("2 inputs") && e.getMessage().contains("10 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> blocks("a", 1.0, "a", 2.0));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertTrue(p.toString().startsWith("alpha (3,) [0.1, 0.2, -0.3], means (3, 2) [1.0, 2.0"), p.toString());
    }

    /** Values and ∂/∂pⱼ of every element, to 1e-14 relative. */
    static void close(String what, Tensor t, Num[] e, Num[] p) {
        double[] v = t.values();
        assertEquals(e.length, v.length, what + ": size");
        for (int j = 0; j < p.length; j++) {
            double[] col = t.d(p[j]);
            for (int k = 0; k < e.length; k++) {
                assertEquals(e[k].value(), v[k], 1e-14 * Math.max(1, Math.abs(v[k])), what + ": value " + k);
                assertEquals(e[k].d(p[j]), col[k], 1e-14 * Math.max(1, Math.abs(col[k])), what + ": ∂/∂p" + j + " of " + k);
            }
        }
    }

    @Test
    void forwardModeCarriesTangentColumnsThroughTheNewOperations() {
        ForwardTensorTest.inForward(p -> {
            double[] d = ForwardTensorTest.data(12, 5, x -> x);
            ForwardTensorTest.Pair a = ForwardTensorTest.variable(p, d, 3, 4);
            Num[] e = a.e();
            for (int axis = 0; axis < 2; axis++) {
                int outs = axis == 0 ? 4 : 3;
                int len = axis == 0 ? 3 : 4;
                Num[][] groups = new Num[outs][len];
                for (int o = 0; o < outs; o++) {
                    for (int k = 0; k < len; k++) {
                        groups[o][k] = axis == 0 ? e[k * 4 + o] : e[o * 4 + k];
                    }
                }
                Num[] sums = new Num[outs];
                Num[] maxs = new Num[outs];
                Num[] lses = new Num[outs];
                for (int o = 0; o < outs; o++) {
                    sums[o] = sum(groups[o]);
                    maxs[o] = java.util.Arrays.stream(groups[o]).reduce(Num::max).orElseThrow();
                    lses[o] = logsumexp(groups[o]);
                }
                close("sum(" + axis + ")", a.t().sum(axis), sums, p);
                close("amax(" + axis + ")", a.t().amax(axis), maxs, p);
                close("logsumexp(" + axis + ")", a.t().logsumexp(axis), lses, p);
            }
            int[] idx = {11, -1, 0, 3, 3, 7};
            Num[] g = new Num[idx.length];
            for (int i = 0; i < idx.length; i++) {
                g[i] = idx[i] < 0 ? constant(0) : e[idx[i]];
            }
            close("gather", a.t().gather(idx, 2, 3), g, p);
            Num[] shifted = new Num[12];
            for (int i = 0; i < 12; i++) {
                shifted[i] = i < 4 ? constant(0.5) : e[i - 4];
            }
            close("shift", a.t().shift(1, 0.5), shifted, p);
            int[] buckets = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
            Num[] sc = new Num[3];
            for (int o = 0; o < 3; o++) {
                sc[o] = sum(e[o], e[o + 3], e[o + 6], e[o + 9]);
            }
            close("scatter", a.t().reshape(12).scatter(buckets, 3), sc, p);
            Tensor tri = a.t().reshape(12).slice(0, 6).lowerTriangular(3, 0, false);
            Num z = constant(0);
            close("lowerTriangular", tri, new Num[] {e[0], z, z, e[1], e[2], z, e[3], e[4], e[5]}, p);
            return null;
        });
    }
}
