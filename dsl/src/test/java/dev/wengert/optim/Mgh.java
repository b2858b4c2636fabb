package dev.wengert.optim;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;

import java.util.ArrayList;
import java.util.List;

import static dev.wengert.Wengert.atan;
import static dev.wengert.Wengert.constant;
import static dev.wengert.Wengert.cos;
import static dev.wengert.Wengert.exp;
import static dev.wengert.Wengert.sin;
import static dev.wengert.Wengert.sqrt;
import static dev.wengert.Wengert.sum;

/**
 * The Moré–Garbow–Hillstrom unconstrained test problems (J. J. Moré, B. S. Garbow,
 * K. E. Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7(1), 17–41, 1981),
 * written over Num as sums of squares f = Σ rᵢ(x)², each with its standard start point and
 * the published minimum values (some problems list a second, local, minimum: from the standard
 * start a method may legitimately reach either). Numbers in comments are the paper's problem
 * numbers.
 */
final class Mgh {
    private Mgh() {
    }

    /**
     * @param name     the paper's name
     * @param f        the objective
     * @param x0       the standard start
     * @param minima   the published minimum values of f (the first is the global one)
     * @param relative relative tolerance on f for a non-zero minimum
     * @param zero     absolute tolerance on f when the minimum is 0
     * @param xStar    the minimiser, or null where it is not unique or not published
     */
    record Problem(String name, Fn f, double[] x0, double[] minima, double relative, double zero, double[] xStar) {
        @Override
        public String toString() {
            return name + " (n = " + x0.length + ")";
        }
    }

