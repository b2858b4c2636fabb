package dev.wengert.fit;

/**
 * How a residual counts in a fit, with the meaning of scipy's
 * {@code least_squares(loss=…, f_scale=C)}: the fit minimises ½·Σ C²·ρ(rᵢ²/C²), rᵢ the
 * (weighted) residual. Every loss has ρ(z) ≈ z for small z, so residuals well below C count as
 * in least squares; the robust ones grow slower for large residuals, so a few outliers no
 * longer pull the curve.
 *
 * <pre>{@code
 * // y = a·exp(−k·t), residuals beyond about 0.1 count less and less
 * fit1((p, t) -> p[0].times(exp(p[1].times(-t)))).start(8, 0.3).loss(Loss.SOFT_L1, 0.1).to(decay, "y", "t");
 * }</pre>
 */
public enum Loss {
    /** ρ(z) = z: ordinary least squares (the default). */
    LINEAR,
    /** ρ(z) = 2(√(1 + z) − 1): a smooth approximation of the absolute value (L1) loss. */
    SOFT_L1,
    /** ρ(z) = z for z ≤ 1, 2√z − 1 beyond: quadratic near zero, linear for outliers. */
    HUBER,
    /** ρ(z) = ln(1 + z): outliers count only logarithmically. */
    CAUCHY,
    /** ρ(z) = arctan(z): the influence of any single residual is bounded. */
    ARCTAN;

    /** ρ(z), z = r²/C² ≥ 0. */
    double rho(double z) {
        return switch (this) {
            case LINEAR -> z;
            // 2(√(1+z) − 1) without the cancellation near z = 0
            case SOFT_L1 -> 2 * z / (Math.sqrt(1 + z) + 1);
            case HUBER -> z <= 1 ? z : 2 * Math.sqrt(z) - 1;
            case CAUCHY -> Math.log1p(z);
            case ARCTAN -> Math.atan(z);
        };
    }

    /** ρ′(z). */
    double rho1(double z) {
        return switch (this) {
            case LINEAR -> 1;
            case SOFT_L1 -> 1 / Math.sqrt(1 + z);
            case HUBER -> z <= 1 ? 1 : 1 / Math.sqrt(z);
            case CAUCHY -> 1 / (1 + z);
            case ARCTAN -> 1 / (1 + z * z);
        };
    }

    /** ρ″(z). */
    double rho2(double z) {
        return switch (this) {
            case LINEAR -> 0;
            case SOFT_L1 -> -0.5 / ((1 + z) * Math.sqrt(1 + z));
            case HUBER -> z <= 1 ? 0 : -0.5 / (z * Math.sqrt(z));
            case CAUCHY -> -1 / ((1 + z) * (1 + z));
            case ARCTAN -> -2 * z / ((1 + z * z) * (1 + z * z));
        };
    }

    /**
     * √(ρ(z)/z), the factor that turns a residual r into r̃ = r·√(ρ(z)/z) with
     * r̃² = C²·ρ(r²/C²): the robust cost as an ordinary sum of squares, so any least-squares
     * solver minimises it. It tends to 1 as z → 0.
     */
    double sqrtRatio(double z) {
        double q = switch (this) {
            case LINEAR -> 1;
            case SOFT_L1 -> 2 / (Math.sqrt(1 + z) + 1);
            case HUBER -> z <= 1 ? 1 : (2 * Math.sqrt(z) - 1) / z;
            case CAUCHY -> z < 1e-8 ? 1 - z / 2 : Math.log1p(z) / z;
            case ARCTAN -> z < 1e-8 ? 1 : Math.atan(z) / z;
        };
        return Math.sqrt(q);
    }

    /** The name scipy's {@code least_squares} uses for this loss. */
    public String scipyName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
