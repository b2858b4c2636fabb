package dev.wengert.spark;

import dev.wengert.core.Fn;
import dev.wengert.core.Num;
import dev.wengert.Wengert;
import dev.wengert.compile.CompiledFn;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;

/**
 * One pass of a minimisation: Σ loss and its exact gradient over one partition's rows,
 * merged by treeAggregate. The loss is recorded once per partition, with the parameters and
 * the row as the recording's inputs, and replayed for every further row (no allocation per
 * operation, nothing per row); a row whose comparisons go the other way is recorded again, automatically.
 */
final class LossPass implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    long n;
    /** Rows left out (missing, infinite) or not usable (loss or gradient not finite). */
    final RowCounts rows = new RowCounts();
    double value;
    final double[] gradient;

    LossPass(int k) {
        this.k = k;
        this.gradient = new double[k];
    }

    static Iterator<LossPass> partition(Iterator<Block> blocks, Broadcast<RowLoss> loss, Broadcast<double[]> params) {
        return Collections.singletonList(sum(blocks, loss.value(), params.value())).iterator();
    }

    /** Σ loss and its gradient at w over the blocks. */
    static LossPass sum(Iterator<Block> blocks, RowLoss f, double[] w) {
        int k = w.length;
        LossPass s = new LossPass(k);
        CompiledFn compiled = null;
        double[] z = null;
        double[] g = null;
        while (blocks.hasNext()) {
            Block b = blocks.next();
            s.rows.add(b);
            int width = b.width;
            for (int i = 0; i < b.rows; i++) {
                if (z == null) {
                    z = Arrays.copyOf(w, k + width);
                    g = new double[k + width];
                }
                // inputs of the recording: the parameters, then the row
                System.arraycopy(b.values, i * width, z, k, width);
                if (compiled == null) {
                    compiled = Wengert.compile(rowFunction(f, k, width), z);
                }
                // into one buffer: nothing is allocated per row (∂/∂row lands past the first k entries, unused)
                double v = compiled.valueAndGradientInto(z, g);
                boolean finite = Double.isFinite(v);
                for (int j = 0; j < k; j++) {
                    finite &= Double.isFinite(g[j]);
                }
                if (!finite) {
                    s.rows.notFinite(b.values, i * width, width);
                    // a NaN in the sum tells the line search to back off
                    s.value = Double.NaN;
                    continue;
                }
                s.n++;
                s.value += v;
                for (int j = 0; j < k; j++) {
                    s.gradient[j] += g[j];
                }
            }
        }
        return s;
    }

    private static Fn rowFunction(RowLoss loss, int k, int width) {
        return in -> {
            Num out;
            try {
                out = loss.apply(Arrays.copyOfRange(in, 0, k), Arrays.copyOfRange(in, k, k + width));
            } catch (ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("the loss read past its arrays: it is given " + k + " parameter"
                        + (k == 1 ? "" : "s") + " w and " + width + " row value" + (width == 1 ? "" : "s")
                        + " (one per column of the Dataset) (" + e.getMessage() + "); give one start value per "
                        + "parameter and select the columns the loss reads", e);
            }
            if (out == null) {
                throw new IllegalArgumentException("the loss returned null; it must return a Num computed from w and row");
            }
            return out;
        };
    }

    LossPass merge(LossPass o) {
        n += o.n;
        rows.merge(o.rows);
        value += o.value;
        for (int j = 0; j < k; j++) {
            gradient[j] += o.gradient[j];
        }
        return this;
    }
}
