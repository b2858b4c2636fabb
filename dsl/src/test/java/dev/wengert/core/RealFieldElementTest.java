package dev.wengert.core;

import org.apache.commons.math3.Field;
import org.apache.commons.math3.RealFieldElement;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.apache.commons.math3.linear.Array2DRowFieldMatrix;
import org.apache.commons.math3.linear.ArrayFieldVector;
import org.apache.commons.math3.linear.FieldLUDecomposition;
import org.apache.commons.math3.linear.FieldVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code Num} as Commons Math's {@code RealFieldElement}: every method of the interface, written
 * once as field-generic code, run on {@code Num} (forward and reverse mode) and on Commons
 * Math's own {@code DerivativeStructure} (the oracle), values and both partial derivatives.
 */
class RealFieldElementTest {
    private static final double X = 0.8;
    private static final double Y = 1.3;

    /** Every method of RealFieldElement and FieldElement, on x and y; generic, so any field runs it. */
    static <T extends RealFieldElement<T>> List<T> everyMethod(T x, T y) {
        List<T> out = new ArrayList<>();
        Field<T> f = x.getField();
        out.add(x.add(y));
        out.add(x.add(1.5));
        out.add(x.subtract(y));
        out.add(x.subtract(0.25));
        out.add(x.negate());
        out.add(x.multiply(3));
        out.add(x.multiply(y));
        out.add(x.multiply(2.5));
        out.add(x.divide(y));
        out.add(x.divide(4.0));
        out.add(x.remainder(0.7));
        out.add(x.multiply(5).remainder(y));
        out.add(x.negate().abs());
        out.add(x.ceil().add(x.floor()).add(x.rint()).add(x.signum()));
        out.add(x.copySign(y.negate()));
        out.add(x.copySign(-1.0));
        out.add(x.copySign(2.0));
        out.add(x.scalb(3));
        out.add(x.hypot(y));
        out.add(x.reciprocal());
        out.add(x.sqrt());
        out.add(x.cbrt());
        out.add(x.rootN(5));
        out.add(x.negate().rootN(3));
        out.add(x.pow(2.5));
        out.add(x.negate().pow(3));
        out.add(x.pow(y));
        out.add(x.exp());
        out.add(x.expm1());
        out.add(x.log());
        out.add(x.log1p());
        out.add(x.cos());
        out.add(x.sin());
        out.add(x.tan());
        out.add(x.multiply(0.3).acos());
        out.add(x.multiply(0.3).asin());
        out.add(x.atan());
        out.add(x.atan2(y));
        out.add(x.cosh());
        out.add(x.sinh());
        out.add(x.tanh());
        out.add(x.add(1).acosh());
        out.add(x.asinh());
        out.add(x.multiply(0.3).atanh());
        out.add(x.linearCombination(array(f, x, y, x), array(f, y, y, x.sin())));
        out.add(x.linearCombination(new double[] {2, -3}, array(f, x, y)));
        out.add(x.linearCombination(x, y, y, x.exp()));
        out.add(x.linearCombination(2.0, x, -1.5, y));
        out.add(x.linearCombination(x, y, y, y, x, x));
        out.add(x.linearCombination(1.0, x, 2.0, y, 3.0, x.cos()));
        out.add(x.linearCombination(x, y, y, y, x, x, y, x.log()));
        out.add(x.linearCombination(1.0, x, 2.0, y, 3.0, x.cos(), -4.0, y.sqrt()));
        out.add(f.getOne().multiply(x).add(f.getZero()));
        return out;
    }

    /** An array of the field's own element class (as Commons Math builds them). */
    @SafeVarargs
    @SuppressWarnings("unchecked")
    private static <T extends RealFieldElement<T>> T[] array(Field<T> f, T... xs) {
        T[] t = (T[]) java.lang.reflect.Array.newInstance(f.getRuntimeClass(), xs.length);
        System.arraycopy(xs, 0, t, 0, xs.length);
        return t;
    }

