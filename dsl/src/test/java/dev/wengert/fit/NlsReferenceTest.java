package dev.wengert.fit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The statistics of a fit against R's {@code nls} (R 4.2, values written by
 * {@code src/test/resources/reference/nls_reference.R}): every parameter's estimate, standard
 * error, t and p value, the residual standard error and degrees of freedom, and R's
 * {@code logLik}, {@code AIC} and {@code BIC}, unweighted, weighted, and with a parameter fixed
 * (written as a constant in R). nls uses the models' analytic gradients there, so its numbers
 * are good to about 9 digits and the tolerances below are tight enough that a slip in any
 * formula (a lost factor 2 in the p-value, a sign of Σ log w, a degree of freedom) fails.
 */
class NlsReferenceTest {
    private static final Reference R = Reference.nls();
    private static final Map<String, double[]> PURO = Reference.csv("puromycin.csv");
    private static final Map<String, double[]> DNASE = Reference.csv("dnase1.csv");

    // rate = Vm·conc/(K + conc)
    private static final Model1 MM = (p, s) -> p[0].times(s).div(p[1].plus(s));
    // density = Asym/(1 + exp((xmid − log conc)/scal))
    private static final Model1 LOGISTIC = (p, c) -> p[0].div(exp(p[1].minus(Math.log(c)).div(p[2])).plus(1));

    static void close(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, rel * Math.abs(expected), what + ": expected " + expected + ", got " + actual);
    }

    /** Everything nls reports for one fit, against the reference under the given prefix. */
    static void matchesNls(String prefix, FitResult r) {
        assertTrue(r.converged(), r.reason());
        String[] names = r.parameterNames();
        double[] est = r.parameters();
        double[] se = r.standardErrors();
        double[] t = r.tValues();
        double[] p = r.pValues();
        for (int j = 0; j < names.length; j++) {
            String key = prefix + "." + names[j];
            if (!R.has(key + ".estimate")) {
                continue;   // a fixed parameter is a constant in R
            }
            close(R.get(key + ".estimate"), est[j], 1e-8, key + " estimate");
            close(R.get(key + ".se"), se[j], 1e-7, key + " std. error");
            close(R.get(key + ".t"), t[j], 1e-7, key + " t value");
            close(R.get(key + ".p"), p[j], 1e-6, key + " p value");
        }
        assertEquals((int) R.get(prefix + ".df"), r.degreesOfFreedom(), prefix + " degrees of freedom");
        close(R.get(prefix + ".sigma"), r.residualStandardError(), 1e-9, prefix + " residual standard error");
        close(R.get(prefix + ".rss"), r.residualSumOfSquares(), 1e-9, prefix + " RSS");
        close(R.get(prefix + ".logLik"), r.logLikelihood(), 1e-10, prefix + " logLik");
        close(R.get(prefix + ".AIC"), r.aic(), 1e-10, prefix + " AIC");
        close(R.get(prefix + ".BIC"), r.bic(), 1e-10, prefix + " BIC");
    }

    @Test
    void michaelisMentenOnPuromycinIsRsNls() {
        FitResult r = fit1(MM).start(200, 0.1).names("Vm", "K").to(PURO.get("conc"), PURO.get("rate"));
        matchesNls("puromycin", r);
    }

    @Test
    void weightedMichaelisMentenIsRsNlsWithWeights() {
        double[] rate = PURO.get("rate");
        double[] w = new double[rate.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = 1 / rate[i];
        }
        FitResult r = fit1(MM).start(200, 0.1).names("Vm", "K").weights(w).to(PURO.get("conc"), rate);
        // the weighted log-likelihood carries Σ log wᵢ, here far from 0
        assertTrue(Math.abs(r.logLikelihood() - fit1(MM).start(200, 0.1).to(PURO.get("conc"), rate).logLikelihood()) > 1);
        matchesNls("puromycin.weighted", r);
    }

    @Test
    void aThreeParameterLogisticIsRsNls() {
        FitResult r = fit1(LOGISTIC).start(2, 1.5, 1).names("Asym", "xmid", "scal")
                .to(DNASE.get("conc"), DNASE.get("density"));
        matchesNls("dnase1", r);
    }

    @Test
    void aFixedParameterIsNlsWithTheParameterWrittenAsAConstant() {
        double[] c = DNASE.get("conc");
        double[] d = DNASE.get("density");
        FitResult fixed = fit1(LOGISTIC).start(2, 1.5, 1).names("Asym", "xmid", "scal").fix("Asym", 2.3).to(c, d);
        matchesNls("dnase1.fixedAsym", fixed);
        assertEquals(2.3, fixed.parameter("Asym"), 0);
        assertEquals(ParameterStatus.FIXED, fixed.parameterStatus()[0]);
        assertTrue(Double.isNaN(fixed.standardErrors()[0]) && Double.isNaN(fixed.pValues()[0]));
        assertTrue(fixed.toString().lines().anyMatch(l -> l.startsWith("Asym") && l.contains("(fixed)")), fixed.toString());
        // fix(name) holds the start value: the same fit
        FitResult atStart = fit1(LOGISTIC).start(2.3, 1.5, 1).names("Asym", "xmid", "scal").fix("Asym").to(c, d);
        assertArrayEquals(fixed.parameters(), atStart.parameters(), 1e-12);
        assertEquals(fixed.aic(), atStart.aic(), 1e-10);
    }
}
