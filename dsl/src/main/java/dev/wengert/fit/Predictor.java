package dev.wengert.fit;

import dev.wengert.core.Functional;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;

/** A fitted model's prediction and its gradient at new predictor values (for predict and the bands). */
interface Predictor {

    /** m(p, x). */
    double predict(double[] p, double[] x);

    /** ∇ₚ m(p, x), exact. */
    double[] gradient(double[] p, double[] x);

    /** A predictor of a per-row model alone, for a result whose rows are kept elsewhere. */
    static Predictor of(Model model) {
        return new Predictor() {
            @Override
            public double predict(double[] p, double[] x) {
                return call(Dataset.constants(p), x).value();
            }

            @Override
            public double[] gradient(double[] p, double[] x) {
                return Functional.jacobian(Mode.FORWARD, par -> new Num[] {call(par, x)}, p)[0];
            }

            private Num call(Num[] par, double[] x) {
                Num v = model.apply(par, x);
                if (v == null) {
                    throw new FitException("the model returned null; it must return a Num computed from p and x");
                }
                return v;
            }
        };
    }
}
