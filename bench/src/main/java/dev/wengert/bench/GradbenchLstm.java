package dev.wengert.bench;

import dev.wengert.compile.CompiledFn;
import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.tensor.Blocks;
import dev.wengert.tensor.Tensor;

import static dev.wengert.Wengert.*;

/**
 * gradbench's lstm (from ADBench): l stacked LSTM layers of b hidden units read a sequence of c
 * vectors and predict each next one; the loss is the mean negative log-likelihood. The
 * parameters are the weights and biases of every layer (main, 2l × 4b) and the input and output
 * scaling (extra, 3 × b), as named blocks; the state (2l × b) and the sequence (c × b) are data.
 * Scalar loops over Num, or 1-D tensors of b elements per step.
 */
final class GradbenchLstm {
    static final int L = 2;
    static final int C = 1024;
    static final int B = 14;

    final boolean tensors;
    final double[] state;
    final double[] sequence;
    final Blocks at;
    final Fn f;
    final CompiledFn c;
    final double[] g;

    GradbenchLstm(boolean tensors) {
        this.tensors = tensors;
        GradbenchData r = new GradbenchData(11);
        double[][] main = new double[2 * L][];
        for (int i = 0; i < 2 * L; i++) {
            main[i] = r.uniform(4 * B);
        }
        double[][] extra = new double[3][];
        for (int i = 0; i < 3; i++) {
            extra[i] = r.uniform(B);
        }
        state = r.uniform(2 * L * B);
        sequence = r.uniform(C * B);
        at = blocks("main", main, "extra", extra);
        f = tensors ? x -> lossTensor(at.tensor(x, "main"), at.tensor(x, "extra"))
                : x -> lossScalar(at.nums(x, "main"), at.nums(x, "extra"));
        c = Gradbench.compiled(f, at.values());
        g = new double[at.size()];
    }

    static Num sigmoid(Num x) {
        return x.sigmoid();
    }

    /** The loss with scalar loops; w: main (2l × 4b, row-major), w2: extra (3 × b). */
    Num lossScalar(Num[] w, Num[] w2) {
        Num[] s = new Num[2 * L * B];
        for (int i = 0; i < s.length; i++) {
            s[i] = constant(state[i]);
        }
        Num total = constant(0);
        int count = 0;
        Num[] input = new Num[B];
        for (int j = 0; j < B; j++) {
            input[j] = constant(sequence[j]);
        }
        Num[] x = new Num[B];
        for (int t = 0; t < C - 1; t++) {
            // predict: the input scaled, through every layer, then scaled and shifted
            for (int j = 0; j < B; j++) {
                x[j] = input[j].times(w2[j]);
            }
            for (int layer = 0; layer < L; layer++) {
                int wr = 2 * layer * 4 * B;            // weights: row 2·layer of main
                int br = (2 * layer + 1) * 4 * B;      // biases: the next row
                int hi = 2 * layer * B;                // hidden state: row 2·layer of the state
                int ci = (2 * layer + 1) * B;          // cell state: the next row
                for (int j = 0; j < B; j++) {
                    Num forget = sigmoid(x[j].times(w[wr + j]).plus(w[br + j]));
                    Num ingate = sigmoid(s[hi + j].times(w[wr + B + j]).plus(w[br + B + j]));
                    Num outgate = sigmoid(x[j].times(w[wr + 2 * B + j]).plus(w[br + 2 * B + j]));
                    Num change = s[hi + j].times(w[wr + 3 * B + j]).plus(w[br + 3 * B + j]).tanh();
                    s[ci + j] = s[ci + j].times(forget).plus(ingate.times(change));
                    s[hi + j] = outgate.times(s[ci + j].tanh());
                }
                for (int j = 0; j < B; j++) {
                    x[j] = s[hi + j];
                }
            }
            Num[] ypred = new Num[B];
            for (int j = 0; j < B; j++) {
                ypred[j] = x[j].times(w2[B + j]).plus(w2[2 * B + j]);
            }
            // log(2 + Σ exp ypred), as ADBench's Python writes sum(exp(ypred), 2)
            Num sumExp = constant(2);
            for (int j = 0; j < B; j++) {
                sumExp = sumExp.plus(ypred[j].exp());
            }
            Num lse = sumExp.log();
            for (int j = 0; j < B; j++) {
                double gold = sequence[(t + 1) * B + j];
                total = total.plus(ypred[j].minus(lse).times(gold));
                input[j] = constant(gold);
            }
            count += B;
        }
        return total.neg().div(count);
    }

    /** The loss with tensors of b elements per step; main's rows are read as views. */
    Num lossTensor(Tensor w, Tensor w2) {
        Tensor[] s = new Tensor[2 * L];
        for (int i = 0; i < 2 * L; i++) {
            s[i] = tensor(java.util.Arrays.copyOfRange(state, i * B, (i + 1) * B));
        }
        Tensor[] weight = new Tensor[L];
        Tensor[] bias = new Tensor[L];
        for (int layer = 0; layer < L; layer++) {
            weight[layer] = w.slice(2 * layer, 2 * layer + 1).reshape(4 * B);
            bias[layer] = w.slice(2 * layer + 1, 2 * layer + 2).reshape(4 * B);
        }
        Tensor inScale = w2.slice(0, 1).reshape(B);
        Tensor outScale = w2.slice(1, 2).reshape(B);
        Tensor outShift = w2.slice(2, 3).reshape(B);
        Num total = constant(0);
        int count = 0;
        Tensor input = tensor(java.util.Arrays.copyOfRange(sequence, 0, B));
        for (int t = 0; t < C - 1; t++) {
            Tensor x = input.times(inScale);
            for (int layer = 0; layer < L; layer++) {
                Tensor hidden = s[2 * layer];
                Tensor cell = s[2 * layer + 1];
                // gates = [input, hidden, input, hidden] ⊙ weight + bias, in four slices of b
                Tensor gates = concat(x, hidden, x, hidden).times(weight[layer]).plus(bias[layer]);
                Tensor forget = gates.slice(0, B).sigmoid();
                Tensor ingate = gates.slice(B, 2 * B).sigmoid();
                Tensor outgate = gates.slice(2 * B, 3 * B).sigmoid();
                Tensor change = gates.slice(3 * B, 4 * B).tanh();
                cell = cell.times(forget).plus(ingate.times(change));
                hidden = outgate.times(cell.tanh());
                s[2 * layer] = hidden;
                s[2 * layer + 1] = cell;
                x = hidden;
            }
            Tensor ypred = x.times(outScale).plus(outShift);
            Num lse = ypred.exp().sum().plus(2).log();
            Tensor gold = tensor(java.util.Arrays.copyOfRange(sequence, (t + 1) * B, (t + 2) * B));
            total = total.plus(ypred.minus(lse).dot(gold));
            input = gold;
            count += B;
        }
        return total.neg().div(count);
    }

    Object objective() {
        return tensors ? lossTensor(at.get("main"), at.get("extra")).value() : c.value(at.values());
    }

    Object gradient() {
        c.valueAndGradientInto(at.values(), g);
        return at.with(g);
    }

    double check() {
        gradient();
        Fn other = tensors ? x -> lossScalar(at.nums(x, "main"), at.nums(x, "extra"))
                : x -> lossTensor(at.tensor(x, "main"), at.tensor(x, "extra"));
        Gradbench.agree(tensors ? "lstm.tensor" : "lstm.scalar", dev.wengert.Wengert.gradient(other, at.values()), g, 1e-12);
        return (double) objective();
    }
}
