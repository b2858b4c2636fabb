package dev.wengert.console;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import dev.wengert.optim.OptimizerEvents;
import dev.wengert.repl.ClassPathEntries;
import dev.wengert.repl.Evaluator;

/**
 * The Wengert console, what {@code ./wengert} starts: an interactive session on a terminal, or
 * a script run to its end or its first error.
 *
 * <pre>
 * java -cp 'kernel/target/lib/*:kernel/target/wengert-kernel-0.1.0-SNAPSHOT.jar' dev.wengert.console.Main \
 *      [--startup FILE]... [--class-path PATH] [--sources DIR]... [FILE | -]
 * </pre>
 *
 * <p>With FILE (or {@code -}, or standard input that is not a terminal) it runs that script:
 * values are not echoed, as in jshell scripts, and the first error ends the run with its file
 * and line and exit status 1. Otherwise it opens the interactive console.
 */
public final class Main {

    private static final String USAGE = String.join("\n",
            "usage: dev.wengert.console.Main [--startup FILE]... [--class-path PATH] [--sources DIR]... [FILE | -]",
            "  no FILE     the interactive console (when standard input is a terminal)",
            "  FILE        runs the script; the first error ends it, with its line and exit status 1",
            "  -           runs standard input as a script (so does a pipe or a redirected file)",
            "  --startup   a startup script (kernel-config/startup.jsh imports the DSL); repeatable",
            "  --class-path  jars and class folders for your code, separated by '" + File.pathSeparator + "'",
            "  --sources   a sources jar, or a folder of them, whose javadoc Tab Tab shows; repeatable");

    private Main() {
    }

    /** Runs the console or the script and exits with its status. */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wengert: " + e.getMessage());
            status = 2;
        }
        System.out.flush();
        System.err.flush();
        // user code may have left threads running; the console's end is the process's end
        System.exit(status);
    }

    static int run(String[] args) {
        List<Evaluator.Script> startup = new ArrayList<>();
        List<Path> classPath = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        Path here = Path.of("").toAbsolutePath();
        String script = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--startup") || arg.equals("--class-path") || arg.equals("--sources")) && i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
            }
            if (arg.equals("--startup")) {
                startup.add(read(Path.of(args[++i])));
            } else if (arg.equals("--sources")) {
                sources.add(here.resolve(args[++i]));
            } else if (arg.equals("--class-path")) {
                classPath.addAll(ClassPathEntries.paths(here, Arrays.asList(args[++i].split(File.pathSeparator))));
            } else if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println(USAGE);
                return 0;
            } else if (arg.startsWith("-") && !arg.equals("-")) {
                throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            } else if (script == null) {
                script = arg;
            } else {
                throw new IllegalArgumentException("one script at a time: " + script + " and " + arg + "\n" + USAGE);
            }
        }
        chooseProgress();
        Evaluator.Options options = new Evaluator.Options(classPath, List.of(), startup, -1, "the time limit",
                1000, here, System.err, sources);
        if (script == null && !Terminals.stdin()) {
            script = "-";
        }
        if (script != null) {
            return runScript(options, script);
        }
        return interactive(options, here);
    }

    /** The optimizers' progress: a live line when stderr is a terminal, plain lines into a file or pipe. */
    private static void chooseProgress() {
        if (System.getProperty(OptimizerEvents.PROGRESS_PROPERTY) == null) {
            System.setProperty(OptimizerEvents.PROGRESS_PROPERTY, Terminals.stderr() ? "live" : "lines");
        }
    }

    private static int runScript(Evaluator.Options options, String script) {
        String text;
        String name = script.equals("-") ? "<stdin>" : script;
        try {
            text = script.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(script));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage());
        }
        try (ConsoleSession session = new ConsoleSession(options, System.out)) {
            ConsoleSession.Outcome outcome = session.runScript(name, text, System.err);
            return outcome.exit() ? outcome.status() : 0;
        }
    }

    private static int interactive(Evaluator.Options options, Path here) {
        String historySetting = System.getenv("WENGERT_HISTORY");
        // $HOME as shells read it (Java's user.home comes from the password file instead)
        String home = System.getenv("HOME");
        Path history = historySetting != null && !historySetting.isBlank()
                ? Path.of(historySetting)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".wengert_history");
        try (ConsoleSession session = new ConsoleSession(options, System.out);
                Terminal terminal = TerminalBuilder.builder().name("wengert").system(true).nativeSignals(true).build()) {
            return new Console(session, terminal, history, here).run();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open the terminal: " + e.getMessage());
        }
    }

    private static Evaluator.Script read(Path script) {
        try {
            return new Evaluator.Script(script.toString(), Files.readString(script));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the startup script " + script + ": " + e.getMessage());
        }
    }
}
