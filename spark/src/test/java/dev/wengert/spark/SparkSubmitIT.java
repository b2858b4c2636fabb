package dev.wengert.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's "On a cluster" recipe, run for real: {@code spark-submit} sends the application
 * jar ({@code target/wengert-spark-*-all.jar}) to a Spark standalone cluster — a master, a
 * worker and the executor the worker starts, each its own JVM, talking over the network on
 * loopback — and the example application fits NIST's Misra1a there.
 *
 * <p>No Spark distribution is downloaded: Maven copies Spark's jars from Maven Central into
 * {@code target/spark-home/jars}, the layout of a distribution. Every process is started the
 * way Spark's {@code bin/spark-class} starts it (which {@code bin/spark-submit},
 * {@code sbin/start-master.sh} and {@code start-worker.sh} call): Spark's launcher,
 * {@code org.apache.spark.launcher.Main}, prints the java command line (class path, memory, the
 * {@code --add-opens} options Java 17 needs), and that command is run. So this checks the jar's
 * contents (shading, the relocated Guava), that the model's lambdas travel to another JVM, and
 * the command lines the README gives, without the bash scripts.
 */
class SparkSubmitIT {
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    /** Starting a JVM, registering, a job: generous, so a loaded machine does not fail the test. */
    private static final long STARTUP_SECONDS = 300;

