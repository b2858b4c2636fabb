package dev.wengert.bench;

import dev.wengert.fit.FitResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.fit;

/**
 * The first fit in a fresh JVM (issue 19: under a second at 10⁴ rows): Michaelis–Menten on
 * 10,000 rows of {@link FitModels}, one fit per fork, nothing of the library loaded before it
 * (the data are made in the setup, with plain doubles). Each fork's single shot includes class
 * loading and the interpreter and JIT warming up.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar FitColdBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
public class FitColdBench {
    double[][] x;
    double[] y;

    @Setup(Level.Trial)
    public void setup() {
        double[][] d = FitModels.MM.data(10_000);
        y = d[1];
        x = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            x[i] = new double[] {d[0][i]};
        }
    }

    @Benchmark
    public FitResult firstFit() {
        return fit(FitModels.MM.model, x, y, FitModels.MM.start);
    }
}
