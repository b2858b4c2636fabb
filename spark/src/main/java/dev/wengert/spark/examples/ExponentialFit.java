package dev.wengert.spark.examples;

import dev.wengert.fit.FitResult;
import dev.wengert.spark.RowModel;
import dev.wengert.spark.SerializableModel;
import dev.wengert.spark.SparkFit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

import static dev.wengert.Wengert.exp;

/**
 * A Spark application to submit: fits y = b1·(1 − exp(−b2·x)) to two columns of a Parquet or
 * CSV file, prints R's {@code summary(nls)} table, fits again with the compiled form of the
 * model ({@link SparkFit#fitCompiled}) and prints both estimates.
 *
 * <pre>
 * spark-submit --class dev.wengert.spark.examples.ExponentialFit --master yarn \
 *     spark/target/wengert-spark-0.1.0-SNAPSHOT-all.jar hdfs:///data/misra.parquet y x 500 1e-4
 * </pre>
 */
public final class ExponentialFit {
    private ExponentialFit() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: ExponentialFit <file.parquet|file.csv> <y column> <x column> <b1 start> <b2 start>");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("wengert exponential fit").getOrCreate();
        try {
            Dataset<Row> data = args[0].endsWith(".csv")
                    ? spark.read().option("header", "true").option("inferSchema", "true").csv(args[0])
                    : spark.read().parquet(args[0]);
            double[] start = {Double.parseDouble(args[3]), Double.parseDouble(args[4])};
            // y = b1·(1 − exp(−b2·x))
            SerializableModel m = (p, x) -> p[0].times(exp(p[1].times(-x[0])).neg().plus(1));
            FitResult r = SparkFit.fit(m, data, args[1], new String[] {args[2]}, start);
            System.out.println(r);
            // the same model with Num predictors: each partition replays one compiled recording
            RowModel compiledModel = (p, x) -> p[0].times(exp(p[1].times(x[0]).neg()).neg().plus(1));
            FitResult c = SparkFit.fitCompiled(compiledModel, data, args[1], new String[] {args[2]}, start);
            for (int j = 0; j < start.length; j++) {
                // one println per line: printf writes piecewise, and Spark logs to the same console
                System.out.println(String.format(Locale.ROOT, "b%d = %.12g (fit), %.12g (fitCompiled), standard error %.6g",
                        j + 1, r.parameters()[j], c.parameters()[j], r.standardErrors()[j]));
            }
        } finally {
            spark.stop();
        }
    }
}
