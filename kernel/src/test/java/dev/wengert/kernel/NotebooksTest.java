package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The notebooks in {@code notebooks/}, executed with our kernel and checked in a real browser.
 *
 * <p>For every notebook: {@code jupyter nbconvert --to notebook --execute} with the Wengert kernel
 * installed into a temporary Jupyter path (any error output fails); then {@code --to html}; then
 * headless Chromium loads the HTML with a small script appended ({@code notebooks-test/check-dom.js})
 * that inspects the rendered DOM, and {@code --dump-dom} hands its findings back: every cell tagged
 * {@code plot} must show an {@code <svg>} with drawn shapes and a non-zero size, and no output area
 * may show an error. A plain check (no tools needed) makes sure the notebooks are committed with
 * their outputs.
 *
 * <p>Without Debian's Jupyter or Chromium the browser test is skipped with the packages to install,
 * except when {@code CI} is set (any value but {@code false} or {@code 0}, see {@link Ci}): then it fails.
 */
class NotebooksTest {

    /** The notebooks the README links, in reading order. */
    static final List<String> NOTEBOOKS = List.of(
            "01-forward-and-reverse.ipynb",
            "02-gradient-descent.ipynb",
            "03-fitting-a-table.ipynb",
            "04-higher-order.ipynb",
            "05-custom-rules-and-tapes.ipynb",
            "06-bounds-outliers-global-odes.ipynb");

    private static final String KERNEL = "wengert";
    private static final String PLOT_TAG = "plot";
    private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String PACKAGES = "jupyter-nbconvert python3-nbclient jupyter-client chromium";
    private static final String CHECK_ID = "wengert-notebook-check";
    @SuppressWarnings("deprecation") // the Gson of jupyter-jvm-basekernel predates JsonParser.parseString
    private static final JsonParser PARSER = new JsonParser();

    @TempDir
    static Path work;

    private static Path jupyterPath;

    // ---- the committed notebooks ------------------------------------------------------------

    @Test
    void notebooksAreCommittedWithTheirOutputs() throws IOException {
        for (String name : NOTEBOOKS) {
            Path file = notebooks().resolve(name);
            assertTrue(Files.isRegularFile(file), "missing notebook " + file);
            JsonObject nb = PARSER.parse(Files.readString(file)).getAsJsonObject();
            assertEquals(KERNEL, nb.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString(),
                    name + ": the notebook must name our kernel");
            JsonArray cells = nb.getAsJsonArray("cells");
            assertEquals("markdown", cells.get(0).getAsJsonObject().get("cell_type").getAsString(),
                    name + ": a notebook opens with a markdown cell");
            List<String> problems = new ArrayList<>();
            int plots = 0;
            for (int i = 0; i < cells.size(); i++) {
                JsonObject cell = cells.get(i).getAsJsonObject();
                if (!cell.get("cell_type").getAsString().equals("code")) {
                    continue;
                }
                if (cell.get("execution_count").isJsonNull()) {
                    problems.add("cell " + i + " was not executed (no execution count)");
                }
                problems.addAll(errors(cell, i));
                problems.addAll(tooLarge(cell, i));
                if (isPlotCell(cell)) {
                    plots++;
                    if (svgOf(cell).isEmpty()) {
                        problems.add("plot cell " + i + " shows no SVG (image/svg+xml, or inline in text/html)");
                    }
                }
            }
            assertTrue(plots > 0, name + ": no cell is tagged '" + PLOT_TAG + "'");
            assertTrue(problems.isEmpty(), name + " (run `jupyter nbconvert --to notebook --execute --inplace` "
                    + "with our kernel and commit the outputs):\n  " + String.join("\n  ", problems));
        }
    }

    // ---- executed with our kernel, checked in Chromium ------------------------------------------

    @TestFactory
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // bounds the kernel installation; each notebook's processes have their own limits
    Stream<DynamicTest> everyNotebookExecutesAndRendersItsPlotsInChromium() throws Exception {
        requireTools();
        installKernel();
        return NOTEBOOKS.stream().map(name -> DynamicTest.dynamicTest(name, () -> executeAndCheck(name)));
    }

