package dev.wengert.compile;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.log;
import static dev.wengert.Wengert.sin;
import static dev.wengert.Wengert.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CompiledFn#gradientAndHvpInto}: the value, the gradient and H·v from one replay and one
 * backward pass are the bits that {@code valueAndGradientInto} followed by {@code hvp} give, on
 * scalar code with a branch, on kmeans' minimum of distances, and on tensor code; a branch change
 * records again; wrong lengths are refused by name.
 */
class GradientAndHvpTest {
    private String saved;

    @BeforeEach
    void noGeneratedCode() {
        saved = System.getProperty("wengert.codegen");
        System.setProperty("wengert.codegen", "off");
    }

    @AfterEach
    void restore() {
        GeneratedLoopsTest.restore("wengert.codegen", saved);
    }

    /** x₀²x₁ + sin(x₀x₂)·e^x₁ − log(1 + x₂²), and x₁·x₂ added where x₀ > 0 (a guarded branch). */
    static final Fn SCALAR = x -> {
        Num y = x[0].square().times(x[1]).plus(sin(x[0].times(x[2])).times(exp(x[1]))).minus(log(x[2].square().plus(1)));
        return x[0].gt(0) ? y.plus(x[1].times(x[2])) : y;
    };

    /** kmeans' cost: for 30 points in 2-D, the squared distance to the nearest of 3 centroids (min of recorded values). */
    static Fn kmeans(double[] pts) {
        return c -> {
            Num total = Num.constant(0);
            for (int i = 0; i < pts.length / 2; i++) {
                Num best = null;
                for (int j = 0; j < 3; j++) {
                    Num d = c[2 * j].neg().plus(pts[2 * i]).square().plus(c[2 * j + 1].neg().plus(pts[2 * i + 1]).square());
                    best = best == null ? d : best.min(d);
                }
                total = total.plus(best);
            }
            return total;
        };
    }

    /** Tensor code: Σ softplus-like log(1 + e^(A·x)) + ‖x‖⁴, array operations as blocks. */
    static final Fn TENSOR = x -> {
        Tensor v = tensor(x, 0, 3, 1);
        Tensor a = Tensor.of(new double[] {1, -2, 0.5, 0.3, 1.5, -1, 2, 0.1, -0.7}, 3, 3);
        return a.matmul(v).exp().plus(1).log().sum().plus(v.square().sum().square());
    };

    static void agrees(Fn f, double[] x0, double[] x, double[] v) {
        CompiledFn two = new CompiledFn(f, x0);
        CompiledFn one = new CompiledFn(f, x0);
        double[] g2 = new double[x.length];
        double y2 = two.valueAndGradientInto(x, g2);
        double[] hv2 = two.hvp(x, v);
        double[] g1 = new double[x.length];
        double[] hv1 = new double[x.length];
        double y1 = one.gradientAndHvpInto(x, v, g1, hv1);
        assertEquals(Double.doubleToLongBits(y2), Double.doubleToLongBits(y1), "value");
        assertArrayEquals(SecondOrderBitsTest.bits(g2), SecondOrderBitsTest.bits(g1), "gradient");
        assertArrayEquals(SecondOrderBitsTest.bits(hv2), SecondOrderBitsTest.bits(hv1), "H·v");
        assertEquals(two.recordings(), one.recordings(), "recordings");
    }

    @Test
    void theSameBitsAsAGradientThenAProduct() {
        Random r = new Random(3);
        for (int k = 0; k < 20; k++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            double[] v = {r.nextGaussian(), 0.0, r.nextGaussian()};
            agrees(SCALAR, new double[] {0.5, 0.2, -0.3}, x, v);   // some x take the other branch: recorded again
            agrees(TENSOR, new double[] {0.1, 0.2, 0.3}, x, v);
        }
        double[] pts = new double[60];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = r.nextDouble();
        }
        double[] c = {0.1, 0.1, 0.5, 0.9, 0.9, 0.2};
        double[] ones = {1, 1, 1, 1, 1, 1};
        agrees(kmeans(pts), c, c, ones);
        agrees(kmeans(pts), c, new double[] {0.2, 0.1, 0.4, 0.8, 0.7, 0.3}, ones);
    }

    @Test
    void kmeansGivesTheAnalyticGradientAndHessianDiagonal() {
        // one point per centroid's cluster: ∇ = 2(c − x) for its own centroid, H = 2·I
        double[] pts = {0, 0, 10, 10, -10, 10};
        CompiledFn f = new CompiledFn(kmeans(pts), new double[] {1, 1, 9, 9, -9, 9});
        double[] g = new double[6];
        double[] hv = new double[6];
        double y = f.gradientAndHvpInto(new double[] {1, 2, 9, 9, -9, 8}, new double[] {1, 1, 1, 1, 1, 1}, g, hv);
        assertEquals(1 + 4 + 1 + 1 + 1 + 4, y);
        assertArrayEquals(new double[] {2, 4, -2, -2, 2, -4}, g);
        assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2}, hv);
    }

    @Test
    void aBranchChangeRecordsAgain() {
        CompiledFn f = new CompiledFn(SCALAR, new double[] {0.5, 0.2, -0.3});
        double[] g = new double[3];
        double[] hv = new double[3];
        f.gradientAndHvpInto(new double[] {-0.5, 0.2, -0.3}, new double[] {1, 0, 0}, g, hv);
        assertEquals(2, f.recordings());
        // at x₀ < 0 there is no x₁x₂ term: ∂/∂x₂ = x₀·cos(x₀x₂)·e^x₁ − 2x₂/(1 + x₂²)
        double x0 = -0.5;
        double x1 = 0.2;
        double x2 = -0.3;
        double e1 = Math.exp(x1);
        double c = Math.cos(x0 * x2);
        double sn = Math.sin(x0 * x2);
        assertEquals(x0 * c * e1 - 2 * x2 / (1 + x2 * x2), g[2], 1e-15);
        // H·e₀, the first column of the Hessian on that branch
        assertEquals(2 * x1 - x2 * x2 * sn * e1, hv[0], 1e-14);
        assertEquals(2 * x0 + x2 * c * e1, hv[1], 1e-14);
        assertEquals(c * e1 - x0 * x2 * sn * e1, hv[2], 1e-14);
    }

    @Test
    void wrongLengthsAreRefusedByName() {
        CompiledFn f = new CompiledFn(SCALAR, new double[] {0.5, 0.2, -0.3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.gradientAndHvpInto(new double[] {1, 2, 3}, new double[] {1, 0}, new double[3], new double[3]));
        assertTrue(e.getMessage().contains("gradientAndHvpInto") && e.getMessage().contains("given 2, 3 and 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> f.gradientAndHvpInto(new double[] {1, 2, 3}, new double[3], null, new double[3]));
        assertThrows(IllegalArgumentException.class,
                () -> f.gradientAndHvpInto(new double[] {1, 2}, new double[3], new double[3], new double[3]));
    }
}
