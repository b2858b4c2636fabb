package dev.wengert.fit;

import dev.wengert.core.Mode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.checkNonFinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bit of a set of fits, against what main produced before the fit's passes reused their
 * arrays (recorded in fit-bits.txt, a fingerprint per fit: the parameters, standard errors,
 * covariance, RSS, cost and fitted values as raw bits, the iterations, evaluations, statuses
 * and the reason). Reusing storage must not change one bit; a kept point whose arrays another
 * evaluation overwrote would. The fits reject trial steps (bad starts, NIST's hard problems),
 * stop on bounds, use robust losses, fixed parameters, weights, several datasets, column
 * models and reverse mode, and run over several chunks of rows.
 *
 * <p>Recorded on commit 65a1851 (main) with
 * {@code mvn -B -ntp -o -pl dsl test -Dtest=FitBitsTest -Dwengert.fitbits.record=true}, which
 * writes src/test/resources/dev/wengert/fit/fit-bits.txt instead of comparing. Recorded again,
 * deliberately, when the compiled rows' Jacobian became a reverse sweep per row (branch revjac):
 * its entries changed within rounding (the same products, summed in the reverse sweep's order,
 * a −0.0 product giving +0.0), and the reason now says "reverse-mode". 46 of the 48 fingerprints
 * changed (19 in the reason alone); "mm reverse" and "mm columns" did not. Recorded again when
 * {@link BlockQr}'s blocks grew from 64 rows to 256 (stop 35): the reflections group the rows
 * differently, so R changes within rounding; 23 of the 48 fingerprints changed, estimates and
 * standard errors by at most 4.4e-14 relative, and "mm bounded inside" took 7 evaluations
 * instead of 8.
 */
class FitBitsTest {
    private static final String RESOURCE = "fit-bits.txt";

    /** Michaelis–Menten data with noise: n rows of y = 2x/(0.8 + x). */
    static double[][] mm(int n, long seed) {
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            x[i] = 0.02 + 5.0 * i / n;
            y[i] = 2.0 * x[i] / (0.8 + x[i]) + 0.05 * (rnd.nextDouble() - 0.5) + (i % 97 == 0 ? 0.5 : 0);
        }
        return new double[][] {x, y};
    }

    static final Model MM = (p, v) -> p[0].times(v[0]).div(p[1].plus(v[0]));

    static Map<String, Supplier<FitResult>> cases() throws IOException {
        Map<String, Supplier<FitResult>> c = new LinkedHashMap<>();
        double[][] d = mm(10_000, 19);
        double[][] big = mm(70_000, 7);
        double[][] small = mm(60, 3);
        double[] sigma = new double[d[0].length];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = 0.01 + 0.02 * (i % 5);
        }
        c.put("mm", () -> Fitter.of(MM).start(1.5, 0.5).to(d[0], d[1]));
        c.put("mm far start", () -> Fitter.of(MM).start(100, 50).to(d[0], d[1]));
        c.put("mm 70000 rows", () -> Fitter.of(MM).start(1.5, 0.5).to(big[0], big[1]));
        c.put("mm sigma", () -> Fitter.of(MM).start(1.5, 0.5).sigma(sigma).to(d[0], d[1]));
        for (Loss loss : Loss.values()) {
            c.put("mm " + loss, () -> Fitter.of(MM).start(1.5, 0.5).loss(loss, 0.05).to(d[0], d[1]));
        }
        c.put("mm bounded, on a bound", () -> Fitter.of(MM).start(1.5, 0.5).upper("b1", 1.9).to(d[0], d[1]));
        c.put("mm bounded inside", () -> Fitter.of(MM).start(1.5, 0.5).bounds("b2", 0.1, 3).to(d[0], d[1]));
        c.put("mm bounded huber", () -> Fitter.of(MM).start(1.5, 0.5).upper("b1", 1.9).loss(Loss.HUBER, 0.05)
                .to(d[0], d[1]));
        c.put("mm fixed", () -> Fitter.of(MM).start(1.5, 0.5).fix("b2", 0.75).to(d[0], d[1]));
        c.put("mm reverse", () -> Fitter.of(MM).start(1.5, 0.5).mode(Mode.REVERSE).to(small[0], small[1]));
        c.put("mm columns", () -> Fitter.ofColumns((p, x) -> x[0].times(p[0]).div(x[0].plus(p[1]))).start(1.5, 0.5)
                .to(d[0], d[1]));
        c.put("exp rejects trials", () -> Fitter.of((p, v) -> p[0].times(exp(p[1].times(v[0])))).start(1, 3)
                .to(small[0], small[1]));
        NistFile mgh17 = NistFile.read("MGH17");
        NistFile mgh09 = NistFile.read("MGH09");
        c.put("MGH17 checking mode, steps into exp overflow", () -> {
            checkNonFinite(true);
            try {
                return Fitter.of(NistModels.model("MGH17")).start(mgh17.starts()[0]).to(mgh17.x(), mgh17.y());
            } finally {
                checkNonFinite(false);
            }
        });
        c.put("MGH17 bounded, steps into exp overflow", () -> Fitter.of(NistModels.model("MGH17"))
                .start(mgh17.starts()[0]).bounds("b4", 0, 1).to(mgh17.x(), mgh17.y()));
        c.put("MGH09 restarts", () -> Fitter.of(NistModels.model("MGH09")).start(mgh09.starts()[0]).maxEvaluations(500)
                .to(mgh09.x(), mgh09.y()));
        c.put("global", () -> Fitter.global("a", "b", "k")
                .dataset((p, v) -> p[0].times(v[0]).div(p[2].plus(v[0])), d[0], d[1])
                .dataset((p, v) -> p[1].times(v[0]).div(p[2].plus(v[0])), small[0], small[1]).start(1, 1, 0.5).fit());
        for (String name : NistFile.names()) {
            NistFile f = NistFile.read(name);
            Model m = NistModels.model(name);
            double[] y = NistModels.response(f);
            for (int s = 0; s < 2; s++) {
                int start = s;
                c.put("NIST " + name + " start " + (s + 1), () -> Fitter.of(m).start(f.starts()[start]).to(f.x(), y));
            }
        }
        return c;
    }

    static String fingerprint(FitResult r) {
        StringBuilder s = new StringBuilder();
        s.append(bits(r.parameters())).append(' ').append(bits(r.standardErrors()));
        long cov = 0;
        for (double[] row : r.covariance()) {
            cov = 31 * cov + Arrays.hashCode(row);
        }
        s.append(" cov ").append(Long.toHexString(cov));
        s.append(" rss ").append(Long.toHexString(Double.doubleToRawLongBits(r.residualSumOfSquares())));
        s.append(" cost ").append(Long.toHexString(Double.doubleToRawLongBits(r.cost())));
        s.append(" fitted ").append(Integer.toHexString(Arrays.hashCode(r.fitted())));
        s.append(" it ").append(r.iterations()).append(" ev ").append(r.evaluations()).append(' ').append(r.converged());
        s.append(' ').append(Arrays.toString(r.parameterStatus()));
        s.append(" reason ").append(Integer.toHexString(r.reason().hashCode()));
        return s.toString();
    }

    private static String bits(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? "," : "").append(Long.toHexString(Double.doubleToRawLongBits(v[i])));
        }
        return s.append(']').toString();
    }

    @Test
    void everyFitIsBitForBitWhatMainGave() throws IOException {
        List<String> lines = new ArrayList<>();
        int notFinite = 0;
        for (Map.Entry<String, Supplier<FitResult>> e : cases().entrySet()) {
            FitResult r = e.getValue().get();
            lines.add(e.getKey() + " | " + fingerprint(r));
            notFinite += r.reason().contains("where the model is not finite") ? 1 : 0;
        }
        assertTrue(notFinite >= 2, "the cases reach trial points where the model is not finite");
        if (Boolean.getBoolean("wengert.fitbits.record")) {
            Path out = Path.of("src/test/resources/dev/wengert/fit", RESOURCE);
            Files.createDirectories(out.getParent());
            Files.write(out, lines, StandardCharsets.UTF_8);
            return;
        }
        List<String> expected;
        try (InputStream in = FitBitsTest.class.getResourceAsStream(RESOURCE)) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertEquals(String.join("\n", expected), String.join("\n", lines));
    }
}
