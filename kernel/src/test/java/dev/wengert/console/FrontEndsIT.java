package dev.wengert.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.wengert.repl.RepoFiles;
import dev.wengert.repl.TestMavenRepository;

/**
 * The same cells ({@code front-ends/cells.jsh}: {@code let}, a magic, a statement over two
 * lines, the DSL, a method, a DSL value, {@code %maven}, a compile error) through the three front ends: the
 * notebook kernel driven by Debian's jupyter_client, {@code ./wengert} on a pseudo-terminal
 * (each cell pasted as one input) and {@code ./wengert cells.jsh}. They print the same lines,
 * show the same value and report the error at the same column.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // safety net only; nothing here waits on a clock
class FrontEndsIT {

    private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String KERNEL = "wengert-front-ends";
    private static final String SEPARATOR = "\n// ---- cell\n";

    @TempDir
    static Path dir;

    private static Path jupyterPath;
    private static Path cellsFile;
    private static List<String> cells;
    private static String expectedOutput;
    private static Map<String, String> mavenEnv;

    @BeforeAll
    static void setUp() throws Exception {
        requireJupyter();
        Tmux.require();
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        cellsFile = dir.resolve("cells.jsh");
        Files.copy(module.resolve("src/test/resources/front-ends/cells.jsh"), cellsFile);
        String text = Files.readString(cellsFile);
        cells = new ArrayList<>(Arrays.asList(text.split(SEPARATOR)));
        cells.remove(0); // the file's header comment
        cells.replaceAll(String::stripTrailing);
        RepoFiles.jarOf(Files.createDirectories(dir.resolve("lib")).resolve("greet.jar"), "greet.Hello",
                "package greet; public class Hello { public static String hi() { return \"hi\"; } }");
        // %maven reads a repository the test made, as the local repository alone: no download, so
        // every front end prints the same lines
        mavenEnv = Map.of("WENGERT_MAVEN_LOCAL", TestMavenRepository.create(dir.resolve("m2")).toString(),
                "WENGERT_MAVEN_REPOSITORIES", "none", "WENGERT_MAVEN_SETTINGS", dir.resolve("no-settings.xml").toString());
        // what the cells print, worked out independently (the gradient is checked as a number below)
        expectedOutput = String.join("\n", "answer 42", "greeting hi", "shout WENGERT", "grad ?", "twice 42",
                "converged true", "com.example:greet:jar:1.0: added to the class path",
                "com.example:words:jar:1.0: added to the class path", "maven hello, cells", "");
        Path prefix = dir.resolve("prefix");
        Result installed = run(List.of(RepoFiles.root().resolve("kernel-config/install").toString(),
                "--prefix", prefix.toString(), "--name", KERNEL));
        assertEquals(0, installed.exit(), installed.output());
        jupyterPath = prefix.resolve("share/jupyter");
    }

    private static void requireJupyter() {
        if (Files.isExecutable(JUPYTER) && Files.isExecutable(PYTHON)) {
            return;
        }
        String message = "Debian's Jupyter is missing (" + JUPYTER + "): apt-get install jupyter-client "
                + "jupyter-nbconvert python3-nbclient python3-ipykernel";
        if (dev.wengert.kernel.Ci.active()) {
            fail(message + " -- CI must run the front-end comparison");
        }
        Assumptions.abort(message);
    }

    /** The line of the compile error in the file, and the column it is at in every front end. */
    private static int badLine() throws IOException {
        List<String> lines = Files.readAllLines(cellsFile);
        return lines.indexOf("let bad = nope + 1;") + 1;
    }

    private static final int BAD_COLUMN = "let bad = ".length() + 1;

    @Test
    void theNotebookTheConsoleAndAScriptAgree() throws Exception {
        // ---- the notebook kernel
        Result driven = run(List.of(PYTHON.toString(),
                RepoFiles.root().resolve("kernel/src/test/resources/kernel_driver.py").toString(), KERNEL, "cells"));
        assertEquals(0, driven.exit(), driven.output());
        @SuppressWarnings("deprecation") // the Gson of jupyter-jvm-basekernel predates JsonParser.parseString
        JsonArray executions = new JsonParser().parse(driven.stdout().strip()).getAsJsonObject()
                .getAsJsonObject("cells").getAsJsonArray("executions");
        assertEquals(cells.size(), executions.size());
        StringBuilder notebookOutput = new StringBuilder();
        String notebookValue = null;
        JsonObject notebookError = null;
        List<String> progress = new ArrayList<>();
        for (JsonElement execution : executions) {
            for (JsonElement output : execution.getAsJsonObject().getAsJsonArray("outputs")) {
                JsonObject o = output.getAsJsonObject();
                JsonObject content = o.getAsJsonObject("content");
                switch (o.get("type").getAsString()) {
                    case "stream":
                        assertEquals("stdout", content.get("name").getAsString(), content.toString());
                        notebookOutput.append(content.get("text").getAsString());
                        break;
                    case "execute_result":
                        notebookValue = content.getAsJsonObject("data").get("text/plain").getAsString();
                        break;
                    case "error":
                        notebookError = content;
                        break;
                    case "display_data":
                    case "update_display_data":
                        // the optimizer's progress, one display updated in place
                        progress.add(content.getAsJsonObject("data").get("text/plain").getAsString());
                        break;
                    default:
                        fail("unexpected output " + o);
                }
            }
        }
        String printed = notebookOutput.toString();
        // d/dx (x² + sin x) at 2 is 2·2 + cos 2; the sweep adds the three partials in its own order
        String grad = printed.lines().filter(l -> l.startsWith("grad ")).findFirst().orElse("grad missing");
        assertEquals(4 + Math.cos(2), Double.parseDouble(grad.substring(5)), Math.ulp(4.0));
        assertEquals(expectedOutput.replace("grad ?", grad), printed);
        expectedOutput = printed; // the console and the script print exactly what the notebook printed
        assertTrue(progress.size() >= 2 && progress.get(0).startsWith("L-BFGS (m = 10): iteration 0, f = ")
                && progress.get(progress.size() - 1).matches("L-BFGS \\(m = 10\\): \\d+ iterations, f = .*"), progress.toString());
        assertTrue(notebookValue != null && notebookValue.startsWith("L-BFGS (m = 10): converged, f = "), notebookValue);
        assertTrue(notebookError != null, executions.toString());
        assertTrue(notebookError.get("evalue").getAsString().startsWith("line 1, column " + BAD_COLUMN
                + ": cannot find symbol"), notebookError.toString());
        List<String> traceback = new ArrayList<>();
        notebookError.getAsJsonArray("traceback").forEach(l -> traceback.add(l.getAsString()));
        assertTrue(traceback.contains("    let bad = nope + 1;") && traceback.contains("    " + " ".repeat(BAD_COLUMN - 1)
                + "^--^"), traceback.toString());

        // ---- a script
        Result script = run(List.of(RepoFiles.root().resolve("wengert").toString(), "cells.jsh"));
        assertEquals(1, script.exit(), script.output());
        assertEquals(expectedOutput, script.stdout());
        assertTrue(script.stderr().startsWith("cells.jsh:" + badLine() + ":" + BAD_COLUMN + ": error: cannot find symbol\n"
                + "  symbol:   variable nope\n    let bad = nope + 1;\n    " + " ".repeat(BAD_COLUMN - 1) + "^--^\n"),
                script.output());

        // ---- the console, each cell pasted as one input
        Map<String, String> consoleEnv = new java.util.HashMap<>(mavenEnv);
        consoleEnv.put("WENGERT_HISTORY", dir.resolve("history").toString());
        try (Tmux tmux = new Tmux(dir, consoleEnv, List.of(RepoFiles.root().resolve("wengert").toString()))) {
            String screen = tmux.waitFor(s -> s.stripTrailing().endsWith("wengert>"), "the first prompt");
            for (String cell : cells) {
                int prompts = Tmux.count(screen, "wengert>");
                tmux.paste(cell);
                tmux.keys("Enter");
                screen = ConsoleIT.waitForPrompt(tmux, prompts);
            }
            List<String> lines = screen.lines().toList();
            List<String> consolePrinted = lines.stream()
                    .filter(l -> !l.contains(" ==> ") && !l.startsWith("wengert>") && !l.startsWith("   ...>")
                            && !l.startsWith("|"))
                    .filter(l -> !l.isBlank())
                    .toList();
            assertEquals(expectedOutput.lines().toList(), consolePrinted, screen);
            String value = notebookValue;
            // the cell's last line, `best`, echoes as jshell echoes a variable: best ==> …
            assertTrue(lines.stream().filter(l -> l.startsWith("best ==> ")).reduce((a, b) -> b).orElse("")
                    .equals("best ==> " + value),
                    "the console shows the value the notebook shows, whole:\n" + value + "\n" + screen);
            int error = lines.indexOf("|  let bad = nope + 1;");
            assertTrue(error > 0, screen);
            assertEquals("|  " + " ".repeat(BAD_COLUMN - 1) + "^--^", lines.get(error + 1));
            assertFalse(lines.contains("never"), "the cell stopped at its error:\n" + screen);
            tmux.type("/exit");
            tmux.keys("Enter");
            assertEquals(0, tmux.exitStatus());
        }
    }

    private record Result(int exit, String stdout, String stderr) {
        String output() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs a command in the test's folder (where lib/greet.jar is), with the temporary Jupyter path. */
    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.remove("PYTHONPATH");
        env.remove("PYTHONHOME");
        if (jupyterPath != null) {
            env.put("JUPYTER_PATH", jupyterPath.toString());
        }
        env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        env.put("WENGERT_CELLS", cellsFile.toString());
        env.putAll(mavenEnv);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "hung: " + command);
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
