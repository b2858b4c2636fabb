package dev.wengert.fuzz;

import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.core.Oracles;
import dev.wengert.compile.CompiledFn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential fuzzing: random programs over Num (the whole rule table, shared
 * subexpressions, branches, loops, tensors, a user rule), each checked at a random point:
 * forward = reverse = compiled tape; gradients against Ridders-extrapolated central
 * differences; Hessians symmetric and equal to forward-over-forward. The tolerances are the
 * constants below, and RELIABILITY.md states them as they are written here.
 *
 * <p>The run also asserts its own coverage, so a change that quietly skips most programs
 * fails: at least {@link #MIN_CHECKED_SHARE} of the programs checked, at least
 * {@link #MIN_FD_SHARE} of the inputs offered to finite differences compared, at least
 * {@link #MIN_HESSIAN_SHARE} of the programs offered a Hessian compared.
 *
 * <p>{@code -Dwengert.fuzz.programs=N} and {@code -Dwengert.fuzz.seed=S} set the run (CI:
 * 10,000 programs from seed 1); {@code -Dwengert.fuzz.fdEvery=K} compares finite differences
 * on every K-th program only (the long run). The counts are a deterministic function of the
 * seed and the code. See RELIABILITY.md for the figures and the long run's log.
 */
class DifferentialFuzzTest {

    static final int PROGRAMS = Integer.getInteger("wengert.fuzz.programs", 10_000);
    static final long SEED = Long.getLong("wengert.fuzz.seed", 1L);
    /** Finite differences (the costly oracle) on every k-th program; 1 in CI, larger for the long run. */
    static final int FD_EVERY = Integer.getInteger("wengert.fuzz.fdEvery", 1);

    /**
     * Forward and reverse gradients agree to |f − r| ≤ 1e-11·max(1, |f|, |r|): relative above 1,
     * absolute below. Made purely relative, seed 2 fails on a gradient of 2.7e-21 (an erf of a
     * large argument) that reverse mode gives as exactly 0, with no terms summed to show for it…
     */
    static final double MODES_RELATIVE = 1e-11;
    /** …or else within this many ε of the scale of the terms the reverse sweep summed (gradientScale). */
    static final double CANCELLATION_ULPS = 256;
    /** Finite differences: |FD − reverse| ≤ 1e-6·max(1, |reverse|) + 64·ulp(f)/h… */
    static final double FD_TOLERANCE = 1e-6;
    /** …compared only where Ridders' own error estimate is at most 1e-8·max(1, |FD|). */
    static final double FD_ESTIMATE = 1e-8;
    /** Hessians: |H − Hᵀ| and |H(fwd over rev) − H(fwd over fwd)| ≤ 1e-9·max(1, max |Hᵢⱼ|). */
    static final double HESSIAN_TOLERANCE = 1e-9;
    /** Programs whose reverse sweep lost more than 6 digits (gradientScale > 1e6·max(1, |∂f|)) get no Hessian verdict. */
    static final double HESSIAN_CANCELLATION = 1e6;

    static final double MIN_CHECKED_SHARE = 0.99;
    static final double MIN_FD_SHARE = 0.95;
    static final double MIN_HESSIAN_SHARE = 0.95;

    @Test
    void randomProgramsAgreeAcrossModesCompiledTapesFiniteDifferencesAndHessians() {
        Random rnd = new Random(SEED);
        int checked = 0;
        int skipped = 0;
        int fdChecked = 0;
        int hessians = 0;
        int cancellations = 0;
        int hessianCancellations = 0;
        int fdInconclusive = 0;
        int fdOffered = 0;
        int hessiansOffered = 0;
        List<String> failures = new ArrayList<>();
        for (int p = 0; p < PROGRAMS && failures.size() < 5; p++) {
            long seed = rnd.nextLong();
            int n = 1 + rnd.nextInt(4);
            RandomProgram prog = new RandomProgram(seed, n, 4 + rnd.nextInt(14));
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
            }
            double[] rev;
            double[] fwd;
            double value;
            try {
                value = prog.apply(constants(x)).value();
                rev = gradient(Mode.REVERSE, prog, x);
                fwd = gradient(Mode.FORWARD, prog, x);
            } catch (RuntimeException e) {
                failures.add(prog + "\n  threw " + e);
                continue;
            }
            if (!Double.isFinite(value) || !allFinite(rev) || Math.abs(value) > 1e12) {
                skipped++;                                 // overflow of a random composition: no oracle
                continue;
            }
            checked++;
            for (int i = 0; i < n; i++) {
                if (Math.abs(fwd[i] - rev[i]) > MODES_RELATIVE * Math.max(1, Math.max(Math.abs(fwd[i]), Math.abs(rev[i])))) {
                    // Reverse mode can add huge contributions that cancel (a partial of 1e14 into a
                    // value whose own derivative is exactly 0, as in atan2(y, x − x)); forward mode
                    // never forms them. The rounding such sums may lose is bounded by the scale of
                    // the terms summed (gradientScale); a rule defect is far outside that bound.
                    double scale = gradientScale(prog, x)[i];
                    if (Math.abs(fwd[i] - rev[i]) <= CANCELLATION_ULPS * Math.ulp(1.0) * scale) {
                        cancellations++;
                    } else {
                        failures.add(prog + "\n  at " + java.util.Arrays.toString(x) + ": forward " + fwd[i]
                                + " vs reverse " + rev[i] + " (scale of the summed terms " + scale + ")");
                    }
                }
            }
            CompiledFn c = compile(prog, x);
            double[] x2 = x.clone();
            x2[0] += 1e-3;
            double[] compiled = c.gradient(x2);
            double[] fresh = gradient(prog, x2);
            for (int i = 0; i < n; i++) {
                // the replay runs the recording's operations in its order: the same bits
                if (Double.doubleToLongBits(compiled[i]) != Double.doubleToLongBits(fresh[i])) {
                    failures.add(prog + "\n  at " + java.util.Arrays.toString(x2) + ": compiled " + compiled[i]
                            + " vs fresh recording " + fresh[i] + " (recordings " + c.recordings() + ")");
                }
            }
            // a second call sweeps with the program's own sweep (the first was the tape's, which
            // found what the sweep reaches): its paths for one, two and n operands, the same bits
            double[] x3 = x2.clone();
            x3[n - 1] -= 1e-3;
            double[] again = c.gradient(x3);
            double[] fresh3 = gradient(prog, x3);
            for (int i = 0; i < n; i++) {
                if (Double.doubleToLongBits(again[i]) != Double.doubleToLongBits(fresh3[i])) {
                    failures.add(prog + "\n  at " + java.util.Arrays.toString(x3) + ", a second call: compiled "
                            + again[i] + " vs fresh recording " + fresh3[i] + " (recordings " + c.recordings() + ")");
                }
            }
            // finite differences: only where no branch flips inside the stencil (the compiled
            // tape's guards tell) — there the function is smooth
            for (int i = 0; i < n && p % FD_EVERY == 0; i++) {
                fdOffered++;
                final int k = i;
                double h = 1e-3 * Math.max(1, Math.abs(x[i]));
                CompiledFn guard = compile(prog, x);
                double[] lo = x.clone();
                double[] hi = x.clone();
                lo[i] -= 2 * h;
                hi[i] += 2 * h;
                guard.value(lo);
                guard.value(hi);
                if (guard.recordings() > 1 || nearKink(prog, x, i, h)) {
                    continue;
                }
                double[] fde = Oracles.riddersWithError(t -> {
                    double[] q = x.clone();
                    q[k] = t;
                    return prog.apply(constants(q)).value();
                }, x[i], Math.min(h, 0.1 / Math.max(1, Math.abs(rev[i]))));
                double fd = fde[0];
                if (!(fde[1] <= FD_ESTIMATE * Math.max(1, Math.abs(fd)))) {
                    fdInconclusive++;                      // Ridders' own error estimate says it cannot tell
                    continue;
                }
                fdChecked++;
                // a central difference of f cannot resolve better than the rounding of f itself,
                // |f|·ε/h: a function of 5e7 with slope 1 is off by ~1e-5 at h = 1e-3
                double floor = 64 * Math.ulp(Math.abs(value)) / h;
                if (Math.abs(fd - rev[i]) > FD_TOLERANCE * Math.max(1, Math.abs(rev[i])) + floor) {
                    failures.add(prog + "\n  at " + java.util.Arrays.toString(x) + ": ∂/∂x" + i + " reverse " + rev[i]
                            + " vs finite differences " + fd);
                }
            }
            if (!prog.usesCustomRule && n <= 3 && p % 4 == 0) {
                hessiansOffered++;
                // The forward-over-reverse Hessian sums the same terms as the reverse gradient
                // (with tangents); where those lost most digits to cancellation (see above), so
                // did the Hessian, while forward over forward never forms them: no verdict there.
                double[] gs = gradientScale(prog, x);
                boolean cancelled = false;
                for (int i = 0; i < n; i++) {
                    cancelled |= gs[i] > HESSIAN_CANCELLATION * Math.max(1, Math.abs(rev[i]));
                }
                if (cancelled) {
                    hessianCancellations++;
                    continue;
                }
                double[][] h1 = hessian(Mode.FORWARD, Mode.REVERSE, prog, x);
                double[][] h2 = hessian(Mode.FORWARD, Mode.FORWARD, prog, x);
                hessians++;
                double scale = 1;
                for (double[] row : h1) {
                    for (double v : row) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                }
                double tol = HESSIAN_TOLERANCE * scale;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (Math.abs(h1[i][j] - h2[i][j]) > tol || Math.abs(h1[i][j] - h1[j][i]) > tol) {
                            failures.add(prog + "\n  at " + java.util.Arrays.toString(x) + ": H[" + i + "][" + j + "] "
                                    + h1[i][j] + ", transposed " + h1[j][i] + ", forward over forward " + h2[i][j]);
                        }
                    }
                }
            }
        }
        System.out.printf("differential fuzzing: %d programs from seed %d (finite differences on every %d), "
                + "%d checked (%d skipped for overflow), %d finite-difference comparisons of %d inputs offered "
                + "(%d inconclusive by Ridders' own error estimate, the rest at a guard flip or kink), %d Hessians "
                + "of %d offered (%d not compared: the reverse sweep lost over 6 digits to cancellation), %d "
                + "forward/reverse differences explained by cancellation (within the rounding bound of "
                + "gradientScale), %d failures%n",
                PROGRAMS, SEED, FD_EVERY, checked, skipped, fdChecked, fdOffered, fdInconclusive, hessians,
                hessiansOffered, hessianCancellations, cancellations, failures.size());
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        assertTrue(checked >= MIN_CHECKED_SHARE * PROGRAMS, "programs checked, not skipped for overflow: " + checked
                + " of " + PROGRAMS);
        assertTrue(fdChecked >= MIN_FD_SHARE * fdOffered, "finite-difference comparisons: " + fdChecked + " of "
                + fdOffered + " inputs offered");
        assertTrue(hessians >= MIN_HESSIAN_SHARE * hessiansOffered, "Hessians compared: " + hessians + " of "
                + hessiansOffered + " offered");
        // and the offers themselves: every FD_EVERY-th checked program offers its inputs (1 to 4), every
        // 4th without a user rule and with at most 3 inputs a Hessian
        assertTrue(fdOffered >= checked / FD_EVERY, "inputs offered to finite differences: " + fdOffered);
        assertTrue(hessiansOffered >= PROGRAMS / 12, "programs offered a Hessian: " + hessiansOffered);
    }

    /** Whether a kink (abs, relu, max, min at a tie) lies within the stencil: detected as a jump in the slope. */
    private static boolean nearKink(RandomProgram prog, double[] x, int i, double h) {
        double[] a = x.clone();
        double[] b = x.clone();
        a[i] -= 2 * h;
        b[i] += 2 * h;
        double ga = gradient(prog, a)[i];
        double gb = gradient(prog, b)[i];
        double g = gradient(prog, x)[i];
        // a smooth function changes its slope by O(h) here; a kink changes it by O(1)
        double curvature = Math.abs(gb - ga) / (4 * h);
        return curvature > 1e4 * Math.max(1, Math.abs(g));
    }

    static Num[] constants(double[] x) {
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = constant(x[i]);
        }
        return c;
    }

    static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