    @Test
    void theExampleApplicationFitsMisra1aOnAStandaloneCluster(@TempDir Path dir) throws Exception {
        Path sparkHome = Path.of(System.getProperty("wengert.sparkHome", "target/spark-home")).toAbsolutePath();
        Path appJar = Path.of(System.getProperty("wengert.appJar", "")).toAbsolutePath();
        assertTrue(Files.isDirectory(sparkHome.resolve("jars")), "no Spark jars in " + sparkHome
                + "; run through Maven: mvn -pl spark -am verify");
        assertTrue(Files.isRegularFile(appJar), "no application jar " + appJar + "; run through Maven: mvn -pl spark -am verify");

        Nist nist = Nist.read("Misra1a");
        Path csv = dir.resolve("misra1a.csv");
        StringBuilder rows = new StringBuilder("y,x\n");
        for (int i = 0; i < nist.y().length; i++) {
            rows.append(nist.y()[i]).append(',').append(nist.x()[i][0]).append('\n');
        }
        Files.writeString(csv, rows);

        List<Process> cluster = new ArrayList<>();
        try {
            int port = freePort();
            String master = "spark://127.0.0.1:" + port;
            Path masterLog = dir.resolve("master.log");
            cluster.add(sparkClass(sparkHome, masterLog, null, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
            awaitLine(masterLog, "I have been elected leader", cluster.get(0));

            Path workerLog = dir.resolve("worker.log");
            Path work = Files.createDirectories(dir.resolve("work"));
            cluster.add(sparkClass(sparkHome, workerLog, null, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", work.toString(),
                    "--webui-port", String.valueOf(freePort()), master));
            awaitLine(workerLog, "Successfully registered with master", cluster.get(1));

            // the README's command, with this cluster's master and a local path instead of HDFS
            // the application's printout apart from Spark's log lines, which would interleave with it
            Path submitLog = dir.resolve("spark-submit.log");
            Path submitOut = dir.resolve("spark-submit.out");
            Process submit = sparkClass(sparkHome, submitLog, submitOut, "org.apache.spark.deploy.SparkSubmit",
                    "--master", master, "--deploy-mode", "client",
                    "--conf", "spark.executor.memory=512m",
                    "--class", "dev.wengert.spark.examples.ExponentialFit",
                    appJar.toString(), csv.toString(), "y", "x", "500", "1e-4");
            cluster.add(submit);
            if (!submit.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)) {
                fail("spark-submit did not finish in " + STARTUP_SECONDS + " s:\n" + tail(submitLog));
            }
            String out = Files.readString(submitOut);
            assertEquals(0, submit.exitValue(), "spark-submit failed:\n" + tail(submitLog));

            // the fit ran on the cluster's executor, in the worker's JVM's child, not in the driver
            try (Stream<Path> apps = Files.list(work)) {
                List<Path> executors = apps.flatMap(SparkSubmitIT::children).toList();
                assertTrue(!executors.isEmpty(), "the worker started no executor; worker log:\n" + tail(workerLog));
                System.out.println("spark-submit to a standalone cluster (" + master + "): executor work directories "
                        + executors.stream().map(e -> work.relativize(e).toString()).toList());
            }
            assertTrue(out.contains("Residual standard error"), "no summary printed:\n" + tail(submitOut) + "\n" + tail(submitLog));
            for (int j = 0; j < 2; j++) {
                Matcher m = Pattern.compile("b" + (j + 1) + " = (\\S+) \\(fit\\), (\\S+) \\(fitCompiled\\)").matcher(out);
                assertTrue(m.find(), "no estimate of b" + (j + 1) + " printed:\n" + tail(submitOut));
                System.out.println("  " + m.group());
                double certified = nist.certified()[j];
                for (int g = 1; g <= 2; g++) {
                    double estimate = Double.parseDouble(m.group(g));
                    assertTrue(Math.abs(estimate - certified) <= 1e-8 * Math.abs(certified), String.format(Locale.ROOT,
                            "b%d = %.12g on the cluster, NIST certifies %.12g", j + 1, estimate, certified));
                }
            }
        } finally {
            for (Process p : cluster) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /**
     * What {@code bin/spark-class} does: ask Spark's launcher for the command line of
     * {@code mainClass}, then run it, with its log (stderr) in {@code log} and its standard output
     * in {@code out}, or also in {@code log} when {@code out} is null.
     */
    private static Process sparkClass(Path sparkHome, Path log, Path out, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> ask = new ArrayList<>(List.of(JAVA.toString(), "-Xmx128m", "-cp", sparkHome.resolve("jars") + "/*",
                "org.apache.spark.launcher.Main", mainClass));
        ask.addAll(Arrays.asList(args));
        Process launcher = environment(new ProcessBuilder(ask), sparkHome).redirectErrorStream(true).start();
        byte[] printed = launcher.getInputStream().readAllBytes();
        if (!launcher.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS) || launcher.exitValue() != 0) {
            fail("Spark's launcher failed for " + mainClass + ": " + new String(printed, StandardCharsets.UTF_8));
        }
        // the command comes NUL-separated; spark-class reads it with bash's `read -d ''`, which
        // trims the whitespace around each token (the launcher prints a newline before the first)
        List<String> command = new ArrayList<>();
        for (String token : new String(printed, StandardCharsets.UTF_8).split("\0")) {
            if (!token.isBlank()) {
                command.add(token.strip());
            }
        }
        ProcessBuilder pb = environment(new ProcessBuilder(command), sparkHome);
        if (out == null) {
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        } else {
            pb.redirectOutput(out.toFile()).redirectError(log.toFile());
        }
        return pb.start();
    }

    private static ProcessBuilder environment(ProcessBuilder pb, Path sparkHome) {
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // loopback only, as the embedded tests: nothing listens on the host's interfaces
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "localhost");
        pb.environment().remove("SPARK_CONF_DIR");
        return pb;
    }

    /** Waits until {@code log} has a line containing {@code text}; fails with the log if the process dies first. */
    private static void awaitLine(Path log, String text, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                fail(p.info().command().orElse("a Spark process") + " exited with " + p.exitValue() + " before \""
                        + text + "\":\n" + tail(log));
            }
            Thread.sleep(200);
        }
        fail("no \"" + text + "\" in " + log + " after " + STARTUP_SECONDS + " s:\n" + tail(log));
    }

    private static Stream<Path> children(Path app) {
        try {
            return Files.isDirectory(app) ? Files.list(app).toList().stream() : Stream.empty();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
