package dev.wengert.bench;

import dev.wengert.core.Mode;
import dev.wengert.fit.FitResult;
import dev.wengert.fit.Fitter;
import dev.wengert.fit.Model;

import java.util.SplittableRandom;

import static dev.wengert.Wengert.exp;

/**
 * A fit of 30 parameters (ten groups of rows, each with its own a·exp(−b·x) + c), by the
 * default path (compiled rows: each row recorded once, a reverse sweep per block) and by
 * {@code mode(REVERSE)} (a recording and sweep per row per pass, the default above 24
 * parameters before stop 31), alternated in 5 rounds (read the last ones: the first warm the JIT up), best wall time of 8 fits each; the two end at the
 * same bits ({@code CompiledFitPathTest}). Not JMH: a spot comparison of two paths.
 *
 * <pre>
 * java -Dwengert.fit.threads=1 -cp bench/target/benchmarks.jar dev.wengert.bench.FitManyParameters 2000
 * </pre>
 */
public final class FitManyParameters {
    private FitManyParameters() {
    }

    public static void main(String[] args) {
        int groups = 10;
        int per = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        double[][] x = new double[groups * per][];
        double[] y = new double[groups * per];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < per; i++) {
                double t = 4.0 * i / per;
                x[g * per + i] = new double[] {g, t};
                y[g * per + i] = (1.0 + 0.1 * g) * Math.exp(-(0.5 + 0.05 * g) * t) + 0.2 + 0.01 * rnd.nextGaussian();
            }
        }
        Model m = (p, row) -> {
            int g = (int) row[0];
            return p[3 * g].times(exp(p[3 * g + 1].times(-row[1]))).plus(p[3 * g + 2]);
        };
        double[] start = new double[3 * groups];
        for (int g = 0; g < groups; g++) {
            start[3 * g] = 1.2;
            start[3 * g + 1] = 0.6;
            start[3 * g + 2] = 0.1;
        }
        for (int round = 0; round < 5; round++) {             // the first rounds warm the JIT up
            for (boolean reverse : new boolean[] {false, true}) {
                long best = Long.MAX_VALUE;
                FitResult r = null;
                for (int k = 0; k < 8; k++) {
                    long t0 = System.nanoTime();
                    Fitter f = Fitter.of(m).start(start);
                    r = (reverse ? f.mode(Mode.REVERSE) : f).to(x, y);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                System.out.printf("%s, %d rows, 30 parameters: %.1f ms (best of 8), %d evaluations%n",
                        reverse ? "mode(REVERSE)" : "default (compiled rows)", x.length, best / 1e6, r.evaluations());
            }
        }
    }
}
