package dev.wengert.repl;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.wengert.repl.CellError.ExceptionInCell.Origin;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * The one cell pipeline of every front end: the notebook kernel, the interactive console and
 * scripts all evaluate through it, so a cell behaves the same in each.
 *
 * <p>A cell goes through: magic lines carried out ({@link Magics}), {@code let} rewritten to
 * {@code var} with every offset kept, the Java split into JShell snippets, each evaluated in
 * order, in this JVM, on one long-lived {@link EvaluationThread} (the DSL binds its tape to
 * that thread). The first problem ends the cell with a {@link CellError} that points at the
 * line and column the user typed. Values come back as objects, not strings, so each front end
 * shows them its own way. Sessions start with JShell's usual imports, the top-level
 * {@code display}/{@code updatableDisplay}/{@code updateDisplay} methods ({@link Display}) and
 * the startup scripts (kernel-config/startup.jsh imports the DSL).
 *
 * <pre>{@code
 * Evaluator evaluator = new Evaluator(Evaluator.Options.defaults(Path.of("")));
 * evaluator.eval("let x = 6;\nx * 7", Evaluator.Source.CELL, result -> System.out.println(result.value()));
 * }</pre>
 */
public final class Evaluator implements AutoCloseable {

    // what the jshell tool imports by default (its DEFAULT startup); startup.jsh builds on it
    private static final String DEFAULT_IMPORTS = String.join("\n",
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    // the methods every session has (display, updatableDisplay, updateDisplay): one import
    // snippet where three method snippets cost three javac compilations before the first cell
    private static final String SESSION_METHODS = "import static dev.wengert.repl.SessionMethods.*;";

    /** A startup script: its name (for messages) and its text. */
    public record Script(String name, String code) {
    }

    /**
     * How to start a session.
     *
     * @param classPath extra class path entries for user code
     * @param compilerOptions options for JShell's compiler
     * @param startup scripts run in order after JShell's default imports
     * @param timeoutMillis interrupt a snippet that runs longer; negative: never
     * @param timeoutName how the user sets the time limit, for the message when it strikes
     * @param interruptGraceMillis how long an interrupted snippet may go on before it is stopped by force
     * @param workingDirectory where relative paths in magics point
     * @param log where problems of the startup scripts are reported
     * @param sourcePath sources jars (or folders of them) whose javadoc {@link #documentation} shows
     */
    public record Options(List<Path> classPath, List<String> compilerOptions, List<Script> startup,
            long timeoutMillis, String timeoutName, long interruptGraceMillis, Path workingDirectory,
            PrintStream log, List<Path> sourcePath) {

        /** The options without a source path. */
        public Options(List<Path> classPath, List<String> compilerOptions, List<Script> startup, long timeoutMillis,
                String timeoutName, long interruptGraceMillis, Path workingDirectory, PrintStream log) {
            this(classPath, compilerOptions, startup, timeoutMillis, timeoutName, interruptGraceMillis,
                    workingDirectory, log, List.of());
        }

        /** No extra class path, no startup scripts, no time limit, a 1 s grace period. */
        public static Options defaults(Path workingDirectory) {
            return new Options(List.of(), List.of(), List.of(), -1, "the time limit", 1000, workingDirectory,
                    System.err);
        }

        /** The same options with these startup scripts. */
        public Options withStartup(List<Script> scripts) {
            return new Options(classPath, compilerOptions, scripts, timeoutMillis, timeoutName,
                    interruptGraceMillis, workingDirectory, log, sourcePath);
        }

        /** The same options with this source path (sources jars, or folders holding them). */
        public Options withSourcePath(List<Path> sources) {
            return new Options(classPath, compilerOptions, startup, timeoutMillis, timeoutName,
                    interruptGraceMillis, workingDirectory, log, sources);
        }
    }

    /**
     * Where a cell's text comes from, for error locations.
     *
     * @param name the script's name as the user gave it, or null for a notebook cell or typed input
     * @param firstLine the line of the script on which the cell starts
     */
    public record Source(String name, int firstLine) {
        /** A notebook cell or one input of the console. */
        public static final Source CELL = new Source(null, 1);
    }

    /**
     * One snippet that JShell accepted and ran.
     *
     * @param event JShell's event for it
     * @param value what it produced (a variable's value, an expression's result), or null
     * @param typed the snippet as the user typed it
     */
    public record Result(SnippetEvent event, Object value, String typed) {

        /** The snippet. */
        public Snippet snippet() {
            return event.snippet();
        }

        /** Whether this is an expression whose value a notebook shows as the cell's result. */
        public boolean isExpressionValue() {
            Snippet snippet = event.snippet();
            if (snippet instanceof VarSnippet) {
                VarSnippet var = (VarSnippet) snippet;
                return var.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND && !var.typeName().equals("void");
            }
            if (snippet instanceof ExpressionSnippet) {
                return !((ExpressionSnippet) snippet).typeName().equals("void");
            }
            return false;
        }
    }

    /** Hears each snippet and magic of a cell as it completes. */
    public interface Listener {
        /** A snippet ran. */
        void snippet(Result result);

        /** A magic was carried out. */
        default void magic(Cell.MagicCall call) {
        }
    }

    /** Whether a cell's text is ready to run. */
    public enum Completeness {
        /** Ready: every snippet is complete. */
        COMPLETE,
        /** More must follow (an open brace, a dangling operator). */
        INCOMPLETE,
        /** No continuation can make it valid; running it shows the error. */
        INVALID,
        /** Nothing to run: blank, comments, or magics only. */
        EMPTY
    }

    /**
     * Completions at a cursor.
     *
     * @param anchor where in the cell the text they replace starts (it ends at the cursor)
     * @param continuations what may replace it, the ones of the expected type first
     */
    public record Completions(int anchor, List<String> continuations) {
    }

    /** The documentation of a method or type: its signature and its javadoc (may be empty). */
    public record Documentation(String signature, String javadoc) {
    }

    // what a first cell typically does: an expression with a value, a method call, a string
    private static final String WARM_UP = "String.valueOf(Math.max(1, 2) + 40).length()";
    // and, where the startup imported the DSL (the kernel, ./wengert), a lambda over its numbers:
    // the DSL's classes and rules load here, not in the user's first cell. Forward mode records
    // nothing on the session's tape.
    private static final String DSL_FACADE = "dev.wengert.Wengert";
    private static final String DSL_WARM_UP = "derivative(x -> sin(x).times(x), 1.0)";
    private static final AtomicInteger WARM_UPS = new AtomicInteger();
    private static final AtomicInteger DSL_WARM_UPS = new AtomicInteger();

    private final Options options;
    private final EvaluationThread evaluationThread;
    private final InProcessExecutionControl control;
    private final CompletableFuture<JShell> shell = new CompletableFuture<>();
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final Map<String, String> typedSources = new ConcurrentHashMap<>();
    private final AtomicInteger userIds = new AtomicInteger();
    private final AtomicInteger startupIds = new AtomicInteger();
    private volatile boolean startingUp = true;
    private volatile boolean interruptRequested;

    /** Creates the session and starts JShell and its startup scripts in the background. */
    public Evaluator(Options options) {
        this.options = options;
        this.evaluationThread = new EvaluationThread(options.interruptGraceMillis());
        this.control = new InProcessExecutionControl(evaluationThread, options.timeoutMillis());
        // JShell makes its class loader the context loader of the thread that builds it: use our own
        Thread starter = new Thread(() -> {
            try {
                shell.complete(startShell());
            } catch (Throwable e) {
                shell.completeExceptionally(e);
            }
        }, "wengert-jshell-start");
        starter.setDaemon(true);
        starter.start();
    }

    private JShell startShell() {
        // the user may Shift-Tab before the first cell: point JShell's javadoc lookup at our sources first
        List<Path> sources = JavadocSources.expand(options.sourcePath());
        JShell jshell = JShell.builder()
                .executionEngine(new InProcessExecutionControl.Provider(control), Map.of())
                .compilerOptions(options.compilerOptions().toArray(String[]::new))
                // as the jshell tool numbers them: startup snippets s1, s2, …; the user's 1, 2, …
                .idGenerator((snippet, counter) -> startingUp
                        ? "s" + startupIds.incrementAndGet() : String.valueOf(userIds.incrementAndGet()))
                .build();
        options.classPath().forEach(path -> jshell.addToClasspath(path.toString()));
        String noJavadoc = JavadocSources.attach(jshell.sourceCodeAnalysis(), sources);
        if (noJavadoc != null) {
            options.log().println("wengert: " + noJavadoc);
        }
        List<Script> scripts = new ArrayList<>();
        scripts.add(new Script("JShell's default imports", DEFAULT_IMPORTS));
        scripts.add(new Script("the session's methods", SESSION_METHODS));
        scripts.addAll(options.startup());
        try {
            for (Script script : scripts) {
                runStartup(jshell, script);
            }
            warmUp(jshell);
        } finally {
            startingUp = false;
        }
        return jshell;
    }

    /**
     * Runs a throwaway cell through the whole pipeline (JShell's analysis, a compile, a class
     * load and a call on the evaluation thread) while the front end is still starting, so the
     * user's first cell does not pay for javac's first expression; where the startup imported
     * the DSL's facade, a second one calls the DSL. Their snippets are dropped.
     */
    private void warmUp(JShell jshell) {
        if (warmUp(jshell, WARM_UP)) {
            WARM_UPS.incrementAndGet();
        }
        boolean importsDsl = jshell.imports().anyMatch(i -> i.isStatic() && jshell.status(i).isActive()
                && (i.fullname().equals(DSL_FACADE) || i.fullname().equals(DSL_FACADE + ".*")));
        if (importsDsl && warmUp(jshell, DSL_WARM_UP)) {
            DSL_WARM_UPS.incrementAndGet();
        }
    }

    private boolean warmUp(JShell jshell, String code) {
        Cell cell = Cell.of(code);
        List<Snippet> ran = new ArrayList<>();
        try {
            for (Step step : steps(jshell, cell)) {
                runStep(jshell, cell, step, new Source("the warm-up", 1), new HashSet<>(), result -> ran.add(result.snippet()));
            }
            return true;
        } catch (CellError | RuntimeException e) {
            options.log().println("wengert: the warm-up cell " + code + " failed (the first cell will be slower): "
                    + e.getMessage());
            return false;
        } finally {
            control.clearResults();
            ran.forEach(snippet -> jshell.drop(snippet));
        }
    }

    /** How many sessions of this JVM have run their warm-up cell (a test counts them). */
    public static int warmUps() {
        return WARM_UPS.get();
    }

    /** How many sessions of this JVM, importing the DSL, have also run a DSL cell to warm up (a test counts them). */
    public static int dslWarmUps() {
        return DSL_WARM_UPS.get();
    }

    /** Startup problems are reported on the log, each snippet on its own, and the rest still runs. */
    private void runStartup(JShell jshell, Script script) {
        Cell cell = Cell.of(script.code());
        for (Step step : steps(jshell, cell)) {
            try {
                runStep(jshell, cell, step, new Source(script.name(), 1), new HashSet<>(), result -> { });
            } catch (CellError e) {
                options.log().println("wengert: startup script " + script.name() + ": " + e.getMessage());
            } catch (Exception e) {
                options.log().println("wengert: startup script " + script.name() + ": " + e);
            } finally {
                control.clearResults();
            }
        }
    }

    /** The session's JShell, once it has started (waits for the startup scripts). */
    public JShell jshell() throws CellError {
        try {
            return shell.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CellError.Interrupted("interrupted while JShell was starting");
        }
    }

    /** Whether JShell has started and run its startup scripts. */
    public boolean isStarted() {
        return shell.isDone();
    }

    /**
     * Evaluates a cell: its magics and snippets in the order they appear, each reported to
     * {@code listener} as it completes.
     *
     * @param code the cell as the user typed it
     * @param source where it comes from, for error locations
     * @throws CellError at the first problem; what ran before it stays done
     */
    public void eval(String code, Source source, Listener listener) throws CellError {
        JShell jshell = jshell();
        interruptRequested = false;
        evaluationThread.clearInterrupt();
        control.takeStopped();
        control.clearResults();
        Cell cell = Cell.of(code);
        Set<String> thisCell = new HashSet<>();
        try {
            for (Step step : steps(jshell, cell)) {
                checkInterrupt();
                runStep(jshell, cell, step, source, thisCell, listener);
            }
            checkInterrupt();
        } finally {
            control.clearResults();
        }
    }

    /** A magic or a snippet, in cell order. */
    private record Step(Cell.MagicCall magic, Cell.Piece piece, int start) {
    }

    private static List<Step> steps(JShell jshell, Cell cell) {
        List<Step> steps = new ArrayList<>();
        cell.magics().forEach(m -> steps.add(new Step(m, null, m.offset())));
        cell.pieces(jshell.sourceCodeAnalysis()).forEach(p -> steps.add(new Step(null, p, p.codeStart())));
        steps.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return steps;
    }

    private void runStep(JShell jshell, Cell cell, Step step, Source source, Set<String> thisCell, Listener listener)
            throws CellError {
        if (step.magic() != null) {
            runMagic(jshell, step.magic(), source);
            listener.magic(step.magic());
        } else {
            runPiece(jshell, cell, step.piece(), source, thisCell, listener);
        }
    }

    private void runMagic(JShell jshell, Cell.MagicCall call, Source source) throws CellError.MagicError {
        int line = source.firstLine() + call.line() - 1;
        Magic magic = Magics.find(call.name()).orElseThrow(() -> new CellError.MagicError("unknown magic "
                + call.spelled() + "; the magics are:\n" + Magics.usages(), line));
        if (call.body() != null && !magic.takesBody()) {
            throw new CellError.MagicError("%" + call.name() + " is a line magic: write it as %" + call.name()
                    + " <arguments> on a line of its own, not %%" + call.name(), line);
        }
        try {
            magic.run(call, new MagicContext(jshell, options.workingDirectory()));
        } catch (IllegalArgumentException e) {
            throw new CellError.MagicError(call.spelled() + ": " + e.getMessage(), line);
        } catch (Exception e) {
            throw new CellError.MagicError(call.spelled() + " failed: " + e, line);
        }
    }

    private void runPiece(JShell jshell, Cell cell, Cell.Piece piece, Source source, Set<String> thisCell,
            Listener listener) throws CellError {
        List<SnippetEvent> events = jshell.eval(piece.source());
        if (control.takeStopped()) {
            throw new CellError.Interrupted(interruptRequested ? "interrupted"
                    : "stopped after " + options.timeoutName() + " (" + options.timeoutMillis() + " ms)");
        }
        String typed = cell.typedText(piece);
        // JShell numbers a snippet's lines from its first non-blank character, comments included
        int firstLine = source.firstLine() + Errors.lineOf(cell.java(), piece.start()) - 1;
        int codeLine = source.firstLine() + Errors.lineOf(cell.java(), piece.codeStart()) - 1;
        int lines = (int) piece.source().strip().lines().count();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet updated because of this one
            }
            Snippet snippet = event.snippet();
            origins.put(snippet.id(), new Origin(source.name(), firstLine, lines));
            typedSources.put(snippet.id(), typed);
            thisCell.add(snippet.id());
            if (event.status() == Snippet.Status.REJECTED) {
                throw Errors.compilation(cell, piece, jshell.diagnostics(snippet).collect(Collectors.toList()),
                        source.name(), source.firstLine());
            }
            if (event.exception() != null) {
                checkInterrupt(); // what the interrupt made the snippet throw reads as the interrupt
            }
            if (event.exception() instanceof UnresolvedReferenceException) {
                UnresolvedReferenceException unresolved = (UnresolvedReferenceException) event.exception();
                throw Errors.unresolved(unresolved,
                        jshell.unresolvedDependencies(unresolved.getSnippet()).collect(Collectors.toList()), codeLine);
            }
            if (event.exception() != null) {
                throw Errors.exception(event.exception(), origins, thisCell, codeLine);
            }
            warnIfUnresolved(jshell, event);
            if (interruptRequested) {
                // the snippet finished anyway (an optimizer returned its best point): its value
                // may still be shown; the cell ends after it
                evaluationThread.clearInterrupt();
            }
            Object value = event.value() == null ? null : control.takeResult(event.value());
            listener.snippet(new Result(event, value, typed));
        }
        // a snippet that finished despite the interrupt (an optimizer returns its best point)
        // is reported above; the rest of the cell does not run
        checkInterrupt();
    }

    private void checkInterrupt() throws CellError.Interrupted {
        if (interruptRequested) {
            throw new CellError.Interrupted("interrupted");
        }
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

    /**
     * Runs {@code work} on the evaluation thread, as user code runs: for code that calls the
     * user's objects (toString, mimeBundle), so an interrupt stops it too. If it throws, the
     * error's traceback keeps the frames of classes starting with {@code userPrefix} (the front
     * end's renderer; null for none) and ends where the front end's own code begins.
     *
     * @throws CellError.Interrupted if it was interrupted
     */
    public <T> T onEvaluationThread(Callable<T> work, String userPrefix) throws CellError {
        try {
            return control.onEvaluationThread(work);
        } catch (EvaluationThread.Stopped e) {
            throw new CellError.Interrupted("interrupted while showing the result");
        } catch (Exception | Error e) {
            throw Errors.thrown("showing the result failed", e, userPrefix);
        }
    }

    /** Whether {@code code} is ready to run, after magics and {@code let}, as JShell's analysis sees it. */
    public Completeness completeness(String code) throws CellError {
        Cell cell = Cell.of(code);
        if (!cell.magics().isEmpty() && cell.magics().get(0).body() != null) {
            return Completeness.COMPLETE; // a cell magic takes the cell as it is
        }
        String rest = cell.java();
        boolean any = false;
        SourceCodeAnalysis analysis = jshell().sourceCodeAnalysis();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    any = true;
                    rest = info.remaining();
                    break;
                case EMPTY:
                    return any || !cell.magics().isEmpty() ? Completeness.COMPLETE : Completeness.EMPTY;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return Completeness.INCOMPLETE;
                default:
                    return Completeness.INVALID;
            }
        }
        return any || !cell.magics().isEmpty() ? Completeness.COMPLETE : Completeness.EMPTY;
    }

    /** What may be typed at {@code cursor}: JShell's suggestions, or magic names after a leading {@code %}. */
    public Completions complete(String code, int cursor) throws CellError {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        String line = code.substring(lineStart, cursor);
        if (line.matches("%%?[\\w-]*")) {
            int nameStart = lineStart + (line.startsWith("%%") ? 2 : 1);
            String prefix = code.substring(nameStart, cursor);
            List<String> names = Magics.BUILT_IN.stream().map(Magic::name).filter(n -> n.startsWith(prefix))
                    .map(n -> n + " ").collect(Collectors.toList());
            return new Completions(nameStart, names);
        }
        SourceCodeAnalysis analysis = jshell().sourceCodeAnalysis();
        Cell.Piece piece = Cell.of(code).pieceBefore(analysis, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(piece.source(), piece.source().length(), anchor);
        Set<String> ordered = new LinkedHashSet<>();
        // suggestions that fit the expected type first, as JShell's own tool orders them
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> ordered.add(s.continuation()));
        suggestions.forEach(s -> ordered.add(s.continuation()));
        return new Completions(piece.offset() + anchor[0], new ArrayList<>(ordered));
    }

    /**
     * The documentation of what is at {@code cursor}: the name under or before it (a bare
     * method name documents all its overloads), or the method whose argument list the cursor is
     * in. The javadoc comes as plain text ({@link JavadocText}); it is empty where JShell found
     * no sources (see {@link Options#sourcePath}).
     */
    public List<Documentation> documentation(String code, int cursor) throws CellError {
        SourceCodeAnalysis analysis = jshell().sourceCodeAnalysis();
        // document the name under the cursor, not only what precedes it
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        Cell cell = Cell.of(code);
        Cell.Piece atName = cell.pieceBefore(analysis, end);
        List<SourceCodeAnalysis.Documentation> docs =
                analysis.documentation(atName.source(), atName.source().length(), true);
        if (docs.isEmpty() && end < code.length() && code.charAt(end) == '(') {
            // JShell documents a method when the cursor is inside its argument list
            Cell.Piece piece = cell.pieceBefore(analysis, end + 1);
            docs = analysis.documentation(piece.source(), piece.source().length(), true);
        }
        if (docs.isEmpty() && end > 0 && Character.isJavaIdentifierPart(code.charAt(end - 1))) {
            // a bare method name (minimize, x.times): as if its argument list were open
            String opened = atName.source() + "(";
            docs = analysis.documentation(opened, opened.length(), true);
        }
        return docs.stream().map(d -> new Documentation(d.signature(), JavadocText.plain(d.javadoc())))
                .collect(Collectors.toList());
    }

    /** The snippet as the user typed it ({@code let}, not {@code var}); JShell's source if it did not come from a cell. */
    public String typedSource(Snippet snippet) {
        return typedSources.getOrDefault(snippet.id(), snippet.source());
    }

    /** The value of a variable, as an object (the console's /vars). */
    public Object valueOf(VarSnippet variable) throws CellError {
        try {
            return control.takeResult(jshell().varValue(variable));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    /** Interrupts the running cell: it ends with {@link CellError.Interrupted}, the session stays. */
    public void interrupt() {
        interruptRequested = true;
        evaluationThread.interrupt();
    }

    /** Ends the session: JShell closes and the evaluation thread ends. */
    @Override
    public void close() {
        shell.thenAccept(JShell::close);
        evaluationThread.close();
    }
}
