package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bounds, robust losses, absolute sigma and a global fit against scipy 1.10 and lmfit 1.1
 * (values written by {@code src/test/resources/reference/scipy_reference.py}, which gives scipy
 * the analytic Jacobian and tolerances at machine precision).
 */
class ScipyReferenceTest {
    private static final Reference S = Reference.scipy();
    private static final Map<String, double[]> PURO = Reference.csv("puromycin.csv");
    private static final Map<String, double[]> DNASE = Reference.csv("dnase1.csv");
    private static final Map<String, double[]> OUTLIERS = Reference.csv("outliers.csv");
    private static final double INF = Double.POSITIVE_INFINITY;

    private static final Model1 MM = (p, s) -> p[0].times(s).div(p[1].plus(s));
    private static final Model1 LOGISTIC = (p, c) -> p[0].div(exp(p[1].minus(Math.log(c)).div(p[2])).plus(1));
    // y = a·exp(−k·t) + c
    private static final Model1 DECAY = (p, t) -> p[0].times(exp(p[1].times(-t))).plus(p[2]);

    private static void close(double expected, double actual, double rel, String what) {
        NlsReferenceTest.close(expected, actual, rel, what);
    }

    private static void estimates(String prefix, FitResult r, double rel) {
        String[] names = r.parameterNames();
        for (int j = 0; j < names.length; j++) {
            close(S.get(prefix + "." + names[j] + ".estimate"), r.parameters()[j], rel, prefix + "." + names[j]);
        }
        close(S.get(prefix + ".cost"), r.cost(), 1e-10, prefix + " cost");
    }

    // ---- bounds ----------------------------------------------------------------------------------

    @Test
    void michaelisMentenFromThePoorStartLandsOnAPoleUnboundedAndOnTheOptimumBounded() {
        double[] s = PURO.get("conc");
        double[] v = PURO.get("rate");
        // the start: LM runs to K = −0.49, a pole of the model between the data
        FitResult free = fit1(MM).start(10, 0.1).names("Vm", "K").to(s, v);
        assertEquals(-0.4895, free.parameter("K"), 1e-3);
        assertTrue(free.rSquared() < 0);
        assertTrue(free.warnings().stream().anyMatch(w -> w.contains("pole")), free.warnings().toString());
        assertTrue(free.warnings().stream().anyMatch(w -> w.contains("R² = -4.87 is negative")), free.warnings().toString());
        assertTrue(free.reason().contains("WARNING: the fitted curve passes a pole"), free.reason());
        assertTrue(free.toString().contains("WARNING: R² = -4.87 is negative"), free.toString());
        // the pole scan runs when the warnings are first asked for; they keep the order of a scan
        // made with the fit (the pole first), in the reason too, and the dataset view shares them
        assertTrue(free.warnings().get(0).contains("pole"), free.warnings().toString());
        assertTrue(free.reason().indexOf("passes a pole") < free.reason().indexOf("R² = -4.87"), free.reason());
        assertEquals(free.warnings(), free.dataset(0).warnings());
        assertEquals(free.reason(), free.dataset(0).reason());
        FitResult again = fit1(MM).start(10, 0.1).names("Vm", "K").to(s, v);
        assertEquals(free.reason(), again.reason());
        assertEquals(free.warnings(), again.warnings());
        // bounds keep K ≥ 0, and the fit finds scipy's optimum
        FitResult bounded = fit1(MM).start(10, 0.1).names("Vm", "K")
                .bounds(new double[] {0, 0}, new double[] {INF, INF}).to(s, v);
        assertTrue(bounded.converged(), bounded.reason());
        assertTrue(bounded.reason().contains("projected Levenberg–Marquardt"), bounded.reason());
        estimates("mm.poor", bounded, 1e-8);
        assertTrue(bounded.warnings().isEmpty(), bounded.warnings().toString());
        assertArrayEquals(new ParameterStatus[] {ParameterStatus.ESTIMATED, ParameterStatus.ESTIMATED},
                bounded.parameterStatus());
        // bounds that do not bind give the unbounded fit's statistics
        FitResult plain = fit1(MM).start(200, 0.1).to(s, v);
        assertArrayEquals(plain.standardErrors(), bounded.standardErrors(), 1e-7);
    }

