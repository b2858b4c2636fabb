package dev.wengert.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wengert.repl.RepoFiles;

/**
 * {@code ./wengert} as a user runs it, after {@code package}: the interactive console typed
 * into on a real pseudo-terminal (tmux), scripts with {@code let} and magics, output into files
 * and pipes, the demo, and the launcher's help.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // safety net only; nothing here waits on a clock
class ConsoleIT {

    static final String PROMPT = "wengert> ";

    @TempDir
    static Path dir;

    private static Path launcher;

    @BeforeAll
    static void setUp() throws IOException {
        launcher = RepoFiles.root().resolve("wengert");
        RepoFiles.jarOf(Files.createDirectories(dir.resolve("lib")).resolve("greet.jar"), "greet.Hello",
                "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
    }

    // ---- the interactive console on a pseudo-terminal -----------------------------------------

    /** The console in tmux, with its history in {@code history}. */
    static Tmux console(Path history) throws IOException, InterruptedException {
        Tmux.require();
        Tmux tmux = new Tmux(dir, Map.of("WENGERT_HISTORY", history.toString()), List.of(launcher.toString()));
        tmux.waitFor(s -> s.stripTrailing().endsWith("wengert>"), "the first prompt");
        return tmux;
    }

    /** Types {@code input}, presses Enter and waits for the next prompt; returns the screen. */
    static String submit(Tmux tmux, String input) throws IOException, InterruptedException {
        int prompts = Tmux.count(tmux.screen(), PROMPT.strip());
        tmux.type(input);
        tmux.keys("Enter");
        return waitForPrompt(tmux, prompts);
    }

    /** Waits for a prompt after the {@code before}-th one, at the end of the screen. */
    static String waitForPrompt(Tmux tmux, int before) throws IOException, InterruptedException {
        return tmux.waitFor(s -> Tmux.count(s, PROMPT.strip()) > before && s.stripTrailing().endsWith("wengert>"),
                "prompt number " + (before + 1));
    }

    /** Types a command that ends the console and returns its exit status. */
    static int leave(Tmux tmux, String command) throws IOException, InterruptedException {
        tmux.type(command);
        tmux.keys("Enter");
        return tmux.exitStatus();
    }

    /** The lines printed after the last line that starts with {@code input}'s prompt. */
    static List<String> after(String screen, String promptLine) {
        List<String> lines = screen.lines().toList();
        int at = lines.lastIndexOf(promptLine);
        assertTrue(at >= 0, "no line '" + promptLine + "' in\n" + screen);
        return lines.subList(at + 1, lines.size() - 1);
    }

    @Test
    void lineEditingHistoryAndItsFile() throws Exception {
        Path history = dir.resolve("history-editing");
        try (Tmux tmux = console(history)) {
            int prompts = Tmux.count(tmux.screen(), "wengert>");
            tmux.type("let answer = 6 * 9;");
            // Left to before ';', BSpace removes the 9, then a 7; Ctrl-A and Ctrl-E move to the ends
            tmux.keys("Left", "BSpace");
            tmux.type("7");
            tmux.keys("C-a", "C-e", "Enter");
            String screen = waitForPrompt(tmux, prompts);
            assertEquals(List.of("answer ==> 42"), after(screen, PROMPT + "let answer = 6 * 7;"));
            // Up recalls the input; Ctrl-U clears it again
            tmux.keys("Up");
            tmux.waitFor(s -> s.stripTrailing().endsWith(PROMPT + "let answer = 6 * 7;"), "the recalled input");
            tmux.keys("C-u");
            assertEquals(0, leave(tmux, "/exit"));
        }
        assertTrue(Files.readString(history).contains("let answer = 6 * 7;"), Files.readString(history));
        // a new console finds the history of the last one: Up, and Ctrl-R searching it
        try (Tmux tmux = console(history)) {
            tmux.keys("Up", "Up");
            tmux.waitFor(s -> s.stripTrailing().endsWith(PROMPT + "let answer = 6 * 7;"), "the last session's input");
            tmux.keys("C-u", "C-r");
            tmux.type("6 * 7");
            int prompts = Tmux.count(tmux.screen(), "wengert>");
            tmux.keys("Enter");
            String screen = waitForPrompt(tmux, prompts);
            assertTrue(screen.contains("answer ==> 42\n"), screen);
            screen = submit(tmux, "/history");
            assertTrue(after(screen, PROMPT + "/history").containsAll(List.of("let answer = 6 * 7;", "/exit")), screen);
            // Ctrl-C at the prompt drops what was typed
            tmux.type("half typed");
            tmux.keys("C-c");
            tmux.waitFor(s -> s.stripTrailing().endsWith("wengert>") && s.contains(PROMPT + "half typed"), "a fresh prompt");
            tmux.keys("C-d");
            assertEquals(0, tmux.exitStatus(), "Ctrl-D on an empty line leaves");
        }
    }

    @Test
    void theHistoryIsKeptInTheHomeFolderByDefault() throws Exception {
        Tmux.require();
        Path home = Files.createDirectories(dir.resolve("home"));
        try (Tmux tmux = new Tmux(dir, Map.of("HOME", home.toString()), List.of(launcher.toString()))) {
            tmux.waitFor(s -> s.stripTrailing().endsWith("wengert>"), "the first prompt");
            submit(tmux, "int remembered = 1;");
            assertEquals(0, leave(tmux, "/exit"));
        }
        assertTrue(Files.readString(home.resolve(".wengert_history")).contains("int remembered = 1;"));
    }

    @Test
    void tabListsTheChoicesWhenSeveralFit() throws Exception {
        try (Tmux tmux = console(dir.resolve("history-list"))) {
            tmux.type("sq");
            tmux.keys("Tab");
            String screen = tmux.waitFor(s -> s.contains("sqrt(") && s.contains("square("), "the list of choices");
            assertTrue(screen.contains(PROMPT + "sq"), screen);
            tmux.keys("C-u");
            assertEquals(0, leave(tmux, "/exit"));
        }
    }

    @Test
    void tabCompletesADslNameThenShowsItsSignaturesThenItsJavadoc() throws Exception {
        try (Tmux tmux = console(dir.resolve("history-docs"))) {
            tmux.type("var r = minimiz");
            tmux.keys("Tab");
            tmux.waitFor(s -> s.stripTrailing().endsWith(PROMPT + "var r = minimize("), "the completed name");
            tmux.keys("Tab");
            tmux.waitFor(s -> s.contains("Signatures:\nOptimizationResult dev.wengert.Wengert.minimize(Fn f, double... x0)\n")
                    && s.contains("<press Tab again to see the documentation>"), "the signatures");
            tmux.keys("Tab");
            // the javadoc from the DSL's sources jar (kernel/target/sources), as plain text
            String screen = tmux.waitFor(s -> s.contains("OptimizationResult dev.wengert.Wengert.minimize(Fn f, double... x0)\n"
                    + "Minimises f from x0 by L-BFGS"), "the javadoc");
            assertTrue(screen.contains("\n    var r = minimize(x -> square("), screen);
            assertFalse(screen.contains("no documentation found"), screen);
            tmux.keys("C-u");
            assertEquals(0, leave(tmux, "/exit"));
        }
    }

    @Test
    void unfinishedInputContinuesAndPastedCellsRunWhole() throws Exception {
        try (Tmux tmux = console(dir.resolve("history-multiline"))) {
            int prompts = Tmux.count(tmux.screen(), "wengert>");
            tmux.type("for (int i = 0; i < 3; i++) {");
            tmux.keys("Enter");
            tmux.waitFor(s -> s.stripTrailing().endsWith("...>"), "the continuation prompt");
            tmux.type("System.out.println(\"row \" + i);");
            tmux.keys("Enter");
            tmux.type("}");
            tmux.keys("Enter");
            String screen = waitForPrompt(tmux, prompts);
            assertEquals(List.of("row 0", "row 1", "row 2"), after(screen, "   ...> }"));
            // a pasted cell is one input: the second line continues the first, as in a notebook
            prompts = Tmux.count(screen, "wengert>");
            tmux.paste("let shout = \"wengert\"\n    .toUpperCase();\nSystem.out.println(shout.length());");
            tmux.keys("Enter");
            screen = waitForPrompt(tmux, prompts);
            List<String> printed = after(screen, "   ...> System.out.println(shout.length());");
            assertEquals(List.of("shout ==> \"WENGERT\"", "7"), printed);
            assertEquals(0, leave(tmux, "/exit"));
        }
    }

    @Test
    void ctrlCStopsTheRunningSnippetAndKeepsTheSession() throws Exception {
        try (Tmux tmux = console(dir.resolve("history-interrupt"))) {
            submit(tmux, "int keep = 42;");
            tmux.type("while (true) {}");
            tmux.keys("Enter");
            // Ctrl-C until it has stopped; one that lands while JShell still compiles stops it too
            long deadline = System.currentTimeMillis() + 60_000;
            while (!tmux.screen().contains("Interrupted; the session and its variables are kept")) {
                assertTrue(System.currentTimeMillis() < deadline, "not interrupted:\n" + tmux.screen());
                tmux.keys("C-c");
                Thread.sleep(300);
            }
            tmux.keys("C-u");
            String screen = submit(tmux, "keep");
            assertEquals(List.of("keep ==> 42"), after(screen, PROMPT + "keep"));
            // an optimizer stopped by Ctrl-C returns its best point: the variable is bound and shown
            tmux.type("let slow = minimize(x -> square(x[0].minus(3)), new double[] {0}, "
                    + "gradientDescent(1e-9).maxIterations(Integer.MAX_VALUE));");
            tmux.keys("Enter");
            // the live progress line shows once the run is under way (a Ctrl-C while JShell still
            // compiles would stop the snippet before it binds anything)
            tmux.waitFor("gradient descent (rate 1.0E-9)  iteration ");
            deadline = System.currentTimeMillis() + 60_000;
            while (Tmux.count(tmux.screen(), "|  Interrupted; the session and its variables are kept") < 2) {
                assertTrue(System.currentTimeMillis() < deadline, "not interrupted:\n" + tmux.screen());
                tmux.keys("C-c");
                Thread.sleep(300);
            }
            tmux.keys("C-u");
            screen = submit(tmux, "slow.reason()");
            assertTrue(screen.lines().anyMatch(l -> l.startsWith("slow ==> gradient descent (rate 1.0E-9): stopped, f = ")
                    && l.contains("; interrupted after ")), screen);
            assertTrue(after(screen, PROMPT + "slow.reason()").get(0).matches("\\$\\d+ ==> \"interrupted after .*"), screen);
            // errors point at the text with a caret, as jshell's do
            screen = submit(tmux, "int b = nope;");
            assertEquals(List.of("|  Error:", "|  cannot find symbol", "|    symbol:   variable nope",
                    "|  int b = nope;", "|          ^--^"), after(screen, PROMPT + "int b = nope;"));
            assertEquals(0, leave(tmux, "/exit"));
        }
    }

    @Test
    void dslValuesPrintWhole() throws Exception {
        try (Tmux tmux = console(dir.resolve("history-whole"))) {
            String rosenbrock = "Fn rosenbrock = p -> square(p[0].neg().plus(1)).plus(square(p[1].minus(square(p[0])))"
                    + ".times(100));";
            submit(tmux, rosenbrock);
            String screen = submit(tmux, "let best = minimize(rosenbrock, -1.2, 1.0);");
            List<String> shown = after(screen, PROMPT + "let best = minimize(rosenbrock, -1.2, 1.0);");
            assertEquals(1, shown.size(), screen);
            assertTrue(shown.get(0).startsWith("best ==> L-BFGS (m = 10): converged, f = "), shown.get(0));
            // longer than the terminal is wide, and than jshell's 80 characters: whole, to its end
            assertTrue(shown.get(0).endsWith("≤ 1e-06") && shown.get(0).length() > 140, "whole: " + shown);
            assertEquals(0, leave(tmux, "/exit"));
        }
    }

    // ---- scripts ---------------------------------------------------------------------------------

    private record Result(int exit, String stdout, String stderr) {
    }

    /** Runs the launcher with {@code args} in {@code dir}, standard input from {@code stdin}, output into files. */
    private static Result launch(String stdin, String... args) throws IOException, InterruptedException {
        return launch(Map.of(), stdin, args);
    }

    private static Result launch(Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Path in = Files.createTempFile(dir, "in", ".txt");
        Files.writeString(in, stdin);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Process process = builder.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        assertTrue(process.waitFor(4, TimeUnit.MINUTES), "the launcher hung: " + command);
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertClean(String output) {
        assertFalse(output.contains("\r"), "a carriage return in output without a terminal:\n" + output);
        assertFalse(output.contains("\u001b"), "an escape code in output without a terminal:\n" + output);
    }

    @Test
    void aScriptWithLetAndMagicsRuns() throws Exception {
        Files.writeString(dir.resolve("greet.jsh"), String.join("\n", "%jars lib/*.jar",
                "let greeting = greet.Hello.hi()", "    .toUpperCase();", "System.out.println(greeting);", ""));
        Result result = launch("", "greet.jsh");
        assertEquals(new Result(0, "HI\n", ""), result);
    }

    @Test
    void aScriptStopsAtItsFirstErrorWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("bad.jsh"), "let a = 1;\nSystem.out.println(\"one\");\nlet b = nope + a;\n"
                + "System.out.println(\"never\");\n");
        Result result = launch("", "bad.jsh");
        assertEquals(1, result.exit());
        assertEquals("one\n", result.stdout());
        assertEquals(String.join("\n", "bad.jsh:3:9: error: cannot find symbol", "  symbol:   variable nope",
                "    let b = nope + a;", "            ^--^", ""), result.stderr());
        Files.writeString(dir.resolve("throws.jsh"), "int[] empty = new int[0];\n\nint first = empty[0];\n");
        Result thrown = launch("", "throws.jsh");
        assertEquals(1, thrown.exit());
        assertTrue(thrown.stderr().startsWith("throws.jsh:3: java.lang.ArrayIndexOutOfBoundsException: "),
                thrown.stderr());
    }

    @Test
    void standardInputThatIsNotATerminalRunsAsAScript() throws Exception {
        assertEquals(new Result(0, "42\n", ""), launch("let x = 6;\nSystem.out.println(x * 7);\n"));
        assertEquals(new Result(3, "", ""), launch("/exit 3\n", "-"));
        assertEquals(new Result(5, "before\n", ""), launch("System.out.println(\"before\");\nSystem.exit(5);\n"));
    }

    @Test
    void progressIntoAFileIsPlainLines() throws Exception {
        // each evaluation sleeps, so the run lasts over the half second before progress shows
        Files.writeString(dir.resolve("slow.jsh"), String.join("\n",
                "let r = minimize(p -> { try { Thread.sleep(5); } catch (InterruptedException e) { } "
                        + "return square(p[0].minus(3)); }, new double[] {0}, gradientDescent(0.01).maxIterations(300));",
                "System.out.println(r.iterations());", ""));
        Result result = launch("", "slow.jsh");
        assertEquals(0, result.exit(), result.stderr());
        Result quiet = launch(Map.of("JAVA_OPTS", "-Dwengert.progress=off"), "", "slow.jsh");
        assertEquals(new Result(0, "300\n", ""), quiet, "JAVA_OPTS reaches the JVM; off is off");
        assertEquals("300\n", result.stdout());
        assertClean(result.stdout() + result.stderr());
        List<String> progress = result.stderr().lines().toList();
        assertFalse(progress.isEmpty(), "a run of over 1.5 s reports its progress");
        for (String line : progress) {
            assertTrue(line.matches("gradient descent \\(rate 0\\.01\\)  iteration \\d+  f = \\S+  \\|g\\| = \\S+"), line);
        }
        assertTrue(progress.get(progress.size() - 1).contains("iteration 300 "), "the last line is the last iteration");
    }

    @Test
    void theDemoRunsCleanIntoAFile() throws Exception {
        Result result = launch("", "demo");
        assertEquals(0, result.exit(), result.stderr());
        assertTrue(result.stdout().contains("== 13. Pictures"), result.stdout());
        assertClean(result.stdout() + result.stderr());
    }

    @Test
    void helpTextsAreTheScriptsCommentsOnly() throws Exception {
        Result help = launch("", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.stdout().startsWith("Wengert launcher: the Wengert console"), help.stdout());
        assertTrue(help.stdout().contains("./wengert FILE.jsh"), help.stdout());
        assertFalse(help.stdout().contains("set -euo") || help.stdout().contains("#"), help.stdout());
        Process install = new ProcessBuilder(RepoFiles.root().resolve("kernel-config/install").toString(), "--help")
                .redirectErrorStream(true).start();
        String text = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, install.waitFor());
        assertTrue(text.startsWith("Installs the Wengert Jupyter kernel"), text);
        assertTrue(text.stripTrailing().endsWith("how to remove it."), text);
        assertFalse(text.contains("set -euo") || text.contains("here="), text);
    }
}
