package dev.wengert.optim;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.wengert.Wengert.adam;
import static dev.wengert.Wengert.conjugateGradient;
import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.gradientDescent;
import static dev.wengert.Wengert.lbfgs;
import static dev.wengert.Wengert.momentum;
import static dev.wengert.Wengert.newton;
import static dev.wengert.Wengert.param;
import static dev.wengert.Wengert.params;
import static dev.wengert.Wengert.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Optimizer#compiled()}: a run that replays one recording of f is the run that records f
 * at every evaluation, to the bit (compiled gradients equal fresh recordings, guards record
 * again when a branch changes), and it records f far less often.
 */
class CompiledRunTest {

    static Stream<Arguments> runs() {
        List<Supplier<Optimizer<?>>> methods = List.of(
                () -> lbfgs(),
                () -> conjugateGradient(),
                () -> gradientDescent().lineSearch(LineSearch.strongWolfe()),
                () -> momentum(0.001, 0.9),
                () -> adam(0.01),
                () -> newton());
        List<Arguments> runs = new ArrayList<>();
        for (Mgh.Problem p : Mgh.all()) {
            for (Supplier<Optimizer<?>> m : methods) {
                runs.add(Arguments.of(p.name(), m.get().name(), p, m));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("runs")
    void aCompiledRunIsTheRecordedRunToTheBit(String problem, String method, Mgh.Problem p, Supplier<Optimizer<?>> m) {
        OptimizationResult recorded = m.get().maxIterations(300).minimize(p.f(), p.x0());
        OptimizationResult compiled = m.get().maxIterations(300).compiled().minimize(p.f(), p.x0());
        assertSameRun(recorded, compiled, problem + ", " + method);
    }

    /** Extended Rosenbrock as a loop over scalars, counting how often it runs. */
    static Fn extendedRosenbrock(int[] calls) {
        return x -> {
            calls[0]++;
            Num s = constant(0);
            for (int i = 0; i + 1 < x.length; i += 2) {
                s = s.plus(square(x[i + 1].minus(square(x[i]))).times(100)).plus(square(x[i].neg().plus(1)));
            }
            return s;
        };
    }

    @Test
    void aBranchFreeLossIsRecordedOnce() {
        double[] x0 = new double[200];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        int[] plainCalls = {0};
        int[] compiledCalls = {0};
        OptimizationResult recorded = lbfgs().minimize(extendedRosenbrock(plainCalls), x0);
        OptimizationResult compiled = lbfgs().compiled().minimize(extendedRosenbrock(compiledCalls), x0);
        assertSameRun(recorded, compiled, "extended Rosenbrock, n = 200");
        assertTrue(recorded.converged(), recorded.reason());
        assertEquals(recorded.evaluations(), plainCalls[0], "without compiled(): one recording per evaluation");
        assertEquals(1, compiledCalls[0], "with compiled(): one recording, then replays");
    }

    /**
     * Conjugate gradients search each line by Brent's method on values alone: compiled, those
     * values are replays of the one recording too (values only), not runs of f on constants.
     */
    @Test
    void lineSearchValuesReplayTheRecording() {
        double[] x0 = new double[20];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        int[] plainCalls = {0};
        int[] compiledCalls = {0};
        OptimizationResult recorded = conjugateGradient().maxIterations(40).minimize(extendedRosenbrock(plainCalls), x0);
        OptimizationResult compiled = conjugateGradient().maxIterations(40).compiled()
                .minimize(extendedRosenbrock(compiledCalls), x0);
        assertSameRun(recorded, compiled, "extended Rosenbrock, n = 20, Brent's line search");
        assertTrue(plainCalls[0] > 100, plainCalls[0] + " evaluations: the line searches evaluated values");
        assertEquals(1, compiledCalls[0], "with compiled(): one recording; values and gradients replay it");
    }

    @Test
    void aBranchThatChangesIsRecordedAgainOnlyThen() {
        // |x − 3| + (y + 1)² with the absolute value as a branch: L-BFGS crosses x = 3 several times
        int[] calls = {0};
        Fn f = x -> {
            calls[0]++;
            Num d = x[0].minus(3);
            return (d.gt(0) ? d : d.neg()).plus(square(x[1].plus(1)));
        };
        OptimizationResult recorded = lbfgs().maxIterations(50).minimize(f, 0.0, 0.0);
        int plainCalls = calls[0];
        calls[0] = 0;
        OptimizationResult compiled = lbfgs().maxIterations(50).compiled().minimize(f, 0.0, 0.0);
        assertSameRun(recorded, compiled, "a kink");
        assertTrue(calls[0] > 1 && calls[0] < plainCalls, calls[0] + " recordings with compiled(), " + plainCalls + " without");
    }

    @Test
    void lossesOverParametersRunTheSame() {
        var p = params("a", 0.0, "b", 0.0);
        Supplier<Num> holderLoss = () -> square(p.get("a").minus(3)).plus(square(p.get("b").plus(1)).times(10));
        OptimizationResult recorded = lbfgs().minimize(holderLoss, p);
        double a = p.value("a");
        double b = p.value("b");
        p.set("a", 0.0);
        p.set("b", 0.0);
        OptimizationResult compiled = lbfgs().compiled().minimize(holderLoss, p);
        assertSameRun(recorded, compiled, "a Params holder");
        assertEquals(a, p.value("a"), 0.0);
        assertEquals(b, p.value("b"), 0.0);

        var c = param("c", 0.0);
        OptimizationResult plain = lbfgs().minimize(() -> square(c.minus(3)), c);
        double cEnd = c.value();
        dev.wengert.core.Functional.assign(c, 0.0);
        OptimizationResult plainCompiled = lbfgs().compiled().minimize(() -> square(c.minus(3)), c);
        assertSameRun(plain, plainCompiled, "a plain parameter");
        assertEquals(cEnd, c.value(), 0.0);
    }

    static void assertSameRun(OptimizationResult want, OptimizationResult got, String what) {
        assertEquals(want.iterations(), got.iterations(), what + ": iterations");
        assertEquals(want.evaluations(), got.evaluations(), what + ": evaluations");
        assertEquals(want.reason(), got.reason(), what + ": reason");
        assertEquals(Double.doubleToLongBits(want.value()), Double.doubleToLongBits(got.value()), what + ": value");
        for (int i = 0; i < want.x().length; i++) {
            assertEquals(Double.doubleToLongBits(want.x()[i]), Double.doubleToLongBits(got.x()[i]), what + ": x[" + i + "]");
            assertEquals(Double.doubleToLongBits(want.gradient()[i]), Double.doubleToLongBits(got.gradient()[i]),
                    what + ": gradient[" + i + "]");
        }
    }
}
