package dev.wengert.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import dev.wengert.optim.OptimizerEvents;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * The Wengert Jupyter kernel: Java cells evaluated by JShell inside the kernel's JVM, with the
 * DSL imported and its values shown through their MIME bundles.
 *
 * <p>basekernel handles the wire protocol; this class answers execute, complete, inspect,
 * is_complete, interrupt and shutdown. JShell starts on a background thread while the
 * connection comes up, so Jupyter sees the kernel as ready before the compiler is warm.
 */
public final class WengertKernel extends BaseKernel {

    // what the jshell tool imports by default (its DEFAULT startup); startup.jsh builds on it
    private static final String DEFAULT_IMPORTS = String.join("\n",
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    // top-level methods every session gets; they delegate to Notebook
    private static final String DISPLAY_METHODS = String.join("\n",
            "String display(Object value) { return dev.wengert.kernel.Notebook.display(value); }",
            "String updatableDisplay(Object value) { return dev.wengert.kernel.Notebook.display(value); }",
            "void updateDisplay(String id, Object value) { dev.wengert.kernel.Notebook.updateDisplay(id, value); }");

    private final KernelSettings settings;
    private final EvaluationThread evaluationThread;
    private final InProcessExecutionControl control;
    private final CompletableFuture<JShell> shell;
    private final Path workingDirectory;
    private final OptimizerProgress progress = new OptimizerProgress(this);
    private final CellOutput output;
    private volatile boolean interruptRequested;

    /**
     * Creates the kernel and starts JShell in the background.
     *
     * @param settings IJava-compatible settings
     * @param startupScripts the kernel's own startup scripts (kernel-config/startup.jsh)
     * @param workingDirectory where relative paths in magics point (the notebook's folder)
     */
    WengertKernel(KernelSettings settings, List<Path> startupScripts, Path workingDirectory) {
        this.settings = settings;
        this.workingDirectory = workingDirectory;
        // the kernel owns System.out/err for its life (basekernel's swap per cell sends a message per line)
        this.output = new CellOutput(settings.maxOutputBytes(), System.out, System.err);
        System.setOut(output.out);
        System.setErr(output.err);
        // a prompt printed before reading must reach the notebook before the input request does
        System.setIn(new java.io.FilterInputStream(getIO().in) {
            @Override
            public int read() throws IOException {
                output.flush();
                return super.read();
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                output.flush();
                return super.read(bytes, offset, length);
            }
        });
        this.evaluationThread = new EvaluationThread(settings.interruptGraceMillis());
        this.control = new InProcessExecutionControl(evaluationThread, settings.timeoutMillis());
        Notebook.attach(this);
        OptimizerEvents.add(progress);
        this.shell = new CompletableFuture<>();
        // JShell makes its class loader the context loader of the thread that builds it: use our own
        Thread starter = new Thread(() -> {
            try {
                shell.complete(startShell(startupScripts));
            } catch (Throwable e) {
                shell.completeExceptionally(e);
            }
        }, "wengert-jshell-start");
        starter.setDaemon(true);
        starter.start();
    }

    private JShell startShell(List<Path> kernelScripts) {
        JShell jshell = JShell.builder()
                .executionEngine(new InProcessExecutionControl.Provider(control), Map.of())
                .compilerOptions(settings.compilerOptions().toArray(String[]::new))
                .build();
        settings.classPath().forEach(path -> jshell.addToClasspath(path.toString()));
        List<String> scripts = new ArrayList<>();
        scripts.add(DEFAULT_IMPORTS);
        scripts.add(DISPLAY_METHODS);
        for (Path script : kernelScripts) {
            scripts.add(read(script));
        }
        for (Path script : settings.startupScripts()) {
            scripts.add(read(script));
        }
        scripts.add(settings.startupCode());
        for (String script : scripts) {
            runStartup(jshell, script);
        }
        return jshell;
    }

    private static String read(Path script) {
        try {
            return Files.readString(script);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read startup script " + script + ": " + e.getMessage(), e);
        }
    }

    /** Startup problems go to the kernel log (the terminal running Jupyter), not to a cell. */
    private void runStartup(JShell jshell, String script) {
        try {
            for (Cell.Piece piece : Cell.of(script).pieces(jshell.sourceCodeAnalysis())) {
                for (SnippetEvent event : jshell.eval(piece.source())) {
                    if (event.status() == Snippet.Status.REJECTED) {
                        System.err.println("wengert kernel: startup snippet rejected: " + piece.source().strip()
                                + " -- " + jshell.diagnostics(event.snippet())
                                        .map(d -> d.getMessage(null)).collect(Collectors.joining("; ")));
                    }
                }
            }
        } finally {
            control.clearResults();
        }
    }

    private JShell shell() throws Exception {
        try {
            return shell.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    @Override
    public String getBanner() {
        return "Wengert: automatic differentiation in Java (JShell " + Runtime.version() + ")";
    }

    @Override
    public boolean shouldReplaceStdStreams() {
        return false; // System.out and System.err are CellOutput's, set once in the constructor
    }

    /** Sends the running cell's pending printed output (before a display, to keep the order). */
    void flushOutput() {
        output.flush();
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        output.begin(getIO().out, getIO().err);
        try {
            return evalCell(code);
        } finally {
            output.end();
        }
    }

    private DisplayData evalCell(String code) throws Exception {
        JShell jshell = shell();
        interruptRequested = false;
        evaluationThread.clearInterrupt();
        control.takeStopped();
        control.clearResults();
        Cell cell = Cell.of(code);
        runMagics(jshell, cell);
        List<Cell.Piece> pieces = cell.pieces(jshell.sourceCodeAnalysis());
        Map<String, int[]> snippetLines = new HashMap<>();
        DisplayData shown = null;
        try {
            for (Cell.Piece piece : pieces) {
                checkInterrupt();
                shown = evalPiece(jshell, cell, piece, snippetLines);
            }
            checkInterrupt();
            return shown;
        } finally {
            control.clearResults();
        }
    }

    private DisplayData evalPiece(JShell jshell, Cell cell, Cell.Piece piece, Map<String, int[]> snippetLines)
            throws Exception {
        DisplayData shown = null;
        List<SnippetEvent> events = jshell.eval(piece.source());
        if (control.takeStopped()) {
            throw new CellError.Interrupted(interruptRequested
                    ? "interrupted; the kernel is ready for the next cell"
                    : "stopped after IJAVA_TIMEOUT (" + settings.timeoutMillis() + " ms); the kernel is ready for the next cell");
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet updated because of this one
            }
            Snippet snippet = event.snippet();
            // first line in the cell and number of lines, to place stack frames
            // JShell counts a snippet's lines from its first non-blank line
            String source = piece.source();
            int blank = source.length() - source.stripLeading().length();
            snippetLines.put(snippet.id(), new int[] {Errors.lineOf(cell.java(), piece.offset() + blank),
                    (int) source.strip().lines().count()});
            if (event.status() == Snippet.Status.REJECTED) {
                throw Errors.compilation(cell.java(), piece, jshell.diagnostics(snippet).collect(Collectors.toList()));
            }
            checkInterrupt();
            if (event.exception() instanceof UnresolvedReferenceException) {
                UnresolvedReferenceException unresolved = (UnresolvedReferenceException) event.exception();
                throw Errors.unresolved(unresolved,
                        jshell.unresolvedDependencies(unresolved.getSnippet()).collect(Collectors.toList()));
            }
            if (event.exception() != null) {
                throw Errors.exception(event.exception(), snippetLines);
            }
            warnIfUnresolved(jshell, event);
            if (showsValue(snippet)) {
                Object value = control.takeResult(event.value());
                shown = render(value);
            }
        }
        return shown;
    }

    private DisplayData render(Object value) throws Exception {
        try {
            return control.onEvaluationThread(() -> Displays.render(value));
        } catch (EvaluationThread.Stopped e) {
            throw new CellError.Interrupted("interrupted while showing the result");
        } catch (RuntimeException | Error e) {
            throw Errors.thrown("showing the result failed", e);
        }
    }

    private void checkInterrupt() throws CellError.Interrupted {
        if (interruptRequested) {
            throw new CellError.Interrupted("interrupted; the kernel is ready for the next cell");
        }
    }

    /** A cell ends in a value worth showing if its last snippet is an expression. */
    private static boolean showsValue(Snippet snippet) {
        if (snippet instanceof VarSnippet) {
            VarSnippet var = (VarSnippet) snippet;
            return var.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND && !var.typeName().equals("void");
        }
        if (snippet instanceof ExpressionSnippet) {
            return !((ExpressionSnippet) snippet).typeName().equals("void");
        }
        return false;
    }

    private static void warnIfUnresolved(JShell jshell, SnippetEvent event) {
        if (event.snippet() instanceof DeclarationSnippet
                && event.status() == Snippet.Status.RECOVERABLE_DEFINED) {
            DeclarationSnippet declaration = (DeclarationSnippet) event.snippet();
            List<String> missing = jshell.unresolvedDependencies(declaration).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                System.err.println(declaration.name() + " is defined, but cannot be used until "
                        + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared");
            }
        }
    }

    private void runMagics(JShell jshell, Cell cell) throws CellError.MagicError {
        for (Cell.Magic magic : cell.magics()) {
            List<String> arguments = List.of(magic.arguments().strip().split("[\\s" + java.io.File.pathSeparator + "]+"));
            try {
                switch (magic.name()) {
                    case "jars":
                        ClassPathEntries.jars(workingDirectory, arguments)
                                .forEach(path -> jshell.addToClasspath(path.toString()));
                        break;
                    case "classpath":
                        ClassPathEntries.paths(workingDirectory, arguments)
                                .forEach(path -> jshell.addToClasspath(path.toString()));
                        break;
                    default:
                        throw new CellError.MagicError("unknown magic %" + magic.name()
                                + "; this kernel knows %jars <jar, folder or glob>... and %classpath <path>...");
                }
            } catch (IllegalArgumentException e) {
                throw new CellError.MagicError("%" + magic.name() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public ReplacementOptions complete(String code, int at) throws Exception {
        JShell jshell = shell();
        SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
        Cell.Piece piece = Cell.of(code).pieceBefore(analysis, at);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(piece.source(), piece.source().length(), anchor);
        Set<String> typed = new LinkedHashSet<>();
        // suggestions that fit the expected type first, as JShell's own tool orders them
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> typed.add(s.continuation()));
        suggestions.forEach(s -> typed.add(s.continuation()));
        if (typed.isEmpty()) {
            return null;
        }
        return new ReplacementOptions(new ArrayList<>(typed), piece.offset() + anchor[0], at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) throws Exception {
        JShell jshell = shell();
        SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
        // inspect the name under the cursor, not only what precedes it
        int end = at;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        Cell cell = Cell.of(code);
        Cell.Piece piece = cell.pieceBefore(analysis, end);
        List<SourceCodeAnalysis.Documentation> docs =
                analysis.documentation(piece.source(), piece.source().length(), true);
        if (docs.isEmpty() && end < code.length() && code.charAt(end) == '(') {
            // JShell documents a method when the cursor is inside its argument list
            piece = cell.pieceBefore(analysis, end + 1);
            docs = analysis.documentation(piece.source(), piece.source().length(), true);
        }
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation doc : docs) {
            text.append(doc.signature()).append('\n');
            if (doc.javadoc() != null && !doc.javadoc().isBlank()) {
                text.append(doc.javadoc().strip()).append("\n\n");
            }
        }
        return new DisplayData(text.toString().strip());
    }

    @Override
    public String isComplete(String code) {
        JShell jshell;
        try {
            jshell = shell();
        } catch (Exception e) {
            return IS_COMPLETE_MAYBE;
        }
        String rest = Cell.of(code).java();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = jshell.sourceCodeAnalysis().analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    rest = info.remaining();
                    break;
                case EMPTY:
                    return IS_COMPLETE_YES;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    "; // incomplete: the console continues with this indent
                default:
                    return IS_COMPLETE_BAD;
            }
        }
        return IS_COMPLETE_YES;
    }

    /** True while a cell runs, so displays reach its output. */
    boolean isDisplaying() {
        return getIO().display.isAttached();
    }

    @Override
    public void interrupt() {
        interruptRequested = true;
        evaluationThread.interrupt();
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellError) {
            return ((CellError) e).traceback();
        }
        return super.formatError(e);
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        OptimizerEvents.remove(progress);
        output.close();
        shell.thenAccept(JShell::close);
        evaluationThread.close();
    }
}
