package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.fit.FitResult;
import dev.wengert.plot.ContourPlot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.contour;
import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.fit1;
import static dev.wengert.Wengert.fitPlot;
import static dev.wengert.Wengert.line;
import static dev.wengert.Wengert.residualPlot;
import static dev.wengert.Wengert.scatter;
import static dev.wengert.Wengert.sin;
import static dev.wengert.Wengert.square;

/**
 * Rendering a contour plot of a 200 × 200 grid, from sampling the DSL function to finished
 * SVG or PNG (the issue asks for under a second). Each call builds a new plot, so the grid is
 * sampled every time. {@code sample} alone is the cost of evaluating f on the grid; the
 * rendering costs are read against it.
 *
 * <p>And plots of 10⁵ points (issue 22: under a second), each call what a notebook cell pays
 * to show one: a new plot's {@code mimeBundle()} with the default types, HTML with the SVG
 * inline and PNG. The fit is made once, in the set-up. {@code line1k} is the same line with
 * 1,000 points, the yardstick the others are read against.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Djava.awt.headless=true")
public class PlotBench {
    static final int GRID = 200;

    /** A cost-like surface with a ripple: f = x² + 3y² + sin 3x. */
    static final Fn F = v -> square(v[0]).plus(square(v[1]).times(3)).plus(sin(v[0].times(3)));

    private static ContourPlot plot() {
        return contour(F, -2, 2, -2, 2).grid(GRID).title("f = x² + 3y² + sin 3x").labels("x", "y");
    }

    static final int POINTS = 100_000;
    private double[] xs;
    private double[] ys;
    private double[] xs1k;
    private double[] ys1k;
    private FitResult fit;

    /** y = 3·exp(−0.3x) + noise at 10⁵ points, and its fit. */
    @Setup
    public void data() {
        Random rnd = new Random(22);
        xs = new double[POINTS];
        ys = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            xs[i] = 10.0 * i / POINTS;
            ys[i] = 3 * Math.exp(-0.3 * xs[i]) + 0.2 * rnd.nextGaussian();
        }
        xs1k = new double[1000];
        ys1k = new double[1000];
        for (int i = 0; i < 1000; i++) {
            xs1k[i] = xs[i * 100];
            ys1k[i] = ys[i * 100];
        }
        fit = fit1((p, x) -> p[0].times(exp(p[1].times(-x)))).start(2.5, 0.25).mode(Mode.FORWARD).to(xs, ys);
    }

    private static int size(Map<String, String> bundle) {
        int n = 0;
        for (String v : bundle.values()) {
            n += v.length();
        }
        return n;
    }

    @Benchmark
    public int fitPlot100k() {
        return size(fitPlot(fit).mimeBundle());
    }

    @Benchmark
    public int residualPlot100k() {
        return size(residualPlot(fit).mimeBundle());
    }

    @Benchmark
    public int scatter100k() {
        return size(scatter(xs, ys).mimeBundle());
    }

    @Benchmark
    public int line100k() {
        return size(line(xs, ys).mimeBundle());
    }

    @Benchmark
    public int line1k() {
        return size(line(xs1k, ys1k).mimeBundle());
    }

    @Benchmark
    public double sample() {
        return plot().values()[GRID / 2][GRID / 2];
    }

    @Benchmark
    public int contourSvg() {
        return plot().svg().length();
    }

    @Benchmark
    public int contourPng() {
        return plot().png(640, 480).length;
    }
}
