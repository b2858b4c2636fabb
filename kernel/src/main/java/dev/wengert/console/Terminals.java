package dev.wengert.console;

import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Whether the standard streams are terminals. Java 17 can only tell whether stdin and stdout
 * both are ({@link System#console()}); the console needs each on its own (is stderr a terminal,
 * for the progress line?), so it asks JLine's providers, which call {@code isatty}: the native
 * one first, the one that runs {@code test -t} as a fallback.
 */
final class Terminals {

    private static final String[] PROVIDERS = {"jni", "exec"};

    private Terminals() {
    }

    /** Whether standard input is a terminal. */
    static boolean stdin() {
        return isTerminal(SystemStream.Input);
    }

    /** Whether standard output is a terminal. */
    static boolean stdout() {
        return isTerminal(SystemStream.Output);
    }

    /** Whether standard error is a terminal. */
    static boolean stderr() {
        return isTerminal(SystemStream.Error);
    }

    private static boolean isTerminal(SystemStream stream) {
        for (String name : PROVIDERS) {
            try {
                return TerminalProvider.load(name).isSystemStream(stream);
            } catch (Exception | LinkageError e) {
                // this provider cannot run here (no native library, no /bin/sh): try the next
            }
        }
        return false;
    }
}
