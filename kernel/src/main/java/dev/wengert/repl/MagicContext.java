package dev.wengert.repl;

import java.io.PrintStream;
import java.nio.file.Path;

import jdk.jshell.JShell;

/** What a {@link Magic} may use: the session's JShell, where relative paths point, and the output. */
public final class MagicContext {

    private final JShell jshell;
    private final Path workingDirectory;

    MagicContext(JShell jshell, Path workingDirectory) {
        this.jshell = jshell;
        this.workingDirectory = workingDirectory;
    }

    /** The session's JShell (to add to its class path, or evaluate code). */
    public JShell jshell() {
        return jshell;
    }

    /** Where relative paths in arguments point: the notebook's folder, or the console's working directory. */
    public Path workingDirectory() {
        return workingDirectory;
    }

    /** Adds a jar or class folder to the class path of the session's code. */
    public void addToClasspath(Path path) {
        jshell.addToClasspath(path.toString());
    }

    /** Where a magic prints what it did: the cell's output. */
    public PrintStream out() {
        return System.out;
    }
}
