package dev.wengert.fit;

import dev.wengert.core.Num;
import dev.wengert.core.RowFn;

/**
 * A model of one observation: its prediction from the parameters {@code p} and the
 * observation's predictor values {@code x}, written as ordinary Java over {@link Num}.
 * The fit differentiates it exactly with respect to {@code p} (automatic differentiation,
 * no finite differences), so loops, {@code if} and helper methods are all fine.
 *
 * <pre>{@code
 * // y = b1·(1 − exp(−b2·x))
 * Model m = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1));
 * FitResult r = fit(m, new double[][] {{1}, {2}, {3}}, new double[] {0.9, 1.5, 1.8}, 2, 0.5);
 * }</pre>
 *
 * <p>A fit records the model once per row (twice for a row that leaves the structure of the
 * rows before it) and then replays the recordings
 * ({@link dev.wengert.compile.CompiledRows}), so the model should be a function of p and x
 * alone, without side effects, and must not keep {@code x}. Branches on parameters ({@code p[2].gt(x[0])}) are
 * fine: a row that takes the other branch at new parameters is recorded again.
 *
 * <p>For one predictor, {@link Model1} (with {@code double x}) reads more naturally; adapt it
 * with {@link #of1(Model1)} or call {@code fit1(...)}. There is deliberately no {@code fit}
 * overload taking a {@code Model1}: Java cannot tell two two-argument lambdas apart.
 */
@FunctionalInterface
public interface Model extends RowFn {

    /** The model's prediction for one observation with predictor values {@code x}. */
    @Override
    Num apply(Num[] p, double[] x);

    /**
     * A {@link Model} from a single-predictor model.
     *
     * <pre>{@code
     * Model m = Model.of1((p, x) -> p[0].times(x).plus(p[1]));   // y = b1·x + b2
     * }</pre>
     */
    static Model of1(Model1 m) {
        if (m == null) {
            throw new IllegalArgumentException("Model.of1(null): give a model (p, x) -> …");
        }
        return new SinglePredictor(m);
    }

    /** Adapts a {@link Model1}; a named class so the fit can tell it needs one predictor. */
    record SinglePredictor(Model1 model) implements Model {
        @Override
        public Num apply(Num[] p, double[] x) {
            return model.apply(p, x[0]);
        }
    }
}
