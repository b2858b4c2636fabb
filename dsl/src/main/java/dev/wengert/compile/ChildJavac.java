package dev.wengert.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Compiling the generated loops with {@code javac} in a child process at the lowest OS
 * priority ({@code nice -n 19}), and lowering the code generation thread's own priority.
 *
 * <p>Why not {@code javax.tools} in the caller's JVM: there javac cost the calls it was meant to
 * speed up. On 2 cores, compiling llsq's 1,750 characters took 1.9 s of the JVM's CPU, and the
 * JIT then spent seconds more compiling javac's own code, on threads as urgent to the OS as
 * the caller's; calls made meanwhile took 2–5× their time (issue 20). A child JVM's
 * allocation, collections and JIT never pause the caller's JVM, and at nice 19 the OS gives it
 * only the CPU the caller's threads leave. The child runs with C1 only and the serial
 * collector, which compile one small class with the least CPU (about 0.45 s here). The class
 * bytes it writes are loaded in the caller's JVM as before.
 *
 * <p>{@code -Dwengert.codegen.javac=inprocess} compiles in this JVM instead (as does a runtime
 * with no {@code javac} executable, such as a jlink image that kept only {@code jdk.compiler}).
 */
final class ChildJavac {
    /** Compiles run in a child process and in this JVM, counted for tests. */
    static final AtomicLong CHILD_COMPILES = new AtomicLong();
    static final AtomicLong IN_JVM_COMPILES = new AtomicLong();
    /** Child compiles that could not start (no temporary folder, no process): those compiled in this JVM instead. */
    static final AtomicLong CHILD_FAILURES = new AtomicLong();
    /** The command of the last child compile (tests read its priority from it). */
    static volatile List<String> lastCommand = List.of();
    /** The OS priority (nice value) of the code generation thread once lowered, or null where it cannot be read. */
    static volatile Integer codegenThreadNice;
    /**
     * The niceness asked for: 39, which the kernel caps at 19, the lowest priority, whether the
     * tool adds it to the current niceness ({@code nice}, and {@code renice} in some versions)
     * or sets it (a JVM started at nice −15 still gets 19, not 4).
     */
    static final String LOWEST = "39";
    /** How long a child compile may take before the job gives up (the loops stay interpreted). */
    private static final long TIMEOUT_MINUTES = 10;

    private ChildJavac() {
    }

    /** Whether compiles go to a child process: not with {@code -Dwengert.codegen.javac=inprocess}, nor without a javac executable. */
    static boolean inChild() {
        String mode = System.getProperty("wengert.codegen.javac", "process").trim();
        if (!mode.equals("process") && !mode.equals("inprocess")) {
            throw new IllegalArgumentException("-Dwengert.codegen.javac=" + mode
                    + ": give process (the default: javac in a child process at low priority) or inprocess");
        }
        return mode.equals("process") && javac() != null && classPath() != null;
    }

    /**
     * Where this package's classes come from (a jar or a folder), the child's class path: the
     * generated source names one type of ours ({@code LoopCode.Ternary}). Null when the class
     * loader does not say (the compile then stays in this JVM).
     */
    static String classPath() {
        try {
            java.security.CodeSource cs = ChildJavac.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
                return null;
            }
            Path p = Path.of(cs.getLocation().toURI());
            return Files.exists(p) ? p.toString() : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** This runtime's javac executable, or null. */
    static Path javac() {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        for (String name : new String[] {"javac", "javac.exe"}) {
            if (Files.isExecutable(bin.resolve(name))) {
                return bin.resolve(name);
            }
        }
        return null;
    }

    /** {@code nice} where the OS has it (Linux, macOS), else null: the child then runs at normal priority. */
    private static Path nice() {
        for (String dir : new String[] {"/usr/bin", "/bin"}) {
            Path p = Path.of(dir, "nice");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The class file javac writes for {@code source} (the class {@code pkg.name}), compiled in a
     * child process; {@code cancelled} stops it early. Its class path is where this package's
     * classes are ({@link #classPath}), nothing else of the caller's.
     */
    static byte[] compile(String pkg, String name, String source, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("wengert-codegen");
        try {
            Path src = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve(name + ".java");
            Path out = dir.resolve("classes");
            Files.createDirectories(src.getParent());
            Files.createDirectories(out);
            Files.writeString(src, source, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            Path nice = nice();
            if (nice != null) {
                cmd.addAll(List.of(nice.toString(), "-n", LOWEST));
            }
            cmd.addAll(List.of(javac().toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
                    "-J-XX:-UsePerfData", "-g:none", "-proc:none", "-nowarn", "-implicit:none", "-encoding", "UTF-8",
                    "-cp", classPath(), "-d", out.toString(), src.toString()));
            lastCommand = List.copyOf(cmd);
            Path log = dir.resolve("javac.txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            // options meant for the caller's JVM (a heap size, an agent listening on a port) are not the child's
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("_JAVA_OPTIONS");
            Process p = pb.start();
            CHILD_COMPILES.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
            try {
                while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                    if (cancelled.getAsBoolean() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(cancelled.getAsBoolean() ? "cancelled"
                                : "javac took over " + TIMEOUT_MINUTES + " minutes in its child process");
                    }
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("the generated loops did not compile (javac exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            return Files.readAllBytes(out.resolve(pkg.replace('.', '/')).resolve(name + ".class"));
        } finally {
            deleteAll(dir);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void deleteAll(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is removed with the others by the OS
        }
    }

    /**
     * Lowers the calling thread (the code generation thread) to nice 19 where Linux lets a
     * thread be addressed on its own ({@code /proc/thread-self}, {@code renice}): finding loops,
     * writing their source and warming them up then take only the CPU the caller leaves.
     * Java's thread priorities are ignored by the JVM on Linux, hence the OS call. Elsewhere a
     * no-op besides {@link Thread#setPriority}.
     */
    static void lowerThisThread() {
        Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
        Path self = Path.of("/proc/thread-self");
        Path renice = Path.of("/usr/bin/renice");
        if (!Files.exists(self) || !Files.isExecutable(renice)) {
            return;
        }
        try {
            String tid = Files.readSymbolicLink(self).getFileName().toString();
            Process p = new ProcessBuilder(renice.toString(), "-n", LOWEST, "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
            // field 19 of stat is the nice value; the name in field 2 has no spaces for this thread
            String[] stat = Files.readString(self.resolve("stat")).split(" ");
            codegenThreadNice = Integer.parseInt(stat[18]);
        } catch (IOException | RuntimeException e) {
            // the priority stays as it was: a slower machine under load, never a wrong number
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
