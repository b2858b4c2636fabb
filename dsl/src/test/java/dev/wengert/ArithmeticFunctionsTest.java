package dev.wengert;

import dev.wengert.compile.CompiledFn;
import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/** Arithmetic that reads as written (issue 20): a number or a Num on the left, Tensors mixed with Nums, eq and ne. */
class ArithmeticFunctionsTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    @Test
    void aConstantOnTheLeft() {
        // ht's barycentric weight 1 − u₀ − u₁
        Fn w = u -> minus(1, u[0]).minus(u[1]);
        assertEquals(0.25, value(w, 0.5, 0.25), 0.0);
        assertArrayEquals(new double[] {-1, -1}, gradient(w, 0.5, 0.25));
        assertArrayEquals(new double[] {-1, -1}, gradient(Mode.FORWARD, w, 0.5, 0.25));
        assertArrayEquals(new double[] {-2.0 / 0.25}, gradient(x -> div(2, x[0]), 0.5), 1e-15);
        assertEquals(3.0, plus(1, param("a", 2.0)).value());
        assertEquals(-1.0, minus(1, param("b", 2.0)).value());
        assertEquals(6.0, times(3, param("c", 2.0)).value());
        assertEquals(1.5, div(3, param("d", 2.0)).value());
        assertEquals(1.0, minus(param("e", 2.0), 1).value());
        assertEquals(7.0, plus(3.0, 4.0));
        assertEquals(0.75, div(3.0, 4.0));
        // recorded like x.minus(c) with the constant on the left: one operation
        var x = param("x", 2.0);
        int before = tape().operations();
        Num y = minus(5, x);
        assertEquals(before + 1, tape().operations());
        assertEquals(-1.0, y.d(x));
    }

    @Test
    void aNumOrAConstantMixedWithATensor() {
        // gmm's x − μ: a data point minus each mean, and 1 − p
        var mu = param("mu", new double[] {0.5, -1.0, 2.0});
        Num x = constant(1.5);
        Tensor d = minus(x, mu);
        assertArrayEquals(new double[] {1.0, 2.5, -0.5}, d.values());
        Num loss = d.square().sum();
        loss.backward();
        assertArrayEquals(new double[] {-2.0, -5.0, 1.0}, mu.grad(), 1e-15);
        assertArrayEquals(new double[] {0.5, 2.0, -1.0}, minus(1.0, mu).values());
        assertArrayEquals(new double[] {1.0, -2.0, 4.0}, times(2, mu).values());
        assertArrayEquals(new double[] {2.0, -1.0, 0.5}, div(1, mu).values());
        assertArrayEquals(new double[] {3.0, 1.5, 4.5}, plus(param("s", 2.5), mu).values());
        assertArrayEquals(new double[] {1.0, -2.0, 4.0}, plus(mu, mu).values());
        assertArrayEquals(new double[] {0.0, 0.0, 0.0}, minus(mu, mu).values());
        assertArrayEquals(new double[] {0.25, 1.0, 4.0}, times(mu, mu).values());
        assertArrayEquals(new double[] {-0.5, -2.0, 1.0}, minus(mu, 1.0).values());
        // the same in forward mode (the element path)
        double[] g = gradient(Mode.FORWARD, v -> minus(v[0], tensor(v[1], v[2])).square().sum(), 1.5, 0.5, -1.0);
        assertArrayEquals(new double[] {2 * (1.0 + 2.5), -2.0, -5.0}, g, 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> minus((Num) null, mu));
        assertTrue(e.getMessage().contains("minus"), e.getMessage());
    }

    @Test
    void eqAndNeCompareValuesAndGuardCompiledTapes() {
        var k = param("k", 2.0);
        assertTrue(k.eq(2));
        assertTrue(k.eq(constant(2.0)));
        assertFalse(k.ne(2));
        assertTrue(constant(Double.NaN).ne(Double.NaN));
        assertFalse(constant(Double.NaN).eq(Double.NaN));
        assertTrue(constant(0.0).eq(-0.0));
        // a kink handled by eq: f(x) = x² except exactly at 1, where it is 1 + (x − 1)·3
        Fn f = x -> x[0].eq(1) ? x[0].minus(1).times(3).plus(1) : x[0].square();
        CompiledFn c = compile(f, 2.0);
        assertArrayEquals(new double[] {6.0}, c.gradient(3.0));
        assertEquals(1, c.recordings());
        assertArrayEquals(new double[] {3.0}, c.gradient(1.0));
        assertEquals(2, c.recordings(), "the eq guard flipped: recorded again");
        assertArrayEquals(new double[] {3.0}, c.gradient(1.0));
        assertEquals(2, c.recordings());
        assertArrayEquals(new double[] {4.0}, c.gradient(2.0));
        assertEquals(3, c.recordings());
    }
}
