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
 * differences; Hessians symmetric and equal to forward-over-forward.
 *
 * <p>{@code -Dwengert.fuzz.programs=N} and {@code -Dwengert.fuzz.seed=S} set the run (CI:
 * 10,000 programs from seed 1). See RELIABILITY.md for the long run.
 */
class DifferentialFuzzTest {

    static final int PROGRAMS = Integer.getInteger("wengert.fuzz.programs", 10_000);
    static final long SEED = Long.getLong("wengert.fuzz.seed", 1L);
    /** Finite differences (the costly oracle) on every k-th program; 1 in CI, larger for the long run. */
    static final int FD_EVERY = Integer.getInteger("wengert.fuzz.fdEvery", 1);

    /** Relative difference, with an absolute floor of 1 so values near 0 compare sanely. */
    static double diff(double a, double b) {
        if (a == b || (Double.isNaN(a) && Double.isNaN(b))) {
            return 0;
        }
        return Math.abs(a - b) / Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }

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
                if (diff(fwd[i], rev[i]) > 1e-11) {
                    // Reverse mode can add huge contributions that cancel (a partial of 1e14 into a
                    // value whose own derivative is exactly 0, as in atan2(y, x − x)); forward mode
                    // never forms them. The rounding such sums may lose is bounded by the scale of
                    // the terms summed (gradientScale); a rule defect is far outside that bound.
                    double scale = gradientScale(prog, x)[i];
                    if (Math.abs(fwd[i] - rev[i]) <= 256 * Math.ulp(1.0) * scale) {
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
                if (diff(compiled[i], fresh[i]) > 1e-13) {
                    failures.add(prog + "\n  at " + java.util.Arrays.toString(x2) + ": compiled " + compiled[i]
                            + " vs fresh recording " + fresh[i] + " (recordings " + c.recordings() + ")");
                }
            }
            // finite differences: only where no branch flips inside the stencil (the compiled
            // tape's guards tell) — there the function is smooth
            for (int i = 0; i < n && p % FD_EVERY == 0; i++) {
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
                if (!(fde[1] <= 1e-8 * Math.max(1, Math.abs(fd)))) {
                    fdInconclusive++;                      // Ridders' own error estimate says it cannot tell
                    continue;
                }
                fdChecked++;
                // a central difference of f cannot resolve better than the rounding of f itself,
                // |f|·ε/h: a function of 5e7 with slope 1 is off by ~1e-5 at h = 1e-3
                double floor = 64 * Math.ulp(Math.abs(value)) / h;
                if (Math.abs(fd - rev[i]) > 1e-6 * Math.max(1, Math.abs(rev[i])) + floor) {
                    failures.add(prog + "\n  at " + java.util.Arrays.toString(x) + ": ∂/∂x" + i + " reverse " + rev[i]
                            + " vs finite differences " + fd);
                }
            }
            if (!prog.usesCustomRule && n <= 3 && p % 4 == 0) {
                // The forward-over-reverse Hessian sums the same terms as the reverse gradient
                // (with tangents); where those lost most digits to cancellation (see above), so
                // did the Hessian, while forward over forward never forms them: no verdict there.
                double[] gs = gradientScale(prog, x);
                boolean cancelled = false;
                for (int i = 0; i < n; i++) {
                    cancelled |= gs[i] > 1e6 * Math.max(1, Math.abs(rev[i]));
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
                double hj = Math.max(hessianJitter(prog, x, h1), 1e-9 * scale);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (Math.abs(h1[i][j] - h2[i][j]) > 10 * hj || Math.abs(h1[i][j] - h1[j][i]) > 10 * hj) {
                            failures.add(prog + "\n  at " + java.util.Arrays.toString(x) + ": H[" + i + "][" + j + "] "
                                    + h1[i][j] + ", transposed " + h1[j][i] + ", forward over forward " + h2[i][j]);
                        }
                    }
                }
            }
        }
        System.out.printf("differential fuzzing: %d programs from seed %d (finite differences on every %d), "
                + "%d checked (%d skipped for overflow), %d finite-difference comparisons (%d inconclusive by "
                + "Ridders' own error estimate), %d Hessians (%d not compared: the reverse "
                + "sweep lost over 6 digits to cancellation), %d forward/reverse differences explained by "
                + "cancellation (within the rounding bound of gradientScale), %d failures%n",
                PROGRAMS, SEED, FD_EVERY, checked, skipped, fdChecked, fdInconclusive, hessians, hessianCancellations,
                cancellations, failures.size());
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
        assertTrue(checked > PROGRAMS / 2, "most programs must be checkable, not skipped: " + checked);
    }

    /** The same for Hessians: how much forward-over-reverse wobbles between neighbouring points. */
    static double hessianJitter(RandomProgram prog, double[] x, double[][] h0) {
        double j = 0;
        for (int k = 1; k <= 3; k++) {
            double[] y = x.clone();
            for (int q = 0; q < y.length; q++) {
                y[q] += k * 16 * Math.ulp(y[q]);
            }
            double[][] h = hessian(prog, y);
            for (int a = 0; a < h.length; a++) {
                for (int b = 0; b < h.length; b++) {
                    j = Math.max(j, Math.abs(h[a][b] - h0[a][b]));
                }
            }
        }
        return j;
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
