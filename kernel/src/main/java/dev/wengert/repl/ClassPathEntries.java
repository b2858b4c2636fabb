package dev.wengert.repl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands what users type into {@code %jars}, {@code %classpath} and {@code IJAVA_CLASSPATH}
 * into existing files.
 *
 * <p>A glob in the file name ({@code lib/*.jar}) expands to the matching files, a directory
 * given to {@code %jars} to the jars in it; paths are relative to the kernel's working
 * directory, which Jupyter sets to the notebook's folder. A pattern that matches nothing is an
 * error, because a silently empty class path only shows up later as "cannot find symbol".
 */
public final class ClassPathEntries {

    private ClassPathEntries() {
    }

    /** Jar files for each pattern: a jar, a directory of jars, or a glob in the file name. */
    public static List<Path> jars(Path base, List<String> patterns) {
        List<Path> found = new ArrayList<>();
        for (String pattern : patterns) {
            Path path = base.resolve(pattern.strip()).normalize();
            if (Files.isDirectory(path)) {
                found.addAll(matching(path, "*.jar", pattern));
            } else if (isGlob(path.getFileName())) {
                found.addAll(matching(path.getParent(), path.getFileName().toString(), pattern));
            } else if (Files.isRegularFile(path)) {
                found.add(path);
            } else {
                throw new IllegalArgumentException("no such jar: " + path);
            }
        }
        return found;
    }

    /** Each existing class-path element (a jar or a class folder), resolved against base. */
    public static List<Path> paths(Path base, List<String> entries) {
        List<Path> found = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = base.resolve(entry.strip()).normalize();
            if (isGlob(path.getFileName())) {
                found.addAll(matching(path.getParent(), path.getFileName().toString(), entry));
            } else if (Files.exists(path)) {
                found.add(path);
            } else {
                throw new IllegalArgumentException("no such class path entry: " + path);
            }
        }
        return found;
    }

    private static boolean isGlob(Path fileName) {
        String name = fileName == null ? "" : fileName.toString();
        return name.contains("*") || name.contains("?") || name.contains("[") || name.contains("{");
    }

    private static List<Path> matching(Path dir, String glob, String pattern) {
        List<Path> found = new ArrayList<>();
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
                stream.forEach(found::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no jars match " + pattern + " (in " + dir + ")");
        }
        found.sort(null);
        return found;
    }
}