    @Test
    void anActiveUpperBoundIsHitExactlyAndClaimsNoStandardError() {
        FitResult r = fit1(MM).start(100, 0.01).names("Vm", "K").upper("K", 0.05).lower("Vm", 0)
                .to(PURO.get("conc"), PURO.get("rate"));
        assertTrue(r.converged(), r.reason());
        estimates("mm.Kupper", r, 1e-8);
        assertEquals(0.05, r.parameter("K"), 0, "on the bound exactly");
        assertEquals(ParameterStatus.AT_UPPER_BOUND, r.parameterStatus()[1]);
        assertTrue(Double.isNaN(r.standardErrors()[1]) && Double.isNaN(r.confidenceIntervals(0.95)[1][0]));
        close(S.get("mm.Kupper.Vm.se"), r.standardErrors()[0], 1e-7, "Vm's std. error with K held on its bound");
        assertEquals(10, r.degreesOfFreedom(), "a parameter on a bound still counts, as lmfit's nfree");
        assertTrue(r.toString().lines().anyMatch(l -> l.startsWith("K") && l.contains("(at upper bound)")), r.toString());
        assertEquals("at upper bound", r.parametersTable().stringColumn("status").get(1));
    }

    @Test
    void anActiveLowerBoundOnAThreeParameterModel() {
        FitResult r = fit1(LOGISTIC).start(2, 1.5, 1.2).names("Asym", "xmid", "scal").lower("scal", 1.1)
                .lower("Asym", 0).to(DNASE.get("conc"), DNASE.get("density"));
        assertTrue(r.converged(), r.reason());
        estimates("dnase.scalLower", r, 1e-8);
        assertEquals(1.1, r.parameter("scal"), 0);
        assertEquals(ParameterStatus.AT_LOWER_BOUND, r.parameterStatus()[2]);
        close(S.get("dnase.scalLower.Asym.se"), r.standardErrors()[0], 1e-7, "Asym se");
        close(S.get("dnase.scalLower.xmid.se"), r.standardErrors()[1], 1e-7, "xmid se");
    }

    // ---- robust losses ---------------------------------------------------------------------------

    @Test
    void everyLossFindsScipysOptimumAndCurveFitsCovariance() {
        for (Loss loss : Loss.values()) {
            String prefix = "robust." + loss.scipyName();
            FitResult r = fit1(DECAY).start(1, 0.1, 0).names("a", "k", "c").loss(loss, 0.1)
                    .to(OUTLIERS.get("t"), OUTLIERS.get("y"));
            assertTrue(r.converged(), prefix + ": " + r.reason());
            assertEquals(loss, r.loss());
            estimates(prefix, r, 1e-8);
            for (int j = 0; j < 3; j++) {
                String key = prefix + "." + r.parameterNames()[j] + ".se";
                close(S.get(key), r.standardErrors()[j], 1e-7, key);
            }
            // curve_fit's s² = 2·cost/(n − p) with scipy's cost ½·Σ C²ρ
            close(Math.sqrt(2 * S.get(prefix + ".cost") / (r.observations() - 3)), r.residualStandardError(), 1e-10,
                    prefix + " residual scale");
            if (loss != Loss.LINEAR) {
                assertTrue(Double.isNaN(r.aic()) && r.toString().contains("Robust nonlinear fit (" + loss.scipyName()),
                        r.toString());
            }
        }
        // the robust fits are close to the truth (a = 3, k = 0.4, c = 0.5); least squares is pulled away
        FitResult lsq = fit1(DECAY).start(1, 0.1, 0).to(OUTLIERS.get("t"), OUTLIERS.get("y"));
        FitResult cauchy = fit1(DECAY).start(1, 0.1, 0).loss(Loss.CAUCHY, 0.1).to(OUTLIERS.get("t"), OUTLIERS.get("y"));
        assertTrue(Math.abs(cauchy.parameters()[2] - 0.5) < Math.abs(lsq.parameters()[2] - 0.5) / 5);
    }

    @Test
    void aRobustLossInsideBounds() {
        FitResult r = fit1(DECAY).start(1, 0.1, 0.7).names("a", "k", "c").loss(Loss.SOFT_L1, 0.1).lower("c", 0.6)
                .to(OUTLIERS.get("t"), OUTLIERS.get("y"));
        assertTrue(r.converged(), r.reason());
        estimates("robust.bounded", r, 1e-8);
        assertEquals(ParameterStatus.AT_LOWER_BOUND, r.parameterStatus()[2]);
    }

    // ---- absolute sigma --------------------------------------------------------------------------

