package dev.wengert.tensor;

import dev.wengert.core.Num;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named blocks of parameters — a vector α, a matrix μ, … — laid out one after another in the
 * one flat array that {@code gradient}, {@code compile}, {@code hvp} and the optimizers take,
 * so a function over several arrays is written over names instead of offsets, and its
 * gradient comes back in the same blocks, of the same shapes.
 *
 * <pre>{@code
 * // gmm-style: weights α (k), means μ (k × d)
 * Blocks p = blocks("alpha", new double[] {0.1, 0.2}, "means", new double[][] {{1, 2}, {3, 4}});
 * Fn f = x -> p.tensor(x, "means").square().sum().plus(p.tensor(x, "alpha").logsumexp());
 * Blocks g = gradient(f, p);        // the same names and shapes
 * g.get("means");                   // Tensor(2, 2) [2.0, 4.0, 6.0, 8.0]
 * CompiledFn c = compile(f, p.values());   // any API that takes the flat array
 * }</pre>
 *
 * <p>Inside f, {@link #tensor(Num[], String)} reads a block of f's inputs as a tensor: a view
 * of consecutive inputs, so it costs no tape node. {@link #num} and {@link #nums} read it as
 * scalars. The layout is fixed when the blocks are made; {@link #with} gives the same layout
 * with other values (a gradient, an optimum).
 */
public final class Blocks {
    private final String[] names;
    private final int[][] shapes;
    private final int[] offsets;
    private final double[] values;

    private Blocks(String[] names, int[][] shapes, int[] offsets, double[] values) {
        this.names = names;
        this.shapes = shapes;
        this.offsets = offsets;
        this.values = values;
    }

    /**
     * Blocks from names and values in pairs; a value is a {@code double} (shape (1,)), a
     * {@code double[]}, a {@code double[][]} (its rows) or a constant {@link Tensor}.
     */
    public static Blocks of(Object... namesAndValues) {
        if (namesAndValues == null || namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("blocks(…): give names and values in pairs, e.g. blocks(\"alpha\", "
                    + "new double[] {0.1, 0.2}, \"means\", new double[][] {{1, 2}, {3, 4}})");
        }
        int k = namesAndValues.length / 2;
        String[] names = new String[k];
        int[][] shapes = new int[k][];
        double[][] data = new double[k][];
        int[] offsets = new int[k + 1];
        for (int b = 0; b < k; b++) {
            Object name = namesAndValues[2 * b];
            Object value = namesAndValues[2 * b + 1];
            if (!(name instanceof String s) || s.isEmpty()) {
                throw new IllegalArgumentException("blocks(…): argument " + (2 * b) + " is " + name
                        + "; every odd argument is a name (a non-empty String)");
            }
            for (int c = 0; c < b; c++) {
                if (names[c].equals(s)) {
                    throw new IllegalArgumentException("blocks(…): the name '" + s + "' appears twice");
                }
            }
            names[b] = s;
            Tensor t;
            if (value instanceof Number n) {
                t = Tensor.of(new double[] {n.doubleValue()});
            } else if (value instanceof double[] v) {
                t = Tensor.of(v);
            } else if (value instanceof double[][] rows) {
                t = Tensor.ofRows(rows);
            } else if (value instanceof Tensor tt) {
                t = tt;
            } else {
                throw new IllegalArgumentException("blocks(…): the value of '" + s + "' is "
                        + (value == null ? "null" : "a " + value.getClass().getSimpleName())
                        + "; give a double, a double[], a double[][] or a constant tensor");
            }
            if (!t.isConstant()) {
                throw new IllegalArgumentException("blocks(…): '" + s + "' is a tensor that depends on parameters; "
                        + "give its values (t.values()) or a constant tensor");
            }
            shapes[b] = t.shape();
            data[b] = t.values();
            for (int i = 0; i < data[b].length; i++) {
                if (!Double.isFinite(data[b][i])) {
                    throw new IllegalArgumentException("blocks(…): value " + i + " of '" + s + "' is " + data[b][i]
                            + "; give finite start values");
                }
            }
            offsets[b + 1] = offsets[b] + data[b].length;
        }
        double[] values = new double[offsets[k]];
        for (int b = 0; b < k; b++) {
            System.arraycopy(data[b], 0, values, offsets[b], data[b].length);
        }
        return new Blocks(names, shapes, offsets, values);
    }

    /**
     * ∇f at these blocks' values, laid out in the same blocks (the facade's
     * {@code gradient(f, blocks)}).
     */
    public static Blocks gradient(dev.wengert.core.Fn f, Blocks at) {
        if (at == null) {
            throw new IllegalArgumentException("gradient(f, blocks): the blocks are null; make them with blocks(\"name\", values, …)");
        }
        return at.with(dev.wengert.core.Functional.valueAndGradient(dev.wengert.core.Mode.REVERSE, f, at.values(),
                "gradient(f, blocks)").gradient());
    }

    /** The same blocks with other values, in the flat layout (a gradient, an optimum). */
    public Blocks with(double[] flat) {
        if (flat == null || flat.length != values.length) {
            throw new IllegalArgumentException("with(values): the blocks hold " + values.length + " values but "
                    + (flat == null ? "null" : flat.length + " values") + " were given");
        }
        return new Blocks(names, shapes, offsets, flat.clone());
    }

    /** All values, block after block (a copy): the point to give gradient, compile or an optimizer. */
    public double[] values() {
        return values.clone();
    }

    /** How many values all blocks hold. */
    public int size() {
        return values.length;
    }

    /** The names, in order. */
    public List<String> names() {
        return List.of(names);
    }

    /** A block's shape: (n,) or (rows, columns). */
    public int[] shape(String name) {
        return shapes[index(name)].clone();
    }

    /** Where a block starts in the flat values. */
    public int offset(String name) {
        return offsets[index(name)];
    }

    /** A block's values as a constant tensor of its shape. */
    public Tensor get(String name) {
        int b = index(name);
        return Tensor.of(Arrays.copyOfRange(values, offsets[b], offsets[b + 1]), shapes[b]);
    }

    /** A block's values, flat (row-major). */
    public double[] values(String name) {
        int b = index(name);
        return Arrays.copyOfRange(values, offsets[b], offsets[b + 1]);
    }

    /** The value of a one-element block. */
    public double value(String name) {
        int b = index(name);
        if (offsets[b + 1] - offsets[b] != 1) {
            throw new IllegalArgumentException("value(\"" + name + "\"): the block has " + (offsets[b + 1] - offsets[b])
                    + " values; use values(name) or get(name)");
        }
        return values[offsets[b]];
    }

    /** The block {@code name} of f's inputs {@code x} as a tensor of its shape (a view: no tape node). */
    public Tensor tensor(Num[] x, String name) {
        int b = inputs(x, name);
        return Tensor.of(x, offsets[b], shapes[b]);
    }

    /** The block {@code name} of f's inputs as scalars, flat. */
    public Num[] nums(Num[] x, String name) {
        int b = inputs(x, name);
        return Arrays.copyOfRange(x, offsets[b], offsets[b + 1]);
    }

    /** The one-element block {@code name} of f's inputs. */
    public Num num(Num[] x, String name) {
        int b = inputs(x, name);
        if (offsets[b + 1] - offsets[b] != 1) {
            throw new IllegalArgumentException("num(x, \"" + name + "\"): the block has " + (offsets[b + 1] - offsets[b])
                    + " values; use tensor(x, name) or nums(x, name)");
        }
        return x[offsets[b]];
    }

    /** Each block's values as a constant tensor, by name, in order. */
    public Map<String, Tensor> asMap() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, get(n));
        }
        return m;
    }

    private int inputs(Num[] x, String name) {
        if (x == null || x.length != values.length) {
            throw new IllegalArgumentException("blocks: f was given " + (x == null ? "null" : x.length + " inputs")
                    + " but the blocks " + names() + " hold " + values.length + " values; pass blocks.values() "
                    + "(or the blocks themselves) to gradient, compile or minimize");
        }
        return index(name);
    }

    private int index(String name) {
        for (int b = 0; b < names.length; b++) {
            if (names[b].equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no block named '" + name + "'; the blocks are " + names());
    }

    /** {@code alpha (2,) [0.1, 0.2], means (2, 2) [1.0, 2.0, 3.0, 4.0]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < names.length; b++) {
            double[] v = values(names[b]);
            sb.append(b == 0 ? "" : ", ").append(names[b]).append(' ').append(Tensor.shapeString(shapes[b])).append(" [");
            for (int i = 0; i < Math.min(v.length, 6); i++) {
                sb.append(i == 0 ? "" : ", ").append(v[i]);
            }
            sb.append(v.length > 6 ? ", …]" : "]");
        }
        return sb.toString();
    }
}
