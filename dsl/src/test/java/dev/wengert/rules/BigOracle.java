package dev.wengert.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * exp, log1p, tanh and softplus to 50+ significant digits in {@link BigDecimal}, as the oracle
 * for the double versions: {@code new BigDecimal(double)} is exact and
 * {@link BigDecimal#doubleValue()} rounds correctly, so {@link #ulps} measures the distance
 * from the correctly rounded result.
 */
final class BigOracle {
    private BigOracle() {
    }

    static final MathContext MC = new MathContext(60);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** 1/n! for the Taylor series of exp. */
    private static final BigDecimal[] INV_FACT = new BigDecimal[16];
    /** ln 2 = 2·atanh(1/3) = 2·Σ 3^−(2k+1)/(2k+1). */
    private static final BigDecimal LN2;

    static {
        BigDecimal f = BigDecimal.ONE;
        for (int n = 0; n < INV_FACT.length; n++) {
            if (n > 0) {
                f = f.multiply(BigDecimal.valueOf(n));
            }
            INV_FACT[n] = BigDecimal.ONE.divide(f, MC);
        }
        BigDecimal third = BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC);
        BigDecimal ninth = third.multiply(third, MC);
        BigDecimal p = third;
        BigDecimal s = BigDecimal.ZERO;
        for (int k = 0; k < 70; k++) {
            s = s.add(p.divide(BigDecimal.valueOf(2L * k + 1), MC), MC);
            p = p.multiply(ninth, MC);
        }
        LN2 = s.multiply(TWO, MC);
    }

    /** eᶻ for |z| ≲ 1500: z = k·ln 2 + r, e^(r/1024) by its Taylor series, squared ten times, times 2ᵏ. */
    static BigDecimal exp(BigDecimal z) {
        long k = Math.round(z.doubleValue() / Math.log(2));
        BigDecimal r = z.subtract(LN2.multiply(BigDecimal.valueOf(k)), MC).divide(BigDecimal.valueOf(1024), MC);
        BigDecimal s = INV_FACT[INV_FACT.length - 1];     // |r| < 4e-4: the next term is < 1e-66
        for (int n = INV_FACT.length - 2; n >= 0; n--) {
            s = INV_FACT[n].add(r.multiply(s, MC), MC);
        }
        for (int i = 0; i < 10; i++) {
            s = s.multiply(s, MC);
        }
        if (k >= 0) {
            return s.multiply(new BigDecimal(BigInteger.ONE.shiftLeft((int) k)), MC);
        }
        // 2^−n = 5ⁿ·10^−n, exactly
        return s.multiply(new BigDecimal(BigInteger.valueOf(5).pow((int) -k)), MC).scaleByPowerOfTen((int) k);
    }

    /** log(1 + t) for t &gt; −1: its series for tiny |t|, else one Halley step on eʳ = 1 + t from a double start (error³). */
    static BigDecimal log1p(BigDecimal t) {
        if (t.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (t.abs().compareTo(new BigDecimal("1e-6")) < 0) {
            BigDecimal s = BigDecimal.ZERO;
            BigDecimal p = t;
            for (int n = 1; n <= 10; n++) {
                s = s.add(p.divide(BigDecimal.valueOf(n), MC), MC);
                p = p.multiply(t, MC).negate();
            }
            return s;
        }
        BigDecimal y = BigDecimal.ONE.add(t);
        BigDecimal r = new BigDecimal(StrictMath.log1p(t.doubleValue()));
        for (int i = 0; i < 2; i++) {
            BigDecimal e = exp(r);
            r = r.add(TWO.multiply(y.subtract(e, MC), MC).divide(y.add(e, MC), MC), MC);
        }
        return r;
    }

    /** tanh(x) for finite x: its series for |x| &lt; 1e-5, else (e²ˣ − 1)/(e²ˣ + 1). */
    static BigDecimal tanh(double x) {
        double a = Math.abs(x);
        BigDecimal r;
        if (a > 40) {
            r = BigDecimal.ONE.subtract(new BigDecimal("1e-34"));   // 1 − 2e^−80…: rounds to 1
        } else if (a < 1e-5) {
            // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835; the next term is x¹¹/113
            BigDecimal b = new BigDecimal(a);
            BigDecimal b2 = b.multiply(b, MC);
            BigDecimal s = new BigDecimal(62).divide(new BigDecimal(2835), MC);
            s = s.multiply(b2, MC).subtract(new BigDecimal(17).divide(new BigDecimal(315), MC), MC);
            s = s.multiply(b2, MC).add(new BigDecimal(2).divide(new BigDecimal(15), MC), MC);
            s = s.multiply(b2, MC).subtract(BigDecimal.ONE.divide(new BigDecimal(3), MC), MC);
            s = s.multiply(b2, MC).add(BigDecimal.ONE, MC);
            r = s.multiply(b, MC);
        } else {
            BigDecimal e = exp(new BigDecimal(2 * a));     // 2a is exact
            r = e.subtract(BigDecimal.ONE, MC).divide(e.add(BigDecimal.ONE, MC), MC);
        }
        return x < 0 ? r.negate() : r;
    }

    /** softplus(x) = log(1 + eˣ) for finite x. */
    static BigDecimal softplus(double x) {
        if (x > 800) {
            return new BigDecimal(x).add(new BigDecimal("1e-340"));   // x + e^−x: rounds to x
        }
        if (x < -800) {
            return new BigDecimal("1e-340");                           // eˣ: rounds to 0
        }
        BigDecimal b = new BigDecimal(x);
        if (x > 0) {
            return b.add(log1p(exp(b.negate())), MC);
        }
        return log1p(exp(b));
    }

    /** How many doubles lie from {@code got} to the correctly rounded {@code exact} (±0 are one). */
    static long ulps(double got, BigDecimal exact) {
        double want = exact.doubleValue();
        return Math.abs(order(got) - order(want));
    }

    private static long order(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits >= 0 ? bits : Long.MIN_VALUE - bits;
    }
}
