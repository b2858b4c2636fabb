package dev.wengert.bench;

import dev.wengert.compile.CompiledRows;
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

import java.util.concurrent.TimeUnit;

/**
 * A fit's first pass alone: a new {@link CompiledRows} over the rows of a {@link FitModels}
 * model, evaluated once (every row run through the model on {@code Num}s and recorded into its
 * shape, with values and Jacobian), and a replay of the recordings at the same point, for
 * scale. The part of a fit that runs the user's model; {@code -Dwengert.fit.lean=false} turns
 * off lean recording to measure what it saves.
 *
 * <pre>
 * mvn -B -ntp -pl dsl,bench -am package -DskipTests &amp;&amp; java -jar bench/target/benchmarks.jar FirstPassBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dwengert.fit.threads=1"})
public class FirstPassBench {
    @Param({"MM", "POWER", "LOGISTIC", "EXP2", "GAUSS2"})
    public String model;

    @Param({"10000", "100000"})
    public int rows;

    FitModels m;
    double[] xs;
    double[] values;
    double[] jacobian;
    CompiledRows warm;

    @Setup(Level.Trial)
    public void setup() {
        m = FitModels.valueOf(model);
        xs = m.data(rows)[0];
        values = new double[rows];
        jacobian = new double[rows * m.start.length];
        warm = new CompiledRows(m.model, m.start.length, xs, 0, 1, 1, rows);
        warm.evaluate(m.start, values, jacobian);
        if (warm.shapes() != 1 || !warm.replayed()) {
            throw new IllegalStateException(model + ": expected one replayed shape, got " + warm);
        }
    }

    @Benchmark
    public double[] firstPass() {
        new CompiledRows(m.model, m.start.length, xs, 0, 1, 1, rows).evaluate(m.start, values, jacobian);
        return values;
    }

    @Benchmark
    public double[] replay() {
        warm.evaluate(m.start, values, jacobian);
        return values;
    }
}
