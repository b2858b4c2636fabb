package dev.wengert.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.minimize;

/**
 * L-BFGS on the twenty Moré–Garbow–Hillstrom problems of the issue, from the standard starts:
 * each run must end at a published minimum, with f never rising. Tolerances are tight
 * (gradient 1e-10, no relative-change stop) so runs end at the limit of double precision;
 * several then stop because the line search finds nothing lower, which is still the minimum.
 */
class LbfgsMghTest {

    static List<Mgh.Problem> problems() {
        return Mgh.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void reachesThePublishedMinimum(Mgh.Problem p) {
        OptimizationResult r = minimize(p.f(), p.x0(), lbfgs().gradientTolerance(1e-10).relativeTolerance(0)
                .maxIterations(5_000));
        Checks.reachesPublishedMinimum(p, r, 1e-16);
        Checks.monotone(r);
        Checks.consistent(r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void defaultSettingsGetCloseToo(Mgh.Problem p) {
        // the defaults a user gets from minimize(f, x0): gradient norm 1e-6, relative change 1e-12
        OptimizationResult r = minimize(p.f(), p.x0());
        boolean near = false;
        for (double m : p.minima()) {
            near |= m == 0 ? r.value() <= 1e-9 : Math.abs(r.value() - m) <= 1e-4 * m;
        }
        boolean nearFinal = near;
        org.junit.jupiter.api.Assertions.assertTrue(nearFinal, () -> p + ": " + r);
    }
}
