package dev.wengert.bench;

import dev.wengert.rules.Elementary;
import org.apache.commons.math3.util.FastMath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The per-call cost of the elementwise transcendental functions that dominate W2 (softplus)
 * and W3 (tanh): {@code java.lang.Math} (whose tanh and log1p are not intrinsics on Java 17
 * but JNI calls into StrictMath), StrictMath itself, the pure-Java FastMath of Commons Math
 * (and of Hipparchus, for reference), and formulas on the exp and log intrinsics: our
 * {@link Elementary#tanh}, and a log1p candidate that was not adopted. Each call writes one
 * element of an output array, as {@code ElementwiseOp} does; scores are ns per element.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar MathBench -prof dev.wengert.bench.CpuTimeProfiler
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(MathBench.N)
public class MathBench {
    static final int N = 262_144;

    /** tanh arguments: uniform in [−3, 3]. */
    final double[] tanhIn = new double[N];
    /** tanh arguments as W3's pre-activations are (all below 0.3): uniform in [−0.2, 0.2]. */
    final double[] tanhSmallIn = new double[N];
    /** tanh arguments uniform in [−1, 1]: mostly the range where ours needs both exp and log. */
    final double[] tanhMidIn = new double[N];
    /** log1p arguments as softplus makes them: exp(−|u|) for |u| uniform in [0, 10]. */
    final double[] log1pIn = new double[N];
    /** softplus arguments: uniform in [−10, 10]. */
    final double[] softplusIn = new double[N];
    final double[] out = new double[N];

    public MathBench() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            tanhIn[i] = r.nextDouble(-3, 3);
            tanhSmallIn[i] = r.nextDouble(-0.2, 0.2);
            tanhMidIn[i] = r.nextDouble(-1, 1);
            log1pIn[i] = Math.exp(-r.nextDouble(0, 10));
            softplusIn[i] = r.nextDouble(-10, 10);
        }
    }

    // ---- references: the two intrinsics everything else is built on ----

    @Benchmark
    public double[] expMath() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.exp(tanhIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] logMath() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.log(log1pIn[i]);
        }
        return out;
    }

    // ---- tanh ----

    @Benchmark
    public double[] tanhMath() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.tanh(tanhIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhStrictMath() {
        for (int i = 0; i < N; i++) {
            out[i] = StrictMath.tanh(tanhIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhFastMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FastMath.tanh(tanhIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhHipparchus() {
        for (int i = 0; i < N; i++) {
            out[i] = org.hipparchus.util.FastMath.tanh(tanhIn[i]);
        }
        return out;
    }

    /** (e²ˣ − 1)/(e²ˣ + 1): the speed floor of an exp-based tanh (and wrong near 0 and for large x). */
    @Benchmark
    public double[] tanhNaiveExp() {
        for (int i = 0; i < N; i++) {
            double e = Math.exp(2 * tanhIn[i]);
            out[i] = (e - 1) / (e + 1);
        }
        return out;
    }

    @Benchmark
    public double[] tanhWengert() {
        for (int i = 0; i < N; i++) {
            out[i] = Elementary.tanh(tanhIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhMathSmall() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.tanh(tanhSmallIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhWengertSmall() {
        for (int i = 0; i < N; i++) {
            out[i] = Elementary.tanh(tanhSmallIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhMathMid() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.tanh(tanhMidIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] tanhWengertMid() {
        for (int i = 0; i < N; i++) {
            out[i] = Elementary.tanh(tanhMidIn[i]);
        }
        return out;
    }

    // ---- log1p ----

    @Benchmark
    public double[] log1pMath() {
        for (int i = 0; i < N; i++) {
            out[i] = Math.log1p(log1pIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] log1pStrictMath() {
        for (int i = 0; i < N; i++) {
            out[i] = StrictMath.log1p(log1pIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] log1pFastMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FastMath.log1p(log1pIn[i]);
        }
        return out;
    }

    @Benchmark
    public double[] log1pExpLog() {
        for (int i = 0; i < N; i++) {
            out[i] = log1pExpLog(log1pIn[i]);
        }
        return out;
    }

    /**
     * The log1p candidate that was not adopted: log(u) + c/u with u = 1 + x rounded and
     * c = (1 + x) − u exactly (TwoSum). Within 1 ulp over the test inputs and 1.5× faster than
     * Math.log1p alone, but no faster inside softplus, where the exp → log chain is the floor
     * (softplusNaiveLog).
     */
    static double log1pExpLog(double x) {
        double u = 1.0 + x;
        if (u == 1.0) {
            return x;
        }
        if (!(u > 0.0 && u < Double.POSITIVE_INFINITY)) {
            return Math.log(u);
        }
        double v = u - x;
        double c = (1.0 - v) + (x - (u - v));
        return Math.log(u) + c / u;
    }

    // ---- softplus = max(x, 0) + log1p(exp(−|x|)) ----

    /** Special.softplus as it is. */
    @Benchmark
    public double[] softplusMathLog1p() {
        for (int i = 0; i < N; i++) {
            double x = softplusIn[i];
            out[i] = Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
        }
        return out;
    }

    @Benchmark
    public double[] softplusFastMathLog1p() {
        for (int i = 0; i < N; i++) {
            double x = softplusIn[i];
            out[i] = Math.max(x, 0.0) + FastMath.log1p(Math.exp(-Math.abs(x)));
        }
        return out;
    }

    @Benchmark
    public double[] softplusExpLogLog1p() {
        for (int i = 0; i < N; i++) {
            double x = softplusIn[i];
            out[i] = Math.max(x, 0.0) + log1pExpLog(Math.exp(-Math.abs(x)));
        }
        return out;
    }

    /** log(1 + e^−|x|) without log1p's care: the floor of any exp-then-log softplus. */
    @Benchmark
    public double[] softplusNaiveLog() {
        for (int i = 0; i < N; i++) {
            double x = softplusIn[i];
            out[i] = Math.max(x, 0.0) + Math.log(1.0 + Math.exp(-Math.abs(x)));
        }
        return out;
    }
}