    private static void executeAndCheck(String name) throws Exception {
        Path executedDir = Files.createDirectories(work.resolve("executed"));
        Path htmlDir = Files.createDirectories(work.resolve("html"));
        Path source = notebooks().resolve(name);

        // 1. execute with our kernel; the kernel's working directory is the notebook's (data/ is found)
        long start = System.nanoTime();
        Result executed = run(List.of(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + KERNEL, "--ExecutePreprocessor.timeout=300",
                "--allow-errors", "--output-dir", executedDir.toString(), source.toString()), 600);
        double seconds = (System.nanoTime() - start) / 1e9;
        Path out = executedDir.resolve(name);
        assertEquals(0, executed.exit, name + ": nbconvert --execute failed\n" + executed.output);
        System.out.printf("NotebooksTest: %s executed in %.1f s%n", name, seconds);

        JsonObject nb = PARSER.parse(Files.readString(out)).getAsJsonObject();
        JsonArray cells = nb.getAsJsonArray("cells");
        List<String> problems = new ArrayList<>();
        int plotCells = 0;
        for (int i = 0; i < cells.size(); i++) {
            JsonObject cell = cells.get(i).getAsJsonObject();
            if (!cell.get("cell_type").getAsString().equals("code")) {
                continue;
            }
            problems.addAll(errors(cell, i));
            if (isPlotCell(cell)) {
                plotCells++;
                if (svgOf(cell).isEmpty()) {
                    problems.add("plot cell " + i + " produced no SVG (image/svg+xml, or inline in text/html)");
                }
            }
        }
        assertTrue(problems.isEmpty(), name + " executed with errors:\n  " + String.join("\n  ", problems));

        // 2. export to HTML (JupyterLab's template; stderr streams marked so they are not taken for errors)
        Result html = run(List.of(JUPYTER.toString(), "nbconvert", "--to", "html",
                "--template-file", resource("wengert-check.html.j2").toString(),
                "--output-dir", htmlDir.toString(), out.toString()), 300);
        assertEquals(0, html.exit, name + ": nbconvert --to html failed\n" + html.output);
        Path page = htmlDir.resolve(name.replace(".ipynb", ".html"));
        String text = Files.readString(page);
        int body = text.lastIndexOf("</body>");
        assertTrue(body > 0, name + ": the exported HTML has no </body>");
        Path checked = htmlDir.resolve(name.replace(".ipynb", ".checked.html"));
        Files.writeString(checked, text.substring(0, body) + "<script>\n" + Files.readString(resource("check-dom.js"))
                + "\n</script>\n" + text.substring(body));

        // 3. open it in headless Chromium and read the script's findings back from the DOM
        JsonObject found = browserCheck(checked);
        System.out.println("NotebooksTest: " + name + " in Chromium: " + found);
        JsonArray plots = found.getAsJsonArray("plotCells");
        assertEquals(plotCells, plots.size(), name + ": Chromium found " + plots.size() + " cells tagged '"
                + PLOT_TAG + "', the notebook has " + plotCells);
        for (JsonElement p : plots) {
            JsonObject plot = p.getAsJsonObject();
            boolean shown = plot.get("svgs").getAsInt() > 0 && plot.get("drawnShapes").getAsInt() > 0
                    && plot.get("width").getAsDouble() > 0 && plot.get("height").getAsDouble() > 0;
            if (!shown) {
                problems.add("plot cell (code cell " + plot.get("cell").getAsInt() + ") shows no non-empty SVG: " + plot);
            }
        }
        for (JsonElement e : found.getAsJsonArray("errors")) {
            problems.add("an output area shows an error: " + e.getAsString());
        }
        assertTrue(problems.isEmpty(), name + " in Chromium:\n  " + String.join("\n  ", problems));
    }

