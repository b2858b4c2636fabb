package dev.wengert.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One embedded Spark for the whole suite: {@code local[2,4]} is two worker threads and up to
 * four attempts per task (plain {@code local[2]} never retries a failed task, a cluster does).
 */
final class LocalSpark {
    private static SparkSession spark;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (spark == null) {
            long t0 = System.nanoTime();
            spark = SparkSession.builder()
                    .appName("wengert-spark tests")
                    .master("local[2,4]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
            System.out.printf("embedded Spark %s (%s) started in %.1f s%n", spark.version(), spark.sparkContext().master(),
                    (System.nanoTime() - t0) / 1e9);
        }
        return spark;
    }
}
