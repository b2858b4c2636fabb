package dev.wengert.fit;

/**
 * Levenberg–Marquardt as MINPACK's {@code lmder} defines it (Moré, "The Levenberg–Marquardt
 * algorithm: implementation and theory", 1978): a trust region of radius Δ on the parameters
 * scaled by D, the Jacobian's column norms (never decreasing); each step the λ for which the
 * damped least-squares step x(λ) has ‖D·x‖ within 10% of Δ, found by safeguarded Newton
 * iterations on φ(λ) = ‖D·x(λ)‖ − Δ; Δ updated from the ratio of actual to predicted
 * reduction; and MINPACK's three tests (relative reduction, relative step, orthogonality).
 * These are the rules Commons Math's port follows, which fits used before, so a fit converges
 * where it converged before.
 *
 * <p>One test is our own, for many rows: a Gauss–Newton step (λ = 0, not cut short by Δ) that
 * predicted a relative reduction of ‖f‖² of at most the cost tolerance and changed ‖f‖² by no
 * more than its rounding (a bound: 4·(m + 1)·ε relative, m rows) ends the run, at the point
 * before it when the step was rejected, at the step when it was accepted. The linear model has
 * nothing left to give there. MINPACK's reduction test also wants the actual change within
 * the tolerance, which the rounding of a sum over 10⁵ rows exceeds (2·10⁻¹⁴ against 10⁻¹⁴), so
 * it shrank Δ tenfold pass after pass, each step rejected, until the noise happened to fall
 * below — five or six passes over the data of a ten-pass fit, for the same point (the steps
 * were all rejected) that the refinement then polishes anyway. And it wants the ratio of
 * actual to predicted reduction at most 2, which a step whose rounding happened to lower
 * ‖f‖² by an ulp fails (1 ulp against a prediction of 10⁻¹⁸ is a ratio of 100 and more): a
 * logistic of 10⁴ rows took two more such steps, each a pass over the data, for no change
 * beyond rounding; the refinement's one Gauss–Newton step from the first of them does the same
 * work (a fit of 8 passes, was 9: {@code LmTest}).
 *
 * <p>What is our own is where the QR factorisation comes from: the rows of [A | f] in blocks
 * ({@link BlockQr}), A the residuals' Jacobian, then the column-pivoted QR that the algorithm
 * needs is taken of that small R instead of the m×p matrix. Pivoting R selects the same
 * columns as pivoting A (the norms of the remaining parts of the columns are equal: Q is
 * orthogonal), and both factorisations are backward stable column by column.
 *
 * <p>Why not Commons Math's optimizer any more: a profile of a fit of 10⁵ rows put a fifth of
 * its time there, mostly copying — the Jacobian into an {@code Array2DRowRealMatrix} of m row
 * arrays, again negated for the factorisation, the residuals into new vectors — and it needs
 * the whole m×p Jacobian in memory, which a fit of 10⁷ rows should not.
 */
final class Lm {
    private static final double EPS2 = 2 * Math.ulp(1.0);
    /** A column whose squared norm (below the rows already reduced) is at most this counts as zero. */
    private static final double ZERO_COLUMN = Double.MIN_NORMAL;

    /** How LM stopped. */
    enum Stop {
        /** One of its tolerances was met. */
        CONVERGED,
        /** A tolerance this small cannot be met in floating point: no further reduction is possible. */
        COST_TOO_SMALL, STEP_TOO_SMALL, ORTHOGONALITY_TOO_SMALL,
        /** It used its evaluations without converging. */
        EVALUATIONS
    }

    /** The problem: residuals f(q) and their Jacobian A(q), evaluated together. */
    interface Problem {
        int rows();

        int unknowns();

        /**
         * Evaluates at q (or finds q among the points kept) and returns a handle for it, valid
         * while at most one other point is evaluated after it.
         */
        int evaluate(double[] q);

        /** ‖f‖ at an evaluated point (huge where the model is not finite there). */
        double cost(int point);

