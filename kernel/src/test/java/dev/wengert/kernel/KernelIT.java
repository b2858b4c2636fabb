package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

import dev.wengert.repl.TestMavenRepository;

/**
 * The packaged kernel, installed with kernel-config/install into a temporary Jupyter path and
 * driven through Debian's jupyter_client and nbconvert (kernel_driver.py), as a notebook user
 * would drive it. Runs after {@code package}; skips without Jupyter unless CI is set (any value
 * but false or 0, see {@link Ci}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // safety net only; nothing here waits on a clock
class KernelIT {

    private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String KERNEL = "wengert-it";
    private static final Map<String, JsonObject> SCENARIOS = new ConcurrentHashMap<>();

    @TempDir
    static Path home;

    private static Path moduleDir;
    private static Path jupyterPath;
    private static Path mavenRepository;
    private static String driverErrors;

    @BeforeAll
    static void install() throws Exception {
        requireJupyter();
        moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path prefix = home.resolve("prefix");
        // -Xmx keeps the out-of-memory cell quick; the grace period keeps the interrupt test quick
        Result installed = run(List.of(moduleDir.resolve("../kernel-config/install").normalize().toString(),
                "--prefix", prefix.toString(), "--name", KERNEL, "--jvm-option", "-Xmx256m"));
        assertEquals(0, installed.exitCode, "kernel-config/install failed:\n" + installed.output);
        jupyterPath = prefix.resolve("share/jupyter");
        assertTrue(Files.isRegularFile(jupyterPath.resolve("kernels/" + KERNEL + "/kernel.json")), installed.output);
        mavenRepository = TestMavenRepository.create(home.resolve("maven-repository"));
    }

    private static void requireJupyter() {
        if (Files.isExecutable(JUPYTER) && Files.isExecutable(PYTHON)) {
            return;
        }
        String message = "Debian's Jupyter is missing (" + JUPYTER + "): apt-get install jupyter-client "
                + "jupyter-nbconvert python3-nbclient python3-ipykernel";
        if (Ci.active()) {
            fail(message + " -- CI must run the kernel integration tests");
        }
        Assumptions.abort(message);
    }

    // ---- execute, stream, display ---------------------------------------------------------

    @Test
    void executesCellsAndShowsTheLastValue() throws Exception {
        assertEquals("2", result(basics("sum")));
        assertEquals("5", result(basics("let")));
    }

    @Test
    void streamsStdoutAndStderr() throws Exception {
        JsonArray outputs = basics("stream").getAsJsonArray("outputs");
        assertEquals(streamText(outputs, "stdout"), "to stdout\n");
        assertEquals(streamText(outputs, "stderr"), "to stderr\n");
    }

    @Test
    void displayableValuesShowTheirSvg() throws Exception {
        JsonObject data = onlyOutput(basics("svg"), "execute_result").getAsJsonObject("data");
        assertEquals("<svg xmlns='http://www.w3.org/2000/svg'/>", data.get("image/svg+xml").getAsString());
        assertEquals("x", data.get("text/plain").getAsString());
    }

    @Test
    void displayAndUpdateDisplayMidCell() throws Exception {
        JsonArray outputs = basics("display").getAsJsonArray("outputs");
        List<String> kinds = new ArrayList<>();
        outputs.forEach(o -> kinds.add(o.getAsJsonObject().get("type").getAsString()));
        assertEquals(List.of("display_data", "update_display_data", "update_display_data", "update_display_data",
                "display_data", "execute_result"), kinds);
        String id = displayId(outputs.get(0));
        assertEquals(id, displayId(outputs.get(3)));
        assertEquals("\"step 3\"", outputs.get(3).getAsJsonObject().getAsJsonObject("content")
                .getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("42", result(basics("display")));
    }

    // ---- rich display: tables, tensors, histories, plots' MIME types ------------------------

    private static JsonObject richData(String cell) throws Exception {
        return onlyOutput(scenario("rich").getAsJsonObject(cell), "execute_result").getAsJsonObject("data");
    }

    private static List<String> mimeTypes(JsonObject data) {
        List<String> types = new ArrayList<>();
        data.keySet().forEach(types::add);
        types.sort(null);
        return types;
    }

    @Test
    void tablesawTablesShowAsHtmlTablesWithTheirRowCount() throws Exception {
        JsonObject small = richData("table");
        String html = small.get("text/html").getAsString();
        assertTrue(html.startsWith("<table") && html.contains("<caption") && html.contains("decay: 3 rows × 2 columns"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">10.2</td>"), html);
        assertTrue(small.get("text/plain").getAsString().startsWith("decay: 3 rows × 2 columns\n"), small.toString());
        String big = richData("big_table").get("text/html").getAsString();
        assertTrue(big.contains("big: 1,000,000 rows × 1 column"), big);
        assertEquals(1 + 11, big.split("<tr>").length - 1, "a header row, the first 5, a … row, the last 5: " + big);
        assertTrue(big.contains("<td style=\"text-align:right\">999999</td>"), "the last row is shown");
    }

    @Test
    void aMatrixShowsAsAGrid() throws Exception {
        JsonObject data = richData("tensor");
        assertEquals("Tensor(2, 2)\n[[1.0, 2.0],\n [3.0, 4.0]]", data.get("text/plain").getAsString());
        String html = data.get("text/html").getAsString();
        assertTrue(html.contains("<caption style=\"caption-side:top;text-align:left\">Tensor(2, 2)</caption>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">4.0</td>"), html);
    }

    @Test
    void optimizationHistoriesShowAsTables() throws Exception {
        int iterates = Integer.parseInt(result(scenario("rich").getAsJsonObject("history_size")));
        String history = richData("history").get("text/html").getAsString();
        assertTrue(history.contains("history of L-BFGS (m = 10): " + iterates + " rows × 6 columns"), history);
        String table = richData("history_table").get("text/html").getAsString();
        assertTrue(table.contains("L-BFGS (m = 10): " + iterates + " rows × 6 columns"), table);
        assertTrue(table.contains("<th style=\"text-align:right\">gradientNorm</th>"), table);
    }

    @Test
    void plotsSendTheChosenTypes() throws Exception {
        assertEquals(List.of("image/png", "text/html", "text/plain"), mimeTypes(richData("plot")));
        assertTrue(richData("plot").get("text/html").getAsString().contains("<svg"), "the SVG inline in the HTML");
        assertEquals(List.of("image/png", "text/plain"), mimeTypes(richData("plot_png")));
        assertEquals(List.of("image/svg+xml", "text/plain"), mimeTypes(richData("global_svg")));
    }

    @Test
    void aScatterOfAMillionPointsSendsUnder300KB() throws Exception {
        JsonObject data = richData("million");
        assertEquals(List.of("image/png", "text/html", "text/plain"), mimeTypes(data), "the default again after plotMime(\"html\", \"png\")");
        long bytes = 0;
        for (String type : data.keySet()) {
            bytes += data.get(type).getAsString().getBytes(StandardCharsets.UTF_8).length;
        }
        assertTrue(bytes <= 300_000, "the display message carries " + bytes + " bytes");
        assertTrue(data.get("text/html").getAsString().contains("<image"), "the points are one image in the SVG");
    }

    // ---- errors ----------------------------------------------------------------------------

    @Test
    void compileErrorsPointAtLineAndColumn() throws Exception {
        JsonObject error = onlyOutput(basics("compile_error"), "error");
        assertEquals("CompilationError", error.get("ename").getAsString());
        assertTrue(error.get("evalue").getAsString().startsWith("line 2, column 14: cannot find symbol"),
                error.toString());
        assertFalse(error.toString().contains("$JShell"), error.toString());
    }

    @Test
    void exceptionsShowTheUsersFramesOnly() throws Exception {
        JsonObject error = onlyOutput(basics("exception"), "error");
        assertEquals("java.lang.ArithmeticException: / by zero", error.get("evalue").getAsString());
        List<String> traceback = strings(error.getAsJsonArray("traceback"));
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (line 2)",
                "    at cell (line 5)"), traceback);
        JsonObject reply = basics("exception").getAsJsonObject("reply");
        assertFalse(reply.toString().contains("dev.wengert.kernel"), "kernel frames leaked: " + reply);
        assertEquals("1", result(basics("after_errors")));
    }

    // ---- completion, inspection, is_complete ---------------------------------------------

    @Test
    void completesMembers() throws Exception {
        JsonObject reply = scenario("basics").getAsJsonObject("complete");
        assertTrue(strings(reply.getAsJsonArray("matches")).contains("toUpperCase("), reply.toString());
        String code = "int y = 1;\nword.toUpp";
        assertEquals(code.length() - "toUpp".length(), reply.get("cursor_start").getAsInt());
    }

    @Test
    void inspectsWithJavadocSignatures() throws Exception {
        JsonObject reply = scenario("basics").getAsJsonObject("inspect");
        assertTrue(reply.get("found").getAsBoolean(), reply.toString());
        assertTrue(reply.getAsJsonObject("data").get("text/plain").getAsString().contains("abs("), reply.toString());
    }

    @Test
    void shiftTabAtTheEndOfABareDslNameShowsItsJavadoc() throws Exception {
        JsonObject reply = scenario("basics").getAsJsonObject("inspect_bare_name");
        assertTrue(reply.get("found").getAsBoolean(), reply.toString());
        String text = reply.getAsJsonObject("data").get("text/plain").getAsString();
        // from the DSL's sources jar the kernel ships: signature, javadoc as plain text, the example indented
        assertTrue(text.startsWith("OptimizationResult dev.wengert.Wengert.minimize(Fn f, double... x0)\n"
                + "Minimises f from x0 by L-BFGS"), text);
        assertTrue(text.contains("\n    var r = minimize(x -> square("), text);
        JsonObject completed = scenario("basics").getAsJsonObject("complete_bare_name");
        assertTrue(strings(completed.getAsJsonArray("matches")).contains("minimize("), completed.toString());
        assertEquals("var r = ".length(), completed.get("cursor_start").getAsInt());
    }

    @Test
    void theSessionWarmsUpWhileTheKernelStarts() throws Exception {
        // one warm-up cell ran in the kernel's JVM before the first cell could run, and one that
        // calls the DSL (its classes load before the user's first cell), which left the tape empty
        assertEquals("1", result(basics("warm_ups")));
        assertEquals("1", result(basics("dsl_warm_ups")));
        assertEquals("0", result(basics("tape_after_warm_up")));
    }

    private static Path kernelHome() {
        return jupyterPath.resolve("kernels/" + KERNEL);
    }

    /** The installed kernel's command line, {resource_dir} filled in, with --train for the connection file. */
    private static List<String> kernelCommand() throws IOException {
        JsonObject spec = new JsonParser().parse(Files.readString(kernelHome().resolve("kernel.json"))).getAsJsonObject();
        List<String> command = new ArrayList<>();
        for (String arg : strings(spec.getAsJsonArray("argv"))) {
            command.add(arg.equals("{connection_file}") ? "--train" : arg.replace("{resource_dir}", kernelHome().toString()));
        }
        return command;
    }

    @Test
    void theInstallWritesAClassDataArchiveTheKernelStartsFrom() throws Exception {
        assertTrue(Files.size(kernelHome().resolve("wengert.jsa")) > 0);
        List<String> command = kernelCommand();
        assertTrue(command.contains("-XX:SharedArchiveFile=" + kernelHome().resolve("wengert.jsa")), command.toString());
        // the kernel's own command line maps javac's, JShell's and the DSL's classes from the archive
        command.add(1, "-Xlog:class+load=info:stdout");
        Result started = run(command);
        assertEquals(0, started.exitCode, started.output);
        for (String type : List.of("com.sun.tools.javac.main.JavaCompiler", "jdk.jshell.JShell", "dev.wengert.Wengert",
                "dev.wengert.repl.Evaluator")) {
            assertTrue(started.stdout.contains(" " + type + " source: shared objects file (top)"), type + ":\n"
                    + started.stdout.lines().filter(line -> line.contains(" " + type + " ")).findFirst().orElse("not loaded"));
        }
    }

    @Test
    void aJvmThatCannotUseTheArchiveStartsTheKernelWithoutAWord() throws Exception {
        // another class path than the archive's (as after a change of jars): the JVM refuses the
        // archive, and says nothing of it
        List<String> command = kernelCommand();
        int classPath = command.indexOf("-cp") + 1;
        command.set(classPath, home.toString() + java.io.File.pathSeparator + command.get(classPath));
        Result started = run(command);
        assertEquals(0, started.exitCode, started.output);
        assertEquals("", started.stdout + started.stderr, started.output);
    }

    @Test
    void theKernelStartsWithoutWarnings() throws Exception {
        scenario("basics");
        // the kernel's stderr goes to the driver's. It holds the notes on the forged messages of the
        // signature scenario, and nothing else: no JVM warning (a Security Manager's, say) at start or later
        List<String> rest = new ArrayList<>();
        List<String> lines = driverErrors.lines().collect(java.util.stream.Collectors.toList());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("dev.wengert.kernel.GuardedConnection$GuardedShellChannel serveOne")
                    && i + 1 < lines.size()
                    && lines.get(i + 1).equals("WARNING: dropped a message with a wrong or missing HMAC signature")) {
                i++;
            } else {
                rest.add(lines.get(i));
            }
        }
        assertEquals(List.of(), rest, driverErrors);
    }

    @Test
    void mavenAddsAnArtifactAndItsDependenciesToTheNotebook() throws Exception {
        JsonObject maven = scenario("maven");
        assertEquals("\"hello, kernel\"", result(maven.getAsJsonObject("maven")), maven.toString());
        String printed = streamText(maven.getAsJsonObject("maven").getAsJsonArray("outputs"), "stdout");
        assertTrue(printed.endsWith("com.example:greet:jar:1.0: added to the class path\n"
                + "com.example:words:jar:1.0: added to the class path\n"), printed);
        assertEquals("com.example:words:jar:1.0: added to the class path\n",
                streamText(maven.getAsJsonObject("pom").getAsJsonArray("outputs"), "stdout"));
        JsonObject missing = onlyOutput(maven.getAsJsonObject("missing"), "error");
        String message = String.join("\n", strings(missing.getAsJsonArray("traceback")));
        assertTrue(message.startsWith("%maven: could not resolve the dependencies:\n  Could not find artifact "
                + "com.example:missing:jar:2.0 in repository (" + mavenRepository.toUri() + ")"), message);
        assertEquals("\"hello\"", result(maven.getAsJsonObject("after")));
    }

    @Test
    void tellsTheConsoleWhetherCodeIsComplete() throws Exception {
        JsonObject basics = scenario("basics");
        assertEquals("complete", basics.getAsJsonObject("complete_code").get("status").getAsString());
        assertEquals("incomplete", basics.getAsJsonObject("incomplete_code").get("status").getAsString());
        assertEquals("complete", basics.getAsJsonObject("complete_let").get("status").getAsString());
        assertEquals("java", basics.getAsJsonObject("kernel_info").getAsJsonObject("language_info")
                .get("name").getAsString());
    }

    // ---- interrupt, memory, security, restart ----------------------------------------------

    @Test
    void interruptStopsARunawayLoopAndTheKernelGoesOn() throws Exception {
        JsonObject interrupt = scenario("interrupt");
        for (String cell : List.of("loop", "sleep")) {
            JsonObject reply = interrupt.getAsJsonObject(cell).getAsJsonObject("reply");
            assertEquals("error", reply.get("status").getAsString(), cell + ": " + reply);
            assertEquals("Interrupted", reply.get("ename").getAsString(), cell + ": " + reply);
            assertEquals("2", result(interrupt.getAsJsonObject(cell + "_then")), cell);
        }
        // the DSL's session (tape, parameters) follows the user to the new evaluation thread
        assertEquals("true", result(interrupt.getAsJsonObject("same_session")), interrupt.toString());
    }

    @Test
    void anInterruptedMinimizeBindsItsBestPointWithTheReasonInterrupted() throws Exception {
        JsonObject interrupt = scenario("interrupt");
        JsonObject reply = interrupt.getAsJsonObject("minimize").getAsJsonObject("reply");
        // the cell ends as interrupted, after the optimizer returned and `slow` was bound
        assertEquals("Interrupted", reply.get("ename").getAsString(), reply.toString());
        String reason = result(interrupt.getAsJsonObject("minimize_reason"));
        assertTrue(reason.startsWith("\"interrupted after "), reason);
        assertTrue(reason.contains("the best point so far is kept"), reason);
        // the rest of the cell did not run
        JsonObject after = onlyOutput(interrupt.getAsJsonObject("minimize_after"), "error");
        assertEquals("CompilationError", after.get("ename").getAsString(), after.toString());
    }

    @Test
    void anInterruptedFitEndsTheCellCleanlyAndTheNextFitWorks() throws Exception {
        JsonObject interrupt = scenario("interrupt");
        JsonObject reply = interrupt.getAsJsonObject("fit").getAsJsonObject("reply");
        // a model that never returns: the interrupt stops the fit with an error naming the interrupt
        assertEquals("error", reply.get("status").getAsString(), reply.toString());
        assertEquals("Interrupted", reply.get("ename").getAsString(), reply.toString());
        // no result: JShell keeps the declaration whose initializer threw, with its default value
        assertEquals("null", result(interrupt.getAsJsonObject("fit_stuck")));
        assertEquals("42", result(interrupt.getAsJsonObject("fit_keep")));
        // the session's tape and the fitting code are usable again: y = 2t + 1 comes out exactly
        assertEquals("true", result(interrupt.getAsJsonObject("fit_again")), interrupt.get("fit_again").toString());
    }

    @Test
    void anInterruptedFitBindsItsBestPointWithTheReasonInterrupted() throws Exception {
        JsonObject interrupt = scenario("interrupt");
        JsonObject reply = interrupt.getAsJsonObject("fit_bound").getAsJsonObject("reply");
        // the model returns once interrupted; the fit ends at its best point and `slowFit` is bound
        assertEquals("Interrupted", reply.get("ename").getAsString(), reply.toString());
        String reason = result(interrupt.getAsJsonObject("fit_bound_reason"));
        assertTrue(reason.startsWith("\"interrupted after "), reason);
        assertTrue(reason.contains("the best point found so far"), reason);
        assertEquals("false", result(interrupt.getAsJsonObject("fit_bound_converged")));
        // the rest of the cell did not run
        JsonObject after = onlyOutput(interrupt.getAsJsonObject("fit_bound_after"), "error");
        assertEquals("CompilationError", after.get("ename").getAsString(), after.toString());
    }

    @Test
    void runningOutOfMemoryOrStackIsReportedAndTheKernelSurvives() throws Exception {
        JsonObject memory = scenario("memory");
        assertEquals("java.lang.OutOfMemoryError", evalueType(memory, "huge_array"));
        assertEquals("java.lang.OutOfMemoryError", evalueType(memory, "heap"));
        assertEquals("2", result(memory.getAsJsonObject("after_heap")));
        assertEquals("java.lang.StackOverflowError", evalueType(memory, "stack"));
        assertEquals("4", result(memory.getAsJsonObject("after_stack")));
    }

    // ---- faults: after each, does the next cell run, and do earlier variables survive? ---------
    // (RELIABILITY.md records the table these tests check)

    @Test
    void interruptKeepsEarlierVariables() throws Exception {
        JsonObject interrupt = scenario("interrupt");
        assertEquals("42", result(interrupt.getAsJsonObject("loop_keep")), interrupt.toString());
        assertEquals("42", result(interrupt.getAsJsonObject("sleep_keep")), interrupt.toString());
    }

    @Test
    void outOfMemoryAndStackOverflowKeepEarlierVariables() throws Exception {
        JsonObject memory = scenario("memory");
        assertEquals("42", result(memory.getAsJsonObject("heap_keep")));
        // the failed cell's own variable survives too, still holding what filled the heap
        assertEquals("true", result(memory.getAsJsonObject("hoard_kept")));
        assertEquals("42", result(memory.getAsJsonObject("stack_keep")));
    }

    @Test
    void aMillionPrintedLinesArriveCappedAndTheKernelGoesOn() throws Exception {
        JsonObject flood = scenario("flood");
        JsonObject cell = flood.getAsJsonObject("flood");
        assertEquals("ok", cell.getAsJsonObject("reply").get("status").getAsString(), cell.getAsJsonObject("reply").toString());
        JsonArray outputs = cell.getAsJsonArray("outputs");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            all.append(i).append('\n');
        }
        int limit = 1 << 20; // WENGERT_MAX_OUTPUT_BYTES' default; the lines are ASCII, so bytes = chars
        String shown = streamText(outputs, "stdout");
        assertEquals(all.substring(0, limit), shown, "stdout is the first " + limit + " bytes, in order");
        String note = streamText(outputs, "stderr");
        assertTrue(note.contains(String.format("output truncated: a cell shows at most %,d bytes of output; %,d more bytes",
                limit, all.length() - limit)), note);
        // coalesced: 64 KiB chunks plus one per 100 ms of printing, not one message per line (~150,000 here);
        // the bound is ZeroMQ's high-water mark, which per-line messages overran
        assertTrue(outputs.size() < 1000, "stream messages: " + outputs.size());
        assertEquals("2", result(flood.getAsJsonObject("after")));
        assertEquals("42", result(flood.getAsJsonObject("after_keep")));
        assertEquals("small\n", streamText(flood.getAsJsonObject("small").getAsJsonArray("outputs"), "stdout"));
    }

    @Test
    void systemExitIsRefusedAndTheKernelGoesOn() throws Exception {
        JsonObject exit = scenario("system_exit");
        for (String[] cell : new String[][] {{"exit", "System.exit(0)"}, {"halt", "Runtime.halt(3)"}}) {
            String evalue = onlyOutput(exit.getAsJsonObject(cell[0]), "error").get("evalue").getAsString();
            assertTrue(evalue.startsWith("java.lang.SecurityException: " + cell[1] + " was refused: it would end "
                    + "the kernel"), cell[0] + ": " + evalue);
        }
        assertTrue(exit.get("same_process").getAsBoolean(), "the kernel's JVM is the one that ran the cell");
        assertEquals("2", result(exit.getAsJsonObject("after")));
        assertEquals("42", result(exit.getAsJsonObject("after_keep")));
    }

    @Test
    void aKilledKernelRestartsThroughTheClientWithFreshState() throws Exception {
        JsonObject kill = scenario("kill");
        assertFalse(kill.get("alive_after_kill").getAsBoolean(), kill.toString());
        assertTrue(kill.get("new_process").getAsBoolean(), kill.toString());
        assertEquals("2", result(kill.getAsJsonObject("after")));
        // the JVM that held keep is gone: nothing of the old session survives a kill
        JsonObject gone = onlyOutput(kill.getAsJsonObject("after_keep"), "error");
        assertEquals("CompilationError", gone.get("ename").getAsString(), gone.toString());
        assertTrue(gone.get("evalue").getAsString().contains("cannot find symbol"), gone.toString());
    }

    @Test
    void wronglySignedExecuteRequestIsNotExecuted() throws Exception {
        JsonObject signature = scenario("signature");
        assertFalse(signature.get("marker_exists").getAsBoolean(), signature.toString());
        // the signed request after the forged ones was answered: the kernel ignored them and lives
        assertEquals("false", result(signature.getAsJsonObject("marker_exists_in_kernel")));
    }

    @Test
    void restartStartsAFreshSession() throws Exception {
        JsonObject restart = scenario("restart");
        assertEquals("ok", restart.getAsJsonObject("define").getAsJsonObject("reply").get("status").getAsString());
        JsonObject after = restart.getAsJsonObject("after_restart").getAsJsonObject("reply");
        assertEquals("CompilationError", after.get("ename").getAsString(), after.toString());
        assertEquals("2", result(restart.getAsJsonObject("fresh")));
    }

    // ---- a notebook, headless, the way the README runs one ------------------------------------

    @Test
    void nbconvertExecutesANotebookThatUsesTheDsl() throws Exception {
        Path out = home.resolve("executed");
        Result converted = run(List.of(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + KERNEL, "--ExecutePreprocessor.timeout=120",
                "--output-dir", out.toString(), "--output", "dsl-smoke",
                moduleDir.resolve("src/test/resources/dsl-smoke.ipynb").toString()));
        assertEquals(0, converted.exitCode, converted.output);
        JsonObject notebook = new JsonParser().parse(Files.readString(out.resolve("dsl-smoke.ipynb")))
                .getAsJsonObject();
        JsonArray cells = notebook.getAsJsonArray("cells");
        // x.grad() of x² + sin x at 2 is 2·2 + cos 2
        double grad = Double.parseDouble(cellText(cells.get(1), "text/plain"));
        assertEquals(4 + Math.cos(2), grad, 1e-12);
        assertTrue(cellText(cells.get(2), "text/html").contains("<svg"), "the plot shows as SVG inside HTML");
        assertTrue(cellText(cells.get(2), "image/png").startsWith("iVBORw0KGgo"), "and as PNG");
        assertEquals("double[2] { 3.0, 2.0 }", cellText(cells.get(3), "text/plain"));
        assertTrue(cellText(cells.get(4), "text/html").contains("<table"), "the optimizer result is a table");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static JsonObject basics(String cell) throws Exception {
        return scenario("basics").getAsJsonObject(cell);
    }

    // one kernel serves all scenarios (restart and kill last: they replace the kernel); starting costs seconds
    private static final List<String> ALL = List.of("basics", "rich", "signature", "interrupt", "maven", "memory", "flood",
            "system_exit", "restart", "kill");

    /** What kernel_driver.py observed in a scenario; all scenarios run once, on first use. */
    private static synchronized JsonObject scenario(String name) throws Exception {
        if (SCENARIOS.isEmpty()) {
            List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                    moduleDir.resolve("src/test/resources/kernel_driver.py").toString(), KERNEL));
            command.addAll(ALL);
            Result result = run(command);
            assertEquals(0, result.exitCode, "kernel_driver.py failed:\n" + result.output);
            driverErrors = result.stderr;
            JsonObject all = new JsonParser().parse(result.stdout.strip()).getAsJsonObject();
            all.entrySet().forEach(e -> SCENARIOS.put(e.getKey(), e.getValue().getAsJsonObject()));
        }
        JsonObject found = SCENARIOS.get(name);
        assertTrue(found != null, "no scenario " + name);
        return found;
    }

    private static String result(JsonObject execution) {
        return onlyOutput(execution, "execute_result").getAsJsonObject("data").get("text/plain").getAsString();
    }

    private static JsonObject onlyOutput(JsonObject execution, String type) {
        JsonObject found = null;
        for (JsonElement output : execution.getAsJsonArray("outputs")) {
            if (output.getAsJsonObject().get("type").getAsString().equals(type)) {
                assertEquals(null, found, "more than one " + type + " in " + execution);
                found = output.getAsJsonObject().getAsJsonObject("content");
            }
        }
        assertTrue(found != null, "no " + type + " in " + execution);
        return found;
    }

    private static String streamText(JsonArray outputs, String stream) {
        StringBuilder text = new StringBuilder();
        for (JsonElement output : outputs) {
            JsonObject o = output.getAsJsonObject();
            if (o.get("type").getAsString().equals("stream")
                    && o.getAsJsonObject("content").get("name").getAsString().equals(stream)) {
                text.append(o.getAsJsonObject("content").get("text").getAsString());
            }
        }
        return text.toString();
    }

    private static String displayId(JsonElement output) {
        return output.getAsJsonObject().getAsJsonObject("content").getAsJsonObject("transient")
                .get("display_id").getAsString();
    }

    private static String evalueType(JsonObject scenario, String cell) {
        String evalue = onlyOutput(scenario.getAsJsonObject(cell), "error").get("evalue").getAsString();
        return evalue.split(":")[0];
    }

    private static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        array.forEach(e -> list.add(e.getAsString()));
        return list;
    }

    /** The text of a MIME type in the last output of a notebook cell that has it. */
    private static String cellText(JsonElement cell, String mime) {
        String found = null;
        for (JsonElement output : cell.getAsJsonObject().getAsJsonArray("outputs")) {
            JsonObject data = output.getAsJsonObject().getAsJsonObject("data");
            if (data != null && data.has(mime)) {
                JsonElement value = data.get(mime);
                // nbformat stores text either as one string or as a list of lines
                found = value.isJsonArray() ? String.join("", strings(value.getAsJsonArray())) : value.getAsString();
            }
        }
        assertTrue(found != null, "no " + mime + " output in " + cell);
        return found;
    }

    private record Result(int exitCode, String stdout, String stderr, String output) {
    }

    /** Runs a command with the temporary Jupyter path; stdout separately, everything in output. */
    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        // pyenv's variables must not leak into Debian's python
        env.remove("PYTHONPATH");
        env.remove("PYTHONHOME");
        if (jupyterPath != null) {
            env.put("JUPYTER_PATH", jupyterPath.toString());
        }
        env.put("JUPYTER_RUNTIME_DIR", home.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", home.resolve("config").toString());
        env.put("WENGERT_INTERRUPT_GRACE_MS", "500");
        // %maven: the test's repository only, a fresh local repository, no settings.xml of the machine
        if (mavenRepository != null) {
            env.put("WENGERT_MAVEN_REPOSITORIES", mavenRepository.toUri().toString());
            env.put("WENGERT_MAVEN_LOCAL", home.resolve("maven-local").toString());
            env.put("WENGERT_MAVEN_SETTINGS", home.resolve("no-settings.xml").toString());
        }
        Path stderr = Files.createTempFile(home, "stderr", ".txt");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String errors = Files.readString(stderr);
        return new Result(exit, stdout, errors, "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + errors);
    }
}
