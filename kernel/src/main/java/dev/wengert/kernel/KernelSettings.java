package dev.wengert.kernel;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.wengert.repl.ClassPathEntries;

/**
 * The kernel's settings, read from the environment.
 *
 * <p>IJava's variables keep their meaning, so a notebook set up for IJava runs here too:
 * {@code IJAVA_CLASSPATH} (extra jars and folders, path-separator list, globs allowed),
 * {@code IJAVA_STARTUP_SCRIPTS_PATH} (extra {@code .jsh} scripts, same syntax),
 * {@code IJAVA_STARTUP_SCRIPT} (inline startup code), {@code IJAVA_COMPILER_OPTS}
 * (javac options, space separated) and {@code IJAVA_TIMEOUT} (milliseconds a snippet may run
 * before it is interrupted, {@code -1} for never). {@code WENGERT_INTERRUPT_GRACE_MS} is how
 * long an interrupted cell may keep running before it is stopped by force (default 1000);
 * {@code WENGERT_MAX_OUTPUT_BYTES} how many bytes of printed output one cell shows (default
 * 1 MiB, {@code -1} for no limit; see {@link CellOutput}).
 *
 * @param classPath extra class path entries, resolved
 * @param startupScripts scripts run at start, after the kernel's own startup script
 * @param startupCode inline startup code, run last
 * @param compilerOptions options for JShell's compiler
 * @param timeoutMillis snippet time limit, negative for none
 * @param interruptGraceMillis grace period before a forced stop
 * @param maxOutputBytes printed bytes a cell shows, negative for no limit
 */
record KernelSettings(List<Path> classPath, List<Path> startupScripts, String startupCode,
        List<String> compilerOptions, long timeoutMillis, long interruptGraceMillis,
        long maxOutputBytes) {

    /** Reads the settings from {@code env}; relative paths are resolved against {@code base}. */
    static KernelSettings from(Map<String, String> env, Path base) {
        return new KernelSettings(
                ClassPathEntries.paths(base, split(env.get("IJAVA_CLASSPATH"))),
                ClassPathEntries.paths(base, split(env.get("IJAVA_STARTUP_SCRIPTS_PATH"))),
                env.getOrDefault("IJAVA_STARTUP_SCRIPT", ""),
                words(env.get("IJAVA_COMPILER_OPTS")),
                number(env, "IJAVA_TIMEOUT", -1),
                number(env, "WENGERT_INTERRUPT_GRACE_MS", 1000),
                number(env, "WENGERT_MAX_OUTPUT_BYTES", 1 << 20));
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.asList(list.split(File.pathSeparator));
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text != null) {
            for (String word : text.strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
        }
    }
}