        /** Adds the rows of [A | f] at an evaluated point to qr. */
        void factor(int point, BlockQr qr);
    }

    /**
     * How a run ended: the point (the last accepted), and, when the run stopped right after
     * rejecting a step, that step's point ({@code trial}) and ‖f‖ there and at {@code point}
     * ({@code trialNorm}, {@code norm}); null and NaN otherwise. The trial is the problem's
     * latest evaluation, so whoever continues from it (the refinement, when its cost is
     * within rounding of the accepted point's) needs no pass over the data to re-evaluate the
     * accepted point that the trial displaced.
     */
    record Result(double[] point, int iterations, int evaluations, Stop stop, double[] trial, double norm,
                  double trialNorm) {
        Result(double[] point, int iterations, int evaluations, Stop stop) {
            this(point, iterations, evaluations, stop, null, Double.NaN, Double.NaN);
        }
    }

    private final double stepBoundFactor;
    private final double costTolerance;
    private final double stepTolerance;
    private final double orthoTolerance;

    /**
     * @param stepBoundFactor the first Δ, relative to ‖D·q₀‖ (MINPACK's factor, 100 by default)
     * @param costTolerance   stop when the actual and predicted relative reductions of ‖f‖² are at most this
     * @param stepTolerance   stop when Δ is at most this times ‖D·q‖
     * @param orthoTolerance  stop when the cosine of every angle between f and a column of A is at most this
     */
    Lm(double stepBoundFactor, double costTolerance, double stepTolerance, double orthoTolerance) {
        this.stepBoundFactor = stepBoundFactor;
        this.costTolerance = costTolerance;
        this.stepTolerance = stepTolerance;
        this.orthoTolerance = orthoTolerance;
    }

    /**
     * A·P = Q·R with column pivoting, from the R of [A | f]: {@code u} is R in pivoted column
     * order (u[i][j], i ≤ j: row i, the j-th column chosen), {@code perm[j]} the parameter of the
     * j-th column, {@code qtf} = Qᵀf, {@code norms} A's column norms by parameter, {@code rank}
     * the columns of norm above zero.
     */
    static final class Qr {
        final int n;
        final double[][] u;
        final int[] perm;
        final double[] qtf;
        final double[] norms;
        int rank;

        Qr(int n) {
            this.n = n;
            u = new double[n][n];
            perm = new int[n];
            qtf = new double[n];
            norms = new double[n];
        }

