package dev.wengert.bench;

import dev.wengert.rules.Special;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A probe for what would close W2's gap to PyTorch (bench/RESULTS.md), not a workload: W2's
 * softplus and σ over its 100,000 margins sᵢ·(Xw)ᵢ, by the library's scalar kernel
 * ({@link Special#softplus(double[], int, double[], int, double[], int)}, what {@code Tensor}
 * runs) and by the Vector API's {@code EXP} and {@code LOG1P} lanes (incubating on Java 17; on
 * x86 they call Intel's SVML, as PyTorch's SLEEF kernels are vectorised).
 *
 * <p>The trial's setup prints how many results differ from the scalar rule and by how many
 * ulps: the library keeps {@code Tensor} results equal to the scalar rules to the bit (issue 4
 * asks for exact agreement up to summation order), which SVML's lanes do not give.
 *
 * <p>Needs the incubator module, which the fork adds; run it on its own:
 * {@code java -jar bench/target/benchmarks.jar VectorSoftplusBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class VectorSoftplusBench {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    final double[] margin = new double[Workloads.W2_M];
    final double[] out = new double[Workloads.W2_M];
    final double[] sigma = new double[Workloads.W2_M];

    @Setup(Level.Trial)
    public void setup() {
        int m = Workloads.W2_M;
        int d = Workloads.W2_D;
        double[] x = Workloads.w2X(m, d);
        double[] s = Workloads.w2Sign(Workloads.w2Y(m));
        double[] w = Workloads.w2W(d);
        for (int i = 0; i < m; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += x[i * d + j] * w[j];
            }
            margin[i] = s[i] * z;
        }
        double[] wantOut = new double[m];
        double[] wantSigma = new double[m];
        Special.softplus(margin, 0, wantOut, 0, wantSigma, m);
        vector(margin, out, sigma);
        System.out.printf(Locale.ROOT, "%nVector API (%d lanes) against the scalar rules, %d margins: softplus %s; σ %s%n",
                S.length(), m, difference(wantOut, out), difference(wantSigma, sigma));
        // the EXP lane alone against Math.exp, over a million arguments of each of three scales.
        // Compiled first: until C2 compiles the loop, lanes are computed one by one with Math.exp
        // (and agree with it), so a cold comparison would depend on when the JIT stepped in
        Random random = new Random(1);
        double[] warm = new double[1 << 12];
        for (int k = 0; k < 20_000; k++) {
            expLanes(warm, warm.clone());
        }
        for (double scale : new double[] {1e-3, 3, 300}) {
            double[] a = new double[1 << 20];
            for (int i = 0; i < a.length; i++) {
                a[i] = scale * random.nextGaussian();
            }
            double[] want = new double[a.length];
            double[] got = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                want[i] = Math.exp(a[i]);
            }
            expLanes(a, got);
            System.out.printf(Locale.ROOT, "EXP lane against Math.exp, %d arguments x ~ N(0, %s²): %s%n", a.length, scale,
                    difference(want, got));
        }
    }

    /** got = exp(a) by the EXP lanes; a.length a multiple of the lane count. */
    private static void expLanes(double[] a, double[] got) {
        for (int i = 0; i < a.length; i += S.length()) {
            DoubleVector.fromArray(S, a, i).lanewise(VectorOperators.EXP).intoArray(got, i);
        }
    }

    /** How many results differ from the scalar ones, and the largest difference in ulps. */
    private static String difference(double[] want, double[] got) {
        int differ = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
                differ++;
                worst = Math.max(worst, Math.abs(want[i] - got[i]) / Math.ulp(want[i]));
            }
        }
        return String.format(Locale.ROOT, "%d differ (%.1f%%), at most %.0f ulp", differ, 100.0 * differ / want.length, worst);
    }

    @Benchmark
    public double[] scalar() {
        Special.softplus(margin, 0, out, 0, sigma, margin.length);
        return out;
    }

    @Benchmark
    public double[] vector() {
        vector(margin, out, sigma);
        return out;
    }

    /** softplus(x) = max(x, 0) + log1p(e) and σ(x) = (x ≥ 0 ? 1 : e)/(1 + e), with e = exp(−|x|). */
    static void vector(double[] x, double[] out, double[] sigma) {
        int i = 0;
        for (int up = S.loopBound(x.length); i < up; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, i);
            DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            v.max(0.0).add(e.lanewise(VectorOperators.LOG1P)).intoArray(out, i);
            e.blend(1.0, v.compare(VectorOperators.GE, 0.0)).div(e.add(1.0)).intoArray(sigma, i);
        }
        for (; i < x.length; i++) {
            double e = Math.exp(-Math.abs(x[i]));
            out[i] = Math.max(x[i], 0.0) + Math.log1p(e);
            sigma[i] = (x[i] >= 0 ? 1.0 : e) / (1.0 + e);
        }
    }
}
