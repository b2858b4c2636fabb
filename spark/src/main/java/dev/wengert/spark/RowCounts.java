package dev.wengert.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The rows a pass left out or could not use, counted, with one example of each kind, so the
 * driver can refuse bad data by example. Shared by fit and loss passes; merged by treeAggregate.
 */
final class RowCounts implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rows with a null or NaN, left out. */
    long missing;
    /** Rows with an infinite value, left out, and one of them. */
    long infinite;
    double[] infiniteExample;
    /** Rows where the model (or loss) or a derivative was NaN or infinite, and one of them. */
    long notFinite;
    double[] notFiniteExample;

    /** What blockify left out of b. */
    void add(Block b) {
        missing += b.missing;
        infinite += b.infinite;
        if (infiniteExample == null) {
            infiniteExample = b.infiniteExample;
        }
    }

    /** The row at values[from, from + width) gave a value or derivative that is not finite. */
    void notFinite(double[] values, int from, int width) {
        if (notFiniteExample == null) {
            notFiniteExample = Arrays.copyOfRange(values, from, from + width);
        }
        notFinite++;
    }

    void merge(RowCounts o) {
        missing += o.missing;
        infinite += o.infinite;
        if (infiniteExample == null) {
            infiniteExample = o.infiniteExample;
        }
        notFinite += o.notFinite;
        if (notFiniteExample == null) {
            notFiniteExample = o.notFiniteExample;
        }
    }

    /** A row for an error message: "(y = 1.5, x = 2.0)", or "?" when there is none. */
    static String row(String[] columns, double[] values) {
        if (values == null) {
            return "?";
        }
        StringBuilder s = new StringBuilder("(");
        for (int j = 0; j < columns.length; j++) {
            s.append(j > 0 ? ", " : "").append(columns[j]).append(" = ").append(values[j]);
        }
        return s.append(')').toString();
    }
}
