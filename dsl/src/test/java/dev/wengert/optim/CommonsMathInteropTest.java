package dev.wengert.optim;

import dev.wengert.core.Fn;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.junit.jupiter.api.Test;

import static dev.wengert.Wengert.asObjectiveFunction;
import static dev.wengert.Wengert.asObjectiveFunctionGradient;
import static dev.wengert.Wengert.gradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Commons Math's own optimizers running on our functions and exact gradients. */
class CommonsMathInteropTest {

    @Test
    void nonLinearConjugateGradientSolvesRosenbrockOnOurGradients() {
        Fn f = Mgh.ROSENBROCK;
        var cg = new NonLinearConjugateGradientOptimizer(NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
                new SimpleValueChecker(1e-14, 1e-14));
        PointValuePair p = cg.optimize(new MaxEval(100_000), asObjectiveFunction(f), asObjectiveFunctionGradient(f),
                GoalType.MINIMIZE, new InitialGuess(new double[] {-1.2, 1}));
        assertArrayEquals(new double[] {1, 1}, p.getPoint(), 1e-4);
        assertEquals(0, p.getValue(), 1e-8);
    }

    @Test
    void theAdaptersReturnExactlyOurValueAndGradient() {
        Fn f = Mgh.BEALE;
        double[] x = {0.7, -0.3};
        assertEquals(f.apply(dev.wengert.Wengert.constant(0.7), dev.wengert.Wengert.constant(-0.3)).value(),
                asObjectiveFunction(f).getObjectiveFunction().value(x), 0.0);
        assertArrayEquals(gradient(f, x), asObjectiveFunctionGradient(f).getObjectiveFunctionGradient().value(x), 0.0);
    }

    @Test
    void nullIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> asObjectiveFunction(null));
        assertThrows(IllegalArgumentException.class, () -> asObjectiveFunctionGradient(null));
    }
}
