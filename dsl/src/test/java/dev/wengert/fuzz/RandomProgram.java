package dev.wengert.fuzz;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.core.UnaryFn;
import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.RuleRows;
import dev.wengert.rules.Rules;
import dev.wengert.rules.UnaryRule;
import dev.wengert.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.wengert.Wengert.*;

/**
 * A random straight-line-plus-control-flow program over {@link Num}, for differential testing:
 * registers start as the inputs; each instruction reads earlier registers (so subexpressions
 * are shared) and appends one. Instructions draw from the whole rule registry (domain-limited
 * functions get their row's transform that keeps them inside their domain), branches on
 * values, loops whose trip count depends on values, tensor operations and a user rule.
 */
final class RandomProgram implements Fn {

    /** A one-argument rule of the registry, with the transform into its domain (RuleRows). */
    record Op(UnaryRule rule, RuleRows.Domain domain) {
    }

    /** Every one-argument rule of the registry (Rules), each with its row's domain. */
    static final List<Op> UNARY = Rules.unary().stream().map(r -> new Op(r, RuleRows.of(r).domain())).toList();

    /** Every two-argument rule of the registry. */
    static final List<BinaryRule> BINARY = Rules.binary();

    /** A user rule (first-order only): softsign x/(1+|x|), derivative 1/(1+|x|)². */
    static final UnaryFn SOFTSIGN = rule("softsign", x -> x / (1 + Math.abs(x)), x -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))));

    interface Instr {
        Num run(List<Num> r);
    }

    final int inputs;
    final List<Instr> body = new ArrayList<>();
    final List<String> text = new ArrayList<>();
    boolean usesCustomRule;
    boolean usesTensors;
    final long seed;

    RandomProgram(long seed, int inputs, int length) {
        this.seed = seed;
        this.inputs = inputs;
        Random rnd = new Random(seed);
        for (int k = 0; k < length; k++) {
            int regs = inputs + k;
            int kind = rnd.nextInt(100);
            if (kind < 40) {
                Op op = UNARY.get(rnd.nextInt(UNARY.size()));
                int a = rnd.nextInt(regs);
                body.add(r -> op.domain.into(r.get(a)).apply(op.rule));
                text.add("r" + regs + " = " + op.rule.name() + "(" + op.domain + "(r" + a + "))");
            } else if (kind < 70) {
                BinaryRule b = BINARY.get(rnd.nextInt(BINARY.size()));
                RuleRows.Binary row = RuleRows.of(b);
                int a = rnd.nextInt(regs);
                int c = rnd.nextInt(regs);
                body.add(r -> row.a().into(r.get(a)).apply(b, row.b().into(r.get(c))));
                text.add("r" + regs + " = " + b.name() + "(r" + a + ", r" + c + ")");
            } else if (kind < 76) {
                int[] src = pick(rnd, regs, 2 + rnd.nextInt(3));
                boolean lse = rnd.nextBoolean();
                body.add(r -> {
                    Num[] xs = new Num[src.length];
                    for (int i = 0; i < xs.length; i++) {
                        xs[i] = r.get(src[i]);
                    }
                    return lse ? logsumexp(xs) : sum(xs);
                });
                text.add("r" + regs + " = " + (lse ? "logsumexp" : "sum") + java.util.Arrays.toString(src));
            } else if (kind < 84) {
                int a = rnd.nextInt(regs);
                int c = rnd.nextInt(regs);
                Op t = UNARY.get(rnd.nextInt(UNARY.size()));
                BinaryRule e = BINARY.get(rnd.nextInt(3));
                body.add(r -> r.get(a).gt(r.get(c)) ? t.domain.into(r.get(a)).apply(t.rule)
                        : r.get(a).apply(e, r.get(c)));
                text.add("r" + regs + " = r" + a + " > r" + c + " ? " + t.rule.name() + "(r" + a + ") : " + e.name()
                        + "(r" + a + ", r" + c + ")");
            } else if (kind < 89) {
                int a = rnd.nextInt(regs);
                double limit = 1 + 3 * rnd.nextDouble();
                body.add(r -> {
                    Num y = RuleRows.Domain.UNIT.into(r.get(a));
                    int steps = 0;
                    while (y.lt(limit) && steps < 6) {       // trip count depends on the value
                        y = y.times(1.3).plus(y.square().times(0.1)).plus(0.2);
                        steps++;
                    }
                    return y;
                });
                text.add("r" + regs + " = loop(r" + a + ", until " + limit + ")");
            } else if (kind < 95) {
                usesTensors = true;
                int[] src = pick(rnd, regs, 2 + rnd.nextInt(4));
                Op op = UNARY.get(rnd.nextInt(UNARY.size()));
                int red = rnd.nextInt(4);
                double[] w = new double[src.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextGaussian();
                }
                body.add(r -> {
                    Num[] xs = new Num[src.length];
                    for (int i = 0; i < xs.length; i++) {
                        xs[i] = op.domain.into(r.get(src[i]));
                    }
                    Tensor t = tensor(xs).apply(op.rule);
                    return switch (red) {
                        case 0 -> t.sum();
                        case 1 -> t.dot(tensor(w));
                        case 2 -> t.logsumexp();
                        default -> t.times(tensor(w)).softmax().get(0);
                    };
                });
                text.add("r" + regs + " = tensor" + java.util.Arrays.toString(src) + "." + op.rule.name() + "()."
                        + new String[] {"sum", "dot", "logsumexp", "softmax[0]"}[red]);
            } else {
                usesCustomRule = true;
                int a = rnd.nextInt(regs);
                body.add(r -> SOFTSIGN.apply(r.get(a)));
                text.add("r" + regs + " = softsign(r" + a + ")");
            }
        }
    }

    private static int[] pick(Random rnd, int regs, int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = rnd.nextInt(regs);
        }
        return s;
    }

    @Override
    public Num apply(Num... x) {
        List<Num> r = new ArrayList<>(List.of(x));
        for (Instr i : body) {
            r.add(i.run(r));
        }
        // the output mixes the last three registers so most of the program matters
        Num out = r.get(r.size() - 1);
        for (int k = 2; k <= 3 && r.size() - k >= 0; k++) {
            out = out.plus(r.get(r.size() - k).times(0.5 / k));
        }
        return out;
    }

    @Override
    public String toString() {
        return "program " + seed + " (" + inputs + " inputs):\n  " + String.join("\n  ", text);
    }
}
