package dev.wengert.fit;

import dev.wengert.rules.UnaryRule;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;
import static dev.wengert.compile.WithThreads.withThreads;

/**
 * A whole fit large enough for every parallel pass (replays over many blocks, residuals and
 * the TSQR over several chunks) gives the same bits with one thread and with several:
 * estimates, standard errors, residual sum of squares and iteration count; and an exception
 * thrown on a worker reaches the caller as the one-thread fit's.
 */
class ParallelFitTest {
    static final int M = 30_000;

    /** x in (0, 5], y the model plus a deterministic wiggle. */
    static double[][] data(java.util.function.DoubleUnaryOperator truth) {
        double[] x = new double[M];
        double[] y = new double[M];
        for (int i = 0; i < M; i++) {
            x[i] = 5.0 * (i + 1) / M;
            y[i] = truth.applyAsDouble(x[i]) + 0.01 * Math.sin(12.9898 * i);
        }
        return new double[][] {x, y};
    }

    static double[][] rows(double[] x) {
        double[][] r = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            r[i] = new double[] {x[i]};
        }
        return r;
    }

    /** Everything a fit reports that is a number, bits side by side. */
    static double[] summary(FitResult r) {
        int p = r.parameters().length;
        double[] out = new double[2 * p + 2];
        System.arraycopy(r.parameters(), 0, out, 0, p);
        System.arraycopy(r.standardErrors(), 0, out, p, p);
        out[2 * p] = r.residualSumOfSquares();
        out[2 * p + 1] = r.iterations();
        return out;
    }

    static void sameForAnyThreads(Model model, double[][] d, double... start) {
        double[] one = withThreads("1", () -> summary(fit(model, rows(d[0]), d[1], start)));
        for (String t : new String[] {"2", "4"}) {
            double[] many = withThreads(t, () -> summary(fit(model, rows(d[0]), d[1], start)));
            for (int k = 0; k < one.length; k++) {
                assertEquals(Double.doubleToRawLongBits(one[k]), Double.doubleToRawLongBits(many[k]),
                        "entry " + k + " of the fit's summary with " + t + " threads: " + many[k] + " against " + one[k]);
            }
        }
    }

    @Test
    void michaelisMentenAndALogistic() {
        sameForAnyThreads((p, x) -> p[0].times(x[0]).div(p[1].plus(x[0])), data(x -> 2.0 * x / (0.8 + x)), 1.5, 0.5);
        sameForAnyThreads((p, x) -> p[0].div(exp(p[1].times(p[2].neg().plus(x[0])).neg()).plus(1)).plus(p[3]),
                data(x -> 3.0 / (Math.exp(-1.8 * (x - 2.5)) + 1) + 0.1), 2.5, 1.2, 2.0, 0.0);
    }

    @Test
    void aBrokenStickWhoseRowsChangeBranchAsTheFitMoves() {
        Model stick = (p, x) -> p[2].gt(x[0]) ? p[0].plus(p[1].times(x[0]))
                : p[0].plus(p[1].times(p[2])).plus(p[3].times(p[2].neg().plus(x[0])));
        sameForAnyThreads(stick, data(x -> x < 3.1 ? 1 + 2 * x : 7.2 - 0.5 * (x - 3.1)), 1, 2, 2.5, -1);
    }

    @Test
    void anExceptionOnAWorkerIsTheOneThreadFitsException() {
        // the fit starts where every argument of the rule is below 6 and steps towards p0 = 2,
        // where the replay of the last rows (on a worker, with several threads) throws
        UnaryRule capped = UnaryRule.firstOrder("capped", v -> {
            if (v > 6) {
                throw new IllegalArgumentException("capped: argument " + v + " is above 6");
            }
            return Math.sqrt(v);
        }, (v, y) -> 0.5 / y);
        Model m = (p, x) -> p[0].times(x[0]).apply(capped).times(p[1]);
        double[][] d = data(x -> Math.sqrt(2.0 * x));
        Supplier<String> message = () -> assertThrows(RuntimeException.class,
                () -> fit(m, rows(d[0]), d[1], 1.0, 1.0)).getMessage();
        String one = withThreads("1", message);
        assertTrue(one.contains("capped: argument") && one.contains("is above 6"), one);
        for (String t : new String[] {"2", "4"}) {
            assertEquals(one, withThreads(t, message), t + " threads");
        }
    }
}
