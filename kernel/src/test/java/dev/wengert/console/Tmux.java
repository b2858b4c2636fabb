package dev.wengert.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;

/**
 * A program on a real pseudo-terminal, typed into and read back through tmux: tmux gives the
 * program a pty of its own (so JLine sees a terminal, Ctrl-C is a SIGINT from the line
 * discipline) and renders what it writes into a screen we can read, as the user would see it.
 *
 * <p>Each instance runs its own tmux server (its own socket), so tests never touch a user's
 * tmux. Waits poll the screen until a condition holds; their deadline is a safety net against
 * a hung program, never a pass/fail condition.
 */
final class Tmux implements AutoCloseable {

    private static final Path TMUX = Path.of("/usr/bin/tmux");
    private static final long SAFETY_MILLIS = 120_000;
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final String SESSION = "console";

    private final String socket = "wengert-test-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet();
    private final Map<String, String> env;
    private final Path work;
    private final Path status;

    /** Skips the test without tmux, except when CI is set (Ci.active()), where tmux must be there. */
    static void require() {
        if (Files.isExecutable(TMUX)) {
            return;
        }
        String message = "tmux is missing (" + TMUX + "): apt-get install tmux";
        if (dev.wengert.kernel.Ci.active()) {
            fail(message + " -- CI must run the console's terminal tests");
        }
        Assumptions.abort(message);
    }

    /**
     * Starts {@code command} in a 140 × 50 terminal, in {@code dir}, with {@code env} added to the
     * environment. The pane stays after the program ends, so its last screen and exit status
     * can be read.
     */
    Tmux(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        this.env = env;
        this.work = Files.createTempDirectory(dir, "tmux");
        this.status = work.resolve("exit-status");
        Path config = work.resolve("tmux.conf");
        Files.writeString(config, "set-option -g remain-on-exit on\nset-option -g history-limit 50000\n");
        List<String> start = new ArrayList<>(List.of(TMUX.toString(), "-L", socket, "-f", config.toString(),
                "new-session", "-d", "-s", SESSION, "-x", "140", "-y", "50", "-c", dir.toString()));
        env.forEach((key, value) -> start.addAll(List.of("-e", key + "=" + value)));
        // tmux 3.3 at times leaves a program that closed the terminal before it exited as an
        // unreaped zombie with no status: a shell records the status instead
        start.addAll(List.of("bash", "-c", "\"$@\"; echo $? > " + status, "program"));
        start.addAll(command);
        run(start);
    }

    /** Types {@code text} as keystrokes (no Enter). */
    void type(String text) throws IOException, InterruptedException {
        // tmux reads a ';' that ends an argument as a command separator unless escaped
        String escaped = text.endsWith(";") ? text.substring(0, text.length() - 1) + "\\;" : text;
        tmux("send-keys", "-t", SESSION, "-l", escaped);
    }

    /** Presses keys by tmux's names: Enter, Tab, C-c, C-d, Left, Up, BSpace, … */
    void keys(String... names) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", SESSION));
        args.addAll(List.of(names));
        tmux(args.toArray(String[]::new));
    }

    /** Pastes {@code text} as a terminal paste (bracketed, since JLine asks for it), without Enter. */
    void paste(String text) throws IOException, InterruptedException {
        Path buffer = Files.createTempFile(work, "paste", ".txt");
        Files.writeString(buffer, text);
        tmux("load-buffer", "-b", "cell", buffer.toString());
        tmux("paste-buffer", "-p", "-d", "-b", "cell", "-t", SESSION);
    }

    /** The whole screen and its scrollback, wrapped lines joined, trailing blanks removed. */
    String screen() throws IOException, InterruptedException {
        String captured = tmux("capture-pane", "-p", "-J", "-t", SESSION, "-S", "-");
        StringBuilder out = new StringBuilder();
        captured.lines().forEach(l -> out.append(l.stripTrailing()).append('\n'));
        return out.toString().stripTrailing() + "\n";
    }

    /** Waits until the screen satisfies {@code condition}; returns that screen. */
    String waitFor(Predicate<String> condition, String what) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + SAFETY_MILLIS;
        while (true) {
            String screen = screen();
            if (condition.test(screen)) {
                return screen;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the terminal never showed " + what + "; its screen:\n" + screen);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the screen contains {@code text}. */
    String waitFor(String text) throws IOException, InterruptedException {
        return waitFor(s -> s.contains(text), "'" + text + "'");
    }

    /** How many lines start with {@code prompt}. */
    static int count(String screen, String prompt) {
        return (int) screen.lines().filter(l -> l.startsWith(prompt)).count();
    }

    /** Waits until the program has ended; returns its exit status. */
    int exitStatus() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + SAFETY_MILLIS;
        while (true) {
            String recorded = Files.exists(status) ? Files.readString(status).strip() : "";
            if (!recorded.isEmpty()) {
                return Integer.parseInt(recorded);
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the program did not end; its screen:\n" + screen() + "\nits threads:\n" + consoleThreads());
            }
            Thread.sleep(100);
        }
    }

    /** The thread dumps of running consoles, to tell why one did not end. */
    private static String consoleThreads() {
        StringBuilder dumps = new StringBuilder();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("dev.wengert.console.Main"))
                .forEach(p -> {
                    try {
                        Process jstack = new ProcessBuilder("jstack", String.valueOf(p.pid())).redirectErrorStream(true).start();
                        dumps.append(new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                        jstack.waitFor(SAFETY_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (IOException | InterruptedException e) {
                        dumps.append("jstack ").append(p.pid()).append(": ").append(e).append('\n');
                    }
                });
        return dumps.toString();
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TMUX.toString(), "-L", socket));
        command.addAll(List.of(args));
        return run(command);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(SAFETY_MILLIS, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("tmux hung: " + command);
        }
        assertEquals(0, process.exitValue(), command + ":\n" + output);
        return output;
    }

    /** Ends the program and this tmux server. */
    @Override
    public void close() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(TMUX.toString(), "-L", socket, "kill-server").redirectErrorStream(true);
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        process.waitFor(SAFETY_MILLIS, TimeUnit.MILLISECONDS);
    }
}
