package dev.wengert.repl;

import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The magics every front end knows, and their lookup. */
public final class Magics {

    /** Every magic: add a new one here and the kernel, the console and scripts all know it. */
    public static final List<Magic> BUILT_IN = List.of(new JarsMagic(), new ClasspathMagic(),
            new MavenMagics.MavenMagic(), new MavenMagics.LoadFromPomMagic());

    private Magics() {
    }

    /** The magic called {@code name}, if there is one. */
    public static Optional<Magic> find(String name) {
        return BUILT_IN.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** One line per magic, for help texts and errors, the descriptions aligned. */
    public static String usages() {
        // a usage is "syntax<two or more blanks>what it does"
        List<String[]> parts = BUILT_IN.stream().map(m -> m.usage().split("\\s{2,}", 2)).collect(Collectors.toList());
        int width = parts.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        return parts.stream().map(p -> p.length == 1 ? p[0] : String.format("%-" + width + "s   %s", p[0], p[1]))
                .collect(Collectors.joining("\n"));
    }

    /** Splits arguments at blanks and the path separator, as {@code %jars} and {@code %classpath} take them. */
    static List<String> pathArguments(String arguments) {
        String trimmed = arguments.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("[\\s" + File.pathSeparator + "]+"));
    }

    /** {@code %jars lib/*.jar}: jars, folders of jars and globs, relative to the working directory. */
    static final class JarsMagic implements Magic {
        @Override
        public String name() {
            return "jars";
        }

        @Override
        public String usage() {
            return "%jars <jar, folder or glob>...   adds jars to the class path (relative to the working directory)";
        }

        @Override
        public void run(Cell.MagicCall call, MagicContext context) {
            List<String> arguments = pathArguments(call.arguments());
            if (arguments.isEmpty()) {
                throw new IllegalArgumentException("name at least one jar, folder or glob, e.g. %jars lib/*.jar");
            }
            ClassPathEntries.jars(context.workingDirectory(), arguments).forEach(context::addToClasspath);
        }
    }

    /** {@code %classpath dir:other.jar}: class folders and jars, as on a java command line. */
    static final class ClasspathMagic implements Magic {
        @Override
        public String name() {
            return "classpath";
        }

        @Override
        public String usage() {
            return "%classpath <path>...             adds class folders or jars to the class path";
        }

        @Override
        public void run(Cell.MagicCall call, MagicContext context) {
            List<String> arguments = pathArguments(call.arguments());
            if (arguments.isEmpty()) {
                throw new IllegalArgumentException("name at least one class folder or jar, e.g. %classpath build/classes");
            }
            ClassPathEntries.paths(context.workingDirectory(), arguments).forEach(context::addToClasspath);
        }
    }
}
