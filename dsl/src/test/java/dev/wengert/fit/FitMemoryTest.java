package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.wengert.Wengert.fit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap a fit needs per row, asserted by running one in a JVM whose heap holds only that
 * much: Michaelis–Menten (2 parameters, 1 predictor) fitted to {@code double[]} arrays of
 * {@value #ROWS} rows, in the default collector with -Xmx of {@value #BYTES_PER_ROW} bytes per
 * row plus {@value #FIXED_MB} MB for the JVM and the library. The count includes the caller's
 * x and y (16 bytes per row) and holds at the fit's peak: the fit's copy of the data (x, y,
 * weights: 24; row numbers only once a row is dropped), the compiled rows' per-row constant
 * (8: x, used twice, kept once),
 * one evaluation's values and Jacobian (24), the weighted residuals and √w (16), the
 * refinement's curvature weights, and the result. A fit that needs more dies of an
 * OutOfMemoryError, so the test fails. (It passed at 120 bytes per row when written; 10⁷ rows
 * at {@value #BYTES_PER_ROW} bytes are 1.4 GB, inside the default heap, a quarter of physical
 * memory, of a machine with 6 GB or more.)
 */
class FitMemoryTest {

    static final int ROWS = 2_000_000;
    static final int BYTES_PER_ROW = 140;
    static final int FIXED_MB = 40;

    /** Fits args[0] rows of y = 2x/(0.8 + x) + noise and prints the estimates. */
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rnd = new SplittableRandom(19);
        for (int i = 0; i < n; i++) {
            x[i] = 0.02 + 5.0 * i / n;
            y[i] = 2.0 * x[i] / (0.8 + x[i]) + 0.02 * (rnd.nextDouble() - 0.5);
        }
        FitResult r = fit((p, v) -> p[0].times(v[0]).div(p[1].plus(v[0]))).start(1.5, 0.5).to(x, y);
        System.out.println("FIT " + r.converged() + " " + r.parameters()[0] + " " + r.parameters()[1]);
    }

    @Test
    void aFitOfTwoMillionRowsRunsInAHeapOfItsBytesPerRow() throws IOException, InterruptedException {
        long heap = (long) ROWS * BYTES_PER_ROW + FIXED_MB * 1024L * 1024L;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                FitMemoryTest.class.getName(), Integer.toString(ROWS)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the fit finished");
        assertEquals(0, p.exitValue(), "the fit ran in " + heap + " bytes of heap: " + err);
        String line = out.lines().filter(l -> l.startsWith("FIT ")).findFirst().orElseThrow();
        String[] f = line.split(" ");
        assertEquals("true", f[1], line);
        assertEquals(2.0, Double.parseDouble(f[2]), 1e-3, line);
        assertEquals(0.8, Double.parseDouble(f[3]), 1e-3, line);
    }
}
