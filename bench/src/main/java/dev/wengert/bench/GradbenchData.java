package dev.wengert.bench;

/**
 * The inputs of the gradbench-style workloads (issue 20), from a 64-bit linear congruential
 * generator whose integer arithmetic Python reproduces exactly ({@code bench/peers/gradbench_torch.py}),
 * so both sides compute on the same doubles, not on data of the same distribution.
 *
 * <p>State: s ← s·6364136223846793005 + 1442695040888963407 (mod 2⁶⁴); the next value is the
 * top 53 bits of s divided by 2⁵³, uniform in [0, 1). A stream is started from its seed by one
 * step.
 */
public final class GradbenchData {
    private long s;

    public GradbenchData(long seed) {
        s = seed;
        next();
    }

    /** The next value in [0, 1). */
    public double next() {
        s = s * 6364136223846793005L + 1442695040888963407L;
        return (s >>> 11) * 0x1.0p-53;
    }

    /** n values in [0, 1). */
    public double[] uniform(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = next();
        }
        return x;
    }

    /** n values in [lo, hi). */
    public double[] uniform(int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * next();
        }
        return x;
    }
}