        /**
         * From R (c×c row-major, c = n + 1) of [A | f]. At each step the remaining column of
         * largest norm over the remaining rows is reduced by a Householder reflection, which is
         * also applied to Qᵀf; the columns move into pivoted order as they are chosen.
         */
        void factor(double[] r) {
            int c = n + 1;
            double[][] a = new double[n][n];              // a[col][row]: columns are swapped whole
            for (int j = 0; j < n; j++) {
                perm[j] = j;
                double s = 0;
                for (int i = 0; i <= j; i++) {
                    a[j][i] = r[i * c + j];
                    s += a[j][i] * a[j][i];
                }
                norms[j] = Math.sqrt(s);
                qtf[j] = r[j * c + n];
            }
            rank = n;
            for (int k = 0; k < n; k++) {
                int best = -1;
                double bestNorm2 = Double.NEGATIVE_INFINITY;
                for (int j = k; j < n; j++) {
                    double s = 0;
                    for (int i = k; i < n; i++) {
                        s += a[j][i] * a[j][i];
                    }
                    if (!Double.isFinite(s)) {
                        throw new IllegalStateException("the Jacobian is not finite");
                    }
                    if (s > bestNorm2) {
                        best = j;
                        bestNorm2 = s;
                    }
                }
                if (bestNorm2 <= ZERO_COLUMN) {
                    rank = k;
                    break;
                }
                double[] t = a[best];
                a[best] = a[k];
                a[k] = t;
                int tp = perm[best];
                perm[best] = perm[k];
                perm[k] = tp;
                double[] v = a[k];
                double head = v[k];
                double alpha = head > 0 ? -Math.sqrt(bestNorm2) : Math.sqrt(bestNorm2);
                double beta = 1.0 / (bestNorm2 - head * alpha);
                v[k] = head - alpha;                     // v = column − α·e_k, reflection I − β·v·vᵀ
                for (int j = k + 1; j < n; j++) {
                    reflect(v, a[j], k, beta);
                }
                reflect(v, qtf, k, beta);
                v[k] = alpha;
                for (int i = k + 1; i < n; i++) {
                    v[i] = 0.0;
                }
            }
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    u[i][j] = i <= j ? a[j][i] : 0.0;
                }
            }
        }

        private static void reflect(double[] v, double[] y, int from, double beta) {
            double g = 0;
            for (int i = from; i < v.length; i++) {
                g += v[i] * y[i];
            }
            g *= beta;
            for (int i = from; i < v.length; i++) {
                y[i] -= g * v[i];
            }
        }
    }

    /** Runs LM from start, with at most maxEvaluations evaluations (the first at start). */
    Result run(Problem problem, double[] start, int maxEvaluations) {
        int n = problem.unknowns();
        int solved = Math.min(problem.rows(), n);
        // how far the relative change of ‖f‖² can be rounding alone: ‖f‖² is a sum over the rows,
        // each term and each addition rounded (a bound, not the typical size, ~√rows·ε)
        double costNoise = 4.0 * (problem.rows() + 1) * Math.ulp(1.0);
        double[] q = start.clone();
        double[] saved = new double[n];
        double[] d = new double[n];                       // D, by parameter
        double[] step = new double[n];                    // by parameter
        Qr f = new Qr(n);
        BlockQr rows = new BlockQr(n + 1);
        double lambda = 0;
        double radius = 0;
        double scaledNorm = 0;
        if (maxEvaluations < 1) {
            return new Result(q, 0, 0, Stop.EVALUATIONS);
        }
        int evaluations = 1;
        int iterations = 0;
        int current = problem.evaluate(q);
        double cost = problem.cost(current);
        boolean first = true;
        while (true) {
            iterations++;
            rows.reset();
            problem.factor(current, rows);
            f.factor(rows.r());
            if (first) {
                for (int j = 0; j < n; j++) {
                    d[j] = f.norms[j] == 0 ? 1.0 : f.norms[j];
                }
                scaledNorm = scaledNorm(d, q);
                radius = scaledNorm == 0 ? stepBoundFactor : stepBoundFactor * scaledNorm;
            }
            double cosine = cost == 0 ? 0 : largestCosine(f, solved, cost);
            if (cosine <= orthoTolerance) {
                return new Result(q, iterations, evaluations, Stop.CONVERGED);
            }
            for (int j = 0; j < n; j++) {
                d[j] = Math.max(d[j], f.norms[j]);
            }
            double ratio = 0;
            while (ratio < 1.0e-4) {
                System.arraycopy(q, 0, saved, 0, n);
                double before = cost;
                lambda = lmParameter(f, d, radius, solved, lambda, step);
                boolean gaussNewton = lambda == 0;
                // step is the solution x of min ‖A·x − f‖ + λ‖D·x‖: the parameters move by −x
                double stepNorm = 0;
                for (int j = 0; j < solved; j++) {
                    int p = f.perm[j];
                    step[p] = -step[p];
                    q[p] = saved[p] + step[p];
                    stepNorm += (d[p] * step[p]) * (d[p] * step[p]);
                }
                stepNorm = Math.sqrt(stepNorm);
                if (first) {
                    radius = Math.min(radius, stepNorm);
                }
                if (evaluations >= maxEvaluations) {
                    return new Result(saved, iterations, evaluations, Stop.EVALUATIONS);
                }
                evaluations++;
                int trial = problem.evaluate(q);
                cost = problem.cost(trial);

                // reductions of ‖f‖², relative to it: actual, and predicted by the linear model
                double actual = 0.1 * cost < before ? 1.0 - (cost / before) * (cost / before) : -1.0;
                double linear = 0;
                for (int i = 0; i < solved; i++) {
                    double s = 0;
                    for (int j = i; j < solved; j++) {
                        s += f.u[i][j] * step[f.perm[j]];
                    }
                    linear += s * s;
                }
                linear /= before * before;
                double damping = lambda * stepNorm * stepNorm / (before * before);
                double predicted = linear + 2 * damping;
                double slope = -(linear + damping);
                ratio = predicted == 0 ? 0 : actual / predicted;

                if (ratio <= 0.25) {
                    double shrink = actual < 0 ? 0.5 * slope / (slope + 0.5 * actual) : 0.5;
                    if (0.1 * cost >= before || shrink < 0.1) {
                        shrink = 0.1;
                    }
                    radius = shrink * Math.min(radius, 10.0 * stepNorm);
                    lambda /= shrink;
                } else if (lambda == 0 || ratio >= 0.75) {
                    radius = 2 * stepNorm;
                    lambda *= 0.5;
                }
                double[] rejected = null;
                double rejectedNorm = Double.NaN;
                if (ratio >= 1.0e-4) {
                    first = false;
                    current = trial;
                    scaledNorm = scaledNorm(d, q);
                } else {
                    if (0.1 * cost < before) {
                        rejected = q.clone();              // finite and near: a point to go on from
                        rejectedNorm = cost;
                    }
                    cost = before;
                    System.arraycopy(saved, 0, q, 0, n);
                }

                if ((Math.abs(actual) <= costTolerance && predicted <= costTolerance && ratio <= 2.0)
                        || radius <= stepTolerance * scaledNorm) {
                    return new Result(q, iterations, evaluations, Stop.CONVERGED, rejected, cost, rejectedNorm);
                }
                // our own test (see the class comment): the Gauss–Newton step has nothing left to give,
                // and what it changed is rounding, whether that looked like a loss (rejected) or a gain
                // (accepted, its ratio then anything: a ulp of ‖f‖² over a predicted 10⁻²⁰)
                if (gaussNewton && predicted <= costTolerance && Math.abs(actual) <= costNoise) {
                    return new Result(q, iterations, evaluations, Stop.CONVERGED, rejected, cost, rejectedNorm);
                }
                if (Math.abs(actual) <= EPS2 && predicted <= EPS2 && ratio <= 2.0) {
                    return new Result(q, iterations, evaluations, Stop.COST_TOO_SMALL, rejected, cost, rejectedNorm);
                }
                if (radius <= EPS2 * scaledNorm) {
                    return new Result(q, iterations, evaluations, Stop.STEP_TOO_SMALL, rejected, cost, rejectedNorm);
                }
                if (cosine <= EPS2) {
                    return new Result(q, iterations, evaluations, Stop.ORTHOGONALITY_TOO_SMALL, rejected, cost, rejectedNorm);
                }
            }
        }
    }

    private static double scaledNorm(double[] d, double[] q) {
        double s = 0;
        for (int k = 0; k < q.length; k++) {
            s += (d[k] * q[k]) * (d[k] * q[k]);
        }
        return Math.sqrt(s);
    }

    /** max over columns of |Aⱼᵀf| / (‖Aⱼ‖·‖f‖), from R and Qᵀf. */
    private static double largestCosine(Qr f, int solved, double cost) {
        double m = 0;
        for (int j = 0; j < solved; j++) {
            double norm = f.norms[f.perm[j]];
            if (norm != 0) {
                double s = 0;
                for (int i = 0; i <= j; i++) {
                    s += f.u[i][j] * f.qtf[i];
                }
                m = Math.max(m, Math.abs(s) / (norm * cost));
            }
        }
        return m;
    }

    /**
     * The λ ≥ 0 for which the solution x of min ‖A·x − f‖² + λ‖D·x‖² has |‖D·x‖ − Δ| ≤ 0.1·Δ,
     * or 0 when the Gauss–Newton step is already within 1.1·Δ; x is written to {@code x} by
     * parameter. Safeguarded Newton iterations on φ(λ) = ‖D·x(λ)‖ − Δ between a lower bound (from
     * the Gauss–Newton step, 0 when A is rank-deficient) and an upper bound (‖(A·D⁻¹)ᵀf‖/Δ), at
     * most 11, starting from the previous λ (MINPACK's lmpar).
     */
    private static double lmParameter(Qr f, double[] d, double radius, int solved, double lambda, double[] x) {
        int n = f.n;
        int rank = f.rank;
        // the Gauss–Newton step, pivoted: R₁₁·z = (Qᵀf)₁ on the leading rank columns, 0 beyond
        double[] z = new double[n];
        for (int j = rank - 1; j >= 0; j--) {
            double s = f.qtf[j];
            for (int i = j + 1; i < rank; i++) {
                s -= f.u[j][i] * z[i];
            }
            z[j] = s / f.u[j][j];
        }
        double[] dz = new double[n];                      // D·z, pivoted
        for (int j = 0; j < n; j++) {
            x[f.perm[j]] = z[j];
        }
        for (int j = 0; j < solved; j++) {
            dz[j] = d[f.perm[j]] * z[j];
        }
        double norm = norm(dz, solved);
        double phi = norm - radius;
        if (phi <= 0.1 * radius) {
            return 0;
        }
        // lower bound: φ(0) / (Δ·‖R⁻ᵀ·D·(D·z)/‖D·z‖‖²), when R is of full rank
        double lower = 0;
        if (rank == solved) {
            double[] w = new double[n];
            for (int j = 0; j < solved; j++) {
                w[j] = d[f.perm[j]] * dz[j] / norm;
            }
            for (int j = 0; j < solved; j++) {
                double s = w[j];
                for (int i = 0; i < j; i++) {
                    s -= f.u[i][j] * w[i];
                }
                w[j] = s / f.u[j][j];
            }
            double s2 = 0;
            for (int j = 0; j < solved; j++) {
                s2 += w[j] * w[j];
            }
            lower = phi / (radius * s2);
        }
        // upper bound: ‖D⁻¹·Rᵀ·Qᵀf‖ / Δ
        double s2 = 0;
        for (int j = 0; j < solved; j++) {
            double s = 0;
            for (int i = 0; i <= j; i++) {
                s += f.u[i][j] * f.qtf[i];
            }
            s /= d[f.perm[j]];
            s2 += s * s;
        }
        double gradient = Math.sqrt(s2);
        double upper = gradient / radius;
        if (upper == 0) {
            upper = Double.MIN_NORMAL / Math.min(radius, 0.1);
        }
        lambda = Math.min(upper, Math.max(lambda, lower));
        if (lambda == 0) {
            lambda = gradient / norm;
        }
        double[] sDiag = new double[n];
        for (int iteration = 0; iteration <= 10; iteration++) {
            if (lambda == 0) {
                lambda = Math.max(Double.MIN_NORMAL, 0.001 * upper);
            }
            double[][] s = dampedStep(f, d, Math.sqrt(lambda), solved, z, sDiag);
            for (int j = 0; j < n; j++) {
                x[f.perm[j]] = z[j];
            }
            for (int j = 0; j < solved; j++) {
                dz[j] = d[f.perm[j]] * z[j];
            }
            norm = norm(dz, solved);
            double before = phi;
            phi = norm - radius;
            // MINPACK stops after its tenth correction with the λ the step was computed for
            if (Math.abs(phi) <= 0.1 * radius || (lower == 0 && phi <= before && before < 0) || iteration == 10) {
                return lambda;
            }
            // Newton's correction: φ / (Δ·‖S⁻ᵀ·D·(D·z)/‖D·z‖‖²), S the damped triangle
            double[] w = new double[n];
            for (int j = 0; j < solved; j++) {
                w[j] = d[f.perm[j]] * dz[j] / norm;
            }
            for (int j = 0; j < solved; j++) {
                w[j] /= sDiag[j];
                for (int i = j + 1; i < solved; i++) {
                    w[i] -= s[i][j] * w[j];
                }
            }
            double w2 = 0;
            for (int j = 0; j < solved; j++) {
                w2 += w[j] * w[j];
            }
            double correction = phi / (radius * w2);
            if (phi > 0) {
                lower = Math.max(lower, lambda);
            } else if (phi < 0) {
                upper = Math.min(upper, lambda);
            }
            lambda = Math.max(lower, lambda + correction);
        }
        return lambda;
    }

    private static double norm(double[] v, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += v[j] * v[j];
        }
        return Math.sqrt(s);
    }

    /**
     * The least-squares solution z (pivoted order) of [R; √λ·D·P]·z ≈ [Qᵀf; 0] (MINPACK's
     * qrsolv): the rows of √λ·D are rotated into R one by one (Givens), giving a triangle S
     * whose diagonal goes to sDiag and whose rows below the diagonal are returned (S is lower
     * triangular in this layout: s[i][j], i ≥ j, the transpose of the upper triangle); a zero
     * on S's diagonal ends the solution there (the rest of z is 0).
     */
    private static double[][] dampedStep(Qr f, double[] d, double sqrtLambda, int solved, double[] z, double[] sDiag) {
        int n = f.n;
        double[][] s = new double[n][n];                  // s[i][j] = R[j][i] below the diagonal
        double[] rhs = new double[n];
        for (int j = 0; j < solved; j++) {
            s[j][j] = f.u[j][j];
            for (int i = j + 1; i < solved; i++) {
                s[i][j] = f.u[j][i];
            }
            rhs[j] = f.qtf[j];
        }
        double[] row = new double[n];
        for (int j = 0; j < solved; j++) {
            // the row of √λ·D for parameter perm[j]: a single entry, in column j
            java.util.Arrays.fill(row, 0.0);
            row[j] = sqrtLambda * d[f.perm[j]];
            double extra = 0;                             // the new row's entry of the right-hand side
            for (int k = j; k < solved; k++) {
                if (row[k] == 0) {
                    continue;
                }
                double rkk = s[k][k];
                double sin;
                double cos;
                if (Math.abs(rkk) < Math.abs(row[k])) {
                    double cot = rkk / row[k];
                    sin = 1.0 / Math.sqrt(1.0 + cot * cot);
                    cos = sin * cot;
                } else {
                    double tan = row[k] / rkk;
                    cos = 1.0 / Math.sqrt(1.0 + tan * tan);
                    sin = cos * tan;
                }
                s[k][k] = cos * rkk + sin * row[k];
                double t = cos * rhs[k] + sin * extra;
                extra = -sin * rhs[k] + cos * extra;
                rhs[k] = t;
                for (int i = k + 1; i < solved; i++) {
                    double sik = s[i][k];
                    s[i][k] = cos * sik + sin * row[i];
                    row[i] = -sin * sik + cos * row[i];
                }
            }
            sDiag[j] = s[j][j];
        }
        int nonsingular = solved;
        for (int j = 0; j < solved; j++) {
            if (sDiag[j] == 0 && nonsingular == solved) {
                nonsingular = j;
            }
            if (nonsingular < solved) {
                rhs[j] = 0;
            }
        }
        java.util.Arrays.fill(z, 0.0);
        for (int j = nonsingular - 1; j >= 0; j--) {
            double sum = 0;
            for (int i = j + 1; i < nonsingular; i++) {
                sum += s[i][j] * z[i];
            }
            z[j] = (rhs[j] - sum) / sDiag[j];
        }
        return s;
    }
}