    private static JsonObject browserCheck(Path page) throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path dom = Files.createTempFile(work, "dom", ".html");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dom.toFile());
        Result result = start(builder, 180);
        String text = Files.readString(dom);
        String open = "<pre id=\"" + CHECK_ID + "\">";
        int at = text.lastIndexOf(open);
        if (result.exit != 0 || at < 0) {
            fail("headless Chromium did not report the DOM check for " + page + " (exit " + result.exit
                    + ", " + text.length() + " characters of DOM)\n" + result.output);
        }
        String json = text.substring(at + open.length(), text.indexOf("</pre>", at));
        json = json.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0").replace("&amp;", "&");
        return PARSER.parse(json).getAsJsonObject();
    }

    // ---- set-up ------------------------------------------------------------------------------

    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        for (Path tool : List.of(JUPYTER, PYTHON, CHROMIUM)) {
            if (!Files.isExecutable(tool)) {
                missing.add(tool.toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "cannot execute and browser-check the notebooks: missing " + String.join(", ", missing)
                + "; on Debian: apt-get install " + PACKAGES;
        if (Ci.active()) {
            fail(message + " -- CI must execute the notebooks");
        }
        Assumptions.abort(message);
    }

    /**
     * Installs kernel-config/kernel.json as kernelspec "wengert" into a temporary Jupyter path,
     * with the kernel's classes and dependencies as this test run sees them (the packaged jar does
     * not exist yet in the test phase) and kernel-config/startup.jsh.
     */
    private static void installKernel() throws Exception {
        Path config = root().resolve("kernel-config");
        Path stage = Files.createDirectories(work.resolve("kernelspec"));
        Files.copy(config.resolve("startup.jsh"), stage.resolve("startup.jsh"));
        String classPath = kernelClassPath(stage);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        JsonObject spec = PARSER.parse(Files.readString(config.resolve("kernel.json"))).getAsJsonObject();
        JsonArray argv = new JsonArray();
        for (JsonElement e : spec.getAsJsonArray("argv")) {
            String arg = e.getAsString();
            if (arg.equals("java")) {
                arg = java;
            } else if (arg.equals("{resource_dir}/lib/*")) {
                arg = classPath;
            } else if (arg.equals("{resource_dir}/startup.jsh")) {
                arg = stage.resolve("startup.jsh").toString();
            } else if (arg.equals("{resource_dir}/sources")) {
                // the sources jar is made at package; before it, the DSL's source folder serves
                arg = root().resolve("dsl/src/main/java").toString();
            }
            argv.add(arg);
        }
        assertTrue(argv.toString().contains("dev.wengert.kernel.Main") && !argv.toString().contains("{resource_dir}"),
                "kernel-config/kernel.json changed shape; update NotebooksTest.installKernel: " + argv);
        spec.add("argv", argv);
        Files.writeString(stage.resolve("kernel.json"), spec.toString());

        Path prefix = work.resolve("prefix");
        Result installed = run(List.of(JUPYTER.toString(), "kernelspec", "install", "--prefix", prefix.toString(),
                "--name", KERNEL, stage.toString()), 120);
        assertEquals(0, installed.exit, "jupyter kernelspec install failed\n" + installed.output);
        jupyterPath = prefix.resolve("share/jupyter");
        assertTrue(Files.isRegularFile(jupyterPath.resolve("kernels/" + KERNEL + "/kernel.json")), installed.output);
    }

    /**
     * The runtime class path of this module: main classes and dependencies, without test classes.
     * Class directories (target/classes of this module and the DSL) are copied into the kernelspec,
     * as kernel-config/install copies jars, so a concurrent build that cleans them cannot break the kernel.
     */
    private static String kernelClassPath(Path stage) throws IOException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank() || entry.replace('\\', '/').endsWith("/test-classes")) {
                continue;
            }
            Path source = Path.of(entry);
            if (Files.isDirectory(source)) {
                Path copy = stage.resolve("classes-" + entries.size());
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(source.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(f, target);
                        }
                    }
                }
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    // ---- notebook JSON -----------------------------------------------------------------------

    private static boolean isPlotCell(JsonObject cell) {
        JsonObject metadata = cell.getAsJsonObject("metadata");
        if (metadata == null || !metadata.has("tags")) {
            return false;
        }
        for (JsonElement tag : metadata.getAsJsonArray("tags")) {
            if (tag.getAsString().equals(PLOT_TAG)) {
                return true;
            }
        }
        return false;
    }

    /** What one output may store, all its representations together (issue 22: a plot of 10⁶ points stays under it). */
    static final int OUTPUT_BUDGET = 300_000;

    /** Outputs of a cell larger than {@link #OUTPUT_BUDGET} bytes: a notebook must stay light enough to open and diff. */
    private static List<String> tooLarge(JsonObject cell, int index) {
        List<String> found = new ArrayList<>();
        JsonArray outputs = cell.getAsJsonArray("outputs");
        for (JsonElement o : outputs == null ? new JsonArray() : outputs) {
            JsonObject output = o.getAsJsonObject();
            int bytes = 0;
            if (output.has("data")) {
                for (Map.Entry<String, JsonElement> e : output.getAsJsonObject("data").entrySet()) {
                    bytes += text(e.getValue()).getBytes(StandardCharsets.UTF_8).length;
                }
            }
            if (output.has("text")) {
                bytes += text(output.get("text")).getBytes(StandardCharsets.UTF_8).length;
            }
            if (bytes > OUTPUT_BUDGET) {
                found.add("cell " + index + ": an output of " + bytes + " bytes (at most " + OUTPUT_BUDGET + ")");
            }
        }
        return found;
    }

    /** nbformat stores text as one string or as a list of lines. */
    private static String text(JsonElement value) {
        if (value.isJsonArray()) {
            StringBuilder sb = new StringBuilder();
            value.getAsJsonArray().forEach(line -> sb.append(line.getAsString()));
            return sb.toString();
        }
        return value.isJsonPrimitive() ? value.getAsString() : value.toString();
    }

    private static List<String> errors(JsonObject cell, int index) {
        List<String> errors = new ArrayList<>();
        JsonArray outputs = cell.getAsJsonArray("outputs");
        for (JsonElement o : outputs == null ? new JsonArray() : outputs) {
            JsonObject output = o.getAsJsonObject();
            if (output.get("output_type").getAsString().equals("error")) {
                errors.add("cell " + index + ": " + output.get("ename").getAsString() + ": "
                        + output.get("evalue").getAsString());
            }
        }
        return errors;
    }

    /** The SVG a cell shows: as image/svg+xml, or inline in its text/html (how plots are sent by default). */
    private static String svgOf(JsonObject cell) {
        StringBuilder svg = new StringBuilder();
        JsonArray outputs = cell.getAsJsonArray("outputs");
        for (JsonElement o : outputs == null ? new JsonArray() : outputs) {
            JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
            for (String type : List.of("image/svg+xml", "text/html")) {
                if (data != null && data.has(type)) {
                    JsonElement value = data.get(type);
                    if (value.isJsonArray()) {
                        value.getAsJsonArray().forEach(line -> svg.append(line.getAsString()));
                    } else {
                        svg.append(value.getAsString());
                    }
                }
            }
        }
        String s = svg.toString();
        return s.contains("<svg") && s.length() > 200 ? s : "";
    }

    // ---- files and processes -----------------------------------------------------------------

    private static Path root() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        return module.getParent();
    }

    private static Path notebooks() {
        return root().resolve("notebooks");
    }

    private static Path resource(String name) throws Exception {
        var url = NotebooksTest.class.getResource("/notebooks-test/" + name);
        assertTrue(url != null, "missing test resource notebooks-test/" + name);
        return Path.of(url.toURI());
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(work, "out", ".txt");
        return start(new ProcessBuilder(command).redirectOutput(log.toFile()), timeoutSeconds, log);
    }

    private static Result start(ProcessBuilder builder, long timeoutSeconds) throws Exception {
        return start(builder, timeoutSeconds, null);
    }

    /** Runs a command with the temporary Jupyter path; stderr (and stdout, unless redirected) into the result. */
    private static Result start(ProcessBuilder builder, long timeoutSeconds, Path stdout) throws Exception {
        Map<String, String> env = builder.environment();
        // pyenv's variables must not leak into Debian's python
        env.remove("PYTHONPATH");
        env.remove("PYTHONHOME");
        if (jupyterPath != null) {
            env.put("JUPYTER_PATH", jupyterPath.toString());
        }
        env.put("JUPYTER_DATA_DIR", work.resolve("data").toString());
        env.put("JUPYTER_RUNTIME_DIR", work.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", work.resolve("config").toString());
        Path stderr = Files.createTempFile(work, "err", ".txt");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
        String out = stdout == null ? "" : Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        String text = String.join(" ", builder.command()) + (finished ? "" : "\n(killed after " + timeoutSeconds + " s)")
                + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        return new Result(finished ? process.exitValue() : -1, text);
    }
}
