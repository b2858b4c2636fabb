package dev.wengert.bench;

import dev.wengert.core.Fn;
import dev.wengert.plot.ContourPlot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.contour;
import static dev.wengert.Wengert.sin;
import static dev.wengert.Wengert.square;

/**
 * Rendering a contour plot of a 200 × 200 grid, from sampling the DSL function to finished
 * SVG or PNG (the issue asks for under a second). Each call builds a new plot, so the grid is
 * sampled every time. {@code sample} alone is the cost of evaluating f on the grid; the
 * rendering costs are read against it.
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
