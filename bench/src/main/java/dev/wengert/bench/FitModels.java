package dev.wengert.bench;

import dev.wengert.fit.ColumnModel;
import dev.wengert.fit.Model;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.pow;
import static dev.wengert.Wengert.square;

/**
 * The models of the fitting benchmark ({@link FitSpeedBench}) and the peer scripts
 * ({@code bench/peers/fit_peers.py}, {@code fit_peers.R}): an exponential family, a rational,
 * a power, a logistic and Gaussians, 2–8 parameters, each with its true parameters, the start
 * the three tools get, the predictor's range and the noise. {@link #main} writes the data the
 * three read, so all fit the same numbers:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.wengert.bench.FitModels bench/target/fit-data 1000 10000 100000 1000000
 * </pre>
 *
 * One file per model and size, {@code <model>-<rows>.f64}: the predictor column then the
 * response column, little-endian doubles.
 */
public enum FitModels {
    /** Michaelis–Menten, a rational: y = a·x/(b + x). */
    MM(new double[] {2.0, 0.8}, new double[] {1.5, 0.5}, 0.02, 5.0, 0.02,
            (p, x) -> p[0].times(x[0]).div(p[1].plus(x[0])),
            (p, x) -> x[0].times(p[0]).div(x[0].plus(p[1]))),
    /** A power with an offset: y = a·xᵇ + c. */
    POWER(new double[] {1.5, 0.7, 0.5}, new double[] {1.0, 0.5, 0.0}, 0.1, 10.0, 0.05,
            (p, x) -> p[0].times(pow(x[0], p[1])).plus(p[2]),
            (p, x) -> x[0].log().times(p[1]).exp().times(p[0]).plus(p[2])),
    /** A four-parameter logistic: y = d + a / (1 + e^(−b·(x − c))). */
    LOGISTIC(new double[] {3.0, 1.8, 4.0, 0.1}, new double[] {2.5, 1.2, 3.5, 0.0}, 0.0, 10.0, 0.05,
            (p, x) -> p[0].div(exp(p[1].times(p[2].neg().plus(x[0])).neg()).plus(1)).plus(p[3]),
            (p, x) -> x[0].minus(p[2]).times(p[1]).neg().exp().plus(1).reciprocal().times(p[0]).plus(p[3])),
    /** Two exponentials and an offset: y = a₁e^(−k₁x) + a₂e^(−k₂x) + c. */
    EXP2(new double[] {3.0, 1.5, 1.5, 0.2, 0.5}, new double[] {2.5, 1.0, 1.0, 0.15, 0.4}, 0.0, 10.0, 0.02,
            (p, x) -> p[0].times(exp(p[1].times(-x[0]))).plus(p[2].times(exp(p[3].times(-x[0])))).plus(p[4]),
            (p, x) -> x[0].times(p[1]).neg().exp().times(p[0]).plus(x[0].times(p[3]).neg().exp().times(p[2])).plus(p[4])),
    /**
     * Two Gaussian peaks on an exponential decay, NIST's Gauss1 shape:
     * y = b₁e^(−b₂x) + b₃e^(−(x − b₄)²/b₅²) + b₆e^(−(x − b₇)²/b₈²).
     */
    GAUSS2(new double[] {98.8, 0.0105, 100.5, 67.5, 23.1, 72.0, 179.0, 18.4},
            new double[] {94.0, 0.0105, 99.0, 63.0, 25.0, 71.0, 180.0, 20.0}, 1.0, 250.0, 2.5,
            (p, x) -> p[0].times(exp(p[1].times(-x[0])))
                    .plus(p[2].times(exp(square(p[3].neg().plus(x[0])).div(square(p[4])).neg())))
                    .plus(p[5].times(exp(square(p[6].neg().plus(x[0])).div(square(p[7])).neg()))),
            (p, x) -> x[0].times(p[1]).neg().exp().times(p[0])
                    .plus(x[0].minus(p[3]).square().div(p[4].square()).neg().exp().times(p[2]))
                    .plus(x[0].minus(p[6]).square().div(p[7].square()).neg().exp().times(p[5])));

    final double[] truth;
    final double[] start;
    final double xFrom;
    final double xTo;
    final double noise;
    final Model model;
    final ColumnModel columns;

    FitModels(double[] truth, double[] start, double xFrom, double xTo, double noise, Model model, ColumnModel columns) {
        this.truth = truth;
        this.start = start;
        this.xFrom = xFrom;
        this.xTo = xTo;
        this.noise = noise;
        this.model = model;
        this.columns = columns;
    }

    /** The model in plain doubles, for the data (the same formula as {@link #model}). */
    double value(double[] p, double x) {
        return switch (this) {
            case MM -> p[0] * x / (p[1] + x);
            case POWER -> p[0] * Math.pow(x, p[1]) + p[2];
            case LOGISTIC -> p[0] / (Math.exp(-(p[1] * (x - p[2]))) + 1) + p[3];
            case EXP2 -> p[0] * Math.exp(-p[1] * x) + p[2] * Math.exp(-p[3] * x) + p[4];
            case GAUSS2 -> {
                double a = (x - p[3]) / p[4];
                double b = (x - p[6]) / p[7];
                yield p[0] * Math.exp(-p[1] * x) + p[2] * Math.exp(-a * a) + p[5] * Math.exp(-b * b);
            }
        };
    }

    /** The file name of this model's data with m rows. */
    String file(int m) {
        return name().toLowerCase() + "-" + m + ".f64";
    }

    /** The data: rows evenly spread over the range, Gaussian noise from a fixed seed per model and size. */
    double[][] data(int m) {
        double[] x = new double[m];
        double[] y = new double[m];
        SplittableRandom rnd = new SplittableRandom(1_000_003L * ordinal() + m);
        for (int i = 0; i < m; i++) {
            x[i] = xFrom + (xTo - xFrom) * (i + 0.5) / m;
            y[i] = value(truth, x[i]) + noise * rnd.nextGaussian();
        }
        return new double[][] {x, y};
    }

    static void write(Path file, double[] x, double[] y) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (double[] col : new double[][] {x, y}) {
                for (double v : col) {
                    if (!b.hasRemaining()) {
                        out.write(b.array(), 0, b.position());
                        b.clear();
                    }
                    b.putDouble(v);
                }
            }
            out.write(b.array(), 0, b.position());
        }
    }

    /** Writes every model's data: {@code FitModels <dir> <rows>...}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/target/fit-data");
        Files.createDirectories(dir);
        int[] sizes = new int[Math.max(0, args.length - 1)];
        for (int k = 1; k < args.length; k++) {
            sizes[k - 1] = Integer.parseInt(args[k]);
        }
        if (sizes.length == 0) {
            sizes = new int[] {1_000, 10_000, 100_000, 1_000_000};
        }
        for (FitModels f : values()) {
            for (int m : sizes) {
                double[][] d = f.data(m);
                write(dir.resolve(f.file(m)), d[0], d[1]);
            }
        }
        System.out.println("wrote " + values().length * sizes.length + " files to " + dir);
    }
}
