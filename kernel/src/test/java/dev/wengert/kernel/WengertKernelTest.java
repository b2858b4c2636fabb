package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wengert.repl.CellError;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/** The kernel's evaluation, driven directly (no Jupyter): results, errors, interrupts. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // safety net only
class WengertKernelTest {

    private static WengertKernel kernel;

    @BeforeAll
    static void start() {
        KernelSettings settings = KernelSettings.from(Map.of("WENGERT_INTERRUPT_GRACE_MS", "200"), Path.of("."));
        kernel = new WengertKernel(settings, List.of(), List.of(), Path.of("").toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    private static String text(DisplayData data) {
        return (String) data.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
    }

    @Test
    void lastExpressionIsTheResult() throws Exception {
        assertEquals("6", text(kernel.eval("int x = 3;\nx * 2")));
    }

    @Test
    void letDeclaresAVariable() throws Exception {
        assertEquals("\"hi\"", text(kernel.eval("let s = \"hi\";\ns")));
    }

    @Test
    void runawayLoopIsStoppedAndTheNextCellRuns() throws Exception {
        CompletableFuture<Exception> failure = CompletableFuture.supplyAsync(() -> {
            try {
                kernel.eval("int spins = 0;\nwhile (true) { spins++; }");
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        // interrupt until the cell has ended; each interrupt is harmless if it is early
        while (!failure.isDone()) {
            kernel.interrupt();
            Thread.sleep(50);
        }
        assertTrue(failure.get() instanceof CellError.Interrupted, String.valueOf(failure.get()));
        assertEquals("2", text(kernel.eval("1 + 1")));
    }

    @Test
    void completesFromEarlierCells() throws Exception {
        kernel.eval("String word = \"x\";");
        String cell = "int y = 1;\nword.toUpp";
        var options = kernel.complete(cell, cell.length());
        assertTrue(options.getReplacements().contains("toUpperCase("), options.getReplacements().toString());
        assertEquals(cell.length() - "toUpp".length(), options.getSourceStart());
    }

    @Test
    void inspectsAMethod() throws Exception {
        DisplayData doc = kernel.inspect("Math.abs(-1)", 6, false);
        assertTrue(text(doc).contains("abs(int"), text(doc));
    }

    @Test
    void userFramesOnlyWithCellLines() {
        CellError error = assertThrows(CellError.class,
                () -> kernel.eval("int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)"));
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at divide (line 2)", "    at cell (line 5)"),
                error.traceback());
    }

    @Test
    void stackOverflowShowsTheRepeatedFrameOnce() {
        CellError error = assertThrows(CellError.class,
                () -> kernel.eval("int down(int n) { return down(n + 1) + 1; }\ndown(0)"));
        List<String> traceback = error.traceback();
        assertEquals("java.lang.StackOverflowError", traceback.get(0));
        assertEquals(List.of("    at down (line 1)", "    at down (line 1)", "    at down (line 1)"), traceback.subList(1, 4));
        assertTrue(traceback.get(4).matches("    \\.\\.\\. the same frame \\d+ more times"), traceback.get(4));
        assertTrue(traceback.size() < 10, traceback.toString());
    }

    @Test
    void causesAreShown() {
        CellError error = assertThrows(CellError.class,
                () -> kernel.eval("throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));"));
        assertEquals("java.lang.RuntimeException: outer", error.getMessage());
        // JDK 17's JShell may drop the cause; when it passes it on, it is listed
        error.traceback().stream().filter(l -> l.startsWith("Caused by"))
                .forEach(l -> assertEquals("Caused by: java.lang.IllegalStateException: inner", l));
    }

    @Test
    void compileErrorNamesLineAndColumn() {
        CellError error = assertThrows(CellError.class, () -> kernel.eval("int a = 1;\nint b = nope;"));
        assertTrue(error.getMessage().startsWith("line 2, column 9: cannot find symbol"), error.getMessage());
    }
}