    @Test
    void absoluteSigmaIsCurveFitsAbsoluteSigma() {
        Map<String, double[]> d = Reference.csv("decay-sigma.csv");
        Model1 m = (p, x) -> p[0].times(exp(p[1].times(-x)));
        for (boolean absolute : new boolean[] {true, false}) {
            String prefix = absolute ? "sigma.absolute" : "sigma.relative";
            FitResult r = fit1(m).start(4, 0.2).names("a", "k").sigma(d.get("sd")).absoluteSigma(absolute)
                    .to(d.get("x"), d.get("y"));
            assertEquals(absolute, r.absoluteSigma());
            for (int j = 0; j < 2; j++) {
                String key = prefix + "." + r.parameterNames()[j];
                close(S.get(key + ".estimate"), r.parameters()[j], 1e-9, key);
                close(S.get(key + ".se"), r.standardErrors()[j], 1e-8, key + " se");
            }
            if (absolute) {
                // known σ: z tests and normal intervals
                double z = r.tValues()[1];
                double p = 2 * new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(-Math.abs(z));
                assertEquals(p, r.pValues()[1], 1e-15);
                assertEquals(1.959963984540054, (r.confidenceIntervals(0.95)[1][1] - r.parameters()[1]) / r.standardErrors()[1], 1e-12);
                assertTrue(r.toString().contains("z value") && r.toString().contains("Pr(>|z|)"), r.toString());
                // the log-likelihood of known σ: −½(n log 2π − Σ log wᵢ + χ²)
                double n = d.get("x").length;
                double sumLogW = 0;
                for (double s : d.get("sd")) {
                    sumLogW += Math.log(1 / (s * s));
                }
                assertEquals(-0.5 * (n * Math.log(2 * Math.PI) - sumLogW + r.residualSumOfSquares()), r.logLikelihood(), 1e-10);
                assertEquals(-2 * r.logLikelihood() + 2 * 2, r.aic(), 1e-10, "σ known: not a parameter");
            }
        }
    }

    // ---- a global fit --------------------------------------------------------------------------

    @Test
    void lmfitsFivePeaksSharingAWidth() {
        Map<String, double[]> d = Reference.csv("peaks.csv");
        String[] names = {"amp_1", "amp_2", "amp_3", "amp_4", "amp_5", "cen_1", "cen_2", "cen_3", "cen_4", "cen_5", "sig_1"};
        Fitter f = Fitter.global(names).start(0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3);
        for (int i = 0; i < 5; i++) {
            int k = i;
            // y = amp·exp(−(x − cen)²/(2σ²)), σ shared
            f.dataset((p, x) -> p[k].times(exp(square(p[5 + k].neg().plus(x[0]).div(p[10])).times(-0.5))),
                    d.get("x"), d.get("y" + (i + 1)));
        }
        FitResult r = f.fit();
        assertTrue(r.converged(), r.reason());
        assertEquals(5, r.datasets());
        assertEquals(5 * 151, r.observations());
        assertEquals(5 * 151 - 11, r.degreesOfFreedom());
        for (int j = 0; j < names.length; j++) {
            close(S.get("global." + names[j] + ".estimate"), r.parameters()[j], 1e-9, names[j]);
            close(S.get("global." + names[j] + ".se"), r.standardErrors()[j], 1e-8, names[j] + " se");
            // lmfit differences its Jacobian: it agrees to about 8 digits, its standard errors to 6
            close(S.get("lmfit." + names[j] + ".estimate"), r.parameters()[j], 1e-7, "lmfit " + names[j]);
            close(S.get("lmfit." + names[j] + ".se"), r.standardErrors()[j], 1e-5, "lmfit " + names[j] + " se");
        }
        close(S.get("lmfit.chisqr"), r.residualSumOfSquares(), 1e-10, "χ²");
        // each dataset: its own rows and predictions
        FitResult third = r.dataset(2);
        assertEquals(151, third.yData().length);
        assertArrayEquals(d.get("y3"), third.yData(), 0);
        double x0 = 0.1;
        double expect = r.parameter("amp_3") * Math.exp(-Math.pow(x0 - r.parameter("cen_3"), 2)
                / (2 * Math.pow(r.parameter("sig_1"), 2)));
        assertEquals(expect, third.predict(x0), 1e-12);
        assertEquals(151 * 5, r.residuals().rowCount());
        assertEquals(2, r.residuals().intColumn("dataset").get(151 * 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.predict(0.1));
        assertTrue(e.getMessage().contains("dataset(k).predict(x)"), e.getMessage());
    }
}
