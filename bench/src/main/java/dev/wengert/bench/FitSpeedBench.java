package dev.wengert.bench;

import dev.wengert.fit.FitResult;
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

import static dev.wengert.Wengert.fit;
import static dev.wengert.Wengert.fitColumns;

/**
 * A whole fit, as a new user runs it, warm: {@code fit(model, x, y, start)} with a per-row
 * {@code Model} ({@code rows}) and {@code fitColumns} with the same model over columns
 * ({@code columns}), on the data of {@link FitModels} (5 models, 2–8 parameters, 10³–10⁶ rows).
 * {@code bench/peers/fit_run.sh} runs it with scipy's {@code curve_fit} and R's {@code nls} on
 * the same data, in the same run, and writes the ratio table of bench/RESULTS.md.
 *
 * <pre>
 * mvn -B -ntp -pl dsl,bench -am package -DskipTests &amp;&amp; java -jar bench/target/benchmarks.jar FitSpeedBench
 * </pre>
 *
 * Setup fits once and checks the fit converged near the truth, so a benchmark never times a
 * failing fit.
 *
 * <p>A fit of some thousands of rows or more spreads its passes over the common fork-join pool
 * ({@code -Dwengert.fit.threads}, README's fitting section): the wall time is then that of
 * every core, and {@link CpuTimeProfiler}'s {@code all.cpu.time.norm} (every Java thread's CPU
 * time, which the ratio table uses) counts the pool threads' work with the benchmark thread's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// a fixed, pre-touched heap, as a long-running JVM (a notebook's kernel) has: otherwise a fit's
// large arrays land on pages the kernel must zero on first touch, in every fit of a short run
// (two Gaussians at 10⁵ rows: 290 ms a fit against 187 pre-touched, CPU time, same jar); scipy's
// arrays reuse the memory glibc keeps after the first fits
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class FitSpeedBench {
    @Param({"MM", "POWER", "LOGISTIC", "EXP2", "GAUSS2"})
    public String model;

    @Param({"1000", "10000", "100000", "1000000"})
    public int rows;

    FitModels m;
    double[][] x;
    double[] xs;
    double[] y;

    @Setup(Level.Trial)
    public void setup() {
        m = FitModels.valueOf(model);
        double[][] d = m.data(rows);
        xs = d[0];
        y = d[1];
        x = new double[rows][];
        for (int i = 0; i < rows; i++) {
            x[i] = new double[] {xs[i]};
        }
        check("rows", rows());
        check("columns", columns());
    }

    private void check(String how, FitResult r) {
        double[] p = r.parameters();
        double[] se = r.standardErrors();
        for (int j = 0; j < p.length; j++) {
            if (!r.converged() || !(Math.abs(p[j] - m.truth[j]) <= 10 * se[j] + 1e-9 * Math.abs(m.truth[j]))) {
                throw new IllegalStateException(model + " " + rows + " " + how + ": the fit did not find the truth: "
                        + r);
            }
        }
        System.out.println("estimates " + model + " " + rows + " " + how + " " + java.util.Arrays.toString(p));
    }

    @Benchmark
    public FitResult rows() {
        return fit(m.model, x, y, m.start);
    }

    @Benchmark
    public FitResult columns() {
        return fitColumns(m.columns, x, y, m.start);
    }
}
