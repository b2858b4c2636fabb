package dev.wengert.spark;

import dev.wengert.fit.FitException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The columns a fit or minimisation reads, checked, cast to double, packed into
 * {@link Block}s and cached for the passes to come (an iterative method reads the data tens of
 * times; without the cache each pass would recompute the Dataset's lineage).
 */
final class SparkData implements AutoCloseable {
    final JavaSparkContext context;
    final JavaRDD<Block> blocks;
    final String[] columns;

    private SparkData(JavaSparkContext context, JavaRDD<Block> blocks, String[] columns) {
        this.context = context;
        this.blocks = blocks;
        this.columns = columns;
    }

    /** The named columns of {@code data}, in order; {@code fit} chooses FitException for errors. */
    static SparkData of(Dataset<Row> data, String[] columns, boolean fit) {
        if (data == null) {
            throw error(fit, "the Dataset is null; pass a Dataset<Row>, e.g. spark.read().parquet(\"…\")");
        }
        List<String> all = Arrays.asList(data.columns());
        Column[] selected = new Column[columns.length];
        for (int j = 0; j < columns.length; j++) {
            String name = columns[j];
            if (name == null) {
                throw error(fit, "column name " + (j + 1) + " is null");
            }
            if (!all.contains(name)) {
                throw error(fit, "no column \"" + name + "\" in the Dataset; its columns are: " + String.join(", ", all));
            }
            DataType type = field(data, name).dataType();
            if (!(type instanceof NumericType)) {
                throw error(fit, "the column \"" + name + "\" is " + type.simpleString() + ", not numeric; cast it "
                        + "(e.g. data.withColumn(\"" + name + "\", col(\"" + name + "\").cast(\"double\"))) or choose "
                        + "a numeric column. Numeric columns: " + String.join(", ", numericColumns(data)));
            }
            // back-quoted, so a name with a dot is a column, not a field of a struct
            selected[j] = functions.col("`" + name.replace("`", "``") + "`").cast("double");
        }
        int width = columns.length;
        JavaRDD<Block> blocks = data.select(selected).toJavaRDD()
                .mapPartitions(rows -> blockify(rows, width))
                .persist(StorageLevel.MEMORY_AND_DISK());
        blocks.setName("wengert blocks of " + String.join(", ", columns));
        return new SparkData(JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()), blocks,
                columns.clone());
    }

    /** All columns of {@code data}, in order. */
    static SparkData all(Dataset<Row> data, boolean fit) {
        if (data == null) {
            throw error(fit, "the Dataset is null; pass a Dataset<Row>, e.g. spark.read().parquet(\"…\")");
        }
        if (data.columns().length == 0) {
            throw error(fit, "the Dataset has no columns");
        }
        return of(data, data.columns(), fit);
    }

    private static StructField field(Dataset<Row> data, String name) {
        for (StructField f : data.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalStateException("column " + name + " vanished from the schema");
    }

    private static List<String> numericColumns(Dataset<Row> data) {
        List<String> names = new ArrayList<>();
        for (StructField f : data.schema().fields()) {
            if (f.dataType() instanceof NumericType) {
                names.add(f.name());
            }
        }
        return names;
    }

    private static IllegalArgumentException error(boolean fit, String message) {
        return fit ? new FitException(message) : new IllegalArgumentException(message);
    }

    /** Rows to blocks; a partition whose rows were all left out still reports its counts. */
    static Iterator<Block> blockify(Iterator<Row> rows, int width) {
        List<Block> out = new ArrayList<>();
        double[] buf = new double[Block.CAPACITY * width];
        double[] row = new double[width];
        int r = 0;
        long missing = 0;
        long infinite = 0;
        double[] example = null;
        while (rows.hasNext()) {
            Row in = rows.next();
            boolean miss = false;
            boolean inf = false;
            for (int j = 0; j < width; j++) {
                if (in.isNullAt(j)) {
                    miss = true;
                    break;
                }
                double v = in.getDouble(j);
                miss |= Double.isNaN(v);
                inf |= Double.isInfinite(v);
                row[j] = v;
            }
            if (miss) {
                missing++;
            } else if (inf) {
                infinite++;
                if (example == null) {
                    example = row.clone();
                }
            } else {
                System.arraycopy(row, 0, buf, r * width, width);
                if (++r == Block.CAPACITY) {
                    out.add(new Block(width, r, buf, missing, infinite, example));
                    buf = new double[Block.CAPACITY * width];
                    r = 0;
                    missing = 0;
                    infinite = 0;
                    example = null;
                }
            }
        }
        if (r > 0 || missing > 0 || infinite > 0) {
            out.add(new Block(width, r, Arrays.copyOf(buf, r * width), missing, infinite, example));
        }
        return out.iterator();
    }

    @Override
    public void close() {
        blocks.unpersist(false);
    }
}
