package dev.wengert.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.wengert.repl.Evaluator;
import dev.wengert.repl.ExitCalls;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel the way Jupyter's kernel.json asks:
 * {@code java -cp ... dev.wengert.kernel.Main [--startup script.jsh]... [--sources DIR]... connection-file.json}
 * (the folder of {@code --sources} holds the sources jars whose javadoc Shift-Tab shows).
 *
 * <p>With {@code --train} instead of a connection file it starts a session as the kernel does,
 * runs a DSL cell, renders its value and exits: kernel-config/install runs it under
 * {@code -XX:ArchiveClassesAtExit} to write the class-data archive the kernel then starts from
 * (the classes of javac, JShell, the kernel and the DSL, mapped instead of loaded and verified).
 */
public final class Main {

    private Main() {
    }

    /**
     * Connects to the sockets of the connection file and serves until Jupyter shuts the
     * kernel down.
     *
     * @param args {@code --startup <file>} and {@code --sources <folder or jar>} (both repeatable) and
     *     the connection file
     */
    public static void main(String[] args) throws Exception {
        // basekernel logs every message at INFO; Jupyter shows kernel stderr to the user
        Logger.getLogger("").setLevel(Level.WARNING);
        // user code shares this JVM: its exits are refused, the kernel's own (below) go through
        ExitCalls.refuse("it would end the kernel and lose every variable of the notebook. The kernel goes on; "
                + "to start afresh, restart it from Jupyter (Kernel > Restart).");
        List<Path> startup = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        Path connectionFile = null;
        boolean train = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--startup") && i + 1 < args.length) {
                startup.add(Path.of(args[++i]));
            } else if (args[i].equals("--sources") && i + 1 < args.length) {
                sources.add(Path.of(args[++i]));
            } else if (args[i].equals("--train")) {
                train = true;
            } else {
                connectionFile = Path.of(args[i]);
            }
        }
        if (train) {
            System.exit(train(startup, sources));
        }
        if (connectionFile == null) {
            System.err.println("usage: java -cp <kernel jars> dev.wengert.kernel.Main "
                    + "[--startup script.jsh]... [--sources DIR]... <connection-file.json | --train>");
            System.exit(2);
        }
        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(connectionFile));
        Path here = Path.of("").toAbsolutePath();
        WengertKernel kernel = new WengertKernel(KernelSettings.from(System.getenv(), here), startup, sources, here);
        GuardedConnection connection = new GuardedConnection(properties);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        // like ipykernel: a kernel whose Jupyter process died (killed, crashed) must not linger
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        connection.waitUntilClose();
        // user code may have left threads behind; a shut-down kernel must not linger
        System.exit(0);
    }

    // what a session loads in its first cells: the startup, a DSL cell, a method, a rich value
    private static final String TRAINING_CELL = "double square(double v) { return v * v; }\n"
            + "var trained = derivative(x -> sin(x).times(x), square(1.0));\n"
            + "Tensor.of(new double[] {1, 2, 3, 4}, 2, 2)";

    /** Runs one session's start and a DSL cell; 0 if it all ran, 1 (with the reason on stderr) if not. */
    private static int train(List<Path> startup, List<Path> sources) {
        List<Evaluator.Script> scripts = new ArrayList<>();
        try {
            for (Path script : startup) {
                scripts.add(new Evaluator.Script(script.toString(), Files.readString(script)));
            }
        } catch (java.io.IOException e) {
            System.err.println("wengert --train: " + e);
            return 1;
        }
        Evaluator.Options options = Evaluator.Options.defaults(Path.of("").toAbsolutePath())
                .withStartup(scripts).withSourcePath(sources);
        try (Evaluator evaluator = new Evaluator(options)) {
            Object[] last = new Object[1];
            evaluator.eval(TRAINING_CELL, Evaluator.Source.CELL, result -> last[0] = result.value());
            evaluator.onEvaluationThread(() -> Displays.render(last[0]), null);
            return 0;
        } catch (Exception e) {
            System.err.println("wengert --train: " + e);
            return 1;
        }
    }
}