    @Test
    void everyMethodMatchesDerivativeStructureInBothModes() {
        List<DerivativeStructure> oracle = everyMethod(new DerivativeStructure(2, 1, 0, X),
                new DerivativeStructure(2, 1, 1, Y));
        for (Mode mode : Mode.values()) {
            if (mode != Mode.FORWARD && mode != Mode.REVERSE) {
                continue;
            }
            double[][] jac = Functional.jacobian(mode, in -> everyMethod(in[0], in[1]).toArray(new Num[0]),
                    new double[] {X, Y});
            List<Num> values = everyMethod(Num.constant(X), Num.constant(Y));
            assertEquals(oracle.size(), jac.length);
            for (int i = 0; i < oracle.size(); i++) {
                DerivativeStructure d = oracle.get(i);
                String what = mode + " method #" + i;
                assertTrue(Double.isFinite(d.getPartialDerivative(1, 0)) && Double.isFinite(d.getPartialDerivative(0, 1)),
                        what + ": the oracle's derivatives are not finite");
                assertEquals(d.getValue(), values.get(i).value(), 1e-14 * Math.max(1, Math.abs(d.getValue())), what + " value");
                assertEquals(d.getPartialDerivative(1, 0), jac[i][0], 1e-13 * Math.max(1, Math.abs(d.getPartialDerivative(1, 0))),
                        what + " ∂/∂x");
                assertEquals(d.getPartialDerivative(0, 1), jac[i][1], 1e-13 * Math.max(1, Math.abs(d.getPartialDerivative(0, 1))),
                        what + " ∂/∂y");
            }
        }
    }

    @Test
    void oddRootsOfNegativeNumbersAreRealWhereDerivativeStructureGivesNaN() {
        // ⁷√x at x = −0.8 is −0.8^(1/7); its derivative (1/7)·|x|^(−6/7)
        double d = Functional.derivative(x -> x.rootN(7), -0.8);
        assertEquals(-Math.pow(0.8, 1.0 / 7), Num.constant(-0.8).rootN(7).value(), 1e-16);
        assertEquals(Math.pow(0.8, -6.0 / 7) / 7, d, 1e-15);
        assertTrue(Double.isNaN(Num.constant(-0.8).rootN(4).value()));
    }

    @Test
    void theRemainderIsExactAndRoundIsALong() {
        assertEquals(Math.IEEEremainder(1e10 + 0.3, 3), Num.constant(1e10 + 0.3).remainder(3).value(), 0);
        assertEquals(Math.IEEEremainder(7.25, 2), Num.constant(7.25).remainder(Num.constant(2)).value(), 0);
        assertEquals(3L, Num.constant(2.5).round());
        assertEquals(-3L, Num.constant(-3.2).round());
        assertEquals(0.8, Num.constant(0.8).getReal(), 0);
    }

    @Test
    void equalityIsByValueSoTheFieldsZeroIsFound() {
        Field<Num> f = Num.constant(1).getField();
        assertEquals(f.getZero(), Num.constant(-0.0));
        assertEquals(f.getZero().hashCode(), Num.constant(-0.0).hashCode());
        assertEquals(Num.constant(2), Num.constant(2));
        assertNotEquals(Num.constant(2), Num.constant(3));
        Num nan = Num.constant(Double.NaN);
        assertEquals(nan, nan, "reflexive");
        assertSame(Num.class, f.getRuntimeClass());
        assertEquals(1.0, f.getOne().value(), 0);
    }

    @Test
    void fieldLuDecompositionSolvesWithPivotingAndExactDerivatives() {
        // A(a) = [[0, a], [2, 1]] needs a row exchange; A·x = b with b = (1, 3): x = ((3 − 1/a)/2, 1/a)
        double a0 = 1.7;
        for (Mode mode : new Mode[] {Mode.FORWARD, Mode.REVERSE}) {
            double[][] jac = Functional.jacobian(mode, in -> {
                Num zero = Num.constant(0);
                Num[][] m = {{zero, in[0]}, {Num.constant(2), Num.constant(1)}};
                FieldLUDecomposition<Num> lu = new FieldLUDecomposition<>(new Array2DRowFieldMatrix<>(m));
                FieldVector<Num> x = lu.getSolver().solve(new ArrayFieldVector<>(new Num[] {Num.constant(1), Num.constant(3)}));
                return new Num[] {x.getEntry(0), x.getEntry(1), lu.getDeterminant()};
            }, new double[] {a0});
            // ∂x₀/∂a = 1/(2a²), ∂x₁/∂a = −1/a², det = −2a so ∂det/∂a = −2
            assertEquals(1 / (2 * a0 * a0), jac[0][0], 1e-15, mode + " dx0/da");
            assertEquals(-1 / (a0 * a0), jac[1][0], 1e-15, mode + " dx1/da");
            assertEquals(-2, jac[2][0], 1e-15, mode + " ddet/da");
        }
        Num[][] singular = {{Num.constant(0), Num.constant(0)}, {Num.constant(2), Num.constant(1)}};
        assertFalse(new FieldLUDecomposition<>(new Array2DRowFieldMatrix<>(singular)).getSolver().isNonSingular());
    }
}
