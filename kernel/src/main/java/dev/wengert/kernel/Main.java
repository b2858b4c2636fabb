package dev.wengert.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.wengert.repl.ExitCalls;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel the way Jupyter's kernel.json asks:
 * {@code java -cp ... dev.wengert.kernel.Main [--startup script.jsh]... [--sources DIR]... connection-file.json}
 * (the folder of {@code --sources} holds the sources jars whose javadoc Shift-Tab shows).
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
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--startup") && i + 1 < args.length) {
                startup.add(Path.of(args[++i]));
            } else if (args[i].equals("--sources") && i + 1 < args.length) {
                sources.add(Path.of(args[++i]));
            } else {
                connectionFile = Path.of(args[i]);
            }
        }
        if (connectionFile == null) {
            System.err.println("usage: java -cp <kernel jars> dev.wengert.kernel.Main "
                    + "[--startup script.jsh]... [--sources DIR]... <connection-file.json>");
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
}
