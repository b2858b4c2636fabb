package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * NIST StRD nonlinear regression, certified accuracy: every file in shared/data/nist, both
 * starts; every parameter, every standard deviation, the residual sum of squares and the
 * residual standard deviation must agree with the certified value to at least 10 significant
 * digits (LRE ≥ 10; the certified values carry 11). Lanczos1 is scored on its parameters only:
 * it is an exact fit whose certified RSS is below what double data reproduce, which caps its
 * standard deviations and RSS near 3 digits for any double-precision solver (see
 * shared/data/README.md); for it the test asserts the measured floor ({@link #LANCZOS1_LRE}),
 * so a regression there still fails. Degrees of freedom are n − p (the data README's note on
 * Rat43's header).
 *
 * <p>The per-problem table, next to Commons Math's LM with a finite-difference Jacobian, is
 * printed; with {@code -Dwengert.fit.report} it is also written to bench/results/fit.md (copy the table into bench/RESULTS.md):
 * {@code mvn -B -ntp -pl dsl test -Dtest=NistCertifiedTest -Dwengert.fit.report}.
 */
class NistCertifiedTest {
    private static final double REQUIRED_LRE = 10;
    /** Problems whose standard deviations and RSS are not scored at 10 digits (data README). */
    private static final List<String> PARAMETERS_ONLY = List.of("Lanczos1");
    /**
     * Lanczos1's standard deviations and RSS, scored against the certified values that double data
     * cannot reproduce: measured 3.2–3.5 (SD) and 2.9–3.2 (RSS) digits from the two starts; the
     * floor asserted here keeps an exact fit (RSS ≈ 1.43e-25) from sliding back unnoticed.
     */
    private static final double LANCZOS1_LRE = 2.5;

    record Row(String problem, int start, int p, int n, double lreP, double lreSd, double lreRss, double lreRsd, int iterations,
               int evaluations, boolean converged, FiniteDifferenceLm.Outcome fd, double fdLreP, double fdLreSd,
               double plainLreP, double plainLreSd) {
    }

    @Test
    void everyProblemFromBothStartsToTenDigits() throws IOException {
        List<String> names = NistFile.names();
        assertEquals(14, names.size(), "expected the 14 NIST files in " + NistFile.folder() + ", found " + names);
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            NistFile f = NistFile.read(name);
            Model m = NistModels.model(name);
            double[] y = NistModels.response(f);
            for (int s = 0; s < 2; s++) {
                FitResult r = Fitter.of(m).start(f.starts()[s]).to(f.x(), y);
                boolean scoreSd = !PARAMETERS_ONLY.contains(name);
                double lreP = minLre(r.parameters(), f.certified());
                double lreSd = minLre(r.standardErrors(), f.certifiedSd());
                double lreRss = NistFile.lre(r.residualSumOfSquares(), f.certifiedRss());
                double lreRsd = NistFile.lre(r.residualStandardError(), f.certifiedRsd());
                FiniteDifferenceLm.Outcome fd = FiniteDifferenceLm.fit(m, f.x(), y, f.starts()[s], 10_000);
                double fdP = fd.p() == null ? 0 : minLre(fd.p(), f.certified());
                double fdSd = fd.sd() == null ? 0 : minLre(fd.sd(), f.certifiedSd());
                double[][] plain = plainLmWithExactJacobian(m, f.x(), y, f.starts()[s]);
                double plainP = plain == null ? 0 : minLre(plain[0], f.certified());
                double plainSd = plain == null ? 0 : minLre(plain[1], f.certifiedSd());
                rows.add(new Row(name, s + 1, f.parameters(), f.y().length, lreP, lreSd, lreRss, lreRsd, r.iterations(),
                        r.evaluations(), r.converged(), fd, fdP, fdSd, plainP, plainSd));
                if (!r.converged()) {
                    failures.add(name + " start " + (s + 1) + ": not converged: " + r.reason());
                }
                if (lreP < REQUIRED_LRE) {
                    failures.add(name + " start " + (s + 1) + ": parameter LRE " + fmt(lreP));
                }
                double sdFloor = scoreSd ? REQUIRED_LRE : LANCZOS1_LRE;
                if (lreSd < sdFloor) {
                    failures.add(name + " start " + (s + 1) + ": standard deviation LRE " + fmt(lreSd));
                }
                if (lreRss < sdFloor) {
                    failures.add(name + " start " + (s + 1) + ": residual sum of squares LRE " + fmt(lreRss));
                }
                if (lreRsd < sdFloor) {
                    failures.add(name + " start " + (s + 1) + ": residual standard deviation LRE " + fmt(lreRsd));
                }
                assertEquals(f.y().length - f.parameters(), r.degreesOfFreedom(), name);
            }
        }
        String table = markdown(rows);
        System.out.println(table);
        if (System.getProperty("wengert.fit.report") != null) {
            Path out = repositoryRoot().resolve("bench").resolve("results").resolve("fit.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report(table));
            System.out.println("wrote " + out);
        }
        if (!failures.isEmpty()) {
            fail("NIST certified accuracy not reached:\n" + String.join("\n", failures));
        }
        assertEquals(28, rows.size());
    }

    /**
     * The ablation: Commons Math's LM with default settings fed the same exact Jacobian, without
     * our tolerances, recovery or refinement; {estimates, standard deviations}, or null if it throws.
     */
    private static double[][] plainLmWithExactJacobian(Model m, double[][] x, double[] y, double[] start) {
        FitData d = FitData.fromArrays(x, y, null, FitData.WeightKind.NONE, MissingValues.REFUSE, null, null);
        String[] names = new String[start.length];
        java.util.Arrays.fill(names, "b");
        Residuals f = new Residuals(m, d, null, names);
        try {
            var o = new org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer().optimize(
                    new org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder().start(start).model(f)
                            .target(f.target()).maxEvaluations(10_000).maxIterations(10_000).build());
            double[] p = o.getPoint().toArray();
            double[] wr = f.weightedResiduals(f.evaluate(p));
            double rss = 0;
            for (double v : wr) {
                rss += v * v;
            }
            double[][] inv = Factor.ofRows(f.weightedJacobian(f.evaluate(p)), wr).inverseOfNormalMatrix();
            double[] sd = new double[p.length];
            for (int j = 0; j < p.length; j++) {
                sd[j] = Math.sqrt(rss / (y.length - p.length) * inv[j][j]);
            }
            return new double[][] {p, sd};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double minLre(double[] estimate, double[] certified) {
        double min = 11;
        for (int j = 0; j < certified.length; j++) {
            min = Math.min(min, NistFile.lre(estimate[j], certified[j]));
        }
        return min;
    }

    static String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| problem | start | p | n | LRE params | LRE std. dev. | LRE RSS | LRE res. SD | iterations | evaluations "
                + "| CM-FD LRE params | CM-FD LRE std. dev. | CM-FD iterations | CM-FD evaluations "
                + "| CM-AD LRE params | CM-AD LRE std. dev. |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int[] pass = new int[3];
        for (Row r : rows) {
            boolean sdScored = !PARAMETERS_ONLY.contains(r.problem);
            String fdP = r.fd.failure() != null ? "failed (" + r.fd.failure() + ")" : fmt(r.fdLreP);
            String fdSd = r.fd.failure() != null ? "–" : fmt(r.fdLreSd) + (sdScored ? "" : " (not scored)");
            String ns = sdScored ? "" : " (not scored)";
            s.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s | %d | %d | %s | %s | %d | %d | %s | %s |%n",
                    r.problem, r.start, r.p, r.n, fmt(r.lreP), fmt(r.lreSd) + ns, fmt(r.lreRss) + ns, fmt(r.lreRsd) + ns,
                    r.iterations, r.evaluations, fdP, fdSd, r.fd.iterations(), r.fd.evaluations(),
                    fmt(r.plainLreP), fmt(r.plainLreSd) + ns));
            pass[0] += passes(r.lreP, r.lreSd, sdScored) ? 1 : 0;
            pass[1] += r.fd.failure() == null && passes(r.fdLreP, r.fdLreSd, sdScored) ? 1 : 0;
            pass[2] += passes(r.plainLreP, r.plainLreSd, sdScored) ? 1 : 0;
        }
        s.append(String.format(Locale.ROOT, "%nLRE ≥ %.0f on every scored parameter and standard deviation: Wengert %d/%d, "
                + "CM-FD %d/%d, CM-AD %d/%d (problem × start).%n", REQUIRED_LRE, pass[0], rows.size(), pass[1], rows.size(),
                pass[2], rows.size()));
        int[] six = new int[3];
        for (Row r : rows) {
            boolean sdScored = !PARAMETERS_ONLY.contains(r.problem);
            six[0] += passes(r.lreP, r.lreSd, sdScored, 6) ? 1 : 0;
            six[1] += r.fd.failure() == null && passes(r.fdLreP, r.fdLreSd, sdScored, 6) ? 1 : 0;
            six[2] += passes(r.plainLreP, r.plainLreSd, sdScored, 6) ? 1 : 0;
        }
        s.append(String.format(Locale.ROOT, "LRE ≥ 6 on every scored parameter and standard deviation: Wengert %d/%d, "
                + "CM-FD %d/%d, CM-AD %d/%d.%n", six[0], rows.size(), six[1], rows.size(), six[2], rows.size()));
        return s.toString();
    }

    private static boolean passes(double lreP, double lreSd, boolean sdScored) {
        return passes(lreP, lreSd, sdScored, REQUIRED_LRE);
    }

    private static boolean passes(double lreP, double lreSd, boolean sdScored, double required) {
        return lreP >= required && (!sdScored || lreSd >= required);
    }

    private static String report(String table) {
        return """
                # Fitting: NIST StRD nonlinear regression, certified accuracy

                Produced by `NistCertifiedTest` (dsl/src/test/java/dev/wengert/fit); regenerate with

                    mvn -B -ntp -pl dsl test -Dtest=NistCertifiedTest -Dwengert.fit.report

                Each of the 14 NIST files in `shared/data/nist`, from both certified starts. LRE is the log
                relative error −log₁₀(|estimate − certified| / |certified|), capped at 11 (the certified
                digits) and floored at 0; a cell is the worst parameter (or standard deviation) of the
                problem. The test requires LRE ≥ 10 for every parameter, standard deviation, residual
                sum of squares and residual standard deviation (degrees of freedom n − p). Lanczos1 is
                scored on its parameters only (`shared/data/README.md`: double data cap its standard
                deviations and RSS near 3 digits); for it the test requires LRE ≥ 2.5 on those.

                **Wengert** (`fit`): our Levenberg–Marquardt (MINPACK's algorithm, `Lm`) on a QR of the
                rows made in blocks of 256 (`BlockQr`), fed the exact reverse-mode Jacobian of the compiled
                rows (each row recorded once, replayed for every pass with a reverse sweep per row, the
                bits of a reverse pass per row), tolerances 1e-14, a confirming
                restart where the Gauss–Newton step from LM's end is not already within 10⁻⁶ of the
                parameters, then refinement with the exact gradient: Gauss–Newton steps while each shrinks
                to at most 1% of the one before, else Newton steps with the exact Hessian (second
                partials from a second-order pass of the compiled rows); standard deviations from R of
                [J | r] at the answer (column-scaled). *Iterations* are LM iterations over all
                attempts; *evaluations* are passes over the data, each giving the values and the whole
                Jacobian (they include the refinement's Jacobian passes and one second-order pass per Newton
                step).

                **CM-FD**: the same optimizer as most users run it: default settings and a forward-difference
                Jacobian (MINPACK lmdif's step √ε·|pⱼ|), standard deviations from that Jacobian at its
                answer. *Evaluations* are plain model passes, p + 1 per Jacobian.

                **CM-AD** (ablation): Commons Math's LM with default settings fed our exact Jacobian, without
                Wengert's tolerances, recovery and refinement: what the exact Jacobian alone buys.

                """ + table;
    }

    private static Path repositoryRoot() {
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("dsl")) && Files.isDirectory(d.resolve("bench"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (a folder with dsl/ and bench/) above "
                + Paths.get("").toAbsolutePath());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
