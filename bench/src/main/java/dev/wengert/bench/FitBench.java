package dev.wengert.bench;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.VecFn;
import dev.wengert.fit.FitResult;
import dev.wengert.fit.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.*;

/**
 * What a fit's Jacobian costs, read as ratios from one run: the n×p Jacobian of a Gauss1-shaped
 * model (250 rows, 8 parameters: an exponential and two Gaussian peaks) by one forward pass
 * with 8 tangents, by a reverse-mode gradient per row, and by forward differences (p + 1
 * plain-double passes), each ÷ one plain-double pass of the model; and a whole fit.
 *
 * <pre>
 * mvn -B -ntp -pl bench -am package -DskipTests &amp;&amp; java -jar bench/target/benchmarks.jar FitBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FitBench {
    static final int N = 250;
    static final double[] P = {98.8, 0.0105, 100.5, 67.5, 23.1, 72.0, 179.0, 18.4};
    final double[] x = new double[N];
    final double[] y = new double[N];
    final double[][] xs = new double[N][];

    // y = b1·exp(−b2·x) + b3·exp(−(x − b4)²/b5²) + b6·exp(−(x − b7)²/b8²)
    static final Model GAUSS = (p, x) -> p[0].times(exp(p[1].times(-x[0])))
            .plus(p[2].times(exp(square(p[3].neg().plus(x[0])).div(square(p[4])).neg())))
            .plus(p[5].times(exp(square(p[6].neg().plus(x[0])).div(square(p[7])).neg())));

    {
        for (int i = 0; i < N; i++) {
            x[i] = i + 1;
            xs[i] = new double[] {x[i]};
            // a deterministic wiggle stands in for noise, so every run fits the same data
            y[i] = model(P, x[i]) + 2.5 * Math.sin(7.3 * i);
        }
    }

    static double model(double[] p, double x) {
        double a = (x - p[3]) / p[4];
        double b = (x - p[6]) / p[7];
        return p[0] * Math.exp(-p[1] * x) + p[2] * Math.exp(-a * a) + p[5] * Math.exp(-b * b);
    }

    private final VecFn rows = p -> {
        Num[] out = new Num[N];
        for (int i = 0; i < N; i++) {
            out[i] = GAUSS.apply(p, xs[i]);
        }
        return out;
    };

    @Benchmark
    public double[] plainPass() {
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = model(P, x[i]);
        }
        return v;
    }

    @Benchmark
    public double[][] jacobianForward() {
        return jacobian(Mode.FORWARD, rows, P);
    }

    @Benchmark
    public double[][] jacobianReversePerRow() {
        double[][] j = new double[N][];
        for (int i = 0; i < N; i++) {
            double[] xi = xs[i];
            j[i] = gradient(Mode.REVERSE, p -> GAUSS.apply(p, xi), P);
        }
        return j;
    }

    @Benchmark
    public double[][] jacobianForwardDifferences() {
        double h = Math.sqrt(Math.ulp(1.0));
        double[] v0 = plainPass();
        double[][] j = new double[N][P.length];
        for (int c = 0; c < P.length; c++) {
            double[] q = P.clone();
            q[c] += h * Math.abs(P[c]);
            for (int i = 0; i < N; i++) {
                j[i][c] = (model(q, x[i]) - v0[i]) / (q[c] - P[c]);
            }
        }
        return j;
    }

    @Benchmark
    public FitResult wholeFit() {
        return fit(GAUSS, xs, y, 94.0, 0.0105, 99.0, 63.0, 25.0, 71.0, 180.0, 20.0);
    }
}
