package dev.wengert.tensor;

import dev.wengert.core.ForwardArrays;
import dev.wengert.core.Num;

/**
 * The numbers of a tensor in forward mode: its values and, for each tangent slot of its
 * differentiation (one slot per parameter), a column of tangents — ∂(element k)/∂(parameter
 * of slot s) at {@code tangent[s][k]} — with {@code null} for a slot the tensor does not depend
 * on. Both are row-major like the values, and never change once made.
 *
 * <p>This is what forward mode carries through array operations instead of a {@code Num} per
 * element: an operation computes its values and local partials once, then each non-null
 * tangent column in one loop ({@link TangentKernels}, where every kernel is). A column model
 * with p parameters therefore costs about (1 + the parameters each operation depends on)
 * plain passes, and allocates arrays per operation, not objects per element.
 *
 * <p>{@code tangent.length} is the number of slots when the tensor was made; slots made later
 * (parameters created afterwards) are zero for it.
 */
final class Dual {
    final ForwardArrays tag;
    final double[] value;
    final double[][] tangent;

    Dual(ForwardArrays tag, double[] value, double[][] tangent) {
        this.tag = tag;
        this.value = value;
        this.tangent = tangent;
    }

    /** Column s of the tangents, or null when it is zero (also for slots made after this tensor). */
    double[] column(int s) {
        return s < tangent.length ? tangent[s] : null;
    }

    /** Element k as a forward-mode value of the same differentiation (its tangents copied out by slot). */
    Num element(int k) {
        int last = -1;
        for (int s = 0; s < tangent.length; s++) {
            if (tangent[s] != null && tangent[s][k] != 0) {
                last = s;
            }
        }
        double[] t = new double[Math.max(last + 1, 1)];
        for (int s = 0; s <= last; s++) {
            t[s] = tangent[s] == null ? 0.0 : tangent[s][k];
        }
        return tag.value(value[k], t);
    }

    /**
     * The tensor of scalar forward values (or constants) {@code xs}, all of {@code tag}: each
     * element's tangents become its entries in the columns. The elements' own tangent arrays
     * are read, not kept.
     */
    static Dual of(ForwardArrays tag, Num[] xs) {
        int n = xs.length;
        int slots = tag.slots();
        double[] v = new double[n];
        double[][] t = new double[slots][];
        for (int k = 0; k < n; k++) {
            v[k] = xs[k].value();
            if (xs[k].isConstant()) {
                continue;
            }
            double[] tk = tag.tangents(xs[k]);
            for (int s = 0; s < Math.min(tk.length, slots); s++) {
                if (tk[s] != 0 || !Double.isNaN(tk[s]) && Double.doubleToRawLongBits(tk[s]) != 0) {
                    if (t[s] == null) {
                        t[s] = new double[n];
                    }
                    t[s][k] = tk[s];
                }
            }
        }
        return new Dual(tag, v, t);
    }
}
