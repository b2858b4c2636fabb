package dev.wengert.tensor;

import dev.wengert.core.Fn;
import dev.wengert.core.Mode;
import dev.wengert.core.Num;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.Rules;
import dev.wengert.rules.Special;
import dev.wengert.rules.UnaryRule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which tensor results are the scalar loop's to the bit. An elementwise operation applies the
 * scalar rule to each element, so its values, and the gradient of an element it reads once, are
 * the same floating-point operations in the same order: bit for bit, in both modes, for every
 * rule. (Where an element's adjoint sums several contributions, see {@code KernelsTest}: the
 * tensor pullback adds them in another order than a scalar sweep does.)
 */
class TensorExactnessTest {

    @BeforeEach
    void fresh() {
        mode(Mode.REVERSE);
        resetTape();
    }

    /** Six points inside the rule's domain, away from its kinks, where its value and partial are finite. */
    static double[] points(String rule, long seed) {
        Random r = new Random(seed);
        double[] x = new double[6];
        for (int i = 0; i < x.length; i++) {
            double u = 0.2 + 0.6 * r.nextDouble();
            x[i] = switch (rule) {
                case "acosh" -> 1 + u;
                case "lgamma", "digamma", "trigamma" -> i % 2 == 0 ? u * 4 : -u - 1;   // both sides of the poles
                case "abs", "relu", "cbrt", "neg", "square", "sin", "atan", "sinh" -> i % 2 == 0 ? u : -u;
                default -> u;
            };
        }
        return x;
    }

    static void bitwise(double want, double got, String what) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got), () -> what + ": " + want + " vs " + got);
    }

    static void bitwise(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            bitwise(want[i], got[i], what + " [" + i + "]");
        }
    }

    static Num[] constants(double[] x) {
        Num[] c = new Num[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = constant(x[i]);
        }
        return c;
    }

    /** Value and gradient of the two forms, in both modes, bit for bit. */
    static void sameBits(Fn tensorForm, Fn scalarForm, double[] x, String what) {
        for (Mode m : Mode.values()) {
            bitwise(gradient(m, scalarForm, x), gradient(m, tensorForm, x), what + ", " + m + " gradient");
        }
        bitwise(scalarForm.apply(constants(x)).value(), tensorForm.apply(constants(x)).value(), what + ", value");
    }

    /** The registry's one-argument rules, and the polygamma rules lgamma's derivatives go through. */
    static List<UnaryRule> unaryRules() {
        List<UnaryRule> rules = new ArrayList<>(Rules.unary());
        rules.add(Special.polygammaRule(0));
        rules.add(Special.polygammaRule(1));
        return rules;
    }

    @TestFactory
    List<DynamicTest> everyUnaryRuleElementByElement() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryRule r : unaryRules()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[] x = points(r.name(), r.name().hashCode());
                double[] c = {1.5, -2, 3.25, 0.75, -1, 2};
                bitwise(Arrays.stream(x).map(r::value).toArray(), tensor(x).apply(r).values(), r.name() + " values");
                Fn t = v -> tensor(v).apply(r).dot(tensor(c));
                Fn s = v -> {
                    Num acc = constant(0);
                    for (int i = 0; i < v.length; i++) {
                        acc = acc.plus(v[i].apply(r).times(c[i]));
                    }
                    return acc;
                };
                sameBits(t, s, x, r.name());
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyBinaryRuleElementByElementAndOnItself() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryRule r : Rules.binary()) {
            tests.add(DynamicTest.dynamicTest(r.name(), () -> {
                double[] x = new double[12];
                Random g = new Random(r.name().hashCode());
                for (int i = 0; i < x.length; i++) {
                    x[i] = 0.2 + 0.6 * g.nextDouble();        // positive: pow's base stays in its domain
                }
                x[7] = x[1];                                  // a tie, where max and min split ½–½
                double[] c = {1.5, -2, 3.25, 0.75, -1, 2};
                // Σ cᵢ·r(aᵢ, bᵢ) with a = x[0..5], b = x[6..11]
                Fn t = v -> Tensor.binary(r, tensor(Arrays.copyOfRange(v, 0, 6)), tensor(Arrays.copyOfRange(v, 6, 12)))
                        .dot(tensor(c));
                Fn s = v -> {
                    Num acc = constant(0);
                    for (int i = 0; i < 6; i++) {
                        acc = acc.plus(v[i].apply(r, v[6 + i]).times(c[i]));
                    }
                    return acc;
                };
                sameBits(t, s, x, r.name() + "(a, b)");
                // r(a, a): each element reaches the output along two paths, whose two contributions
                // are added in either order to the same bits (addition commutes)
                Fn tSelf = v -> {
                    Tensor a = tensor(v);
                    return Tensor.binary(r, a, a).dot(tensor(c));
                };
                Fn sSelf = v -> {
                    Num acc = constant(0);
                    for (int i = 0; i < 6; i++) {
                        acc = acc.plus(v[i].apply(r, v[i]).times(c[i]));
                    }
                    return acc;
                };
                sameBits(tSelf, sSelf, Arrays.copyOf(x, 6), r.name() + "(a, a)");
            }));
        }
        return tests;
    }
}
