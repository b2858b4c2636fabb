package dev.wengert.optim;

import dev.wengert.core.Mode;
import dev.wengert.core.Functional;
import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;

/**
 * Our functions as Commons Math objectives, so any of its optimizers runs on exact gradients.
 *
 * <pre>{@code
 * Fn f = x -> square(x[0].minus(1)).plus(square(x[1].plus(2)).times(10));
 * var cg = new NonLinearConjugateGradientOptimizer(NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
 *     new SimpleValueChecker(1e-12, 1e-12));
 * cg.optimize(new MaxEval(10_000), asObjectiveFunction(f), asObjectiveFunctionGradient(f),
 *     GoalType.MINIMIZE, new InitialGuess(new double[] {0, 0}));   // point ≈ (1, −2)
 * }</pre>
 */
public final class CommonsMath {
    private CommonsMath() {
    }

    /** f as a Commons Math objective: its value, computed on constants (no tape). */
    public static ObjectiveFunction objectiveFunction(Fn f) {
        check(f, "asObjectiveFunction");
        return new ObjectiveFunction(x -> {
            Num[] c = new Num[x.length];
            for (int i = 0; i < x.length; i++) {
                c[i] = Num.constant(x[i]);
            }
            Num y;
            try {
                y = f.apply(c);
            } catch (ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("asObjectiveFunction(f): f was given " + x.length + " input"
                        + (x.length == 1 ? "" : "s") + " and read past them (" + e.getMessage() + "); pass as many "
                        + "values as f reads", e);
            }
            if (y == null) {
                throw new IllegalArgumentException("asObjectiveFunction(f): f returned null; it must return a Num");
            }
            return y.value();
        });
    }

    /** ∇f as a Commons Math gradient, by reverse mode on a private tape (thread-safe). */
    public static ObjectiveFunctionGradient objectiveFunctionGradient(Fn f) {
        check(f, "asObjectiveFunctionGradient");
        return new ObjectiveFunctionGradient(x -> Functional.valueAndGradient(Mode.REVERSE, f, x, "gradient(f, x)").gradient());
    }

    private static void check(Fn f, String caller) {
        if (f == null) {
            throw new IllegalArgumentException(caller + "(null): pass a function, e.g. x -> square(x[0])");
        }
    }
}