    static Num sumOfSquares(List<Num> r) {
        Num[] sq = new Num[r.size()];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = r.get(i).square();
        }
        return sum(sq);
    }

    // (1) Rosenbrock
    static final Fn ROSENBROCK = x -> sumOfSquares(List.of(x[1].minus(x[0].square()).times(10), x[0].neg().plus(1)));

    // (2) Freudenstein and Roth
    static final Fn FREUDENSTEIN_ROTH = x -> sumOfSquares(List.of(
            x[0].minus(13).plus(x[1].neg().plus(5).times(x[1]).minus(2).times(x[1])),
            x[0].minus(29).plus(x[1].plus(1).times(x[1]).minus(14).times(x[1]))));

    // (3) Powell badly scaled
    static final Fn POWELL_BADLY_SCALED = x -> sumOfSquares(List.of(
            x[0].times(x[1]).times(1e4).minus(1),
            exp(x[0].neg()).plus(exp(x[1].neg())).minus(1.0001)));

    // (4) Brown badly scaled
    static final Fn BROWN_BADLY_SCALED = x -> sumOfSquares(List.of(
            x[0].minus(1e6), x[1].minus(2e-6), x[0].times(x[1]).minus(2)));

    // (5) Beale
    static final Fn BEALE = x -> {
        double[] y = {1.5, 2.25, 2.625};
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            r.add(x[0].times(x[1].pow(i).neg().plus(1)).neg().plus(y[i - 1]));
        }
        return sumOfSquares(r);
    };

    // (6) Jennrich and Sampson, m = 10
    static final Fn JENNRICH_SAMPSON = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            r.add(exp(x[0].times(i)).plus(exp(x[1].times(i))).neg().plus(2 + 2 * i));
        }
        return sumOfSquares(r);
    };

    // (7) helical valley; θ by the paper's two-branch arctan (not atan2: the cut differs)
    static final Fn HELICAL_VALLEY = x -> {
        Num theta = atan(x[1].div(x[0])).div(2 * Math.PI);
        if (x[0].lt(0)) {
            theta = theta.plus(0.5);
        }
        Num r = sqrt(x[0].square().plus(x[1].square()));
        return sumOfSquares(List.of(x[2].minus(theta.times(10)).times(10), r.minus(1).times(10), x[2]));
    };

    // (8) Bard
    static final double[] BARD_Y = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34,
        2.10, 4.39};
    static final Fn BARD = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            double u = i;
            double v = 16 - i;
            double w = Math.min(u, v);
            r.add(x[0].plus(constant(u).div(x[1].times(v).plus(x[2].times(w)))).neg().plus(BARD_Y[i - 1]));
        }
        return sumOfSquares(r);
    };

    // (9) Gaussian
    static final double[] GAUSSIAN_Y = {0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521,
        0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009};
    static final Fn GAUSSIAN = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            double t = (8 - i) / 2.0;
            r.add(x[0].times(exp(x[1].times(x[2].neg().plus(t).square()).times(-0.5))).minus(GAUSSIAN_Y[i - 1]));
        }
        return sumOfSquares(r);
    };

    // (10) Meyer
    static final double[] MEYER_Y = {34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147,
        4427, 3820, 3307, 2872};
    static final Fn MEYER = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            double t = 45 + 5 * i;
            r.add(x[0].times(exp(x[1].div(x[2].plus(t)))).minus(MEYER_Y[i - 1]));
        }
        return sumOfSquares(r);
    };

    // (12) Box three-dimensional, m = 10
    static final Fn BOX_3D = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            double t = 0.1 * i;
            r.add(exp(x[0].times(-t)).minus(exp(x[1].times(-t))).minus(x[2].times(Math.exp(-t) - Math.exp(-10 * t))));
        }
        return sumOfSquares(r);
    };

    // (13) Powell singular
    static final Fn POWELL_SINGULAR = x -> sumOfSquares(List.of(
            x[0].plus(x[1].times(10)),
            x[2].minus(x[3]).times(Math.sqrt(5)),
            x[1].minus(x[2].times(2)).square(),
            x[0].minus(x[3]).square().times(Math.sqrt(10))));

    // (14) Wood
    static final Fn WOOD = x -> sumOfSquares(List.of(
            x[1].minus(x[0].square()).times(10),
            x[0].neg().plus(1),
            x[3].minus(x[2].square()).times(Math.sqrt(90)),
            x[2].neg().plus(1),
            x[1].plus(x[3]).minus(2).times(Math.sqrt(10)),
            x[1].minus(x[3]).times(1 / Math.sqrt(10))));

    // (15) Kowalik and Osborne
    static final double[] KOWALIK_Y = {0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235,
        0.0246};
    static final double[] KOWALIK_U = {4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625};
    static final Fn KOWALIK_OSBORNE = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            double u = KOWALIK_U[i];
            Num num = x[0].times(x[1].times(u).plus(u * u));
            Num den = x[2].times(u).plus(x[3]).plus(u * u);
            r.add(num.div(den).neg().plus(KOWALIK_Y[i]));
        }
        return sumOfSquares(r);
    };

    // (16) Brown and Dennis, m = 20
    static final Fn BROWN_DENNIS = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            double t = i / 5.0;
            Num a = x[0].plus(x[1].times(t)).minus(Math.exp(t));
            Num b = x[2].plus(x[3].times(Math.sin(t))).minus(Math.cos(t));
            r.add(a.square().plus(b.square()));
        }
        return sumOfSquares(r);
    };

    // (18) Biggs EXP6, m = 13
    static final Fn BIGGS_EXP6 = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 13; i++) {
            double t = 0.1 * i;
            double y = Math.exp(-t) - 5 * Math.exp(-10 * t) + 3 * Math.exp(-4 * t);
            r.add(x[2].times(exp(x[0].times(-t))).minus(x[3].times(exp(x[1].times(-t))))
                    .plus(x[5].times(exp(x[4].times(-t)))).minus(y));
        }
        return sumOfSquares(r);
    };

    // (20) Watson, m = 31 (n = x.length)
    static final Fn WATSON = x -> {
        int n = x.length;
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= 29; i++) {
            double t = i / 29.0;
            Num s1 = constant(0);
            for (int j = 2; j <= n; j++) {
                s1 = s1.plus(x[j - 1].times((j - 1) * Math.pow(t, j - 2)));
            }
            Num s2 = constant(0);
            for (int j = 1; j <= n; j++) {
                s2 = s2.plus(x[j - 1].times(Math.pow(t, j - 1)));
            }
            r.add(s1.minus(s2.square()).minus(1));
        }
        r.add(x[0]);
        r.add(x[1].minus(x[0].square()).minus(1));
        return sumOfSquares(r);
    };

    // (21) extended Rosenbrock (n even)
    static final Fn EXTENDED_ROSENBROCK = x -> {
        List<Num> r = new ArrayList<>();
        for (int i = 0; i + 1 < x.length; i += 2) {
            r.add(x[i + 1].minus(x[i].square()).times(10));
            r.add(x[i].neg().plus(1));
        }
        return sumOfSquares(r);
    };

    // (25) variably dimensioned
    static final Fn VARIABLY_DIMENSIONED = x -> {
        int n = x.length;
        List<Num> r = new ArrayList<>();
        Num s = constant(0);
        for (int j = 1; j <= n; j++) {
            r.add(x[j - 1].minus(1));
            s = s.plus(x[j - 1].minus(1).times(j));
        }
        r.add(s);
        r.add(s.square());
        return sumOfSquares(r);
    };

    // (26) trigonometric
    static final Fn TRIGONOMETRIC = x -> {
        int n = x.length;
        Num[] c = new Num[n];
        for (int j = 0; j < n; j++) {
            c[j] = cos(x[j]);
        }
        Num sumCos = sum(c);
        List<Num> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            r.add(sumCos.neg().plus(n).plus(c[i - 1].neg().plus(1).times(i)).minus(sin(x[i - 1])));
        }
        return sumOfSquares(r);
    };

    static double[] filled(int n, double v) {
        double[] x = new double[n];
        java.util.Arrays.fill(x, v);
        return x;
    }

    static double[] extendedRosenbrockStart(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i += 2) {
            x[i] = -1.2;
            x[i + 1] = 1;
        }
        return x;
    }

    static double[] variablyDimensionedStart(int n) {
        double[] x = new double[n];
        for (int j = 1; j <= n; j++) {
            x[j - 1] = 1 - (double) j / n;
        }
        return x;
    }

    /** The problems of the issue, from their standard starts, with the published minima. */
    static List<Problem> all() {
        return List.of(
                new Problem("Rosenbrock", ROSENBROCK, new double[] {-1.2, 1}, new double[] {0}, 0, 1e-16,
                        new double[] {1, 1}),
                new Problem("Freudenstein and Roth", FREUDENSTEIN_ROTH, new double[] {0.5, -2},
                        new double[] {0, 48.9842}, 1e-5, 1e-16, null),
                new Problem("Powell badly scaled", POWELL_BADLY_SCALED, new double[] {0, 1}, new double[] {0}, 0, 1e-16,
                        new double[] {1.098159e-5, 9.106146}),
                new Problem("Brown badly scaled", BROWN_BADLY_SCALED, new double[] {1, 1}, new double[] {0}, 0, 1e-16,
                        new double[] {1e6, 2e-6}),
                new Problem("Beale", BEALE, new double[] {1, 1}, new double[] {0}, 0, 1e-16, new double[] {3, 0.5}),
                new Problem("Jennrich and Sampson", JENNRICH_SAMPSON, new double[] {0.3, 0.4}, new double[] {124.362},
                        1e-5, 0, new double[] {0.2578, 0.2578}),
                new Problem("helical valley", HELICAL_VALLEY, new double[] {-1, 0, 0}, new double[] {0}, 0, 1e-16,
                        new double[] {1, 0, 0}),
                new Problem("Bard", BARD, new double[] {1, 1, 1}, new double[] {8.21487e-3, 17.4286}, 1e-5, 0, null),
                new Problem("Gaussian", GAUSSIAN, new double[] {0.4, 1, 0}, new double[] {1.12793e-8}, 1e-5, 0, null),
                new Problem("Meyer", MEYER, new double[] {0.02, 4000, 250}, new double[] {87.9458}, 1e-5, 0, null),
                new Problem("Box three-dimensional", BOX_3D, new double[] {0, 10, 20}, new double[] {0}, 0, 1e-16, null),
                new Problem("Powell singular", POWELL_SINGULAR, new double[] {3, -1, 0, 1}, new double[] {0}, 0, 1e-16,
                        null),
                new Problem("Wood", WOOD, new double[] {-3, -1, -3, -1}, new double[] {0}, 0, 1e-16,
                        new double[] {1, 1, 1, 1}),
                new Problem("Kowalik and Osborne", KOWALIK_OSBORNE, new double[] {0.25, 0.39, 0.415, 0.39},
                        new double[] {3.07505e-4, 1.02734e-3}, 1e-5, 0, null),
                new Problem("Brown and Dennis", BROWN_DENNIS, new double[] {25, 5, -5, -1}, new double[] {85822.2}, 1e-6,
                        0, null),
                new Problem("Biggs EXP6", BIGGS_EXP6, new double[] {1, 2, 1, 1, 1, 1}, new double[] {0, 5.65565e-3},
                        1e-5, 1e-16, null),
                new Problem("Watson", WATSON, filled(6, 0), new double[] {2.28767e-3}, 1e-5, 0, null),
                new Problem("extended Rosenbrock", EXTENDED_ROSENBROCK, extendedRosenbrockStart(100), new double[] {0},
                        0, 1e-16, filled(100, 1)),
                new Problem("trigonometric", TRIGONOMETRIC, filled(10, 0.1), new double[] {0, 2.79506e-5}, 1e-5, 1e-16,
                        null),
                new Problem("variably dimensioned", VARIABLY_DIMENSIONED, variablyDimensionedStart(10), new double[] {0},
                        0, 1e-16, filled(10, 1)));
    }
}
