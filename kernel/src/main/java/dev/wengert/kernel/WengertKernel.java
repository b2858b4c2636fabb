package dev.wengert.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.wengert.optim.OptimizerEvents;
import dev.wengert.repl.CellError;
import dev.wengert.repl.Display;
import dev.wengert.repl.Evaluator;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * The Wengert Jupyter kernel: Java cells evaluated by JShell inside the kernel's JVM, with the
 * DSL imported and its values shown through their MIME bundles.
 *
 * <p>basekernel handles the wire protocol; this class answers execute, complete, inspect,
 * is_complete, interrupt and shutdown. Cells go through {@link Evaluator}, the cell pipeline
 * the console and scripts share ({@code let}, magics, the startup script), so a cell behaves
 * the same in a notebook and in {@code ./wengert}. JShell starts on a background thread while
 * the connection comes up, so Jupyter sees the kernel as ready before the compiler is warm.
 */
public final class WengertKernel extends BaseKernel {

    private final Evaluator evaluator;
    private final OptimizerProgress progress = new OptimizerProgress(this);
    private final CellOutput output;

    /**
     * Creates the kernel and starts JShell in the background.
     *
     * @param settings IJava-compatible settings
     * @param startupScripts the kernel's own startup scripts (kernel-config/startup.jsh)
     * @param sourcePath sources jars (or folders of them) whose javadoc inspection shows
     * @param workingDirectory where relative paths in magics point (the notebook's folder)
     */
    WengertKernel(KernelSettings settings, List<Path> startupScripts, List<Path> sourcePath, Path workingDirectory) {
        // the kernel owns System.out/err for its life (basekernel's swap per cell sends a message per line)
        this.output = new CellOutput(settings.maxOutputBytes(), System.out, System.err);
        PrintStream log = output.err;
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
        Notebook.attach(this);
        Display.attach(new Display.Target() {
            @Override
            public String show(Object value) {
                return Notebook.display(value);
            }

            @Override
            public void update(String id, Object value) {
                Notebook.updateDisplay(id, value);
            }
        });
        OptimizerEvents.add(progress);
        List<Evaluator.Script> scripts = new ArrayList<>();
        for (Path script : startupScripts) {
            scripts.add(read(script));
        }
        for (Path script : settings.startupScripts()) {
            scripts.add(read(script));
        }
        if (!settings.startupCode().isBlank()) {
            scripts.add(new Evaluator.Script("IJAVA_STARTUP_SCRIPT", settings.startupCode()));
        }
        // startup problems go to the kernel log (the terminal running Jupyter), not to a cell
        this.evaluator = new Evaluator(new Evaluator.Options(settings.classPath(), settings.compilerOptions(), scripts,
                settings.timeoutMillis(), "IJAVA_TIMEOUT", settings.interruptGraceMillis(), workingDirectory, log,
                sourcePath));
    }

    private static Evaluator.Script read(Path script) {
        try {
            return new Evaluator.Script(script.toString(), Files.readString(script));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read startup script " + script + ": " + e.getMessage(), e);
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
            Evaluator.Result[] last = new Evaluator.Result[1];
            evaluator.eval(code, Evaluator.Source.CELL, result -> last[0] = result);
            // a cell shows its last snippet's value if that snippet is an expression
            if (last[0] == null || !last[0].isExpressionValue()) {
                return null;
            }
            Object value = last[0].value();
            return evaluator.onEvaluationThread(() -> Displays.render(value), Displays.class.getName());
        } finally {
            output.end();
        }
    }

    @Override
    public ReplacementOptions complete(String code, int at) throws Exception {
        Evaluator.Completions completions = evaluator.complete(code, at);
        if (completions.continuations().isEmpty()) {
            return null;
        }
        return new ReplacementOptions(completions.continuations(), completions.anchor(), at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) throws Exception {
        List<Evaluator.Documentation> docs = evaluator.documentation(code, at);
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (Evaluator.Documentation doc : docs) {
            text.append(doc.signature()).append('\n');
            if (!doc.javadoc().isBlank()) {
                text.append(doc.javadoc().strip()).append("\n\n");
            }
        }
        return new DisplayData(text.toString().strip());
    }

    @Override
    public String isComplete(String code) {
        if (!evaluator.isStarted()) {
            return IS_COMPLETE_MAYBE;
        }
        try {
            switch (evaluator.completeness(code)) {
                case INCOMPLETE:
                    return "    "; // incomplete: the console continues with this indent
                case INVALID:
                    return IS_COMPLETE_BAD;
                default:
                    return IS_COMPLETE_YES;
            }
        } catch (CellError e) {
            return IS_COMPLETE_MAYBE;
        }
    }

    /** True while a cell runs, so displays reach its output. */
    boolean isDisplaying() {
        return getIO().display.isAttached();
    }

    @Override
    public void interrupt() {
        evaluator.interrupt();
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
        evaluator.close();
    }
}
