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
 * values, loops whose trip count depends on values, tensor operations (elementwise rules,
 * reductions of all elements and along an axis, gather, shift, pad, scatter, triangular fill,
 * concatenation), small dense matrices (det, inverse, solve, products, cross), arithmetic
 * with a constant on the left, and a user rule.
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
            } else if (kind < 92) {
                usesTensors = true;
                arrayOp(rnd, regs);
            } else if (kind < 94) {
                smallMatrix(rnd, regs);
            } else if (kind < 95) {
                int a = rnd.nextInt(regs);
                int c = rnd.nextInt(regs);
                double q = 0.5 + rnd.nextDouble();
                int which = rnd.nextInt(3);
                body.add(r -> switch (which) {
                    case 0 -> minus(q, r.get(a)).minus(r.get(c));
                    case 1 -> div(q, RuleRows.Domain.POSITIVE.into(r.get(a)));
                    default -> r.get(a).eq(r.get(c)) ? times(q, r.get(a)) : plus(q, r.get(a)).times(r.get(c));
                });
                text.add("r" + regs + " = " + new String[] {"minus(" + q + ", r" + a + ").minus(r" + c + ")",
                    "div(" + q + ", positive(r" + a + "))", "r" + a + " == r" + c + " ? " + q + "·r" + a + " : (" + q
                        + " + r" + a + ")·r" + c}[which]);
            } else if (kind < 97) {
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

    /**
     * A 2×k matrix of registers (mapped into the unit interval) through one of the array
     * operations of issue 20, reduced to one number with distinct weights.
     */
    private void arrayOp(Random rnd, int regs) {
        int k = 2 + rnd.nextInt(2);
        int[] src = pick(rnd, regs, 2 * k);
        int op = rnd.nextInt(11);
        int axis = rnd.nextInt(2);
        int shift = rnd.nextBoolean() ? 1 : -1;
        double fill = rnd.nextGaussian();
        int[] index = new int[5];
        for (int i = 0; i < index.length; i++) {
            index[i] = rnd.nextInt(2 * k + 1) - 1;
        }
        int[] buckets = new int[2 * k];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = rnd.nextInt(3);
        }
        String[] names = {"sum", "mean", "amax", "amin", "logsumexp", "gather", "shift", "pad", "scatter",
            "lowerTriangular", "concat"};
        body.add(r -> {
            Num[] xs = new Num[src.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = RuleRows.Domain.UNIT.into(r.get(src[i]));
            }
            Tensor m = tensor(xs).reshape(2, k);
            Tensor out = switch (op) {
                case 0 -> m.sum(axis);
                case 1 -> m.mean(axis);
                case 2 -> m.amax(axis);
                case 3 -> m.amin(axis);
                case 4 -> m.logsumexp(axis);
                case 5 -> m.gather(index, index.length);
                case 6 -> m.shift(shift, fill);
                case 7 -> m.pad(1, 1, fill);
                case 8 -> m.reshape(2 * k).scatter(buckets, 3);
                case 9 -> m.reshape(2 * k).slice(0, 3).lowerTriangular(3, -1, axis == 1);
                default -> concat(m.exp(), m.slice(0, 1));
            };
            double[] w = new double[out.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = 1 + 0.37 * i;
            }
            return out.reshape(out.size()).dot(tensor(w));
        });
        text.add("r" + regs + " = matrix" + java.util.Arrays.toString(src) + "." + names[op] + "(…)·w");
    }

    /** A well-conditioned 2×2 or 3×3 matrix of registers (unit-mapped, diagonal + 2) through det, inverse, solve, products or cross. */
    private void smallMatrix(Random rnd, int regs) {
        int n = 2 + rnd.nextInt(2);
        int[] src = pick(rnd, regs, n * n);
        int op = rnd.nextInt(5);
        body.add(r -> {
            Num[][] a = new Num[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    Num e = RuleRows.Domain.UNIT.into(r.get(src[i * n + j]));
                    a[i][j] = i == j ? e.plus(2) : e;
                }
            }
            Num[] b = new Num[n];
            for (int i = 0; i < n; i++) {
                b[i] = a[i][(i + 1) % n].times(0.5).plus(i);
            }
            return switch (op) {
                case 0 -> det(a);
                case 1 -> inverse(a)[0][n - 1].plus(inverse(a)[n - 1][0].times(2));
                case 2 -> solve(a, b)[0].plus(solve(a, b)[n - 1].times(0.5));
                case 3 -> matmul(a, transpose(a))[0][n - 1].plus(dot(matvec(a, b), b));
                default -> {
                    Num[] u = {a[0][0], a[0][1], n == 3 ? a[0][2] : a[1][1]};
                    Num[] v = {a[1][0], a[1][1], n == 3 ? a[2][2] : a[0][0]};
                    Num[] c = cross(u, v);
                    yield c[0].plus(c[1].times(2)).plus(c[2].times(3));
                }
            };
        });
        text.add("r" + regs + " = " + new String[] {"det", "inverse", "solve", "matmul", "cross"}[op] + "(" + n + "×" + n
                + " of " + java.util.Arrays.toString(src) + ")");
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
