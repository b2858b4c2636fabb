package dev.wengert.fuzz;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.UnaryFn;

import static dev.wengert.Wengert.*;

/**
 * The programs the long fuzzing run flagged, written out as the generator built them then
 * (its seeds no longer rebuild them: the generator draws from the rule registry, which has
 * grown since). Domain maps as the generator applies them: positive = x² + ½, unit =
 * 0.9·tanh x, small = 3·tanh x.
 */
final class FoundPrograms {
    private FoundPrograms() {
    }

    /** softsign x/(1 + |x|), the generator's first-order user rule. */
    private static final UnaryFn SOFTSIGN = rule("softsign", x -> x / (1 + Math.abs(x)),
            x -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))));

    private static Num positive(Num x) {
        return x.square().plus(0.5);
    }

    private static Num unit(Num x) {
        return x.tanh().times(0.9);
    }

    private static Num small(Num x) {
        return x.tanh().times(3);
    }

    /** The generator's loop: from unit(x), y ← 1.3y + 0.1y² + 0.2 while y &lt; limit, at most 6 times. */
    private static Num loop(Num x, double limit) {
        Num y = unit(x);
        int steps = 0;
        while (y.lt(limit) && steps < 6) {
            y = y.times(1.3).plus(y.square().times(0.1)).plus(0.2);
            steps++;
        }
        return y;
    }

    /** The generator's output: the last register plus the two before it, weighted ¼ and ⅙. */
    private static Num out(Num last, Num second, Num third) {
        return last.plus(second.times(0.5 / 2)).plus(third.times(0.5 / 3));
    }

    /** Seed 825265529706600804: atan2(y, x − x) in reverse mode. */
    static final Fn CANCELLATION = v -> {
        Num r0 = v[0];
        Num r1 = r0.gt(r0) ? small(r0).square() : r0.times(r0);
        Num r2 = r1.erfc();
        Num r3 = r0.minus(r0);
        Num r4 = logsumexp(r1, r1, r3, r2);
        Num r5 = r0.gt(r2) ? positive(r0).reciprocal() : r0.plus(r2);
        Num r6 = atan2(r2, r3);
        Num r7 = small(r6).exp();
        Num r8 = r5.erf();
        Num r9 = positive(r2).div(positive(r7));
        Num r10 = r9.times(r4);
        Num r11 = r9.plus(r7);
        Num r12 = SOFTSIGN.apply(r4);
        Num r13 = r5.abs();
        Num r14 = logsumexp(r8, r9);
        Num r15 = atan2(r6, r9);
        return out(r15, r14, r13);
    };

    /** Seed 3595615084640831618: cos of a value whose derivative is 1.2e5. */
    static final Fn OSCILLATION = v -> {
        Num r1 = v[1];
        Num r2 = v[2];
        Num r3 = loop(r2, 2.1136738985652452);
        Num r4 = SOFTSIGN.apply(r2);
        Num r5 = r1.plus(r2);
        Num r6 = loop(r3, 3.771137596374819);
        Num r7 = positive(r1).log1p();
        Num r8 = small(r4).expm1();
        Num r9 = positive(r6).pow(small(r3));
        Num r10 = positive(r3).pow(small(r1));
        Num r11 = hypot(r10, r10);
        Num r12 = small(r7).square();
        Num r13 = r2.abs();
        Num r14 = r8.sin();
        Num r15 = r9.cos();
        return out(r15, r14, r13);
    };

    /** Seed −5625456670012386642: atan2(erfc(10), sinh(x − x)). */
    static final Fn HESSIAN_CANCELLATION = v -> {
        Num r0 = v[0];
        Num r1 = r0.minus(r0);
        Num r2 = r1.plus(r0);
        Num r3 = hypot(r0, r0);
        Num r4 = r1.gt(r0) ? r1.sin() : r1.plus(r0);
        Num r5 = r4.gt(r3) ? unit(r4).tan() : r4.plus(r3);
        Num r6 = small(r5).cosh();
        Num r7 = r6.erfc();
        Num r8 = r7.neg();
        Num r9 = small(r1).sinh();
        Num r10 = small(r5).expm1();
        Num r11 = atan2(r7, r9);
        return out(r11, r10, r9);
    };

    /** Seed −2428140738526612432: a large value, so finite differences have a rounding floor. */
    static final Fn LARGE_VALUE = v -> {
        Num r0 = v[0];
        Num r1 = v[1];
        Num r2 = small(r0).exp();
        Num r3 = r0.gt(r0) ? r0.abs() : r0.plus(r0);
        Num r4 = small(r2).cosh();
        Num r5 = r3.gt(r4) ? small(r3).exp() : r3.times(r4);
        Num r6 = positive(r5).pow(small(r2));
        Num r7 = unit(r6).tan();
        Num r8 = positive(r5).div(positive(r3));
        Num r9 = r4.gt(r1) ? positive(r4).sqrt() : r4.minus(r1);
        Num r10 = r1.gt(r6) ? small(r1).cosh() : r1.minus(r6);
        return out(r10, r9, r8);
    };
}
