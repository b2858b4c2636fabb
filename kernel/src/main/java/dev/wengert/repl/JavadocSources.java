package dev.wengert.repl;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jdk.jshell.SourceCodeAnalysis;

/**
 * Lets JShell's {@link SourceCodeAnalysis#documentation} read javadoc from the sources jars the
 * REPL ships (the DSL's), not only from the JDK's {@code lib/src.zip}.
 *
 * <p>JShell (JDK 9 to at least 24) looks for sources in {@code src.zip} alone and offers no API
 * for more: its analysis keeps the list in a private field, {@code availableSources}, filled on
 * first use by a private {@code findSources()}. This class asks for that list and sets it to the
 * JDK's entries plus ours, so JShell itself resolves the element under the cursor, reads its
 * comment and fills in {@code {@inheritDoc}} and parameter names. It needs the JVM option
 * {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED}, which kernel-config/kernel.json and
 * ./wengert pass; without it (or on a JDK that renamed the field) documentation shows
 * signatures only, and {@link #attach} says why.
 */
final class JavadocSources {

    /** The JVM option that lets {@link #attach} reach JShell's source list. */
    static final String JVM_OPTION = "--add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED";

    private JavadocSources() {
    }

    /**
     * The sources jars (and folders of sources) that {@code entries} name: a jar as it is, a
     * folder's {@code *.jar} files, or a folder of {@code .java} files if it has no jars.
     */
    static List<Path> expand(List<Path> entries) {
        List<Path> found = new ArrayList<>();
        for (Path entry : entries) {
            if (!Files.isDirectory(entry)) {
                if (Files.isRegularFile(entry)) {
                    found.add(entry);
                }
                continue;
            }
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(entry, "*.jar")) {
                stream.forEach(jars::add);
            } catch (IOException e) {
                continue; // an unreadable folder adds nothing
            }
            jars.sort(null);
            if (jars.isEmpty()) {
                found.add(entry);
            } else {
                found.addAll(jars);
            }
        }
        return found;
    }

    /**
     * Adds {@code sources} to where {@code analysis} reads javadoc.
     *
     * @return null if they were added, else why not (for the log)
     */
    static String attach(SourceCodeAnalysis analysis, List<Path> sources) {
        if (sources.isEmpty()) {
            return null;
        }
        try {
            Method find = analysis.getClass().getDeclaredMethod("findSources");
            Field available = analysis.getClass().getDeclaredField("availableSources");
            find.setAccessible(true);
            available.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<Path> jdk = (List<Path>) find.invoke(analysis);
            List<Path> all = new ArrayList<>(jdk == null ? List.of() : jdk);
            all.addAll(sources);
            available.set(analysis, all);
            return null;
        } catch (InaccessibleObjectException e) {
            return "documentation shows signatures only: run java with " + JVM_OPTION
                    + " so JShell can read the javadoc of " + sources;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "documentation shows signatures only: this JDK's JShell keeps its sources differently (" + e + ")";
        }
    }
}
