package dev.wengert.bench;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.function.Function;

import static dev.wengert.Wengert.*;

/**
 * gradbench's saddle (issue 20, item 3): min over p₁ of max over p₂ of
 * (p₁₁² + p₁₂²) − (p₂₁² + p₂₂²), each by gradbench's gradient-descent argmin, the outer one
 * differentiating through the inner one (a gradient of a function that runs gradients), in the
 * four pairings of outer and inner mode; reverse over reverse is to be within 2× of forward
 * over reverse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SaddleBench {
    @Param({"FORWARD/REVERSE", "FORWARD/FORWARD", "REVERSE/FORWARD", "REVERSE/REVERSE"})
    public String pairing;

    @Setup(Level.Trial)
    public void setup() {
        double[] s = saddle();
        if (Math.abs(s[0]) > 1e-4 || Math.abs(s[2]) > 1e-4) {
            throw new IllegalStateException("saddle: " + Arrays.toString(s));
        }
    }

    // ---- saddle -----------------------------------------------------------------------------------

    static Num f(Num x1, Num y1, Num x2, Num y2) {
        return x1.square().plus(y1.square()).minus(x2.square().plus(y2.square()));
    }

    static double norm(Num[] v) {
        double s = 0;
        for (Num x : v) {
            s += x.value() * x.value();
        }
        return Math.sqrt(s);
    }

    /** gradbench's multivariate_argmin: gradient steps with a step size that doubles after 10 successes and halves on failure. */
    static Num[] argmin(Function<Num[], Num> f, Function<Num[], Num[]> grad, Num[] x) {
        Num fx = f.apply(x);
        Num[] gx = grad.apply(x);
        int i = 0;
        double eta = 1e-5;
        while (true) {
            if (norm(gx) <= 1e-5) {
                return x;
            }
            if (i == 10) {
                eta *= 2;
                i = 0;
                continue;
            }
            Num[] xp = new Num[x.length];
            double dist = 0;
            for (int k = 0; k < x.length; k++) {
                xp[k] = x[k].minus(gx[k].times(eta));
                dist += Math.pow(x[k].value() - xp[k].value(), 2);
            }
            if (Math.sqrt(dist) <= 1e-5) {
                return x;
            }
            Num fxp = f.apply(xp);
            if (fxp.lt(fx)) {
                x = xp;
                fx = fxp;
                gx = grad.apply(xp);
                i++;
            } else {
                eta /= 2;
                i = 0;
            }
        }
    }

    /** The saddle point (p₁, p₂) from (1, 1), (1, 1), in the pairing of the parameter. */
    double[] saddle() {
        Mode outer = Mode.valueOf(pairing.split("/")[0]);
        Mode inner = Mode.valueOf(pairing.split("/")[1]);
        Function<Num[], Num[]> argmax = p1 -> argmin(
                p2 -> f(p1[0], p1[1], p2[0], p2[1]).neg(),
                p2 -> gradient(inner, q -> f(p1[0], p1[1], q[0], q[1]).neg(), p2),
                new Num[] {constant(1), constant(1)});
        Function<Num[], Num> max = p1 -> {
            Num[] p2 = argmax.apply(p1);
            return f(p1[0], p1[1], p2[0], p2[1]);
        };
        Num[] p1 = argmin(max, x -> gradient(outer, max::apply, x), new Num[] {constant(1), constant(1)});
        Num[] p2 = argmax.apply(p1);
        return new double[] {p1[0].value(), p1[1].value(), p2[0].value(), p2[1].value()};
    }

    @Benchmark
    public double[] saddlePoint() {
        return saddle();
    }
}
