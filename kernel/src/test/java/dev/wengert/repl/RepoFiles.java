package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import javax.tools.ToolProvider;

/** The repository's files the tests use, and small libraries compiled on the spot. */
public final class RepoFiles {

    private RepoFiles() {
    }

    /** The repository root: the folder above the working directory that holds kernel-config/startup.jsh. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("kernel-config/startup.jsh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no kernel-config/startup.jsh above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** kernel-config/startup.jsh, as the kernel and ./wengert pass it. */
    public static Evaluator.Script startup() {
        Path script = root().resolve("kernel-config/startup.jsh");
        try {
            return new Evaluator.Script(script.toString(), Files.readString(script));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A jar at {@code jar} holding one class compiled from {@code source}.
     *
     * @param className the class's binary name, e.g. {@code greet.Hello}
     * @param classPath jars the source compiles against
     */
    public static Path jarOf(Path jar, String className, String source, Path... classPath) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "src");
        Path file = work.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString()));
        if (classPath.length > 0) {
            args.add("-cp");
            args.add(Arrays.stream(classPath).map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        }
        args.add(file.toString());
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, status, "javac " + file);
        String entry = className.replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry(entry));
            jarOut.write(Files.readAllBytes(classes.resolve(entry)));
            jarOut.closeEntry();
        }
        return jar;
    }
}
